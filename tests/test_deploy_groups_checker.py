"""The search's side of the new contract checker: records, operations read statically, trees.

- a key no probe applies to is no record (a call site that is not there is not broken);
- with the default leaves (spies on the routers), an operation renamed in a router and
  its wrapper is read from the router's source, so each end alone fails;
- a failure names the files of a leaf module that does not import and of a mixed
  tree's absolute paths;
- mixed trees are hard links to a content store with hash-checked bytecode.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from pytest_lee.contracts.child.spies import LeafCall
from pytest_lee.contracts.results import KeyResult, ProbeResult
from pytest_lee.deploy_groups import treecheck
from pytest_lee.deploy_groups.attribution import named_files
from pytest_lee.deploy_groups.hazards import unknown_operations
from pytest_lee.deploy_groups.treecheck import CallResult
from pytest_lee.deploy_groups.trees import ContentStore

REG = "gw:ROUTERS"
ROUTER = (
    b"_DISPATCH = {'get': _get, 'set': _set}\n\ndef execute_cache_operation(op, **kw):\n    ...\n"
)


def routed(operation: str, origin: str = "wrappers.py:3") -> CallResult:
    call = f"gw.dispatch(Iface.CACHE, {operation!r})"
    leaf = ("iface_cache.execute_cache_operation", "iface_cache.py", operation)
    return CallResult(REG, "CACHE", call, "ok", "bound", origin, reached=(leaf,))


def test_an_operation_the_router_does_not_write_fails_naming_both_files() -> None:
    files = {"iface_cache.py": ROUTER}
    checked = unknown_operations([routed("get"), routed("lookup")], files, {REG})
    assert [r.status for r in checked] == ["ok", "fail"]
    assert checked[1].files == ("wrappers.py", "iface_cache.py")
    assert "does not dispatch operation 'lookup'" in checked[1].cause


def test_a_router_that_writes_no_operation_and_the_configured_probe_are_left_alone() -> None:
    dynamic = {
        "iface_cache.py": b"def execute_cache_operation(op, **kw):\n    return getattr(x, op)\n"
    }
    assert unknown_operations([routed("lookup")], dynamic, {REG})[0].status == "ok"
    configured = routed("lookup", origin="[tool.lee.contract]")
    files = {"iface_cache.py": ROUTER}
    assert unknown_operations([routed("get"), configured], files, {REG})[1].status == "ok"
    assert unknown_operations([routed("lookup")], files, {"other:REG"})[0].status == "ok"


def test_a_key_no_probe_applies_to_is_no_record() -> None:
    leaf = LeafCall("iface.run", "iface.py:4", "wrappers.py:3", "'get', key='k'", "(op, **kw)")
    probe = ProbeResult(
        REG, "CACHE", "gw.dispatch(Iface.CACHE, 'get')", "wrappers.py:3", "ok", "bound", (leaf,)
    )
    answer = [
        KeyResult(REG, "CACHE", "ok", "bound", (probe,)),
        KeyResult(REG, "HTTP", "inconclusive", "no probe applies to HTTP: no call site reaches it"),
        KeyResult(REG, "LOGGING", "fail", "module 'iface_logging' does not import"),
    ]
    records = treecheck.call_results(answer)
    assert [(r.key, r.call, r.status) for r in records] == [
        ("CACHE", "gw.dispatch(Iface.CACHE, 'get')", "ok"),
        ("LOGGING", "*", "fail"),
    ]
    assert records[0].reached == (("iface.run", "iface.py", "get"),)


def test_a_failure_names_a_leaf_module_and_paths_inside_a_mixed_tree() -> None:
    paths = {"cache_core.py", "logging_core.py"}
    leaf = CallResult(
        REG, "CACHE", "*", "fail", "leaf module 'cache_core' (leaves = ['*_core']) does not import"
    )
    assert named_files(leaf, paths) == {"cache_core.py"}
    frame = CallResult(
        REG, "LOG", "*", "fail", 'File "/tmp/mix-3/lee-baseline-x/mix-12/logging_core.py", line 3'
    )
    assert named_files(frame, paths) == {"logging_core.py"}


def test_mixed_trees_link_one_stored_copy_and_its_hash_checked_bytecode(tmp_path: Path) -> None:
    store = ContentStore(tmp_path / "store")
    files = {"pkg/__init__.py": b"", "pkg/mod.py": b"VALUE = 41 + 1\n", "data.txt": b"x"}
    for name in ("one", "two"):
        store.build(tmp_path / name, files)
    assert (tmp_path / "one" / "pkg" / "mod.py").stat().st_ino == (
        tmp_path / "two" / "pkg" / "mod.py"
    ).stat().st_ino
    compiled = importlib.util.cache_from_source(str(tmp_path / "two" / "pkg" / "mod.py"))
    assert (
        Path(compiled).read_bytes()[4:8] == b"\x03\x00\x00\x00"
    )  # checked against the source hash
    done = subprocess.run(
        [
            sys.executable,
            "-I",
            "-B",
            "-c",
            "import sys; sys.path.insert(0, '.'); import pkg.mod; print(pkg.mod.VALUE, pkg.mod.__file__)",
        ],
        cwd=tmp_path / "two",
        capture_output=True,
        text=True,
        check=True,
    )
    value, where = done.stdout.split()
    assert (value, Path(where)) == ("42", tmp_path / "two" / "pkg" / "mod.py")
    store.links = False  # a file system without hard links: copies
    store.build(tmp_path / "three", files)
    assert (tmp_path / "three" / "data.txt").read_bytes() == b"x"


def test_a_tree_directory_is_updated_in_place_file_by_file(tmp_path: Path) -> None:
    store = ContentStore(tmp_path / "store")
    old = {"a.py": b"A = 1\n", "pkg/__init__.py": b"", "pkg/b.py": b"B = 1\n"}
    new = {"a.py": b"A = 2\n", "c.py": b"C = 1\n"}
    store.build(tmp_path / "other", new)  # c.py's content is in a second tree below: compiled
    assert store.build(tmp_path / "tree", old) == set()  # each content in one tree so far
    compiled = store.update(tmp_path / "tree", old, new, set())
    assert compiled == {"a.py", "c.py"}
    listing = {p.relative_to(tmp_path / "tree").as_posix() for p in (tmp_path / "tree").rglob("*")}
    assert listing == {"__pycache__", *store.layout(new, compiled)}  # pkg/ is gone
    assert (tmp_path / "tree" / "a.py").read_bytes() == b"A = 2\n"
