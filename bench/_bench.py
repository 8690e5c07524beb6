"""The method every bench script shares: interleaved rows, wall and CPU time, the load.

A figure from a shared, loaded machine means something only beside a baseline measured in
the same minutes: :func:`interleave` runs one sample of every row per round, in the opposite
order each other round (ABBA), so load and cache warmth hit tool and baseline alike. Each
sample records the wall time and the CPU time of this process (``time.process_time``, all
its threads) plus that of the child processes it waited for (``RUSAGE_CHILDREN``): CPU time
suffers much less than wall time from neighbours, so a ratio of CPU times is the steadier
one. :class:`Started` keeps the date, the machine and the load at the start, and
:func:`print_table` prints medians, both ratios to the baseline row and the load at the end.

Scripts import it as ``from _bench import ...``: Python puts ``bench/`` on ``sys.path``
when a script is run as ``python bench/<name>.py``.
"""

from __future__ import annotations

import datetime
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BARE = (sys.executable, "-I", "-S", "-B")
"""A bare interpreter: no site, no user environment, no bytecode written."""


def load() -> float:
    """The 1-minute load average."""
    return os.getloadavg()[0]


def children_cpu() -> float:
    """CPU seconds (user + system) of every child process this process has waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True)
class Sample:
    """One timed call: wall seconds and CPU seconds (this process + waited-for children)."""

    wall: float
    cpu: float


def timed(call: Callable[[], object]) -> Sample:
    """Run *call* once and time it."""
    own, children = time.process_time(), children_cpu()
    start = time.perf_counter()
    call()
    wall = time.perf_counter() - start
    return Sample(wall, time.process_time() - own + children_cpu() - children)


def interleave(
    rounds: int,
    rows: Mapping[str, Callable[[], object]],
    before: Callable[[str], object] | None = None,
) -> dict[str, list[Sample]]:
    """*rounds* samples of every row, one of each per round, the order reversed every other round.

    *before(name)* runs untimed ahead of each sample: the place to clear a cache a user's
    first run would not have.
    """
    samples: dict[str, list[Sample]] = {name: [] for name in rows}
    names = list(rows)
    for index in range(rounds):
        for name in names if index % 2 == 0 else reversed(names):
            if before is not None:
                before(name)
            samples[name].append(timed(rows[name]))
    return samples


def run(
    command: Sequence[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> str:
    """Run a child to completion (it must succeed) and return its stdout."""
    done = subprocess.run(
        list(command), capture_output=True, text=True, env=env, cwd=cwd, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done.stdout


def machine() -> str:
    """CPUs this process may use (as ``nproc`` counts them), their model, Python, the host."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or model
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cpus} CPUs ({model}), Python {platform.python_version()}, {platform.node()}"


@dataclass
class Started:
    """When a bench started, on what, at what load; prints that header once."""

    title: str
    load: float = field(default_factory=load)
    date: datetime.datetime = field(
        default_factory=lambda: datetime.datetime.now(datetime.timezone.utc)
    )

    def __post_init__(self) -> None:
        print(f"{self.title}")
        print(f"  {self.date:%Y-%m-%d %H:%M} UTC; {machine()}; load at start {self.load:.1f}")


def median(samples: Sequence[Sample]) -> Sample:
    """Median wall and median CPU (each on its own)."""
    return Sample(
        statistics.median(s.wall for s in samples), statistics.median(s.cpu for s in samples)
    )


def print_table(
    started: Started,
    samples: Mapping[str, Sequence[Sample]],
    baseline: str | None,
    *,
    labels: Mapping[str, str] | None = None,
    unit: str = "ms",
) -> dict[str, Sample]:
    """Print each row's median wall and CPU and both ratios to *baseline*; returns the medians.

    *unit* is ``s``, ``ms`` or ``µs``.
    """
    scale = {"s": 1.0, "ms": 1e3, "µs": 1e6}[unit]
    digits = 3 if unit == "s" else 1
    labels = labels or {}
    medians = {name: median(rows) for name, rows in samples.items()}
    rounds = max((len(rows) for rows in samples.values()), default=0)
    width = max([len(labels.get(name, name)) for name in samples] + [10])
    base = medians.get(baseline) if baseline else None
    heading = f"  {'row':{width}} {'wall ' + unit:>11} {'cpu ' + unit:>11}"
    if base is not None:
        heading += f" {'wall ×':>8} {'cpu ×':>8}"
    print(f"{heading}   (medians of {rounds} interleaved rounds; × = ÷ {baseline})")
    for name, value in medians.items():
        line = f"  {labels.get(name, name):{width}} {value.wall * scale:11.{digits}f} {value.cpu * scale:11.{digits}f}"
        if base is not None:
            line += f" {_ratio(value.wall, base.wall):>8} {_ratio(value.cpu, base.cpu):>8}"
        print(line)
    print(f"  load at start {started.load:.1f}, at end {load():.1f}")
    return medians


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}" if base > 0 else "-"
