"""The parent ↔ child protocol never deadlocks, whatever the sizes.

A registry network of several hundred modules makes both sides write more than a pipe
holds before the other reads: the parent's call sites (one probe each) and the child's
events (one per module it imports). The check runs in its own interpreter under a limit
far above what it needs, so a deadlock fails the test instead of hanging the suite.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pytest_lee.contracts.watch import _Lines

ROOT = Path(__file__).resolve().parents[1]


def write_network(target: Path, interfaces: int) -> None:
    """A gateway over *interfaces* routers, each with its core and a wrapper calling it twice."""
    target.mkdir(parents=True)
    routers = "\n".join(f"    'I{i}': ('router_{i}', 'route')," for i in range(interfaces))
    (target / "gateway.py").write_text(
        "import importlib\n\nROUTERS = {\n" + routers + "\n}\n\n\n"
        "def execute(interface, operation, **kwargs):\n"
        "    module, name = ROUTERS[interface]\n"
        "    return getattr(importlib.import_module(module), name)(operation, **kwargs)\n"
    )
    for i in range(interfaces):
        (target / f"router_{i}.py").write_text(
            f"import core_{i}\n\n\ndef route(operation, **kwargs):\n"
            f"    return getattr(core_{i}, operation)(**kwargs)\n"
        )
        (target / f"core_{i}.py").write_text(
            "def get(key, default=None):\n    return default\n\n\n"
            "def put(key, value):\n    return value\n"
        )
        (target / f"wrappers_{i}.py").write_text(
            "from gateway import execute\n\n\n"
            f"def get_{i}(key: str):\n    return execute('I{i}', 'get', key=key, default=None)\n\n\n"
            f"def put_{i}(key: str, value: str):\n    return execute('I{i}', 'put', key=key, value=value)\n"
        )


def test_a_network_larger_than_both_pipes_is_checked_to_the_end(tmp_path: Path) -> None:
    source = tmp_path / "engine"
    write_network(source, 400)  # 1,201 modules: ~60 KiB of events, ~110 KiB of probes
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from pytest_lee.contracts.results import ContractSpec
        from pytest_lee.contracts.runner import run_tree
        spec = ContractSpec("gateway:ROUTERS", "gateway:execute", None, {{}}, ("core_*",))
        results = run_tree(Path({str(source)!r}), [spec])
        print(len(results), sorted({{r.status for r in results}}), sum(len(r.probes) for r in results))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,  # ~3 s on a loaded 2-core machine; a deadlock never finishes
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["400", "['ok']", "800"]


def test_lines_are_cut_at_newlines_across_chunks() -> None:
    lines = _Lines()
    assert lines.feed(b'{"a"') == []
    assert lines.feed(b": 1}\n{") == [b'{"a": 1}']
    assert lines.feed(b"}\n\n") == [b"{}", b""]
    assert lines.feed(b"x" * 5) == []
    assert lines.feed(b"y\n") == [b"xxxxxy"]


def test_a_wakeup_without_an_event_is_not_a_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """epoll can wake the exchange for a descriptor it no longer maps (a pipe end another
    thread's fork still held when it was closed): select() returns nothing long before the
    deadline. That read as "did not finish within 3 s" at a deploy-group end, which masked
    the mixed tree's real break and called its file safe alone."""
    import selectors

    from pytest_lee.contracts import watch
    from pytest_lee.contracts.results import ContractSpec
    from pytest_lee.contracts.runner import run_tree

    class Spurious(selectors.DefaultSelector):  # type: ignore[misc,valid-type]
        woken = 0

        def select(self, timeout: float | None = None) -> list:  # type: ignore[override]
            if Spurious.woken < 3:  # the first wakeups carry no event of ours
                Spurious.woken += 1
                return []
            return super().select(timeout)

    monkeypatch.setattr(watch.selectors, "DefaultSelector", Spurious)
    source = tmp_path / "engine"
    write_network(source, 2)
    spec = ContractSpec("gateway:ROUTERS", "gateway:execute", None, {}, ("core_*",))
    results = run_tree(source, [spec])
    assert Spurious.woken == 3
    assert sorted({r.status for r in results}) == ["ok"], [r.message for r in results]
