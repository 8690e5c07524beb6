"""The import network read from source: which modules the registry reaches (no code runs)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from pytest_lee.contracts.child.facts import import_graph, reach, source_files


def write(directory: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def test_every_way_a_module_names_another_is_an_edge(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "gw.py": """
                import importlib
                ROUTERS = {"a": ("iface_a", "route"), "b": ["pkg.iface_b", "route"]}
                def load():
                    return importlib.import_module("lazy")
            """,
            "iface_a.py": """
                from core_a import (
                    get,
                    put as store,
                )
                import json, core_c as c
            """,
            "pkg/__init__.py": "",
            "pkg/iface_b.py": "from . import core_b\nfrom .. import nothing\n",
            "pkg/core_b.py": "",
            "core_a.py": "",
            "core_c.py": "",
            "lazy.py": "",
            "island_core.py": "import missing_dependency\n",
        },
    )
    graph = import_graph(tmp_path, source_files(tmp_path))
    assert graph["gw"] == ["iface_a", "lazy", "pkg.iface_b"]
    assert graph["iface_a"] == ["core_a", "core_c"]
    assert graph["pkg.iface_b"] == ["pkg", "pkg.core_b"]  # `from . import` runs pkg first
    assert reach(graph, ["gw"]) == {
        "gw",
        "iface_a",
        "core_a",
        "core_c",
        "lazy",
        "pkg",
        "pkg.iface_b",
        "pkg.core_b",
    }
    assert "island_core" not in reach(graph, ["gw"])


def test_the_child_side_imports_only_the_standard_library() -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    script = (
        f"import sys; sys.path.insert(0, {str(root)!r}); "
        "import importlib, pkgutil, pytest_lee.contracts.child as c; "
        "[importlib.import_module(f'{c.__name__}.{m.name}') for m in pkgutil.iter_modules(c.__path__)]; "
        "print(sorted({m.split('.')[0] for m in sys.modules} - set(sys.stdlib_module_names) - {'__main__'}))"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "['pytest_lee']"
