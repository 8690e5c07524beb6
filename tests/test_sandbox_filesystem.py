"""Filesystem as Lambda has it: a read-only task root (or a fresh copy), never the user's
tree as working directory, an empty /tmp at every cold start, nothing left afterwards."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from sandbox_helpers import isolation_kind

from pytest_lee.lambda_runtime.runner import run_handler
from pytest_lee.sandbox import reaper
from pytest_lee.sandbox.child import drain
from pytest_lee.settings import FunctionSettings

FUNCTION = FunctionSettings(runtime_provides=(), timeout_s=60)

CACHE = """
import os, tempfile

def handler(event, context):
    warm = []
    for path in ("/tmp/lee-test-cache", os.path.join(tempfile.gettempdir(), "cache2"),
                 os.path.expanduser("~/.cache-lee"), "/var/tmp/lee-test-cache"):
        warm.append(os.path.exists(path))
        try:
            open(path, "w").write("warm")
        except OSError:
            pass
    return warm
"""


def test_a_tmp_cache_never_makes_the_next_cold_start_warm(tmp_path: Path):
    (tmp_path / "app.py").write_text(CACHE)
    try:
        first = run_handler(tmp_path, "app.handler", [{}, {}], FUNCTION)
        second = run_handler(tmp_path, "app.handler", [{}], FUNCTION)
    finally:
        Path("/tmp/lee-test-cache").unlink(missing_ok=True)  # the guard's leftovers
        Path("/var/tmp/lee-test-cache").unlink(missing_ok=True)
    assert first.ok and second.ok, (first.error, second.error)
    warm_in_the_same_start = first.responses[1][:3]
    assert warm_in_the_same_start == [True, True, True]  # /tmp works within one start
    if isolation_kind() == "namespace":  # a private /tmp, and the rest read-only
        assert second.responses[0] == [False, False, False, False]
    else:  # without a mount namespace only TMPDIR and HOME are the start's own
        assert second.responses[0][1:3] == [False, False]


def test_a_handler_cannot_change_its_package(tmp_path: Path):
    (tmp_path / "app.py").write_text(
        "import os\n"
        "def handler(event, context):\n"
        "    done = []\n"
        "    for action in (lambda: open('new.txt', 'w'), lambda: os.remove('other.py'),\n"
        "                   lambda: open(os.path.join(os.environ['LAMBDA_TASK_ROOT'], 'x'), 'w')):\n"
        "        try:\n"
        "            action()\n"
        "            done.append('changed')\n"
        "        except OSError as error:\n"
        "            done.append(type(error).__name__)\n"
        "    return {'cwd': os.getcwd(), 'done': done}\n"
    )
    (tmp_path / "other.py").write_text("")
    before = sorted(path.name for path in tmp_path.iterdir())
    run = run_handler(tmp_path, "app.handler", [{}], FUNCTION)
    assert run.ok, run.error
    assert sorted(path.name for path in tmp_path.iterdir()) == before
    if isolation_kind() == "namespace":  # Lambda's read-only /var/task
        assert run.responses[0] == {"cwd": str(tmp_path.resolve()), "done": ["OSError"] * 3}
    else:  # a fresh copy: the change is the copy's, removed afterwards
        assert run.responses[0]["cwd"] != str(tmp_path.resolve())


def test_a_contract_registry_writing_at_import_leaves_the_source_tree_as_it_was(
    pytester: pytest.Pytester,
):
    engine = pytester.path / "engine"
    engine.mkdir()
    (engine / "victim.py").write_text("X = 1\n")
    (engine / "gw.py").write_text(
        "import os\n"
        "for action in (lambda: open('shipped.txt', 'w').write('x'),\n"
        "               lambda: os.remove('victim.py'),\n"
        "               lambda: open(os.path.join(os.path.dirname(__file__), 'abs.txt'), 'w')):\n"
        "    try:\n"
        "        action()\n"
        "    except OSError:\n"
        "        pass\n"
        "ROUTES = {}\n"
    )
    pytester.makepyprojecttoml(
        '[tool.lee]\nsource = "engine"\n\n[tool.lee.function]\ntimeout_s = 30\n\n'
        '[[tool.lee.contract]]\nregistry = "gw:ROUTES"\noperation = "get"\n'
    )
    before = sorted(path.name for path in engine.iterdir())
    pytester.runpytest_inprocess("-p", "no:cacheprovider")
    assert sorted(path.name for path in engine.iterdir()) == before
    assert not (pytester.path / "shipped.txt").exists()


def test_nothing_of_a_child_is_left_in_the_temp_dir(tmp_path: Path):
    (tmp_path / "app.py").write_text(CACHE)
    mine = f"lee-{reaper.session_tag()}-child-"
    run = run_handler(tmp_path, "app.handler", [{}], FUNCTION)
    assert run.ok, run.error
    drain()  # the cleaner thread removes a child's directories after the run
    assert [p for p in Path(tempfile.gettempdir()).iterdir() if p.name.startswith(mine)] == []
