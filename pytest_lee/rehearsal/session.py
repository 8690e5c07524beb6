"""The :class:`Rehearsal`: NM06-LESS-09's deployment sequence, made exact and run in a second.

verify → record production's version and ARN → upload → check CodeSha256 →
publish → health-check the published bytes → canary over the alias's RoutingConfig
→ promote, or roll back to the recorded version; every alias change is read back
with ``get_alias`` before it counts. Where moto falls short of Lambda, this module
closes the gap itself (noted at each place) so a rehearsal behaves as AWS would.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Sequence

from pytest_lee.errors import LeeError, PackageError
from pytest_lee.rehearsal.canary import CanaryResult, check_canary_arguments, routed_weight, run_canary
from pytest_lee.rehearsal.deploy import Deployment, StepFailed, StepLog
from pytest_lee.rehearsal.local import (
    HEALTH_EVENT,
    CodeStore,
    HealthCheck,
    health_check,
    invocation_errors,
    one_line,
    run_events,
)
from pytest_lee.rehearsal.reverify import Candidate, reverify
from pytest_lee.rehearsal.target import Target
from pytest_lee.report import SessionReport
from pytest_lee.settings import Settings

ALIAS = "production"
ROLE_NAME = "lee-rehearsal-role"
_TRUST_POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
})
_NO_ROUTING = {"AdditionalVersionWeights": {}}
_SKIPPED = HealthCheck("skipped")


class Rehearsal:
    """A Lambda function (moto, or an endpoint) to rehearse deployments of one project on."""

    def __init__(
        self, settings: Settings, report: SessionReport | None, work_dir: Path, target: Target,
        lambda_client: Any, iam_client: Any,
    ) -> None:
        self.settings = settings
        self.target = target
        self.client = lambda_client  # public: tests register botocore event hooks on it to inject faults
        self._iam = iam_client
        self._report = report
        self._work = work_dir
        self._store = CodeStore(work_dir / "code")
        self._function_name = settings.function.name
        self._exists: bool | None = None
        self._history: list[str] = []  # versions production has pointed at, in order
        self._runs = 0
        self.deployments: list[Deployment] = []

    # --- what a test reads ----------------------------------------------------------

    @property
    def function_name(self) -> str:
        return self._function_name

    @function_name.setter
    def function_name(self, name: str) -> None:
        """Rehearse on another function (required against real AWS); only before the first deploy."""
        if self._exists:
            raise LeeError(f"function_name: the rehearsal already uses {self._function_name!r}")
        self._function_name, self._exists = name, None

    @property
    def alias_version(self) -> str | None:
        """The version ``production`` points at now (read with ``get_alias``), or None."""
        alias = self._get_alias()
        return None if alias is None else alias["FunctionVersion"]

    def versions(self) -> list[str]:
        """Published version numbers, oldest first."""
        return [entry["Version"] for entry in self._published()]

    # --- the sequence -----------------------------------------------------------------

    def deploy(
        self,
        package: Any,
        *,
        event: Any = None,
        canary_weight: float = 0.1,
        canary_invocations: int = 20,
        canary_events: Sequence[Any] | None = None,
    ) -> Deployment:
        """Rehearse deploying *package* (a ``Package`` or a zip's path) to ``production``."""
        __tracebackhide__ = True
        check_canary_arguments(canary_weight, canary_invocations)
        if canary_events is not None and not list(canary_events):
            raise LeeError("canary_events: expected at least one event, got none")
        self._guard()
        event = HEALTH_EVENT if event is None else event
        canary_events = list(canary_events) if canary_events is not None else [event]
        run = _Run(self, StepLog(), time.perf_counter())
        try:
            with run.log.step("pre-deployment", "verify package") as step:
                candidate = Candidate(package)
                problems, run.warnings = reverify(self.settings, candidate, self._scratch("verify"))
                if problems:
                    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
                    raise StepFailed(f"{problems[0]}{more}")
                count = _count(candidate)
                step.detail = f"{count} file{'s' if count != 1 else ''} verified, CodeSha256 {candidate.code_sha256}"
            run.sha = candidate.code_sha256
            self._record_previous(run)
            self._upload(run, candidate)
        except _failures() as error:
            return run.finish(refused=True, reason=one_line(error))
        try:
            self._publish(run)
            if run.version == run.previous:
                run.log.skip("post-deployment", "health check", f"production is already on v{run.version}")
                return run.finish(unchanged=True, reason=f"nothing changed: production is already on v{run.version}")
            self._health_check(run, event)
            self._canary(run, canary_weight, canary_invocations, canary_events)
            self._promote(run)
        except _failures() as error:
            return self._roll_back(run, one_line(error))
        return run.finish(promoted=True)

    def rollback(self, to_version: str | None = None, *, event: Any = None, health: bool = True) -> Deployment:
        """Roll ``production`` back by hand, as the seed's rollback procedure does.

        Without *to_version*, the version production was on before the current one.
        """
        __tracebackhide__ = True
        self._guard()
        run = _Run(self, StepLog(), time.perf_counter(), kind="rollback")
        try:
            with run.log.step("rollback ready", "identify previous version") as step:
                run.previous = self.alias_version
                if run.previous is None:
                    raise StepFailed(f"{self._function_name} has no {ALIAS} alias to roll back")
                run.version = to_version or self._before(run.previous)
                step.detail = f"{ALIAS} is on v{run.previous}; previous working version v{run.version}"
            with run.log.step("rollback ready", f"roll back {ALIAS} → v{run.version}") as step:
                step.detail = self._point_alias(run.version)
            self._history.append(run.version)
            run.sha = self._version_sha(run.version)
            if health:
                self._health_check(run, HEALTH_EVENT if event is None else event, fail=False)
        except _failures() as error:
            return run.finish(reason=one_line(error))
        return run.finish(rolled_back=True, reason=None if run.health.outcome != "failed" else run.health.error)

    # --- steps ------------------------------------------------------------------------

    def _record_previous(self, run: _Run) -> None:
        with run.log.step("rollback ready", "record production version") as step:
            alias = self._get_alias()
            if alias is None:
                step.detail = f"no {ALIAS} alias yet (first deployment): nothing to roll back to"
                return
            run.previous = alias["FunctionVersion"]
            run.previous_arn = self._configuration(run.previous)["FunctionArn"]
            if not self._history or self._history[-1] != run.previous:
                self._history.append(run.previous)
            step.detail = f"{ALIAS} → v{run.previous} ({run.previous_arn})"

    def _upload(self, run: _Run, candidate: Candidate) -> None:
        with run.log.step("deployment", "upload package") as step:
            if self._function_exists():
                response = self.client.update_function_code(FunctionName=self._function_name, ZipFile=candidate.data)
                step.detail = f"update_function_code {self._function_name} ({len(candidate.data)} bytes)"
            else:
                response = self._create_function(candidate.data)
                step.detail = f"create_function {self._function_name} from [tool.lee.function] ({len(candidate.data)} bytes)"
            self._wait_until_updated(response)
        with run.log.step("deployment", "check CodeSha256") as step:
            # moto stores whatever arrives and never compares hashes; we do.
            reported = response.get("CodeSha256")
            if reported != candidate.code_sha256:
                raise StepFailed(
                    f"Lambda reports CodeSha256 {reported} for the upload, the package is "
                    f"{candidate.code_sha256}: the bytes changed in transit, not published"
                )
            self._store.put(candidate.data)
            step.detail = f"Lambda reports {reported}, as built"

    def _publish(self, run: _Run) -> None:
        with run.log.step("deployment", "publish version") as step:
            latest = self._published()[-1:] or [None]
            last = latest[0]
            if last is not None and last["CodeSha256"] == run.sha:
                # AWS returns the latest version when nothing changed; moto would publish a duplicate.
                run.version = last["Version"]
                step.detail = f"nothing changed since v{run.version}: v{run.version} comes back, as on AWS"
            else:
                response = self.client.publish_version(
                    FunctionName=self._function_name, CodeSha256=run.sha, Description="pytest-lee rehearsal"
                )
                run.version = response["Version"]
                step.detail = f"published v{run.version}"
            run.arn = self._configuration(run.version)["FunctionArn"]

    def _health_check(self, run: _Run, event: Any, *, fail: bool = True) -> None:
        with run.log.step("post-deployment", f"health check v{run.version}") as step:
            configuration = self._configuration(run.version)
            run.sha = configuration["CodeSha256"]  # the hash Lambda reports for that version
            if not self._store.holds(run.sha):
                run.health = HealthCheck("failed", event=event, error=f"no bytes held locally for CodeSha256 {run.sha}")
            else:
                run.health = health_check(
                    self._store, run.sha, configuration["Handler"], event, self.settings.function
                )
            shown = json.dumps(event, default=str)[:60]
            if not run.health.passed:
                if fail:
                    raise StepFailed(f"health check of v{run.version} failed: {run.health.error}")
                step.ok, step.detail = False, f"{shown}: {run.health.error}"
                return
            status = run.health.response.get("statusCode") if isinstance(run.health.response, dict) else None
            step.detail = f"{shown} → {status if status is not None else 'returned'} (published bytes, clean process)"

    def _canary(self, run: _Run, weight: float, invocations: int, events: list[Any]) -> None:
        name = f"canary {weight:g} × {invocations}"
        if run.previous is None:
            run.log.skip("post-deployment", name, "first deployment: no production version to share traffic with")
            return
        if invocations == 0:
            run.log.skip("post-deployment", name, "canary_invocations = 0")
            return
        with run.log.step("post-deployment", name) as step:
            self.client.update_alias(
                FunctionName=self._function_name, Name=ALIAS, FunctionVersion=run.previous,
                RoutingConfig={"AdditionalVersionWeights": {run.version: weight}},
            )
            alias = self._get_alias() or {}
            routed = routed_weight(alias, run.version)  # split by what the alias says, not by the argument
            old_sha = self._version_sha(run.previous)
            old_handler = self._configuration(run.previous)["Handler"]
            new_handler = self._configuration(run.version)["Handler"]
            run.canary = run_canary(
                weight=routed, invocations=invocations, events=events,
                new_version=run.version, old_version=run.previous,
                run_new=lambda batch: self._errors(run.sha, new_handler, batch),
                run_old=(lambda batch: self._errors(old_sha, old_handler, batch)) if self._store.holds(old_sha) else None,
            )
            step.detail = _canary_detail(run.canary)
            if not run.canary.passed:
                count = len(run.canary.new_errors)
                raise StepFailed(
                    f"canary: {count} of {run.canary.routed_new} invocations of v{run.version} failed: "
                    f"{run.canary.new_errors[0]}"
                )

    def _promote(self, run: _Run) -> None:
        with run.log.step("post-deployment", f"promote {ALIAS} → v{run.version}") as step:
            if run.previous is None:
                self.client.create_alias(FunctionName=self._function_name, Name=ALIAS, FunctionVersion=run.version)
            step.detail = self._point_alias(run.version)
        self._history.append(run.version)

    def _roll_back(self, run: _Run, reason: str) -> Deployment:
        target = run.previous
        try:
            with run.log.step("rollback ready", f"roll back {ALIAS} → {f'v{target}' if target else 'no alias'}") as step:
                if target is None:
                    if self._get_alias() is not None:
                        self.client.delete_alias(FunctionName=self._function_name, Name=ALIAS)
                    if self._get_alias() is not None:
                        raise StepFailed(f"{ALIAS} alias still exists after delete_alias")
                    step.detail = f"first deployment: {ALIAS} alias not created (verified)"
                else:
                    step.detail = self._point_alias(target)
        except _failures() as error:
            return run.finish(reason=f"{reason}; ROLLBACK FAILED: {one_line(error)}")
        return run.finish(rolled_back=True, reason=reason)

    # --- Lambda calls -----------------------------------------------------------------

    def _point_alias(self, version: str) -> str:
        """Point production at *version* with routing cleared, and prove it with get_alias."""
        self.client.update_alias(
            FunctionName=self._function_name, Name=ALIAS, FunctionVersion=version, RoutingConfig=_NO_ROUTING
        )
        alias = self._get_alias() or {}
        weights = (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
        if alias.get("FunctionVersion") != version or weights:
            raise StepFailed(
                f"get_alias reports {ALIAS} → v{alias.get('FunctionVersion')} with weights {weights or {}}, "
                f"expected v{version} alone"
            )
        return f"get_alias: {ALIAS} → v{version}, routing cleared"

    def _get_alias(self) -> dict[str, Any] | None:
        if not self._function_exists():
            return None
        try:
            return self.client.get_alias(FunctionName=self._function_name, Name=ALIAS)
        except self.client.exceptions.ResourceNotFoundException:
            return None

    def _configuration(self, version: str) -> dict[str, Any]:
        return self.client.get_function_configuration(FunctionName=self._function_name, Qualifier=version)

    def _version_sha(self, version: str) -> str:
        return self._configuration(version)["CodeSha256"]

    def _published(self) -> list[dict[str, Any]]:
        if not self._function_exists():
            return []
        paginator = self.client.get_paginator("list_versions_by_function")
        entries = [
            entry
            for page in paginator.paginate(FunctionName=self._function_name)
            for entry in page["Versions"]
            if entry["Version"] != "$LATEST"
        ]
        return sorted(entries, key=lambda entry: int(entry["Version"]))

    def _before(self, current: str) -> str:
        """The version production was on before *current*: from this rehearsal's history, else
        the newest published version older than it (the seed's list-versions step)."""
        earlier = [version for version in self._history if version != current]
        if earlier:
            return earlier[-1]
        older = [version for version in self.versions() if int(version) < int(current)]
        if not older:
            raise StepFailed(f"no version older than v{current} to roll back to")
        return older[-1]

    def _function_exists(self) -> bool:
        if self._exists is None:
            try:
                self.client.get_function_configuration(FunctionName=self._function_name)
                self._exists = True
            except self.client.exceptions.ResourceNotFoundException:
                self._exists = False
        return self._exists

    def _create_function(self, data: bytes) -> dict[str, Any]:
        function = self.settings.function
        response = self.client.create_function(
            FunctionName=self._function_name,
            Runtime=function.runtime,
            Role=self._role_arn(),
            Handler=self.settings.handler,
            Code={"ZipFile": data},
            Timeout=max(1, round(function.timeout_s)),
            MemorySize=function.memory_mb,
            Environment={"Variables": dict(function.environment)},
            Publish=False,
        )
        self._exists = True
        return response

    def _role_arn(self) -> str:
        try:
            return self._iam.get_role(RoleName=ROLE_NAME)["Role"]["Arn"]
        except self._iam.exceptions.NoSuchEntityException:
            return self._iam.create_role(RoleName=ROLE_NAME, AssumeRolePolicyDocument=_TRUST_POLICY)["Role"]["Arn"]

    def _wait_until_updated(self, response: dict[str, Any], limit_s: float = 120.0) -> None:
        """Real Lambda applies code asynchronously; publishing before it finishes fails."""
        deadline = time.monotonic() + limit_s
        state = response
        while state.get("LastUpdateStatus") == "InProgress" or state.get("State") == "Pending":
            if time.monotonic() > deadline:
                raise StepFailed(f"{self._function_name}: update still in progress after {limit_s:g} s")
            time.sleep(1.0)
            state = self.client.get_function_configuration(FunctionName=self._function_name)
        if state.get("LastUpdateStatus") == "Failed":
            raise StepFailed(f"{self._function_name}: update failed: {state.get('LastUpdateStatusReason')}")

    # --- helpers ----------------------------------------------------------------------

    def _errors(self, sha: str, handler: str, events: Sequence[Any]) -> list[str | None]:
        try:
            child = run_events(self._store, sha, handler, events, self.settings.function)
        except (PackageError, LeeError) as error:
            return [one_line(error)] * len(events)
        return invocation_errors(child, len(events))

    def _guard(self) -> None:
        __tracebackhide__ = True
        self.target.check_function(self._function_name, self.settings.function.name)

    def _scratch(self, what: str) -> Path:
        self._runs += 1
        return self._work / f"{what}-{self._runs:03d}"

    def _record(self, deployment: Deployment) -> None:
        self.deployments.append(deployment)
        if self._report is not None:
            self._report.add("rehearsals", deployment.as_report_entry())


class _Run:
    """The state one deploy() or rollback() builds up, and the Deployment it ends as."""

    def __init__(self, rehearsal: Rehearsal, log: StepLog, start: float, kind: str = "deploy") -> None:
        self.rehearsal, self.log, self.start, self.kind = rehearsal, log, start, kind
        self.version: str | None = None
        self.arn: str | None = None
        self.previous: str | None = None
        self.previous_arn: str | None = None
        self.sha: str | None = None
        self.health: HealthCheck = _SKIPPED
        self.canary: CanaryResult | None = None
        self.warnings: list[str] = []

    def finish(self, *, promoted: bool = False, rolled_back: bool = False, refused: bool = False,
               unchanged: bool = False, reason: str | None = None) -> Deployment:
        rehearsal = self.rehearsal
        deployment = Deployment(
            function=rehearsal.function_name,
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
            alias_version=_safely(lambda: rehearsal.alias_version),
            warnings=tuple(self.warnings),
            test=_current_test(),
            kind=self.kind,
        )
        rehearsal._record(deployment)
        return deployment


def _canary_detail(result: CanaryResult) -> str:
    old = f"v{result.old_version} {result.routed_old}"
    if not result.old_replayed:
        old += " (bytes not held locally: not replayed)"
    else:
        old += f" ({len(result.old_errors)} errors)"
    return (
        f"alias weight {result.weight:g}: v{result.new_version} {result.routed_new} "
        f"({len(result.new_errors)} errors), {old}"
    )


def _count(candidate: Candidate) -> int:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(candidate.data)) as archive:
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
