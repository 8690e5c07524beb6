"""What a SAM template tells pytest-lee, as frozen dataclasses (no YAML, no boto3 here).

``settings_model`` refers to these types, so this module imports nothing but the standard
library: a session without a template never loads the reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

# moto's account: the ARNs and queue URLs a template's intrinsics resolve to name it.
ACCOUNT_ID = "123456789012"
# The stack name ``AWS::StackName`` resolves to, and the prefix of generated names.
STACK_NAME = "lee"


@dataclass(frozen=True, eq=False)
class CloudResource:
    """A resource of the template that is created in moto before any child starts."""

    logical_id: str
    type: str
    name: str  # the physical name: the template's own (TableName, …) or a deterministic one
    properties: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, eq=False)
class TemplateLayer:
    """An ``AWS::Serverless::LayerVersion`` of the template, as ``sam build`` would build it."""

    logical_id: str
    name: str
    source: Path | None  # the files that go under python/
    requirements: Path | None  # vendored under python/ (BuildMethod python3.x)


@dataclass(frozen=True, eq=False)
class TemplateFunction:
    """One function of the template with ``Globals.Function`` merged and intrinsics resolved.

    A field is None when the template does not say (pytest-lee's default then applies);
    ``origins`` lists the values that came from the template, for the "ran under" line.
    """

    template: Path
    logical_id: str
    name: str
    handler: str | None = None
    code_uri: Path | None = None
    requirements: Path | None = None
    runtime: str | None = None
    memory_mb: int | None = None
    timeout_s: float | None = None
    architecture: str | None = None
    environment: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    layers: tuple[TemplateLayer, ...] = ()
    unavailable_layers: tuple[str, ...] = ()  # layer ARNs from outside the template
    alias: str | None = None  # AutoPublishAlias
    deployment_type: str | None = None  # DeploymentPreference.Type
    canary_weight: float | None = None  # the first traffic shift; 0.0 for AllAtOnce
    api_events: tuple[tuple[str, str], ...] = ()  # (METHOD, "/path/{x}")
    other_events: tuple[tuple[str, str], ...] = ()  # (event name, Type)
    resources: tuple[CloudResource, ...] = ()
    origins: tuple[str, ...] = ()
