"""User code runs in a child process: a hostile registry module fails its own item, the session goes on.

These run ``runpytest_inprocess`` on purpose: the hostile modules must never run in
pytest's process, so running the session in this one proves it (a module calling
``os._exit`` here would end this test run).
"""

from __future__ import annotations

import json
import textwrap

import pytest

ROUTER = """
def route(operation, **kwargs):
    if operation == "hang":
        while True:
            pass
    if operation == "exit":
        import os
        os._exit(7)
    return core.work(**kwargs)
"""

HOSTILE = {
    "loops": "while True:\n    pass\n",
    "exits": "import os\nos._exit(3)\n",
    "interrupts": "raise KeyboardInterrupt\n",
    "exits_cleanly": "import sys\nsys.exit(0)\n",
    "threads": (
        "import threading, time\n"
        "threading.Thread(target=lambda: time.sleep(3600), daemon=False).start()\n"
    ),
    "patches_json": (
        "import json\njson.dumps = lambda *a, **k: 'garbage'\njson.loads = lambda *a, **k: None\n"
    ),
    "ignores_the_alarm": (
        "import time\nwhile True:\n    try:\n        time.sleep(60)\n    except BaseException:\n        pass\n"
    ),
}


def write_project(pytester: pytest.Pytester) -> None:
    engine = pytester.path / "engine"
    engine.mkdir()
    (engine / "core.py").write_text("def work(key=None):\n    raise AssertionError('ran')\n")
    (engine / "router.py").write_text("import core\n" + ROUTER)
    contracts = []
    for name, code in HOSTILE.items():
        (engine / f"gw_{name}.py").write_text(code + "\nROUTES = {'K': ('router', 'route')}\n")
        contracts.append(
            f'[[tool.lee.contract]]\nregistry = "gw_{name}:ROUTES"\noperation = "get"\n'
        )
    (engine / "gw.py").write_text(
        "ROUTES = {'OK': ('router', 'route'), 'HANG': ('router', 'route'), 'EXIT': ('router', 'route')}\n"
    )
    (engine / "calls.py").write_text(
        "from gw import ROUTES\n\n\ndef dispatch(key, operation, **kwargs):\n"
        "    return __import__(ROUTES[key][0]).route(operation, **kwargs)\n\n\n"
        "def hang():\n    return dispatch('HANG', 'hang')\n\n\n"
        "def leave():\n    return dispatch('EXIT', 'exit')\n"
    )
    contracts.append(
        '[[tool.lee.contract]]\nregistry = "gw:ROUTES"\ndispatcher = "calls:dispatch"\n'
        'operation = false\nleaves = ["core"]\n'
    )
    pytester.makepyprojecttoml(
        '[tool.lee]\nsource = "engine"\n\n[tool.lee.function]\ntimeout_s = 1\n\n'
        + "\n".join(contracts)
    )
    pytester.makepyfile(test_after="def test_the_session_goes_on():\n    pass\n")


def test_hostile_modules_fail_their_own_items_and_the_session_goes_on(
    pytester: pytest.Pytester,
) -> None:
    write_project(pytester)
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-k", "contract or after", "--lee-json", "out.json"
    )
    entries = json.loads((pytester.path / "out.json").read_text())["contracts"]
    verdicts = {(e["registry"].partition(":")[0], e["key"]): e for e in entries}
    status = {key: entry["status"] for key, entry in verdicts.items()}
    assert status == {
        ("gw_loops", "*"): "fail",
        ("gw_exits", "*"): "fail",
        ("gw_interrupts", "*"): "fail",
        ("gw_exits_cleanly", "*"): "fail",
        ("gw_threads", "K"): "ok",
        ("gw_patches_json", "K"): "ok",
        ("gw_ignores_the_alarm", "*"): "fail",
        ("gw", "OK"): "inconclusive",
        ("gw", "HANG"): "fail",
        ("gw", "EXIT"): "fail",
    }
    for entry in entries:
        assert "\n" not in entry["message"] and "Traceback" not in entry["message"]
    assert verdicts[("gw_loops", "*")]["message"] == (
        "registry gw_loops:ROUTES: module 'gw_loops' did not finish importing within 1 s "
        "([tool.lee.function] timeout_s)"
    )
    assert verdicts[("gw_exits", "*")]["message"] == (
        "registry gw_exits:ROUTES: module 'gw_exits' does not import: ImportError: "
        "ended the contract child process (exit status 3)"
    )
    assert "KeyboardInterrupt" in verdicts[("gw_interrupts", "*")]["message"]
    assert "SystemExit: 0" in verdicts[("gw_exits_cleanly", "*")]["message"]
    assert (
        "did not finish importing within 1 s" in verdicts[("gw_ignores_the_alarm", "*")]["message"]
    )
    assert verdicts[("gw", "HANG")]["message"] == (
        "calls.dispatch('HANG', 'hang') (call site calls.py:9) did not return within 1 s "
        "([tool.lee.function] timeout_s)"
    )
    assert verdicts[("gw", "EXIT")]["message"] == (
        "operation 'exit' (call site calls.py:13) ended the contract child process (exit status 7)"
    )
    result.assert_outcomes(passed=3, failed=7, skipped=1)  # test_after.py ran: the session went on
    assert not (pytester.path / "engine" / "LEAF_RAN").exists()


def test_a_module_printing_100_mb_at_import_is_checked_and_prints_nothing(
    pytester: pytest.Pytester,
) -> None:
    """Its own project with the default time limit: printing 100 MB to /dev/null takes well
    under a second on a quiet machine, but a 1 s limit is not 10x that at load 10."""
    engine = pytester.path / "engine"
    engine.mkdir()
    (engine / "core.py").write_text("def work(key=None):\n    pass\n")
    (engine / "router.py").write_text("import core\n" + ROUTER)
    (engine / "gw.py").write_text("print('x' * 100_000_000)\nROUTES = {'K': ('router', 'route')}\n")
    pytester.makepyprojecttoml(
        '[tool.lee]\nsource = "engine"\n\n'
        '[[tool.lee.contract]]\nregistry = "gw:ROUTES"\noperation = "get"\n'
    )
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-k", "contract", "--lee-json", "out.json"
    )
    (entry,) = json.loads((pytester.path / "out.json").read_text())["contracts"]
    assert (entry["key"], entry["status"]) == ("K", "ok"), entry["message"]
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*xxxxxxxxxx*")


def test_check_refuses_a_value_that_cannot_cross_naming_the_argument(
    pytester: pytest.Pytester,
) -> None:
    engine = pytester.path / "engine"
    engine.mkdir()
    (engine / "gw.py").write_text(
        textwrap.dedent(
            """
            def route(operation, callback=None, **kwargs):
                if not callable(callback):
                    raise TypeError("callback must be callable")

            ROUTES = {"K": route}
            """
        )
    )
    pytester.makepyprojecttoml('[tool.lee]\nsource = "engine"\n')
    pytester.makepyfile(
        test_check="""
        import pytest
        from pytest_lee.contracts.fixture import ContractArgumentError

        def test_values(lee_contract):
            with pytest.raises(ContractArgumentError, match="argument 'callback' is a object"):
                lee_contract.check("gw:ROUTES", "K", "get", callback=object())
            ok = lee_contract.check(
                "gw:ROUTES", "K", "get", callback=lee_contract.CALLABLE, data={"a": (1, {2}, b"x")}
            )
            assert ok, ok
        """
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider", "-k", "values").assert_outcomes(passed=1)
