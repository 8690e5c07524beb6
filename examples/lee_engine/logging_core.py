"""Logging core: structured lines on stdout, the way CloudWatch Logs receives them.

Metric lines use the shape from NM06-LESS-10 so CloudWatch Insights (and
``pytest --lee-budgets``) can read them: ``{"level": "METRIC", "metrics": {...}}``.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any, Dict, Optional

_LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40}


def _enabled(level: str) -> bool:
    configured = os.environ.get("LOG_LEVEL", "INFO").upper()
    return _LEVELS[level] >= _LEVELS.get(configured, 20)


def _execute_info_implementation(
    message: str, fields: Optional[Dict[str, Any]] = None, timeout: int = 30
) -> None:
    if _enabled("INFO"):
        entry = {"timestamp": time.time(), "level": "INFO", "message": message}
        entry.update(fields or {})
        print(json.dumps(entry, default=str))


def _execute_metric_implementation(metrics: Dict[str, Any], timeout: int = 30) -> None:
    print(json.dumps({"timestamp": time.time(), "level": "METRIC", "metrics": metrics}))


def _execute_test_implementation(timeout: int = 30) -> Dict[str, Any]:
    return {"interface": "logging", "ok": True, "timeout": timeout}
