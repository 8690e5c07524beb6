"""Bytecode as Lambda has it: the runtime's packages compiled once, the package's only if shipped."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from pytest_lee._interpreter import Interpreter
from pytest_lee.errors import PackageError
from pytest_lee.lambda_runtime import bytecode
from pytest_lee.lambda_runtime.runner import run_handler
from pytest_lee.package.bytecode import pyc_name, with_bytecode
from pytest_lee.package.select import SourceFile
from pytest_lee.settings import FunctionSettings, Settings

RUNNING = Interpreter(sys.executable, (sys.version_info[0], sys.version_info[1]))
TAG = f"cpython-{sys.version_info[0]}{sys.version_info[1]}"


def provided_package(tmp_path: Path) -> Path:
    """A 'runtime_provides' directory: a link to a package that has no bytecode."""
    site = tmp_path / "site"
    (site / "sdk" / "data" / "s3").mkdir(parents=True)
    (site / "sdk" / "__init__.py").write_text("from sdk import client\nVALUE = client.VALUE\n")
    (site / "sdk" / "client.py").write_text("VALUE = 42\n")
    (site / "sdk" / "data" / "s3" / "service.json").write_text("{}")
    provides = tmp_path / "provides"
    provides.mkdir()
    (provides / "sdk").symlink_to(site / "sdk")
    return provides


def test_runtime_packages_without_bytecode_get_a_compiled_mirror_made_once(tmp_path, monkeypatch):
    monkeypatch.setenv("LEE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(bytecode, "_MIRRORS", {})
    provides = provided_package(tmp_path)
    assert not bytecode.has_bytecode((provides / "sdk").resolve(), TAG)
    mirror = bytecode.runtime_packages(provides, RUNNING)
    assert mirror is not None and mirror != provides
    assert mirror.parent == tmp_path / "cache" / "runtime-bytecode"
    assert (mirror / "sdk" / "__pycache__" / f"client.{TAG}.pyc").is_file()
    assert (mirror / "sdk" / "client.py").is_symlink()
    assert (mirror / "sdk" / "data").is_symlink()  # no Python below: linked whole
    assert not (tmp_path / "site" / "sdk" / "__pycache__").exists()  # the venv is untouched
    monkeypatch.setattr(bytecode, "_MIRRORS", {})
    assert bytecode.runtime_packages(provides, RUNNING) == mirror  # the next session reuses it
    # The child imports the package from the mirror, and reads its bytecode: the source
    # now says 43 (same size, same modification time), the bytecode still says 42.
    source = tmp_path / "site" / "sdk" / "client.py"
    stat = source.stat()
    source.write_text("VALUE = 43\n")
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    code = tmp_path / "task"
    code.mkdir()
    (code / "app.py").write_text(
        "import sdk\ndef handler(event, context):\n    return [sdk.VALUE, sdk.__cached__]\n"
    )
    monkeypatch.setattr("pytest_lee.lambda_runtime.provides.provides_dir", lambda names: provides)
    run = run_handler(code, "app.handler", [{}], FunctionSettings(runtime_provides=("sdk",)))
    assert run.ok, run.error
    value, cached = run.responses[0]
    assert value == 42 and cached.startswith(str(mirror))


def test_runtime_packages_that_have_bytecode_are_used_as_they_are(tmp_path, monkeypatch):
    monkeypatch.setenv("LEE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(bytecode, "_MIRRORS", {})
    provides = provided_package(tmp_path)
    pycache = tmp_path / "site" / "sdk" / "__pycache__"
    pycache.mkdir()
    (pycache / f"__init__.{TAG}.pyc").write_bytes(b"")
    assert bytecode.runtime_packages(provides, RUNNING) == provides
    assert bytecode.runtime_packages(None, RUNNING) is None


def package_settings(tmp_path: Path, runtime: str) -> Settings:
    return Settings(
        rootdir=tmp_path,
        function=FunctionSettings(runtime=runtime, python=sys.executable),
    )


def sources(tmp_path: Path) -> list[SourceFile]:
    (tmp_path / "pkg").mkdir(exist_ok=True)
    (tmp_path / "app.py").write_text("CONSTANTS = {'a', 'b', 'c', frozenset({1, 2})}\n")
    (tmp_path / "pkg" / "mod.py").write_text("def f():\n    return 1\n")
    (tmp_path / "pkg" / "broken.py").write_text("def f(:\n")
    (tmp_path / "data.json").write_text("{}")
    return [
        SourceFile("app.py", tmp_path / "app.py", False),
        SourceFile("data.json", tmp_path / "data.json", False),
        SourceFile("pkg/broken.py", tmp_path / "pkg" / "broken.py", False),
        SourceFile("pkg/mod.py", tmp_path / "pkg" / "mod.py", False),
    ]


def test_compile_true_adds_unchecked_hash_bytecode_the_same_bytes_every_time(tmp_path, monkeypatch):
    runtime = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    settings = package_settings(tmp_path, runtime)
    files = sources(tmp_path)
    contents = []
    for attempt in ("one", "two"):  # two empty caches: compiled twice, from scratch
        monkeypatch.setenv("LEE_CACHE_DIR", str(tmp_path / f"cache-{attempt}"))
        shipped = with_bytecode(settings, files)
        contents.append({item.name: item.path.read_bytes() for item in shipped})
    assert contents[0] == contents[1]
    names = list(contents[0])
    assert names == sorted(names)
    version = sys.version_info[:2]
    assert pyc_name("pkg/mod.py", version) == f"pkg/__pycache__/mod.{TAG}.pyc"
    assert {pyc_name("app.py", version), pyc_name("pkg/mod.py", version)} <= set(names)
    assert pyc_name("pkg/broken.py", version) not in names  # the compile check reports it
    flags = int.from_bytes(contents[0][pyc_name("app.py", version)][4:8], "little")
    assert flags == 0b01  # PEP 552: hash-based, not checked against the source


def test_compile_true_for_another_python_version_is_refused_with_one_line(tmp_path):
    settings = package_settings(tmp_path, "python3.99")
    with pytest.raises(PackageError) as refused:
        with_bytecode(settings, sources(tmp_path))
    assert "compile = true: the runtime is python3.99, the Python here is" in str(refused.value)


def test_shipped_bytecode_is_what_the_child_imports(tmp_path, monkeypatch):
    monkeypatch.setenv("LEE_CACHE_DIR", str(tmp_path / "cache"))
    runtime = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    settings = package_settings(tmp_path, runtime)
    code = tmp_path / "task"
    code.mkdir()
    (code / "app.py").write_text("def handler(event, context):\n    return 'bytecode'\n")
    for item in with_bytecode(settings, [SourceFile("app.py", code / "app.py", False)]):
        target = code / item.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(item.path.read_bytes())
    # Unchecked-hash bytecode is loaded without looking at the source, as on Lambda's
    # read-only /var/task with a zip's 1980 timestamps.
    (code / "app.py").write_text("def handler(event, context):\n    return 'source'\n")
    function = replace(FunctionSettings(runtime_provides=()), runtime=runtime)
    run = run_handler(code, "app.handler", [{}], function)
    assert run.ok, run.error
    assert run.responses == ("bytecode",)


def test_the_advisor_measures_what_shipped_bytecode_would_save(pytester):
    from budgets_project import budgets_project

    # A module that is mostly source to compile: thousands of small functions.
    body = "\n".join(
        f"def f{number}(x):\n    return [x + {number}, x * {number}, str(x)]\n"
        for number in range(10000)
    )
    project = budgets_project(
        pytester,
        "from big import f1\n\ndef handler(event, context):\n    return f1(1)\n",
        "runs = 1\nimport_ms = { acceptable = 1000000 }\n",
    )
    (project.path / "src" / "big.py").write_text(body)
    result = pytester.runpytest_inprocess("--lee-budgets", "--lee-cpu", "lambda", "-k", "budget")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*note: shipping bytecode (*compile = true) would save * ms of the * ms "
            "import (* % of the init), measured with one extra cold start*"
        ]
    )


def test_the_advisor_says_nothing_under_its_thresholds():
    from pytest_lee.budgets.bytecode_advice import advice_note

    assert advice_note(300.0, 290.0, 90.0) is None  # 10 ms of a 390 ms init
    assert advice_note(300.0, 100.0, 90.0) is not None  # 200 ms: half the init


def test_compile_true_in_pyproject_ships_bytecode_in_the_package(pytester, monkeypatch):
    monkeypatch.setenv("LEE_CACHE_DIR", str(pytester.path / "cache"))
    runtime = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    pytester.makefile(
        ".toml",
        pyproject=(
            '[tool.lee]\nsource = "src"\nhandler = "app.handler"\nmin_lines = 0\ncompile = true\n'
            f'[tool.lee.function]\nruntime = "{runtime}"\nruntime_provides = []\n'
        ),
    )
    pytester.mkdir("src")
    (pytester.path / "src" / "app.py").write_text("def handler(event, context):\n    return 1\n")
    pytester.makepyfile(
        test_zip="""
        import zipfile

        def test_zip(lee_package):
            package = lee_package()
            names = zipfile.ZipFile(package.path).namelist()
            assert "app.py" in names
            assert any(name.startswith("__pycache__/app.cpython-") for name in names), names
        """
    )
    result = pytester.runpytest_inprocess("-k", "test_zip")
    result.assert_outcomes(passed=1)
