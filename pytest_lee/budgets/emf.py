"""``--lee-emf PATH``: the session's budget figures as CloudWatch Embedded Metric Format.

One JSON line per budgeted metric, in namespace ``pytest-lee`` with the dimension
``FunctionName`` (``[tool.lee.function] name``): the metric's median under its own name
and its p95 as ``<name>_p95``, with a unit guessed from the suffix (``_ms`` →
Milliseconds, ``_mb`` → Megabytes, ``_rate`` → None, else None). A CI step can ship the
file to CloudWatch Logs, where the production alarms live. Written atomically.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pytest_lee._atomic import write_atomic

NAMESPACE = "pytest-lee"


def unit_for(metric: str) -> str:
    if metric.endswith("_ms"):
        return "Milliseconds"
    if metric.endswith("_mb"):
        return "Megabytes"
    return "None"


def emf_lines(
    entries: Iterable[dict[str, Any]], function_name: str, *, timestamp_ms: int | None = None
) -> list[str]:
    stamp = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    lines = []
    for entry in entries:
        name = entry["name"]
        unit = unit_for(name)
        document = {
            "_aws": {
                "Timestamp": stamp,
                "CloudWatchMetrics": [
                    {
                        "Namespace": NAMESPACE,
                        "Dimensions": [["FunctionName"]],
                        "Metrics": [
                            {"Name": name, "Unit": unit},
                            {"Name": f"{name}_p95", "Unit": unit},
                        ],
                    }
                ],
            },
            "FunctionName": function_name,
            name: entry["median"],
            f"{name}_p95": entry["p95"],
            "verdict": entry["verdict"],
        }
        lines.append(json.dumps(document))
    return lines


def write_emf(path: Path, entries: Iterable[dict[str, Any]], function_name: str) -> None:
    write_atomic(path, "".join(line + "\n" for line in emf_lines(entries, function_name)))
