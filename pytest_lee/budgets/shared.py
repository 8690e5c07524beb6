"""One measurement per session, shared by every budget item and every xdist worker.

Without xdist the measurement is cached on the config. Under xdist, workers share the
directory ``lee-budgets`` in the controller's basetemp (each local worker's basetemp is
``<controller basetemp>/popen-gwN``), so it is unique to the run and pytest removes it
with the rest of its temporary directories (the last three runs are kept). Workers without
a basetemp of that shape (remote ones) fall back to a directory in the system temp dir
keyed by ``testrunuid`` and the controller's pid, which is not removed. The first worker to need
the measurement takes an exclusive ``flock`` on ``measure.lock``, measures and writes
``budgets.json`` atomically; the others wait on the lock and read the file. The same
lock serializes every measurement of the session (``lee_cold_start`` calls too), so no
two measurements ever share the machine's cores — other tests keep running on the other
worker. A failed measurement is shared the same way, so every item reports the same cause.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from pytest_lee._atomic import write_atomic
from pytest_lee.budgets.measure import Measurement, MeasurementError, measure
from pytest_lee.errors import LeeError
from pytest_lee.settings import Settings

_cache_key = pytest.StashKey[Any]()


def shared_dir(config: pytest.Config) -> Path | None:
    """The session's directory shared by xdist workers, or None outside xdist."""
    workerinput = getattr(config, "workerinput", None)
    if not workerinput or "testrunuid" not in workerinput:
        return None
    basetemp = config.getoption(
        "basetemp", None
    )  # xdist gives each local worker <basetemp>/popen-gwN
    if basetemp and Path(basetemp).name.startswith("popen-") and Path(basetemp).parent.is_dir():
        path = Path(basetemp).parent / "lee-budgets"
    else:
        # The controller's pid (every worker's parent) as well: --testrunuid may be fixed by the user.
        path = (
            Path(tempfile.gettempdir()) / f"pytest-lee-{workerinput['testrunuid']}-{os.getppid()}"
        )
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def measurement_lock(config: pytest.Config) -> Iterator[None]:
    """Exclusive across the session's xdist workers; a no-op in a single process."""
    directory = shared_dir(config)
    if directory is None:
        yield
        return
    import fcntl

    with open(directory / "measure.lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def session_measurement(config: pytest.Config, settings: Settings) -> Measurement:
    """The session's measurement of the configured handler; raises ``LeeError`` on failure."""
    cached = config.stash.get(_cache_key, None)
    if cached is None:
        cached = _shared(config, lambda: measure(settings, runs=settings.runs))
        config.stash[_cache_key] = cached
    if isinstance(cached, Measurement):
        return cached
    raise MeasurementError(cached)


def _shared(config: pytest.Config, produce: Callable[[], Measurement]) -> Measurement | str:
    directory = shared_dir(config)
    with measurement_lock(config):
        if directory is not None and (directory / "budgets.json").exists():
            return _load(directory / "budgets.json")
        try:
            result: Measurement | str = produce()
        except LeeError as error:
            result = str(error)
        if directory is not None:
            payload = (
                {"error": result} if isinstance(result, str) else {"measurement": asdict(result)}
            )
            write_atomic(directory / "budgets.json", json.dumps(payload))
        return result


def _load(path: Path) -> Measurement | str:
    payload = json.loads(path.read_text(encoding="utf-8"))
    if "error" in payload:
        return str(payload["error"])
    return Measurement(**payload["measurement"])
