"""Contract check costs: the real engine, the example, and how the cost grows with interfaces.

Prints:

- for the example engine and (when ``../shared`` is beside the repository) the real
  LEE snapshot: collection (every registry's keys, one child process) and all
  contract items (one child that imports the tree once and checks every key),
  median over repeats with cold caches, the static part (parsing, call sites,
  import graph) shown apart, and a real ``pytest -k contract`` run's item times
  summed from its JUnit XML;
- a generated LEE-shaped engine at 25, 50 and 100 interfaces × 40 operations: the
  check against the *floor* — a fresh interpreter importing every module and
  calling every wrapper once with the real cores — measured side by side, and
  their ratio (linear in interfaces: the ratio stays flat);
- the ``--lee-baseline`` simulation on the example and a generated engine.

Run: ``python bench/bench_contracts.py [--repeat N] [--sizes 25,50,100]``.
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("LEE_SHARED") or ROOT.parent / "shared")  # LEE_SHARED: from a worktree
SNAPSHOT = SHARED / "realworld" / "engine" / "snapshot-fa7e120" / "src"
sys.path.insert(0, str(ROOT))

from pytest_lee.contracts import calls, probes, runner  # noqa: E402
from pytest_lee.contracts.child import facts  # noqa: E402
from pytest_lee.contracts.results import ContractSpec  # noqa: E402
from pytest_lee.contracts.runner import run_keys, run_tree  # noqa: E402
from pytest_lee.deploy_groups.baseline import Baseline, simulate  # noqa: E402
from pytest_lee.package.select import select_files  # noqa: E402
from pytest_lee.settings import CommandLine, ContractSettings, Settings  # noqa: E402

OPERATIONS = 40


def generate_engine(
    target: Path, interfaces: int, operations: int, *, timeout: bool = True
) -> None:
    """A LEE-shaped engine; with ``timeout=False`` the gateway and cores predate the timeout."""
    target.mkdir(parents=True, exist_ok=True)
    names = [f"iface{i:03d}" for i in range(interfaces)]
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
    for name in names:
        core_params = "key, value=None, timeout=30" if timeout else "key, value=None"
        core = [f'"""Core {name}."""\n']
        table = []
        wrappers = ["from gateway_core import Interface, execute_operation\n"]
        for op in range(operations):
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
        (target / f"gateway_wrappers_{name}.py").write_text("".join(wrappers))
        imports = ", ".join(f"_op{op:02d}_implementation" for op in range(operations))
        (target / f"interface_{name}.py").write_text(
            f"from {name}_core import {imports}\n\n\n"
            "def _require(kwargs, *names):\n    for n in names:\n        if n not in kwargs:\n"
            "            raise ValueError(f'requires {n!r} parameter')\n    return kwargs\n\n\n"
            "_OPERATION_DISPATCH = {\n" + "\n".join(table) + "\n}\n\n\n"
            f"def execute_{name}_operation(operation, **kwargs):\n"
            "    if operation not in _OPERATION_DISPATCH:\n"
            "        raise ValueError(f'Unknown operation: {operation!r}')\n"
            "    return _OPERATION_DISPATCH[operation](**kwargs)\n"
        )


def cold() -> None:
    """Forget every in-process cache, so a repeat costs what a fresh session costs."""
    runner._MEMO.clear()
    facts._PARSED.clear()
    facts._EDGES.clear()
    probes._FOUND.clear()
    calls._FOUND.clear()


def median_of(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        cold()
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def check_everything(source: Path, specs: list[ContractSpec], files: list[str] | None) -> None:
    run_keys(source, specs)
    run_tree(source, specs, files=files)


def static_part(source: Path, specs: list[ContractSpec], files: list[str] | None) -> None:
    for spec in specs:
        runner.contract_request(source, spec, files)


def report_tree(
    title: str, source: Path, spec: ContractSpec, files: list[str] | None, repeat: int
) -> None:
    cold()
    results = run_tree(source, [spec], files=files)
    statuses = {
        status: sum(r.status == status for r in results)
        for status in ("ok", "fail", "inconclusive")
    }
    calls = sum(len(r.probes) + len(r.not_applicable) for r in results)
    keys = median_of(repeat, lambda: run_keys(source, [spec]))
    whole_runs = []
    for _ in range(repeat):
        cold()
        whole_runs.append(timed(functools.partial(run_tree, source, [spec], files=files)))
    whole, whole_cpu = (statistics.median(run[i] for run in whole_runs) for i in (0, 1))
    static = median_of(repeat, lambda: static_part(source, [spec], files))
    print(
        f"{title}: {len(results)} keys ({statuses}), {calls} probes: collection {keys:.3f} s, "
        f"all contract items {whole:.3f} s wall / {whole_cpu:.3f} s CPU (of which static "
        f"{static:.3f} s) — median of {repeat}, {load()}"
    )


def pytest_items(project: Path) -> tuple[float, float]:
    """(sum of contract item durations, wall time) of a real ``pytest -k contract`` run."""
    report = project / "junit.xml"
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "-k",
            "contract",
            "--ignore=src",
            f"--junitxml={report}",
        ],
        cwd=project,
        capture_output=True,
        check=False,
    )
    wall = time.perf_counter() - started
    cases = ElementTree.parse(report).getroot().iter("testcase")
    return sum(
        float(case.get("time", 0)) for case in cases if "contract" in case.get("name", "")
    ), wall


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) seconds of *work*, this process's CPU and its children's together."""
    before = _cpu()
    started = time.perf_counter()
    work()
    return time.perf_counter() - started, _cpu() - before


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def load() -> str:
    return "load " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def floor(source: Path, interfaces: int, operations: int) -> float:
    """A fresh interpreter importing every module and calling every wrapper once."""
    calls = "\n".join(
        f"import gateway_wrappers_iface{i:03d} as w\n"
        f"for op in range({operations}):\n    getattr(w, f'iface{i:03d}_op{{op:02d}}')('k')"
        for i in range(interfaces)
    )
    script = f"import sys\nsys.path.insert(0, {str(source)!r})\n{calls}\n"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-I", "-B", "-c", script], check=True)
    return time.perf_counter() - started


def report_scaling(scratch: Path, sizes: list[int], repeat: int, operations: int) -> None:
    """The check against its floor, interleaved, wall and CPU time, per size."""
    for interfaces in sizes:
        source = scratch / f"generated-{interfaces}x{operations}" / "engine"
        generate_engine(source, interfaces, operations)
        spec = ContractSpec(
            "gateway_core:_ROUTERS",
            "gateway_core:execute_operation",
            "op00",
            {"key": "k"},
            ("*_core",),
        )
        ours: list[tuple[float, float]] = []
        floors: list[tuple[float, float]] = []
        floor_run = functools.partial(floor, source, interfaces, operations)
        check_run = functools.partial(check_everything, source, [spec], None)
        for _ in range(repeat):  # side by side, so load moves both alike
            floors.append(timed(floor_run))
            cold()
            ours.append(timed(check_run))
        results = run_tree(source, [spec])
        assert all(r.status == "ok" for r in results), [r.message for r in results if not r][:3]
        wall, cpu = (statistics.median(o[i] for o in ours) for i in (0, 1))
        floor_wall, floor_cpu = (statistics.median(f[i] for f in floors) for i in (0, 1))
        modules = 3 * interfaces + 1
        print(
            f"generated {interfaces} x {operations} engine ({modules} modules, "
            f"{interfaces * operations} call sites): contracts {wall:.3f} s wall / {cpu:.3f} s CPU, "
            f"floor {floor_wall:.3f} s / {floor_cpu:.3f} s, ratio {wall / floor_wall:.2f}x wall, "
            f"{cpu / floor_cpu:.2f}x CPU; {1000 * wall / modules:.2f} ms a module — "
            f"median of {repeat}, {load()}"
        )


def report_baseline(title: str, source: Path, spec: ContractSpec, baseline_dir: Path) -> None:
    contract = ContractSettings(
        registry=spec.registry,
        dispatcher=spec.dispatcher,
        operation=spec.operation,
        kwargs=dict(spec.kwargs),
        leaves=spec.leaves,
    )
    settings = Settings(
        rootdir=source.parent, source=source, contracts=(contract,), options=CommandLine()
    )
    outcome = simulate(Baseline("directory", str(baseline_dir), baseline_dir), settings)
    print(
        f"{title}: baseline simulation {outcome.seconds:.2f} s for {len(outcome.changed)} changed files, "
        f"{outcome.trees} mixed trees, {os.cpu_count()} workers; groups "
        f"{[' + '.join(g) for g in outcome.groups]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", default="25,50,100", help="interfaces x 40 operations")
    parser.add_argument(
        "--networks", default="100,250,500,1000", help="interfaces x 10 operations (pipe sizes)"
    )
    arguments = parser.parse_args()
    repeat, sizes = arguments.repeat, [int(size) for size in arguments.sizes.split(",")]
    networks = [int(size) for size in arguments.networks.split(",") if size]
    with tempfile.TemporaryDirectory(prefix="lee-bench-contracts-") as scratch_name:
        scratch = Path(scratch_name)
        example = scratch / "example" / "lee_engine"
        shutil.copytree(
            ROOT / "examples" / "lee_engine", example, ignore=shutil.ignore_patterns("__pycache__")
        )
        example_spec = ContractSpec(
            "gateway_core:_INTERFACE_ROUTERS",
            "gateway_core:execute_operation",
            "test_operation",
            {"timeout": 30},
            ("*_core",),
        )
        report_tree("example engine", example, example_spec, None, repeat)
        if SNAPSHOT.is_dir():
            project = scratch / "lee"
            shutil.copytree(SNAPSHOT, project / "src", ignore=shutil.ignore_patterns("__pycache__"))
            (project / "pyproject.toml").write_text(
                '[tool.lee]\nsource = "src"\nexclude = ["test_*.py", "tests/**"]\n\n'
                '[[tool.lee.contract]]\nregistry = "gateway_core:_INTERFACE_ROUTERS"\n'
                'dispatcher = "gateway_core:execute_operation"\nleaves = ["*_core"]\n'
            )
            files = [
                item.name for item in select_files(project / "src", ("test_*.py", "tests/**")).files
            ]
            spec = ContractSpec(
                "gateway_core:_INTERFACE_ROUTERS",
                "gateway_core:execute_operation",
                leaves=("*_core",),
            )
            report_tree("real LEE snapshot fa7e120", project / "src", spec, files, repeat)
            runs = [pytest_items(project) for _ in range(repeat)]
            print(
                f"real LEE snapshot, pytest -k contract: contract items {statistics.median(r[0] for r in runs):.3f} s "
                f"(JUnit sum), whole run {statistics.median(r[1] for r in runs):.3f} s — median of {repeat}"
            )
        else:
            print(f"real LEE snapshot: skipped ({SNAPSHOT} absent)")
        report_scaling(scratch, sizes, repeat, OPERATIONS)
        report_scaling(scratch, networks, max(1, repeat // 2), 10)
        old = scratch / "generated-v1" / "engine"
        new = scratch / "generated-v2" / "engine"
        generate_engine(old, 12, 20, timeout=False)
        generate_engine(new, 12, 20, timeout=True)
        for index in range(3, 12):
            shutil.copy(new / f"iface{index:03d}_core.py", old / f"iface{index:03d}_core.py")
        report_baseline(
            "generated 12 x 20 engine",
            new,
            ContractSpec(
                "gateway_core:_ROUTERS",
                "gateway_core:execute_operation",
                "op00",
                {"key": "k"},
                ("*_core",),
            ),
            old,
        )


if __name__ == "__main__":
    main()
