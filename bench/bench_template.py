"""What reading a SAM template adds to a session, and what it costs a project without one.

Each run is a fresh interpreter that reads the settings as a session does
(``load_settings``), for three projects written once, in a temporary directory:

- ``template``: the SAM app of ``tests/sam_project.py`` with ``template = "template.yaml"``;
- ``retyped``: the same app with every value the template gives retyped into ``[tool.lee]``
  (what users wrote before; the baseline doing the same work without the template);
- ``bare``: ``python -I -S -B -c pass`` — the interpreter alone, for scale.

Runs are interleaved (load hits all alike); wall and CPU medians are printed with the load.
The difference template − retyped is what the template costs a session (PyYAML's import
included): the budget is 50 ms. ``--import-check`` also prints whether ``import
pytest_lee.plugin`` loads yaml or the template reader (it must not).

Children run with bytecode caching on, as users have it, even when this shell sets
PYTHONDONTWRITEBYTECODE (the .pyc files go to a temporary PYTHONPYCACHEPREFIX).

Usage: python bench/bench_template.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from sam_project import write_sam_app  # noqa: E402

RETYPED = """\
[tool.lee]
source = "src"
handler = "app.handler"
requirements = "src/requirements.txt"

[tool.lee.function]
name = "OrdersFunction"
runtime = "python3.12"
memory_mb = 256
timeout_s = 10
architecture = "x86_64"
environment = { STAGE = "dev", TABLE_NAME = "lee-OrdersTable", BUCKET_NAME = "lee-receiptsbucket", QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/lee-ShippingQueue", TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/lee-OrdersTable", RECEIPTS_PREFIX = "receipts/dev/" }

[[tool.lee.layer]]
name = "lee-pricing"
source = "layer"
requirements = "layer/requirements.txt"

"""
BUDGETS = """
[tool.lee.budgets]
runs = 2
events = "events/*.json"
cold_start_ms = { acceptable = 20000 }
error_rate = { acceptable = 0 }
"""

PROBE = (
    "import time; w = time.perf_counter(); c = time.process_time(); "
    "from pathlib import Path; from pytest_lee.settings import load_settings; "
    "load_settings(Path({root!r})); "
    "print(time.perf_counter() - w, time.process_time() - c)"
)
PLUGIN_PROBE = (
    "import sys, pytest, pytest_lee.plugin; "
    "print([m for m in ('yaml', 'pytest_lee.template') if m in sys.modules])"
)


def once(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    out = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
    wall, cpu = (float(value) * 1000 for value in out.split())
    return wall, cpu


def bare_once() -> tuple[float, float]:
    before = os.times()
    import time

    start = time.perf_counter()
    subprocess.run([sys.executable, "-I", "-S", "-B", "-c", "pass"], check=True)
    after = os.times()
    cpu = (after.children_user + after.children_system) - (
        before.children_user + before.children_system
    )
    return (time.perf_counter() - start) * 1000, cpu * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONPYCACHEPREFIX=str(Path(work) / "pyc"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        template = write_sam_app(Path(work) / "template")
        (template / "pyproject.toml").write_text(
            '[tool.lee]\ntemplate = "template.yaml"\n' + BUDGETS
        )
        retyped = write_sam_app(Path(work) / "retyped", {"template.yaml": "Resources: {}\n"})
        (retyped / "pyproject.toml").write_text(RETYPED + BUDGETS)
        results: dict[str, list[tuple[float, float]]] = {"template": [], "retyped": [], "bare": []}
        for root in (template, retyped):  # warm the bytecode caches
            once([sys.executable, "-c", PROBE.format(root=str(root))], env)
        for _ in range(args.runs):
            results["template"].append(
                once([sys.executable, "-c", PROBE.format(root=str(template))], env)
            )
            results["retyped"].append(
                once([sys.executable, "-c", PROBE.format(root=str(retyped))], env)
            )
            results["bare"].append(bare_once())
        plugin = subprocess.run(
            [sys.executable, "-c", PLUGIN_PROBE],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout.strip()
    load = os.getloadavg()
    print(
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {args.runs} interleaved runs each"
    )
    print(f"{'':34}{'wall ms':>10}{'cpu ms':>10}")
    medians = {}
    for name, label in (
        ("template", "load_settings, template.yaml"),
        ("retyped", "load_settings, values retyped"),
        ("bare", "bare interpreter (for scale)"),
    ):
        wall = statistics.median(value[0] for value in results[name])
        cpu = statistics.median(value[1] for value in results[name])
        medians[name] = (wall, cpu)
        print(f"{label:34}{wall:10.1f}{cpu:10.1f}")
    added_wall = medians["template"][0] - medians["retyped"][0]
    added_cpu = medians["template"][1] - medians["retyped"][1]
    print(f"{'the template adds':34}{added_wall:10.1f}{added_cpu:10.1f}   (budget: 50 ms)")
    print(f"modules import pytest_lee.plugin loads of yaml / pytest_lee.template: {plugin}")


if __name__ == "__main__":
    main()
