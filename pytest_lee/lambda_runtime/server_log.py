"""The loopback moto server's request log, kept in one place instead of in every failure.

werkzeug logs each request the server answers at INFO, and pytest shows a failing item's
captured log: a failing health check came with ~100 lines of ``POST /2015-03-31/…`` above
its cause. The records go to a bounded buffer here instead (werkzeug adds no stream
handler of its own when its logger already has one), and the terminal summary shows them
under ``-v`` only.
"""

from __future__ import annotations

import logging
import re
from collections import deque

KEPT = 500  # the last requests: enough to read what a failing rehearsal did

_LINES: deque[str] = deque(maxlen=KEPT)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class _Keep(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            _LINES.append(_ANSI.sub("", record.getMessage()))  # werkzeug colours its lines
        except Exception:  # a log record must never fail a request
            pass


def keep_server_log() -> None:
    """Route werkzeug's request log into the buffer (idempotent)."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(handler, _Keep) for handler in logger.handlers):
        logger.addHandler(_Keep(logging.INFO))
    logger.setLevel(logging.INFO)
    logger.propagate = False  # out of pytest's captured log of the failing item


def server_log_lines() -> list[str]:
    """The kept request lines, oldest first."""
    return list(_LINES)
