"""The CPU-bound app the cold-start benches measure: an import and a handler that burn CPU.

One source for ``bench_cold_start_cpu`` and ``bench_cold_start_load``; each picks how much
work the import and a request do (the load bench doubles them, so the busy neighbours'
effect is larger than the timer's resolution).
"""

from __future__ import annotations

_APP = """
def burn(count):
    total = 0
    for number in range(count):
        total += number * number % 7
    return total

burn({at_import})

def handler(event, context):
    return burn({per_request})
"""


def burn_app(at_import: int, per_request: int) -> str:
    """``app.py``'s source: *at_import* loop steps at import, *per_request* per request."""
    return _APP.format(at_import=f"{at_import:_}", per_request=f"{per_request:_}")
