"""A SAM function as pytest-lee runs it: ``Globals.Function`` merged, intrinsics resolved.

Pure: a template path in, a :class:`TemplateFunction` out (settings decide what overrides
what). ``CodeUri``/``ContentUri`` must be local directories (what ``sam build`` reads);
a ``requirements.txt`` in them is vendored, as ``sam build`` does. A layer given as an ARN
from outside the template is kept by name in ``unavailable_layers``: children run without
it, and the session says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pytest_lee.errors import LeeConfigError
from pytest_lee.template.intrinsics import NO_VALUE, Resolver
from pytest_lee.template.loader import load_template
from pytest_lee.template.model import TemplateFunction, TemplateLayer
from pytest_lee.template.resources import template_resources

FUNCTION_TYPE = "AWS::Serverless::Function"
LAYER_TYPES = ("AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion")
_TRAFFIC = re.compile(r"(Canary|Linear)(\d+)Percent")
_ROUTE_EVENTS = ("Api", "HttpApi")


def read_function(
    path: Path,
    *,
    logical_id: str | None = None,
    region: str = "us-east-1",
    keep_environment: frozenset[str] = frozenset(),
) -> TemplateFunction:
    """The function *logical_id* of the template at *path* (the only one, when None).

    Environment variables named in *keep_environment* are not resolved (``[tool.lee.function]
    environment`` sets them), so an ``!ImportValue`` there need not stop the session.
    """
    template = load_template(path)
    resolver = Resolver(template, path, region)
    logical_id = _choose(path, template["Resources"], logical_id)
    where = f"Resources.{logical_id}.Properties"
    globals_ = _mapping(template.get("Globals")).get("Function") or {}
    own = template["Resources"][logical_id].get("Properties") or {}
    if not isinstance(own, dict) or not isinstance(globals_, dict):
        raise LeeConfigError(f"{path}: {where}: expected a mapping")
    properties = merge_globals(globals_, own)
    read = _Reader(path, resolver, where, properties, own)
    if read.value("PackageType") == "Image":
        raise LeeConfigError(
            f"{path}: {where}.PackageType: Image functions are not supported (a zip function is)"
        )
    origins: list[str] = []
    code_uri = read.directory("CodeUri", path.parent)
    requirements = None
    if code_uri is not None:
        origins.append("code")
        if (code_uri / "requirements.txt").is_file():
            requirements = code_uri / "requirements.txt"
            origins.append("requirements")
    fields: dict[str, Any] = {
        "handler": read.string("Handler"),
        "runtime": read.string("Runtime"),
        "memory_mb": read.integer("MemorySize"),
        "timeout_s": read.number("Timeout"),
        "architecture": read.architecture(),
    }
    origins += [name for name, value in fields.items() if value is not None]
    environment = read.environment(keep_environment)
    if environment:
        origins.append("environment")
    layers, unavailable = _layers(path, resolver, template["Resources"], read)
    if layers or unavailable:
        origins.append("layers")
    alias = read.string("AutoPublishAlias")
    deployment_type, canary_weight = _deployment(read)
    api_events, other_events = _events(read)
    return TemplateFunction(
        template=path,
        logical_id=logical_id,
        name=resolver.name_of(logical_id),
        code_uri=code_uri,
        requirements=requirements,
        environment=MappingProxyType(environment),
        layers=layers,
        unavailable_layers=unavailable,
        alias=alias,
        deployment_type=deployment_type,
        canary_weight=canary_weight,
        api_events=api_events,
        other_events=other_events,
        resources=template_resources(template, resolver),
        origins=tuple(origins),
        **fields,
    )


def merge_globals(globals_: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    """SAM's merge: mappings merge (the function's keys win), lists add up, scalars override."""
    merged = dict(globals_)
    for key, value in own.items():
        base = merged.get(key)
        if isinstance(base, dict) and isinstance(value, dict) and not _intrinsic(value):
            merged[key] = merge_globals(base, value)
        elif isinstance(base, list) and isinstance(value, list):
            merged[key] = [*base, *value]
        else:
            merged[key] = value
    return merged


def canary_weight(deployment_type: str) -> float | None:
    """The share of traffic the first step shifts: ``Canary10Percent5Minutes`` → 0.1,
    ``Linear10PercentEvery1Minute`` → 0.1, ``AllAtOnce`` → 0.0; None when unknown."""
    if deployment_type.endswith("AllAtOnce"):
        return 0.0
    match = _TRAFFIC.search(deployment_type)
    if match is None or not 0 < int(match.group(2)) < 100:
        return None
    return int(match.group(2)) / 100


def _choose(path: Path, resources: Mapping[str, Any], logical_id: str | None) -> str:
    functions = [
        name
        for name, resource in resources.items()
        if isinstance(resource, dict) and resource.get("Type") == FUNCTION_TYPE
    ]
    if logical_id is not None:
        if logical_id not in functions:
            known = ", ".join(functions) or "none"
            raise LeeConfigError(
                f"{path}: tool.lee.function.logical_id = {logical_id!r}: no {FUNCTION_TYPE} "
                f"of that name (the template's functions: {known})"
            )
        return logical_id
    if len(functions) == 1:
        return functions[0]
    if not functions:
        raise LeeConfigError(f"{path}: no {FUNCTION_TYPE} in Resources")
    raise LeeConfigError(
        f"{path}: {len(functions)} functions ({', '.join(functions)}): name the one to test "
        "with [tool.lee.function] logical_id"
    )


class _Reader:
    """Typed reads of the merged properties, each error naming the property."""

    def __init__(
        self,
        path: Path,
        resolver: Resolver,
        where: str,
        properties: Mapping[str, Any],
        own: Mapping[str, Any] | None = None,
    ) -> None:
        self.path, self.resolver, self.where, self.properties = path, resolver, where, properties
        self.own = properties if own is None else own

    def at(self, key: str) -> str:
        """Where *key* (dotted) is written: the function's properties, or Globals.Function
        when the merge took it from there (an error must point at the line to edit)."""
        node: Any = self.own
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return f"Globals.Function.{key}"
            node = node[part]
        return f"{self.where}.{key}"

    def value(self, key: str) -> Any:
        if key not in self.properties:
            return None
        value = self.resolver.resolve(self.properties[key], self.at(key))
        return None if value is NO_VALUE else value

    def fail(self, key: str, expected: str, value: Any) -> LeeConfigError:
        return LeeConfigError(f"{self.path}: {self.at(key)}: expected {expected}, got {value!r}")

    def string(self, key: str) -> str | None:
        value = self.value(key)
        if value is not None and not isinstance(value, str):
            raise self.fail(key, "a string", value)
        return value

    def integer(self, key: str) -> int | None:
        value = self.value(key)
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise self.fail(key, "a whole number", value)
        return value

    def number(self, key: str) -> float | None:
        value = self.value(key)
        try:
            return None if value is None or isinstance(value, bool) else float(value)
        except (TypeError, ValueError):
            raise self.fail(key, "a number", value) from None

    def architecture(self) -> str | None:
        value = self.value("Architectures")
        if value is None:
            return None
        if not isinstance(value, list) or len(value) != 1 or value[0] not in ("x86_64", "arm64"):
            raise self.fail("Architectures", "[x86_64] or [arm64]", value)
        return str(value[0])

    def directory(self, key: str, base: Path) -> Path | None:
        value = self.value(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(
                key, "a local directory (an S3 location is not available offline)", value
            )
        directory = (base / value).resolve()
        if not directory.is_dir():
            raise self.fail(key, f"a directory relative to {base}", value)
        return directory

    def environment(self, keep: frozenset[str]) -> dict[str, str]:
        environment = self.properties.get("Environment") or {}
        if not isinstance(environment, dict):
            raise self.fail("Environment", "a mapping with Variables", environment)
        raw = environment.get("Variables") or {}
        if not isinstance(raw, dict):
            raise self.fail("Environment.Variables", "a mapping", raw)
        environment = {}
        for name, value in raw.items():
            if name in keep:
                continue
            resolved = self.resolver.resolve(value, self.at(f"Environment.Variables.{name}"))
            if resolved is NO_VALUE:  # !If [Cond, x, !Ref AWS::NoValue]: no such variable
                continue
            if isinstance(resolved, (dict, list)):
                raise self.fail(f"Environment.Variables.{name}", "a string", resolved)
            if isinstance(resolved, bool):
                resolved = "true" if resolved else "false"
            environment[str(name)] = str(resolved)
        return environment


def _layers(
    path: Path, resolver: Resolver, resources: Mapping[str, Any], read: _Reader
) -> tuple[tuple[TemplateLayer, ...], tuple[str, ...]]:
    entries = read.properties.get("Layers") or []
    if not isinstance(entries, list):
        raise read.fail("Layers", "a list", entries)
    layers, unavailable = [], []
    for index, entry in enumerate(entries):
        where = f"{read.where}.Layers[{index}]"
        target = entry.get("Ref") if isinstance(entry, dict) and len(entry) == 1 else None
        resource = resources.get(target) if isinstance(target, str) else None
        if isinstance(resource, dict) and resource.get("Type") == LAYER_TYPES[0]:
            layer = _template_layer(path, resolver, str(target), resource)
            if layer is not None:
                layers.append(layer)
                continue
        arn = resolver.resolve(entry, where)
        if not isinstance(arn, str):
            raise LeeConfigError(f"{path}: {where}: expected a layer ARN, got {arn!r}")
        unavailable.append(arn)
    return tuple(layers), tuple(unavailable)


def _template_layer(
    path: Path, resolver: Resolver, logical_id: str, resource: Mapping[str, Any]
) -> TemplateLayer | None:
    """The layer ``sam build`` would build from ``ContentUri`` (None when it is in S3)."""
    where = f"Resources.{logical_id}.Properties"
    properties = resource.get("Properties") or {}
    content = resolver.resolve(properties.get("ContentUri"), f"{where}.ContentUri")
    if not isinstance(content, str):
        return None  # an S3 location: the ARN is listed as not available offline
    directory = (path.parent / content).resolve()
    if not directory.is_dir():
        raise LeeConfigError(
            f"{path}: {where}.ContentUri: expected a directory relative to {path.parent}, "
            f"got {content!r}"
        )
    build_method = str(_mapping(resource.get("Metadata")).get("BuildMethod") or "")
    requirements = directory / "requirements.txt"
    if build_method.startswith("python"):
        # sam build: the directory's files and its requirements go under python/.
        return TemplateLayer(
            logical_id=logical_id,
            name=resolver.name_of(logical_id),
            source=directory,
            requirements=requirements if requirements.is_file() else None,
        )
    # No BuildMethod: the directory is zipped as it is, so its python/ is what Python sees.
    source = directory / "python"
    return TemplateLayer(
        logical_id=logical_id,
        name=resolver.name_of(logical_id),
        source=source if source.is_dir() else directory,
        requirements=None,
    )


def _deployment(read: _Reader) -> tuple[str | None, float | None]:
    preference = read.value("DeploymentPreference")
    if not isinstance(preference, dict) or preference.get("Enabled") in (False, "false"):
        return None, None
    kind = preference.get("Type")
    if kind is None:
        return None, None
    weight = canary_weight(str(kind))
    if weight is None:
        raise read.fail(
            "DeploymentPreference.Type",
            "a deployment type such as Canary10Percent5Minutes, Linear10PercentEvery1Minute "
            "or AllAtOnce",
            kind,
        )
    return str(kind), weight


def _events(read: _Reader) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    events = read.properties.get("Events") or {}
    if not isinstance(events, dict):
        raise read.fail("Events", "a mapping", events)
    routes: list[tuple[str, str]] = []
    others: list[tuple[str, str]] = []
    for name, event in events.items():
        kind = str((event or {}).get("Type", "")) if isinstance(event, dict) else ""
        if kind not in _ROUTE_EVENTS:
            others.append((str(name), kind))
            continue
        where = f"{read.where}.Events.{name}.Properties"
        properties = read.resolver.resolve((event.get("Properties") or {}), where)
        if not isinstance(properties, dict):
            raise LeeConfigError(f"{read.path}: {where}: expected a mapping, got {properties!r}")
        method = str(properties.get("Method", "ANY")).upper()
        route_path = properties.get("Path")
        if route_path is None:  # an HttpApi event without a path is the $default route
            route_path = "$default"
        routes.append(
            ("ANY" if method == "X-AMAZON-APIGATEWAY-ANY-METHOD" else method, str(route_path))
        )
    return tuple(routes), tuple(others)


def _mapping(value: Any) -> Mapping[str, Any]:
    """*value* when it is a mapping, else an empty one (a section the template gets wrong
    is then reported by the property read from it, not as a traceback)."""
    return value if isinstance(value, dict) else {}


def _intrinsic(value: Mapping[str, Any]) -> bool:
    return (len(value) == 1 and next(iter(value)) in ("Ref", "Condition")) or any(
        key.startswith("Fn::") for key in value
    )
