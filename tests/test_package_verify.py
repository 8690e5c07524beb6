"""Verification reports every problem at once, each naming its file; warnings never fail."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from lee_helpers import APP, package_settings, write_tree

from pytest_lee.errors import LeeConfigError, PackageError
from pytest_lee.package import build_package, model
from pytest_lee.settings import ContractSettings, FunctionSettings, Settings

RUNNING = f"python{sys.version_info[0]}.{sys.version_info[1]}"
# Built at run time so this file itself never contains a key-shaped string.
AWS_KEY = "AKIA" + "Q" * 12 + "WXYZ"
TEMP_KEY = "ASIA" + "7" * 16
PEM = "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n"


def build(tmp_path: Path, files: dict[str, str | bytes], **overrides):
    source = write_tree(tmp_path / "src", files)
    settings = package_settings(
        source, **{"function": FunctionSettings(runtime=RUNNING), **overrides}
    )
    return build_package(settings, out_dir=tmp_path / "out")


def problems_of(tmp_path: Path, files: dict[str, str | bytes], **overrides) -> tuple[str, ...]:
    with pytest.raises(PackageError) as excinfo:
        build(tmp_path, files, **overrides)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    return excinfo.value.problems


def test_a_clean_package_passes_without_warnings(tmp_path: Path):
    package = build(tmp_path, {"app.py": APP}, required=("app.py", "*.py"))
    assert package.files == ("app.py",) and package.warnings == ()


@pytest.mark.parametrize(
    ("files", "overrides", "expected"),
    [
        pytest.param(
            {"app.py": APP},
            {"required": ("gateway*.py",)},
            "gateway*.py: required, but no file in the package matches it",
            id="required-glob",
        ),
        pytest.param(
            {"main.py": APP},
            {},
            "app.py or app/__init__.py: handler module missing from the package (handler 'app.handler')",
            id="handler-module",
        ),
        pytest.param(
            {"app.py": "def handle(event, context):\n    return 1\n"},
            {},
            "app.py: does not define 'handler' (handler 'app.handler')",
            id="handler-function",
        ),
        pytest.param(
            {"pkg/__init__.py": "", "pkg/entry.py": "X = 1\n"},
            {"handler": "pkg.entry.main"},
            "pkg/entry.py: does not define 'main' (handler 'pkg.entry.main')",
            id="handler-in-a-package",
        ),
        pytest.param(
            {"app.py": APP, "lib.py": "def f(:\n    pass\n"},
            {},
            "lib.py:1: does not compile: SyntaxError: ",
            id="syntax-error",
        ),
        pytest.param(
            {"app.py": APP, "lib.py": "def f():\n  x = 1\n    y = 2\n"},
            {},
            "lib.py:3: does not compile: IndentationError: unexpected indent",
            id="indentation",
        ),
        pytest.param(
            {"app.py": APP, "lib.py": "return 1\n"},
            {},
            "lib.py:1: does not compile: SyntaxError: 'return' outside function",
            id="compiler-error",
        ),
        pytest.param(
            {"app.py": APP, "lib.py": "X = (\n"},
            {},
            "lib.py:1: does not compile: SyntaxError: '(' was never closed",
            id="truncated-file",
        ),
        pytest.param(
            {"app.py": APP, "settings.txt": f"region=eu-west-1\nkey={AWS_KEY}\n"},
            {},
            "settings.txt:2: contains an AWS long-term access key id (AKIA...)",
            id="aws-key",
        ),
        pytest.param(
            {"app.py": APP + f"\nTOKEN = '{TEMP_KEY}'\n"},
            {},
            "app.py:7: contains an AWS temporary access key id (ASIA...)",
            id="aws-temporary-key",
        ),
        pytest.param(
            {"app.py": APP, "certs/deploy.txt": PEM},
            {},
            "certs/deploy.txt:1: contains a private key block (-----BEGIN RSA PRIVATE KEY-----)",
            id="private-key",
        ),
        pytest.param(
            {"app.py": APP, "ops/key.asc": "x\n-----BEGIN PGP " + "PRIVATE KEY BLOCK-----\n"},
            {},
            "ops/key.asc:2: contains a private key block (-----BEGIN PGP PRIVATE KEY BLOCK-----)",
            id="pgp-private-key",
        ),
    ],
)
def test_each_problem_names_its_file(tmp_path: Path, files, overrides, expected):
    problems = problems_of(tmp_path, files, **overrides)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected)


@pytest.mark.parametrize(
    "definition",
    [
        "async def handler(event, context):\n    return 1\n",
        "def _impl(event, context):\n    return 1\n\nhandler = _impl\n",
        "from json import dumps as handler\n",
        "try:\n    from fast import handler\nexcept ImportError:\n    def handler(e, c):\n        return 1\n",
        "if True:\n    handler, other = (lambda e, c: 1), 2\n",
        "class handler:\n    pass\n",
        "from json import *\n",  # a module Lambda has: the import closure holds
    ],
    ids=["async", "assignment", "import", "try-import", "tuple-under-if", "class", "star-import"],
)
def test_the_handler_may_be_defined_any_way_python_binds_a_name(tmp_path: Path, definition: str):
    assert build(tmp_path, {"app.py": definition}).files == ("app.py",)


def test_a_handler_bound_only_inside_a_function_is_not_defined(tmp_path: Path):
    problems = problems_of(
        tmp_path, {"app.py": "def setup():\n    handler = 1\n    return handler\n"}
    )
    assert problems == ("app.py: does not define 'handler' (handler 'app.handler')",)


def test_a_package_shadows_a_module_of_the_same_name_as_at_import_time(tmp_path: Path):
    # `import app` finds app/__init__.py before app.py: that is the file Lambda runs.
    problems = problems_of(tmp_path, {"app.py": APP, "app/__init__.py": "VERSION = 1\n"})
    assert problems == ("app/__init__.py: does not define 'handler' (handler 'app.handler')",)


def test_a_handler_module_that_does_not_compile_is_reported_once(tmp_path: Path):
    problems = problems_of(tmp_path, {"app.py": "def handler(:\n"})
    assert len(problems) == 1 and problems[0].startswith("app.py:1: does not compile")


def test_syntax_newer_than_the_configured_runtime_does_not_compile(tmp_path: Path):
    match_statement = (
        "def handler(event, context):\n    match event:\n        case _:\n            return 1\n"
    )
    problems = problems_of(
        tmp_path, {"app.py": match_statement}, function=FunctionSettings(runtime="python3.9")
    )
    assert len(problems) == 1
    assert problems[0].startswith("app.py:")
    assert problems[0].endswith(
        "does not compile: SyntaxError: Pattern matching is only supported in Python 3.10 and greater"
    )


def test_a_symlink_leaving_the_source_fails_and_is_not_archived(tmp_path: Path):
    outside = write_tree(tmp_path / "outside", {"secret.txt": "x\n"})
    source = write_tree(tmp_path / "src", {"app.py": APP})
    (source / "secret.txt").symlink_to(outside / "secret.txt")
    (source / "broken.py").symlink_to(source / "gone.py")
    problems = problems_of(tmp_path, {})
    assert problems == (
        f"broken.py: broken symlink (-> {source / 'gone.py'})",
        f"secret.txt: symlink leaves the source (-> {outside / 'secret.txt'})",
    )
    unverified = build_package(
        Settings(rootdir=tmp_path, source=source, handler="app.handler"),
        verify=False,
        out_dir=tmp_path / "out2",
    )
    assert unverified.files == ("app.py",)
    assert any(
        "secret.txt: symlink leaves the source" in warning for warning in unverified.warnings
    )


def test_a_directory_symlink_looping_back_is_reported_not_followed(tmp_path: Path):
    source = write_tree(tmp_path / "src", {"app.py": APP, "lib/util.py": "X = 1\n"})
    (source / "lib" / "again").symlink_to(source)
    problems = problems_of(tmp_path, {})
    assert problems == ("lib/again: symlink loops back into the source",)


def test_the_size_limits_name_the_largest_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(model, "ZIPPED_LIMIT", 2_000)
    monkeypatch.setattr(model, "UNZIPPED_LIMIT", 50_000)
    import random

    noise = random.Random(0).randbytes(40_000)  # does not compress
    problems = problems_of(tmp_path, {"app.py": APP, "blob.bin": noise, "zeros.bin": bytes(20_000)})
    assert len(problems) == 2
    assert problems[0].startswith(
        "package is 0.0 MB zipped, over Lambda's 0.0 MB limit; largest files: blob.bin"
    )
    assert problems[1].startswith(
        "package is 0.1 MB unzipped, over Lambda's 0.0 MB limit; largest files: blob.bin"
    )
    assert "zeros.bin" in problems[1]


def test_every_problem_is_reported_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(model, "UNZIPPED_LIMIT", 100)
    files = {
        "main.py": "def f(:\n",
        "keys.cfg": f"key = {AWS_KEY}\n",
        "notes/ops.txt": PEM,
    }
    with pytest.raises(PackageError) as excinfo:
        build(tmp_path, files, required=("gateway.py", "main.py"))
    problems = excinfo.value.problems
    assert [problem.split(":")[0] for problem in problems] == [
        "gateway.py",
        "app.py or app/__init__.py",
        "keys.cfg",
        "main.py",
        "notes/ops.txt",
        "package is 0.0 MB unzipped, over Lambda's 0.0 MB limit; largest files",
    ]
    message = str(excinfo.value)
    assert message.startswith("package verification failed (6 problems):\n  - gateway.py: required")
    assert AWS_KEY not in message  # the report must not leak the key it found


def test_verify_false_builds_a_broken_package_for_fault_injection(tmp_path: Path):
    package = build_package(
        Settings(
            rootdir=tmp_path,
            source=write_tree(tmp_path / "src", {"main.py": "def f(:\n"}),
            handler="app.handler",
        ),
        verify=False,
        out_dir=tmp_path / "out",
    )
    assert package.files == ("main.py",)


def test_an_empty_source_is_a_problem(tmp_path: Path):
    (tmp_path / "src").mkdir()
    assert problems_of(tmp_path, {})[0] == f"{tmp_path / 'src'}: no files to package"


# --- warnings --------------------------------------------------------------------


def test_short_files_are_warnings_not_failures(tmp_path: Path):
    files = {"app.py": APP, "lib/__init__.py": "", "pkg/__init__.py": "X = 1\n", "data.txt": "x\n"}
    package = build(tmp_path, files, min_lines=5)
    assert package.warnings == (
        "pkg/__init__.py: 1 line, under min_lines = 5 (possibly truncated)",
    )


def test_min_lines_zero_turns_the_warning_off(tmp_path: Path):
    assert build(tmp_path, {"app.py": "def handler(e, c): pass\n"}, min_lines=0).warnings == ()


def test_compiling_with_another_python_than_the_runtime_is_a_warning(tmp_path: Path):
    package = build(tmp_path, {"app.py": APP}, function=FunctionSettings(runtime="python3.99"))
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert package.warnings == (
        f".py files were compiled with the running Python {running}, not [tool.lee.function] runtime = 'python3.99'",
    )


# --- modules named by contract registries ---------------------------------------------


@pytest.fixture
def registry_files(monkeypatch: pytest.MonkeyPatch):
    """Stand in for the static registry scan (pytest_lee.registry_files)."""
    calls = []

    def registry_module_files(settings):
        calls.append(settings.source)
        if settings.contracts[0].registry == "broken:X":
            raise LeeConfigError(
                "pyproject.toml: tool.lee.contract[0].registry: no module 'broken'"
            )
        return ("interface_cache.py", "interface_http.py")

    monkeypatch.setattr("pytest_lee.package.verify.registry_module_files", registry_module_files)
    return calls


def test_every_module_a_contract_registry_names_must_ship(tmp_path: Path, registry_files):
    contracts = (ContractSettings(registry="gateway_core:_INTERFACE_ROUTERS"),)
    files = {"app.py": APP, "interface_cache.py": "X = 1\n", "interface_http.py": "X = 1\n"}
    source = write_tree(tmp_path / "src", files)
    settings = Settings(
        rootdir=tmp_path, source=source, handler="app.handler", min_lines=0, contracts=contracts
    )
    assert build_package(settings, out_dir=tmp_path / "ok").files == tuple(sorted(files))
    with pytest.raises(PackageError) as excinfo:
        build_package(settings, omit=("interface_cache.py",), out_dir=tmp_path / "partial")
    assert excinfo.value.problems == (
        "interface_cache.py: missing from the package, but a [[tool.lee.contract]] registry names it "
        "(interface_cache.py left out by omit)",
    )
    assert registry_files == [source, source]


def test_a_registry_that_cannot_be_read_is_a_problem(tmp_path: Path, registry_files):
    problems = problems_of(
        tmp_path, {"app.py": APP}, contracts=(ContractSettings(registry="broken:X"),)
    )
    assert problems == ("pyproject.toml: tool.lee.contract[0].registry: no module 'broken'",)
