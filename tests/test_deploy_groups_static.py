"""Static hazards outside the registry (the handler's imports) and the signature fixes.

Small trees reproduce the patterns of the engine's history: a renamed
``lambda_handler`` with its caller changed (pull request 8), functions moved into
``gateway_wrappers_*.py`` and re-exported with ``import *`` (pull request 6).
"""

from __future__ import annotations

from pytest_lee.deploy_groups.hazards import handler_hazards
from pytest_lee.deploy_groups.signatures import compare_file

FUNCTION_OLD = (
    b"def lambda_handler(event, context):\n"
    b"    import lambda_failsafe\n"
    b"    return lambda_failsafe.lambda_handler(event, context)\n"
)
FUNCTION_NEW = FUNCTION_OLD.replace(b"failsafe.lambda_handler(", b"failsafe.failsafe_handler(")
FAILSAFE_OLD = b"def lambda_handler(event, context):\n    return {}\n"
FAILSAFE_NEW = b"def failsafe_handler(event, context):\n    return {}\n"
HANDLER = "lambda_function.lambda_handler"


def hazards(files: dict[str, bytes]) -> list[str]:
    known = {"lambda_function", "lambda_failsafe", "gateway_enums"}
    return [r.call for r in handler_hazards(files, HANDLER, known) if r.status == "fail"]


def test_a_renamed_function_breaks_whichever_end_ships_alone() -> None:
    assert hazards({"lambda_function.py": FUNCTION_OLD, "lambda_failsafe.py": FAILSAFE_OLD}) == []
    assert hazards({"lambda_function.py": FUNCTION_NEW, "lambda_failsafe.py": FAILSAFE_NEW}) == []
    assert hazards({"lambda_function.py": FUNCTION_OLD, "lambda_failsafe.py": FAILSAFE_NEW}) == [
        "lambda_function.py: lambda_failsafe.lambda_handler"
    ]
    assert hazards({"lambda_function.py": FUNCTION_NEW, "lambda_failsafe.py": FAILSAFE_OLD}) == [
        "lambda_function.py: lambda_failsafe.failsafe_handler"
    ]


def test_names_re_exported_with_import_star_resolve() -> None:
    files = {
        "lambda_function.py": b"from gateway import cache_get\n\ndef lambda_handler(e, c):\n    pass\n",
        "gateway.py": b"from gateway_wrappers import *\n",
        "gateway_wrappers.py": b"from gateway_wrappers_cache import *\n",
        "gateway_wrappers_cache.py": b"def cache_get(key):\n    pass\n",
    }
    assert hazards(files) == []
    files["gateway_wrappers.py"] = b"def other():\n    pass\n"
    assert hazards(files) == ["lambda_function.py: gateway.cache_get"]


def test_a_module_missing_from_the_tree_and_a_missing_handler_are_hazards() -> None:
    files = {"lambda_function.py": b"import gateway_enums\n\ndef other(e, c):\n    pass\n"}
    assert hazards(files) == [
        "lambda_function.py: import gateway_enums",
        "lambda_function.py: handler lambda_handler",
    ]
    assert handler_hazards({"app.py": b""}, HANDLER, ()) == []  # no handler at either end


OLD_WRAPPERS = "def cache_get(key):\n    pass\n\n\ndef _helper():\n    pass\n"


def test_a_function_still_importable_from_its_module_is_not_removed() -> None:
    new = "from gateway_wrappers_cache import *\n"
    moved = compare_file(
        "gateway_wrappers.py", OLD_WRAPPERS, new, False, still_importable={"cache_get"}
    )
    assert moved == []
    gone = compare_file("gateway_wrappers.py", OLD_WRAPPERS, new, False)
    assert [(c.function, c.details) for c in gone] == [("cache_get", ("removed",))]


def test_a_private_function_used_only_in_its_own_file_is_not_breaking() -> None:
    new = "def cache_get(key):\n    pass\n"
    alone = compare_file("w.py", OLD_WRAPPERS, new, True, used_elsewhere=lambda name: False)
    assert alone == []
    shared = compare_file("w.py", OLD_WRAPPERS, new, True, used_elsewhere=lambda name: True)
    assert [c.function for c in shared] == ["_helper"]


def test_methods_of_a_private_class_are_private() -> None:
    old = "class _Logger:\n    def info(self, msg):\n        pass\n"
    assert compare_file("f.py", old, "", False) == []


def test_the_handler_reaches_imported_and_lazily_named_modules_only() -> None:
    from pytest_lee.deploy_groups.hazards import reachable_files

    files = {
        "lambda_function.py": b"import gateway\n\ndef lambda_handler(e, c):\n    pass\n",
        "gateway.py": b"ROUTERS = {'CACHE': ('interface_cache', 'execute')}\n",
        "interface_cache.py": b"def execute(operation, **kwargs):\n    pass\n",
        "gateway_wrappers_cache.py": b"def cache_get(key):\n    pass\n",  # nothing imports it
    }
    assert reachable_files(files, HANDLER) == {
        "lambda_function.py",
        "gateway.py",
        "interface_cache.py",
    }
    assert reachable_files(files, "app.handler") is None


def test_a_module_s_own_attributes_always_resolve() -> None:
    caller = b"import lambda_failsafe\n\ndef lambda_handler(e, c):\n    return lambda_failsafe.__file__\n"
    assert hazards({"lambda_function.py": caller, "lambda_failsafe.py": FAILSAFE_OLD}) == []
