"""Lambda entry point of the example Lambda Execution Engine (LEE).

Instrumented as NM06-LESS-10 asks: the cold start is timed by phase (import,
gateway init, config load, cache warm) and every invocation logs one
``{"level": "METRIC", "metrics": {...}}`` line with request timings and the
container's cumulative cache hits and misses.
"""

import time

_IMPORT_START = time.perf_counter()
import json  # noqa: E402

import gateway  # noqa: E402
import gateway_core  # noqa: E402
from config import load_configuration  # noqa: E402

_IMPORT_MS = (time.perf_counter() - _IMPORT_START) * 1000

_STATE = {"initialized": False, "config": {}, "requests": 0}


def _ms_since(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 3)


def _cold_start() -> dict:
    phases = {"import_time_ms": round(_IMPORT_MS, 3)}
    start = time.perf_counter()
    gateway_core.initialize_gateway()
    phases["gateway_init_ms"] = _ms_since(start)
    start = time.perf_counter()
    _STATE["config"] = load_configuration()
    phases["config_load_ms"] = _ms_since(start)
    start = time.perf_counter()
    for key in _STATE["config"]["WARM_KEYS"].split(","):
        if gateway.cache_get(key) is None:
            gateway.cache_set(key, {"warmed": key}, ttl=int(_STATE["config"]["CACHE_TTL"]))
    phases["cache_warm_ms"] = _ms_since(start)
    phases["cold_start_total_ms"] = round(sum(phases.values()), 3)
    _STATE["initialized"] = True
    return phases


def _parse_event(event: dict) -> dict:
    if not isinstance(event, dict):
        raise ValueError("event must be a JSON object")
    if event.get("test") in ("true", True):
        return {"operation": "health"}
    operation = event.get("operation")
    if operation not in ("get", "set", "prepare"):
        raise ValueError(f"unknown operation {operation!r}")
    return event


def _process(request: dict, context) -> dict:
    operation = request["operation"]
    if operation == "health":
        probe = gateway.cache_get("config")
        return {"healthy": probe is not None, "function": getattr(context, "function_name", None)}
    if operation == "get":
        return {"key": request["key"], "value": gateway.cache_get(str(request["key"]))}
    if operation == "set":
        gateway.cache_set(str(request["key"]), request.get("value"), ttl=request.get("ttl"))
        return {"key": request["key"], "stored": True}
    return gateway.http_prepare(request.get("method", "GET"), str(request.get("url", "")))


def lambda_handler(event, context):
    start = time.perf_counter()
    is_cold_start = not _STATE["initialized"]
    metrics = _cold_start() if is_cold_start else {}
    _STATE["requests"] += 1
    status = 200
    phase = time.perf_counter()
    try:
        request = _parse_event(event)
        metrics["parse_time_ms"] = _ms_since(phase)
        phase = time.perf_counter()
        result = _process(request, context)
        metrics["process_time_ms"] = _ms_since(phase)
    except (ValueError, KeyError, TypeError) as error:
        status, result = 400, {"error": str(error)}
    except RuntimeError as error:
        status, result = 500, {"error": str(error)}
    phase = time.perf_counter()
    body = json.dumps(result, default=str)
    metrics["format_time_ms"] = _ms_since(phase)
    stats = gateway.cache_stats()
    metrics.update(
        is_cold_start=is_cold_start,
        request_count=_STATE["requests"],
        cache_hits=stats["hits"],
        cache_misses=stats["misses"],
        total_time_ms=_ms_since(start),
    )
    gateway.log_metric(metrics)
    return {"statusCode": status, "body": body}
