"""What a rehearsal returns: the :class:`Deployment` and its timed :class:`Step` list.

Each step belongs to a section of the seed's deployment checklist (NM06-LESS-09),
so the report reads as that checklist ticked off, with timings:
``pre-deployment`` (verify the package), ``rollback ready`` (record the version and
ARN production is on), ``deployment`` (upload, check CodeSha256, publish),
``post-deployment`` (health check, canary, promote) — and a rollback, when one
happens, is reported under ``rollback ready``, the section that prepared it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pytest_lee.errors import LeeError
from pytest_lee.rehearsal.canary import CanaryResult
from pytest_lee.rehearsal.local import HealthCheck


@dataclass(frozen=True)
class Step:
    """One timed step: ``ok`` is True, False (failed) or None (skipped)."""

    section: str
    name: str
    seconds: float
    ok: bool | None
    detail: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "name": self.name,
            "ms": round(self.seconds * 1000, 1),
            "ok": self.ok,
            "detail": self.detail,
        }


class StepFailed(LeeError):
    """Raised inside a step to stop the sequence; the message is the step's one line."""


@dataclass
class _OpenStep:
    detail: str = ""
    ok: bool | None = True


@dataclass
class StepLog:
    """Times steps as they run; a step that raises is recorded as failed."""

    steps: list[Step] = field(default_factory=list)

    @contextmanager
    def step(self, section: str, name: str) -> Iterator[_OpenStep]:
        current = _OpenStep()
        start = time.perf_counter()
        try:
            yield current
        except Exception as error:
            current.ok = False
            current.detail = _one_line(error)
            raise
        finally:
            self.steps.append(
                Step(section, name, time.perf_counter() - start, current.ok, current.detail)
            )

    def skip(self, section: str, name: str, detail: str) -> None:
        self.steps.append(Step(section, name, 0.0, None, detail))


@dataclass(frozen=True)
class Deployment:
    """One rehearsed deployment and where it left the ``production`` alias.

    At most one of ``promoted``, ``rolled_back``, ``refused`` and ``unchanged`` is
    true; none is only when a rollback itself failed (``outcome`` is then ``"failed"``
    and ``reason`` ends with ``ROLLBACK FAILED: ...``). ``refused``: stopped before a version was published (verification, the
    upload's CodeSha256) — production was never touched. ``rolled_back``: a version
    was published and failed its health check or canary, and the alias was put back
    (on a first deployment, never created). ``unchanged``: the bytes were already the
    version production is on. ``reason`` says why, in one line, when not promoted.
    """

    function: str
    version: str | None
    previous_version: str | None
    previous_arn: str | None
    code_sha256: str | None
    promoted: bool
    rolled_back: bool
    refused: bool
    unchanged: bool
    reason: str | None
    health: HealthCheck
    canary: CanaryResult | None
    steps: tuple[Step, ...]
    seconds: float
    alias_version: str | None
    alias_weights: Mapping[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    test: str | None = None
    kind: str = "deploy"

    @property
    def outcome(self) -> str:
        if self.promoted:
            return "promoted"
        if self.rolled_back:
            return "rolled back"
        if self.refused:
            return "refused"
        if self.unchanged:
            return "unchanged"
        return "failed"  # a rollback that could not be verified: see reason

    def as_report_entry(self) -> dict[str, Any]:
        """The ``rehearsals`` entry of ``--lee-json`` (the documented keys of docs/outputs.md first)."""
        return {
            "version": self.version,
            "promoted": self.promoted,
            "rolled_back": self.rolled_back,
            "seconds": round(self.seconds, 3),
            "refused": self.refused,
            "unchanged": self.unchanged,
            "kind": self.kind,
            "outcome": self.outcome,
            "function": self.function,
            "previous_version": self.previous_version,
            "alias_version": self.alias_version,
            "alias_weights": dict(self.alias_weights),
            "code_sha256": self.code_sha256,
            "reason": self.reason,
            "test": self.test,
            "health": self.health.as_json(),
            "canary": None if self.canary is None else self.canary.as_json(),
            "steps": [step.as_json() for step in self.steps],
        }


def _one_line(error: BaseException) -> str:
    from pytest_lee.rehearsal.local import one_line

    return one_line(error)
