"""Contract check and partial-deployment simulation costs.

Prints, for the example engine (3 interfaces) and a generated LEE-sized engine
(12 interfaces × 20 operations, 240 wrapper call sites, so 21 probes per key):

- contract items: total seconds for all keys (what the auto-collected items do,
  each key in its own fresh sandbox), median and min over repeats, and the median
  per item;
- the ``--lee-baseline`` simulation: seconds for a v1 → v2 change set (the gateway
  starts passing ``timeout=`` + the cores that accept it + harmless edits), with
  the number of mixed trees and the worker count.

Run: ``python bench/bench_contracts.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pytest_lee.contracts.baseline import Baseline, simulate  # noqa: E402
from pytest_lee.contracts.check import ContractSpec, check_key, registry_keys  # noqa: E402
from pytest_lee.settings import CommandLine, ContractSettings, Settings  # noqa: E402

INTERFACES, OPERATIONS = 12, 20


def generate_engine(target: Path, *, timeout: bool) -> None:
    """A LEE-shaped engine; with ``timeout=False`` the gateway and cores predate the timeout."""
    target.mkdir(parents=True, exist_ok=True)
    names = [f"iface{i:02d}" for i in range(INTERFACES)]
    members = "\n".join(f"    {name.upper()} = {name!r}" for name in names)
    routers = "\n".join(
        f"    Interface.{n.upper()}: ('interface_{n}', 'execute_{n}_operation')," for n in names
    )
    signature = (
        "interface, operation, timeout=30, **kwargs"
        if timeout
        else "interface, operation, **kwargs"
    )
    forward = "timeout=timeout, **kwargs" if timeout else "**kwargs"
    (target / "gateway_core.py").write_text(
        f"import importlib\nfrom enum import Enum\n\n\nclass Interface(Enum):\n{members}\n\n\n"
        f"_ROUTERS = {{\n{routers}\n}}\n_FAST_PATH = {{}}\n_COUNTS = {{}}\n\n\n"
        f"def execute_operation({signature}):\n"
        "    pair = (interface, operation)\n    router = _FAST_PATH.get(pair)\n    try:\n"
        "        if router is None:\n            module_name, function_name = _ROUTERS[interface]\n"
        "            router = getattr(importlib.import_module(module_name), function_name)\n"
        "            _COUNTS[pair] = _COUNTS.get(pair, 0) + 1\n"
        "            if _COUNTS[pair] >= 3:\n                _FAST_PATH[pair] = router\n"
        f"        return router(operation, {forward})\n"
        "    except Exception as error:\n"
        "        raise RuntimeError(f'{interface.value}.{operation} failed: {error}') from error\n"
    )
    wrappers = ["from gateway_core import Interface, execute_operation\n"]
    for name in names:
        core_params = "key, value=None, timeout=30" if timeout else "key, value=None"
        core = [f'"""Core {name}."""\n']
        table = []
        for op in range(OPERATIONS):
            core.append(
                f"\ndef _op{op:02d}_implementation({core_params}):\n    return (key, value)\n"
            )
            table.append(
                f"    'op{op:02d}': lambda **kwargs: _op{op:02d}_implementation(**_require(kwargs, 'key')),"
            )
            wrappers.append(
                f"\ndef {name}_op{op:02d}(key: str, value=None):\n"
                f"    return execute_operation(Interface.{name.upper()}, 'op{op:02d}', key=key, value=value)\n"
            )
        (target / f"{name}_core.py").write_text("".join(core))
        imports = ", ".join(f"_op{op:02d}_implementation" for op in range(OPERATIONS))
        (target / f"interface_{name}.py").write_text(
            f"from {name}_core import {imports}\n\n\n"
            "def _require(kwargs, *names):\n    for n in names:\n        if n not in kwargs:\n"
            "            raise ValueError(f'needs {n}')\n    return kwargs\n\n\n"
            "_OPERATION_DISPATCH = {\n" + "\n".join(table) + "\n}\n\n\n"
            f"def execute_{name}_operation(operation, **kwargs):\n"
            "    return _OPERATION_DISPATCH[operation](**kwargs)\n"
        )
    (target / "gateway.py").write_text("".join(wrappers))


def settings_for(
    source: Path, registry: str, dispatcher: str, operation: str, kwargs: dict
) -> Settings:
    contract = ContractSettings(
        registry=registry,
        dispatcher=dispatcher,
        operation=operation,
        kwargs=kwargs,
        leaves=("*_core",),
    )
    return Settings(
        rootdir=source.parent, source=source, contracts=(contract,), options=CommandLine()
    )


def time_items(settings: Settings, repeat: int) -> tuple[list[float], int, int]:
    spec = ContractSpec.from_settings(settings.contracts[0])
    labels = registry_keys(settings.source, spec)
    totals, probes = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        results = [check_key(settings.source, spec, label) for label in labels]
        totals.append(time.perf_counter() - started)
        assert all(result.status == "ok" for result in results), [
            r.message for r in results if not r
        ]
        probes = sum(len(result.probes) for result in results)
    return totals, len(labels), probes


def report_items(title: str, settings: Settings, repeat: int) -> None:
    totals, keys, probes = time_items(settings, repeat)
    print(
        f"{title}: {keys} contract items, {probes} probes: total median {statistics.median(totals):.3f} s, "
        f"min {min(totals):.3f} s, first (cold code cache) {totals[0]:.3f} s; "
        f"per item median {statistics.median(totals) / keys * 1000:.1f} ms"
    )


def report_baseline(title: str, settings: Settings, baseline_dir: Path) -> None:
    outcome = simulate(Baseline("directory", str(baseline_dir), baseline_dir), settings)
    print(
        f"{title}: baseline simulation {outcome.seconds:.2f} s for {len(outcome.changed)} changed files, "
        f"{outcome.trees} mixed trees, {os.cpu_count()} workers; groups {[' + '.join(g) for g in outcome.groups]}, "
        f"safe alone {list(outcome.safe_alone)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory(prefix="lee-bench-contracts-") as scratch:
        scratch_path = Path(scratch)
        example = scratch_path / "example" / "lee_engine"
        shutil.copytree(
            ROOT / "examples" / "lee_engine", example, ignore=shutil.ignore_patterns("__pycache__")
        )
        example_settings = settings_for(
            example,
            "gateway_core:_INTERFACE_ROUTERS",
            "gateway_core:execute_operation",
            "test_operation",
            {"timeout": 30},
        )
        report_items("example engine", example_settings, repeat)
        v1 = scratch_path / "example-v1"
        shutil.copytree(example, v1)
        for name, edits in {
            "cache_core.py": [
                (", timeout: int = 30", ""),
                ("(timeout: int = 30)", "()"),
                ('"timeout": timeout', '"timeout": None'),
            ],
            "gateway_core.py": [
                ("    timeout: int = DEFAULT_TIMEOUT,\n", ""),
                ("router(operation, timeout=timeout, **kwargs)", "router(operation, **kwargs)"),
            ],
            "interface_http.py": [('"""HTTP interface router."""', '"""HTTP router."""')],
        }.items():
            text = (v1 / name).read_text()
            for old, new in edits:
                text = text.replace(old, new)
            (v1 / name).write_text(text)
        report_baseline("example engine", example_settings, v1)

        generated = scratch_path / "generated" / "engine"
        generate_engine(generated, timeout=True)
        generated_settings = settings_for(
            generated,
            "gateway_core:_ROUTERS",
            "gateway_core:execute_operation",
            "op00",
            {"key": "k"},
        )
        report_items(f"generated {INTERFACES}x{OPERATIONS} engine", generated_settings, repeat)
        old = scratch_path / "generated-v1"
        generate_engine(old, timeout=False)
        # v2 = v1 + the timeout change in the gateway and three cores; the other nine cores already had it.
        for index in range(3, INTERFACES):
            shutil.copy(generated / f"iface{index:02d}_core.py", old / f"iface{index:02d}_core.py")
        report_baseline(f"generated {INTERFACES}x{OPERATIONS} engine", generated_settings, old)


if __name__ == "__main__":
    main()
