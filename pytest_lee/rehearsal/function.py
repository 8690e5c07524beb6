"""The Lambda calls of a rehearsal, on one function and its alias (``production``, or the
template's ``AutoPublishAlias``).

Every change of the alias is followed by ``get_alias``: a step counts only when
Lambda reports the state the step wanted. Works the same on moto in-process, a moto
server, LocalStack or (with consent) real AWS.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from pytest_lee.errors import LeeError
from pytest_lee.rehearsal.deploy import StepFailed
from pytest_lee.settings import Settings

ALIAS = "production"  # the alias without a template's AutoPublishAlias
ROLE_NAME = "lee-rehearsal-role"
_TRUST_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
_NO_ROUTING: dict[str, dict[str, float]] = {"AdditionalVersionWeights": {}}


class LambdaFunction:
    """One function (created on first upload from ``[tool.lee.function]``) and its alias."""

    def __init__(self, settings: Settings, client: Any, iam: Any) -> None:
        self.settings = settings
        self.client = client
        self._iam = iam
        self._name = settings.function.name
        self.alias_name = settings.rehearsal.alias
        self._exists: bool | None = None

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, name: str) -> None:
        if self._exists:
            raise LeeError(f"function_name: the rehearsal already uses {self._name!r}")
        self._name, self._exists = name, None

    # --- reading --------------------------------------------------------------------

    def exists(self) -> bool:
        if self._exists is None:
            try:
                self.client.get_function_configuration(FunctionName=self._name)
                self._exists = True
            except self.client.exceptions.ResourceNotFoundException:
                self._exists = False
        return self._exists

    def alias(self) -> dict[str, Any] | None:
        """``get_alias`` of production, or None when the function or the alias does not exist."""
        if not self.exists():
            return None
        try:
            alias: dict[str, Any] = self.client.get_alias(
                FunctionName=self._name, Name=self.alias_name
            )
            return alias
        except self.client.exceptions.ResourceNotFoundException:
            return None

    def configuration(self, version: str) -> dict[str, Any]:
        found: dict[str, Any] = self.client.get_function_configuration(
            FunctionName=self._name, Qualifier=version
        )
        return found

    def published(self) -> list[dict[str, Any]]:
        """Every published version's configuration, oldest first."""
        if not self.exists():
            return []
        paginator = self.client.get_paginator("list_versions_by_function")
        entries = [
            entry
            for page in paginator.paginate(FunctionName=self._name)
            for entry in page["Versions"]
            if entry["Version"] != "$LATEST"
        ]
        return sorted(entries, key=lambda entry: int(entry["Version"]))

    # --- changing -------------------------------------------------------------------

    def upload(self, data: bytes, *, layers: Sequence[str] = ()) -> tuple[dict[str, Any], str]:
        """(response, what was done): ``update_function_code``, or ``create_function`` the
        first time; *layers* (ARNs, in order) attached when they differ from the function's."""
        if self.exists():
            response = self.client.update_function_code(FunctionName=self._name, ZipFile=data)
            done = f"update_function_code {self._name} ({len(data)} bytes)"
            self._wait_until_updated(response)
            attached = [entry["Arn"] for entry in response.get("Layers") or ()]
            if attached != list(layers):
                self._wait_until_updated(
                    self.client.update_function_configuration(
                        FunctionName=self._name, Layers=list(layers)
                    )
                )
                done += f", {len(layers)} layer{'s' if len(layers) != 1 else ''} attached"
        else:
            response = self._create(data, layers)
            done = f"create_function {self._name} from [tool.lee.function] ({len(data)} bytes)"
            if layers:
                done += f" with {len(layers)} layer{'s' if len(layers) != 1 else ''}"
            self._wait_until_updated(response)
        return response, done

    def publish(self, sha: str) -> str:
        response = self.client.publish_version(
            FunctionName=self._name, CodeSha256=sha, Description="pytest-lee rehearsal"
        )
        return str(response["Version"])

    def route(self, stable: str, new: str, weight: float) -> dict[str, Any]:
        """Keep the alias on *stable*, send *weight* of traffic to *new*; the alias as read back."""
        self.client.update_alias(
            FunctionName=self._name,
            Name=self.alias_name,
            FunctionVersion=stable,
            RoutingConfig={"AdditionalVersionWeights": {new: weight}},
        )
        return self.alias() or {}

    def point_alias(self, version: str, *, create: bool = False) -> str:
        """Point production at *version* alone and prove it with ``get_alias``."""
        if create:
            self.client.create_alias(
                FunctionName=self._name, Name=self.alias_name, FunctionVersion=version
            )
        else:
            self.client.update_alias(
                FunctionName=self._name,
                Name=self.alias_name,
                FunctionVersion=version,
                RoutingConfig=_NO_ROUTING,
            )
        alias = self.alias() or {}
        weights = (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
        if alias.get("FunctionVersion") != version or weights:
            raise StepFailed(
                f"get_alias reports {self.alias_name} → v{alias.get('FunctionVersion')} with weights {weights}, "
                f"expected v{version} alone"
            )
        return f"get_alias: {self.alias_name} → v{version}, routing cleared"

    def remove_alias(self) -> str:
        """A first deployment failed: production must not exist at all."""
        if self.alias() is not None:
            self.client.delete_alias(FunctionName=self._name, Name=self.alias_name)
        if self.alias() is not None:
            raise StepFailed(f"{self.alias_name} alias still exists after delete_alias")
        return f"first deployment: {self.alias_name} alias not created (verified)"

    def _create(self, data: bytes, layers: Sequence[str] = ()) -> dict[str, Any]:
        function = self.settings.function
        response = self.client.create_function(
            FunctionName=self._name,
            Runtime=function.runtime,
            Role=self._role_arn(),
            Handler=self.settings.handler,
            Code={"ZipFile": data},
            Timeout=max(1, round(function.timeout_s)),
            MemorySize=function.memory_mb,
            Environment={"Variables": dict(function.environment)},
            Publish=False,
            **({"Layers": list(layers)} if layers else {}),
        )
        self._exists = True
        created: dict[str, Any] = response
        return created

    def _role_arn(self) -> str:
        try:
            return str(self._iam.get_role(RoleName=ROLE_NAME)["Role"]["Arn"])
        except self._iam.exceptions.NoSuchEntityException:
            return str(
                self._iam.create_role(RoleName=ROLE_NAME, AssumeRolePolicyDocument=_TRUST_POLICY)[
                    "Role"
                ]["Arn"]
            )

    def _wait_until_updated(self, response: dict[str, Any], limit_s: float = 120.0) -> None:
        """Real Lambda applies code asynchronously, and publishing before it finishes fails."""
        deadline = time.monotonic() + limit_s
        state = response
        while state.get("LastUpdateStatus") == "InProgress" or state.get("State") == "Pending":
            if time.monotonic() > deadline:
                raise StepFailed(f"{self._name}: update still in progress after {limit_s:g} s")
            time.sleep(1.0)
            state = self.client.get_function_configuration(FunctionName=self._name)
        if state.get("LastUpdateStatus") == "Failed":
            raise StepFailed(f"{self._name}: update failed: {state.get('LastUpdateStatusReason')}")
