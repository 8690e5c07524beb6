"""The :class:`Rehearsal`: NM06-LESS-09's deployment sequence, made exact and run in a second.

verify → record production's version and ARN → upload → check CodeSha256 →
publish → health-check the published bytes → canary over the alias's RoutingConfig
→ promote, or roll back to the recorded version. Where moto falls short of Lambda,
this module closes the gap itself (noted at each place) so a rehearsal behaves as
AWS would.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pytest_lee.errors import LeeError
from pytest_lee.findings import SessionReport
from pytest_lee.lambda_runtime.offline import rehearsal_child
from pytest_lee.package.excludes import left_out_hint
from pytest_lee.rehearsal.canary import (
    CanaryResult,
    Invocation,
    check_canary_arguments,
    routed_weight,
    run_canary,
)
from pytest_lee.rehearsal.deploy import Deployment, StepFailed, StepLog
from pytest_lee.rehearsal.function import LambdaFunction
from pytest_lee.rehearsal.health import health_event, replayed_events, request_limit_ms
from pytest_lee.rehearsal.layers import LayerPublisher
from pytest_lee.rehearsal.local import (
    CodeStore,
    HealthCheck,
    health_check,
    invocations,
    one_line,
    run_events,
)
from pytest_lee.rehearsal.reverify import Candidate, reverify
from pytest_lee.rehearsal.target import Target
from pytest_lee.settings import Settings


class Rehearsal:
    """A Lambda function (moto, or an endpoint) to rehearse deployments of one project on."""

    def __init__(
        self,
        settings: Settings,
        report: SessionReport | None,
        *,
        work_dir: Path,
        target: Target,
        lambda_client: Any,
        iam_client: Any,
    ) -> None:
        self.settings = settings
        self.target = target
        self.client = (
            lambda_client  # public: tests register botocore event hooks on it to inject faults
        )
        self._function = LambdaFunction(settings, lambda_client, iam_client)
        self._report = report
        self._work = work_dir
        self._store = CodeStore(work_dir / "code")
        self._left_out: dict[str, tuple[str, ...]] = {}  # CodeSha256 → files excluded
        self._layers = LayerPublisher(settings, lambda_client, self._store, work_dir / "layers")
        self._child = rehearsal_child(settings, target.mode, target.endpoint, work_dir)
        self._history: list[str] = []  # versions production has pointed at, in order
        self._runs = 0
        self.deployments: list[Deployment] = []

    @property
    def function_name(self) -> str:
        return self._function.name

    @function_name.setter
    def function_name(self, name: str) -> None:
        """Rehearse on another function (required against real AWS); only before the first deploy."""
        self._function.name = name

    @property
    def alias_name(self) -> str:
        """The alias deployments move: the template's ``AutoPublishAlias``, else ``production``."""
        return self._function.alias_name

    @property
    def alias_version(self) -> str | None:
        """The version ``production`` points at now (read with ``get_alias``), or None."""
        alias = self._function.alias()
        return None if alias is None else alias["FunctionVersion"]

    def versions(self) -> list[str]:
        """Published version numbers, oldest first."""
        return [entry["Version"] for entry in self._function.published()]

    def deploy(
        self,
        package: Any,
        *,
        event: Any = None,
        canary_weight: float | None = None,
        canary_invocations: int = 20,
        canary_events: Sequence[Any] | None = None,
    ) -> Deployment:
        """Rehearse deploying *package* (a ``Package`` or a zip's path) to the alias.

        *canary_weight* defaults to the template's ``DeploymentPreference`` (its first traffic
        shift: 0.1 for ``Canary10Percent5Minutes``; ``AllAtOnce`` runs no canary), else 0.1.
        """
        __tracebackhide__ = True
        no_canary = "canary_invocations = 0"
        if canary_weight is None:
            canary_weight = self.settings.rehearsal.canary_weight
            if canary_weight == 0:  # AllAtOnce: no traffic is ever split
                no_canary = "the template's DeploymentPreference shifts all traffic at once"
                canary_weight, canary_invocations = 0.1, 0
        check_canary_arguments(canary_weight, canary_invocations)
        if canary_events is not None and not list(canary_events):
            raise LeeError("canary_events: expected at least one event, got none")
        self._guard()
        event = health_event(self.settings) if event is None else event
        canary_events = (
            list(canary_events)
            if canary_events is not None
            else replayed_events(self.settings, event)
        )
        run = self._start_run("deploy")
        try:
            candidate = self._verify(run, package)
            self._record_previous(run)
            self._upload(run, candidate)
        except _failures() as error:
            return run.finish(refused=True, reason=one_line(error))
        try:
            self._publish(run)
            if run.version == run.previous:
                run.log.skip(
                    "post-deployment", "health check", f"production is already on v{run.version}"
                )
                return run.finish(
                    unchanged=True,
                    reason=f"nothing changed: production is already on v{run.version}",
                )
            self._health_check(run, event)
            self._canary(run, canary_weight, canary_invocations, canary_events, no_canary)
            self._promote(run)
        except _failures() as error:
            return self._roll_back(run, one_line(error))
        except (
            BaseException
        ) as error:  # a bug or an interrupt: production first, then let it surface
            self._roll_back(run, f"interrupted: {one_line(error)}")
            raise
        return run.finish(promoted=True)

    def rollback(
        self, to_version: str | None = None, *, event: Any = None, health: bool = True
    ) -> Deployment:
        """Roll ``production`` back by hand, as the seed's rollback procedure does.

        Without *to_version*, the version production was on before the current one.
        """
        __tracebackhide__ = True
        self._guard()
        run = self._start_run("rollback")
        try:
            with run.log.step("rollback ready", "identify previous version") as step:
                run.previous = self.alias_version
                if run.previous is None:
                    raise StepFailed(
                        f"{self.function_name} has no {self.alias_name} alias to roll back"
                    )
                run.version = to_version or self._before(run.previous)
                step.detail = f"{self.alias_name} is on v{run.previous}; previous working version v{run.version}"
            with run.log.step(
                "rollback ready", f"roll back {self.alias_name} → v{run.version}"
            ) as step:
                step.detail = self._function.point_alias(run.version)
            self._history.append(run.version)
            if health:
                self._health_check(
                    run, health_event(self.settings) if event is None else event, fail=False
                )
        except _failures() as error:
            return run.finish(reason=one_line(error))
        return run.finish(rolled_back=True, reason=run.health.error)

    # --- steps ------------------------------------------------------------------------

    def _verify(self, run: _Run, package: Any) -> Candidate:
        with run.log.step("pre-deployment", "verify package") as step:
            candidate = Candidate(package)
            problems, warnings = reverify(self.settings, candidate, self._scratch("verify"))
            run.warnings = warnings
            if problems:
                more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
                raise StepFailed(f"{problems[0]}{more}")
            count = _count(candidate.data)
            step.detail = f"{count} file{'s' if count != 1 else ''} verified, CodeSha256 {candidate.code_sha256}"
        run.sha = candidate.code_sha256
        return candidate

    def _record_previous(self, run: _Run) -> None:
        with run.log.step("rollback ready", "record production version") as step:
            alias = self._function.alias()
            if alias is None:
                step.detail = (
                    f"no {self.alias_name} alias yet (first deployment): nothing to roll back to"
                )
                return
            run.previous = alias["FunctionVersion"]
            run.previous_arn = self._function.configuration(run.previous)["FunctionArn"]
            if not self._history or self._history[-1] != run.previous:
                self._history.append(run.previous)
            step.detail = f"{self.alias_name} → v{run.previous} ({run.previous_arn})"

    def _upload(self, run: _Run, candidate: Candidate) -> None:
        layers: list[str] = []
        if self.settings.layers:
            with run.log.step("deployment", "publish layers") as step:
                layers, step.detail = self._layers.publish()
        with run.log.step("deployment", "upload package") as step:
            response, step.detail = self._function.upload(candidate.data, layers=layers)
        with run.log.step("deployment", "check CodeSha256") as step:
            # moto stores whatever arrives and never compares hashes; we do.
            reported = response.get("CodeSha256")
            if reported != candidate.code_sha256:
                raise StepFailed(
                    f"Lambda reports CodeSha256 {reported} for the upload, the package is "
                    f"{candidate.code_sha256}: the bytes changed in transit, not published"
                )
            self._store.put(candidate.data)
            self._left_out[candidate.code_sha256] = tuple(
                getattr(candidate.package, "left_out", ())
            )
            step.detail = f"Lambda reports {reported}, as built"

    def _publish(self, run: _Run) -> None:
        with run.log.step("deployment", "publish version") as step:
            published = self._function.published()
            if published and published[-1]["CodeSha256"] == run.sha:
                # AWS returns the latest version when nothing changed; moto would publish a duplicate.
                run.version = published[-1]["Version"]
                step.detail = (
                    f"nothing changed since v{run.version}: v{run.version} comes back, as on AWS"
                )
            else:
                run.version = self._function.publish(run.sha or "")
                step.detail = f"published v{run.version}"

    def _health_check(self, run: _Run, event: Any, *, fail: bool = True) -> None:
        assert run.version is not None
        with run.log.step("post-deployment", f"health check v{run.version}") as step:
            configuration = self._function.configuration(run.version)
            run.sha = configuration["CodeSha256"]  # the hash Lambda reports for that version
            if not self._store.holds(run.sha):
                run.health = HealthCheck(
                    "failed", event=event, error=f"no bytes held locally for CodeSha256 {run.sha}"
                )
            else:
                run.health = health_check(
                    self._store,
                    run.sha,
                    configuration["Handler"],
                    event,
                    self._child,
                    settings=self.settings,
                    layers=self._layers.shas_for(configuration),
                )
                hint = left_out_hint(run.health.error, self._left_out.get(run.sha, ()))
                if hint:  # a file the package left out is the likeliest cause
                    run.health = dataclasses.replace(run.health, error=f"{run.health.error}{hint}")
            shown = json.dumps(event, default=str)[:60]
            if not run.health.passed:
                if fail:
                    raise StepFailed(f"health check of v{run.version} failed: {run.health.error}")
                step.ok, step.detail = False, f"{shown}: {run.health.error}"
                return
            response = run.health.response
            status = (
                response.get("statusCode", "returned") if isinstance(response, dict) else "returned"
            )
            step.detail = f"{shown} → {status} (published bytes, clean process)"

    def _canary(
        self, run: _Run, weight: float, invocations: int, events: list[Any], no_canary: str
    ) -> None:
        name = f"canary {weight:g} × {invocations}"
        if run.previous is None:
            run.log.skip(
                "post-deployment",
                name,
                "first deployment: no production version to share traffic with",
            )
            return
        if invocations == 0:
            run.log.skip("post-deployment", name, no_canary)
            return
        new, old = run.version or "", run.previous
        with run.log.step("post-deployment", name) as step:
            alias = self._function.route(old, new, weight)
            routed = routed_weight(alias, new)  # split by what the alias says, not by the argument
            new_config, old_config = (
                self._function.configuration(new),
                self._function.configuration(old),
            )
            run_old = None
            if self._store.holds(old_config["CodeSha256"]):

                def run_old(batch: Sequence[Any]) -> list[Invocation]:
                    return self._invocations(old_config, batch)

            run.canary = run_canary(
                weight=routed,
                invocations=invocations,
                events=events,
                new_version=new,
                old_version=old,
                run_new=lambda batch: self._invocations(new_config, batch),
                run_old=run_old,
                latency_limit_ms=request_limit_ms(self.settings),
            )
            step.detail = _canary_detail(run.canary)
            if not run.canary.passed:
                raise StepFailed(f"canary: {run.canary.problems[0]}")

    def _promote(self, run: _Run) -> None:
        assert run.version is not None
        with run.log.step("post-deployment", f"promote {self.alias_name} → v{run.version}") as step:
            step.detail = self._function.point_alias(run.version, create=run.previous is None)
        self._history.append(run.version)

    def _roll_back(self, run: _Run, reason: str) -> Deployment:
        target = run.previous
        try:
            with run.log.step(
                "rollback ready",
                f"roll back {self.alias_name} → {f'v{target}' if target else 'no alias'}",
            ) as step:
                step.detail = (
                    self._function.remove_alias()
                    if target is None
                    else self._function.point_alias(target)
                )
        except _failures() as error:
            return run.finish(reason=f"{reason}; ROLLBACK FAILED: {one_line(error)}")
        return run.finish(rolled_back=True, reason=reason)

    # --- helpers ----------------------------------------------------------------------

    def _before(self, current: str) -> str:
        """The version production was on before *current*: this rehearsal's history, else the
        newest published version older than it (the seed's ``list-versions-by-function`` step)."""
        earlier = [version for version in self._history if version != current]
        if earlier:
            return earlier[-1]
        older = [version for version in self.versions() if int(version) < int(current)]
        if not older:
            raise StepFailed(f"no version older than v{current} to roll back to")
        return older[-1]

    def _invocations(
        self, configuration: dict[str, Any], events: Sequence[Any]
    ) -> list[Invocation]:
        """One :class:`Invocation` per event, run on a version's bytes and its layers."""
        try:
            layers = self._layers.shas_for(configuration)
            child = run_events(
                self._store,
                configuration["CodeSha256"],
                configuration["Handler"],
                events,
                self._child,
                layers=layers,
            )
        except LeeError as error:
            return [Invocation(one_line(error))] * len(events)
        return invocations(child, len(events), self._canary_vcpus())

    def _canary_vcpus(self) -> float | None:
        """The invoke share when the budgets model Lambda (``cpu = "lambda"``), else None:
        the canary judges latency in the same time as the budgets."""
        if self.settings.cpu != "lambda":
            return None
        from pytest_lee.lambda_runtime.limits import cpu_share

        return cpu_share(self._child.memory_mb)

    def _guard(self) -> None:
        __tracebackhide__ = True
        self.target.check_function(self.function_name, self.settings.function.name)

    def _scratch(self, what: str) -> Path:
        self._runs += 1
        return self._work / f"{what}-{self._runs:03d}"

    def _start_run(self, kind: str) -> _Run:
        return _Run(
            function_name=self.function_name,
            read_alias=self._function.alias,
            record=self._record,
            kind=kind,
        )

    def _record(self, deployment: Deployment) -> None:
        self.deployments.append(deployment)
        if self._report is not None:
            self._report.add("rehearsals", deployment.as_report_entry())


class _Run:
    """The state one deploy() or rollback() builds up, and the Deployment it ends as."""

    def __init__(
        self,
        *,
        function_name: str,
        read_alias: Callable[[], dict[str, Any] | None],
        record: Callable[[Deployment], None],
        kind: str,
    ) -> None:
        self.function_name, self.kind = function_name, kind
        self._read_alias, self._record = read_alias, record
        self.log, self.start = StepLog(), time.perf_counter()
        self.version: str | None = None
        self.previous: str | None = None
        self.previous_arn: str | None = None
        self.sha: str | None = None
        self.health: HealthCheck = HealthCheck("skipped")
        self.canary: CanaryResult | None = None
        self.warnings: list[str] = []

    def finish(
        self,
        *,
        promoted: bool = False,
        rolled_back: bool = False,
        refused: bool = False,
        unchanged: bool = False,
        reason: str | None = None,
    ) -> Deployment:
        alias = _safely(self._read_alias) or {}
        deployment = Deployment(
            function=self.function_name,
            version=self.version,
            previous_version=self.previous,
            previous_arn=self.previous_arn,
            code_sha256=self.sha,
            promoted=promoted,
            rolled_back=rolled_back,
            refused=refused,
            unchanged=unchanged,
            reason=reason,
            health=self.health,
            canary=self.canary,
            steps=tuple(self.log.steps),
            seconds=time.perf_counter() - self.start,
            alias_version=alias.get("FunctionVersion"),
            alias_weights=dict(
                (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
            ),
            warnings=tuple(self.warnings),
            test=_current_test(),
            kind=self.kind,
        )
        self._record(deployment)
        return deployment


def _canary_detail(result: CanaryResult) -> str:
    new, old = result.new, result.old
    latency = f", p95 {new.p95_ms:.0f} ms" if new.p95_ms is not None else ""
    responses = (
        f", {new.responses.error_responses} error responses"
        if new.responses.error_responses
        else ""
    )
    shown = (
        f"v{old.version} {old.routed} ({len(old.errors)} errors"
        + (f", p95 {old.p95_ms:.0f} ms)" if old.p95_ms is not None else ")")
        if result.old_replayed
        else f"v{old.version} {old.routed} (bytes not held locally: not replayed)"
    )
    return (
        f"alias weight {result.weight:g}: v{new.version} {new.routed} routed, "
        f"{new.replayed} replayed ({len(new.errors)} errors{responses}{latency}), {shown}"
    )


def _count(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(1 for info in archive.infolist() if not info.is_dir())


def _current_test() -> str | None:
    current = os.environ.get("PYTEST_CURRENT_TEST")
    return current.rsplit(" ", 1)[0] if current else None


def _safely(read: Any) -> Any:
    try:
        return read()
    except Exception:  # the summary must not hide the rehearsal's own outcome
        return None


def _failures() -> tuple[type[BaseException], ...]:
    """What ends a sequence as a reported outcome: our errors (StepFailed is one) and boto's."""
    from botocore.exceptions import BotoCoreError, ClientError

    return (LeeError, ClientError, BotoCoreError)
