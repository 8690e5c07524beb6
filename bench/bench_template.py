"""What reading a SAM template adds to a session, and what it costs a project without one.

Each sample is a fresh interpreter that reads the settings as a session does
(``load_settings``), for two projects written once, in a temporary directory, and a bare
interpreter for scale:

- ``template``: the SAM app of ``tests/sam_project.py`` with ``template = "template.yaml"``;
- ``retyped`` (the baseline): the same app with every value the template gives retyped into
  ``[tool.lee]`` (what users wrote before: the same work without the template);
- ``bare``: ``python -I -S -B -c pass`` — the interpreter alone, for scale.

Rows are interleaved (``bench/_bench.py``); each child's wall time and CPU time (from
``RUSAGE_CHILDREN``) are measured by this process, interpreter start included, and printed
with the load. The difference template − retyped is what the template costs a session
(PyYAML's import included): the budget is 50 ms. The last line says whether ``import
pytest_lee.plugin`` loads yaml or the template reader (it must not).

Cold / warm: children run with bytecode caching on, as users have it (an installed package
has its ``.pyc``), even when this shell sets PYTHONDONTWRITEBYTECODE: the ``.pyc`` files go to
a temporary PYTHONPYCACHEPREFIX, written by one untimed run of each project. Nothing else is
cached between samples: every sample is a new process.

Usage: python bench/bench_template.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from functools import partial
from pathlib import Path

from _bench import BARE, Sample, Started, interleave, print_table, run

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
    "from pathlib import Path; from pytest_lee.settings import load_settings; "
    "load_settings(Path({root!r}))"
)
PLUGIN_PROBE = (
    "import sys, pytest, pytest_lee.plugin; "
    "print([m for m in ('yaml', 'pytest_lee.template') if m in sys.modules])"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    started = Started("bench_template: load_settings with a SAM template vs values retyped")
    with tempfile.TemporaryDirectory() as work:
        env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONPYCACHEPREFIX=str(Path(work) / "pyc"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        template = write_sam_app(Path(work) / "template")
        (template / "pyproject.toml").write_text(
            '[tool.lee]\ntemplate = "template.yaml"\n' + BUDGETS
        )
        retyped = write_sam_app(Path(work) / "retyped", {"template.yaml": "Resources: {}\n"})
        (retyped / "pyproject.toml").write_text(RETYPED + BUDGETS)
        commands = {
            "template": [sys.executable, "-c", PROBE.format(root=str(template))],
            "retyped": [sys.executable, "-c", PROBE.format(root=str(retyped))],
            "bare": [*BARE, "-c", "pass"],
        }
        for command in commands.values():  # write the bytecode, as an install has it
            run(command, env=env)
        samples = interleave(
            args.runs,
            {name: partial(run, command, env=env) for name, command in commands.items()},
        )
        plugin = run([sys.executable, "-c", PLUGIN_PROBE], env=env).strip()
    medians = print_table(
        started,
        samples,
        "retyped",
        labels={
            "template": "load_settings, template.yaml",
            "retyped": "load_settings, values retyped",
            "bare": "python -I -S -B -c pass",
        },
    )
    added = Sample(
        medians["template"].wall - medians["retyped"].wall,
        medians["template"].cpu - medians["retyped"].cpu,
    )
    print(
        f"  the template adds {added.wall * 1000:.1f} ms wall, {added.cpu * 1000:.1f} ms CPU"
        " (budget: 50 ms)"
    )
    print(f"  modules import pytest_lee.plugin loads of yaml / pytest_lee.template: {plugin}")


if __name__ == "__main__":
    main()
