"""``[tool.lee] template``: the function's values from a SAM template, under ``[tool.lee]``'s.

``[tool.lee]`` is parsed first, as if there were no template; then every value the table
did not give is taken from the template's function (``Globals.Function`` merged): handler,
code directory, requirements, runtime, memory, timeout, architecture, environment (per
variable: ``[tool.lee.function] environment`` wins), layers, the alias and canary weight
of rehearsals, the API routes, and the resources created in moto. What came from where is
kept in ``function.origin`` for the "ran under" line. The template package (and PyYAML)
is imported only here, only when a template is used.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from pytest_lee.errors import LeeConfigError
from pytest_lee.settings_model import (
    MAX_TIMEOUT_S,
    MEMORY_MB_RANGE,
    ContractSettings,
    LayerSettings,
    Settings,
)

if TYPE_CHECKING:
    from pytest_lee.template.model import TemplateFunction

DEFAULT_NAMES = ("template.yaml", "template.yml")
_RUNTIME = re.compile(r"python3\.(\d+)")
# [tool.lee.function] key ← the template value it overrides (for the origin line).
_FUNCTION_FIELDS = {
    "runtime": "runtime",
    "memory_mb": "memory_mb",
    "timeout_s": "timeout_s",
    "architecture": "architecture",
}


def default_template(raw: Mapping[str, Any], pyproject: Path) -> Path | None:
    """``template.yaml``/``template.yml`` beside *pyproject* when the ``[tool.lee]`` table
    names no ``source`` (a SAM project that has not said otherwise), else None."""
    if "source" in raw:
        return None
    for name in DEFAULT_NAMES:
        if (pyproject.parent / name).is_file():
            return pyproject.parent / name
    return None


def apply_template(settings: Settings, raw: Mapping[str, Any], template: Path) -> Settings:
    """*settings* (parsed from *raw*, the ``[tool.lee]`` table) with the template's values
    wherever *raw* gave none."""
    from pytest_lee.template import read_function

    table = raw.get("function") or {}
    given_environment = table.get("environment") or {}
    found = read_function(
        template,
        logical_id=settings.function.logical_id,
        region=settings.aws.region,
        keep_environment=frozenset(given_environment),
    )
    _check(found)
    taken: list[str] = []
    values: dict[str, Any] = {"template": template}
    if "source" not in raw and found.code_uri is not None:
        values["source"] = found.code_uri
        taken.append("code")
    if "handler" not in raw and found.handler is not None:
        values["handler"] = found.handler
        taken.append("handler")
    if "requirements" not in raw and found.requirements is not None:
        values["requirements"] = found.requirements
        taken.append("requirements")
    if "layer" not in raw and found.layers:
        values["layers"] = tuple(
            LayerSettings(name=layer.name, requirements=layer.requirements, source=layer.source)
            for layer in found.layers
        )
        taken.append("layers")
    function_values: dict[str, Any] = {
        "api_events": found.api_events,
        "unavailable_layers": found.unavailable_layers,
    }
    if "name" not in table:
        function_values["name"] = found.name
    for key, field in _FUNCTION_FIELDS.items():
        value = getattr(found, field)
        if key not in table and value is not None:
            function_values[key] = value
            taken.append(key)
    if found.environment:
        function_values["environment"] = MappingProxyType(
            {**found.environment, **settings.function.environment}
        )
        taken.append("environment")
    overridden = [key for key in ("handler", "source", "requirements", "layer") if key in raw]
    overridden += [f"function.{key}" for key in table if key not in ("logical_id",)]
    function_values["origin"] = _origin(template, found, taken, overridden)
    values["function"] = dataclasses.replace(settings.function, **function_values)
    rehearsal: dict[str, Any] = {}
    if found.alias is not None:
        rehearsal["alias"] = found.alias
    if found.canary_weight is not None:
        rehearsal["canary_weight"] = found.canary_weight
        rehearsal["deployment"] = found.deployment_type
    values["rehearsal"] = dataclasses.replace(settings.rehearsal, **rehearsal)
    values["aws"] = dataclasses.replace(settings.aws, resources=found.resources)
    if "contract" not in raw and found.api_events:
        values["contracts"] = _route_contracts(
            values.get("source", settings.source), values.get("handler", settings.handler)
        )
    return dataclasses.replace(settings, **values)


def _route_contracts(source: Path | None, handler: str) -> tuple[ContractSettings, ...]:
    """The handler's route registries as contracts (``template.routes``): a SAM app with API
    events and no ``[[tool.lee.contract]]`` table is checked as written, its events matched
    against its routes, with the handler as the dispatcher."""
    if source is None:
        return ()
    from pytest_lee.template.routes import handler_registries

    module = handler.rpartition(".")[0]
    return tuple(
        ContractSettings(
            registry=found.registry,
            dispatcher=f"{module}:{handler.rpartition('.')[2]}",
            operation=None,
        )
        for found in handler_registries(Path(source), handler)
    )


def _check(found: TemplateFunction) -> None:
    """The template's values within the bounds ``[tool.lee.function]`` enforces."""
    where = f"{found.template}: Resources.{found.logical_id}.Properties"
    if found.runtime is not None:
        match = _RUNTIME.fullmatch(found.runtime)
        if match is None or int(match.group(1)) < 8:
            raise LeeConfigError(
                f"{where}.Runtime: expected a Lambda Python runtime such as 'python3.12', got "
                f"{found.runtime!r}"
            )
    if found.memory_mb is not None and not (
        MEMORY_MB_RANGE[0] <= found.memory_mb <= MEMORY_MB_RANGE[1]
    ):
        raise LeeConfigError(
            f"{where}.MemorySize: expected {MEMORY_MB_RANGE[0]} to {MEMORY_MB_RANGE[1]}, got "
            f"{found.memory_mb}"
        )
    if found.timeout_s is not None and not 0 < found.timeout_s <= MAX_TIMEOUT_S:
        raise LeeConfigError(
            f"{where}.Timeout: expected more than 0 and at most {MAX_TIMEOUT_S:g} seconds, got "
            f"{found.timeout_s:g}"
        )


def _origin(
    template: Path, found: TemplateFunction, taken: list[str], overridden: list[str]
) -> str:
    text = f"{template.name} {found.logical_id}: {', '.join(taken) or 'no values'}"
    if overridden:
        text += f"; [tool.lee] overrides {', '.join(overridden)}"
    if found.alias is not None:
        text += f"; alias {found.alias}"
    if found.deployment_type is not None:
        text += f", {found.deployment_type}"
    if found.other_events:  # what no API route or event file stands for
        shown = ", ".join(f"{name} ({kind or '?'})" for name, kind in found.other_events)
        text += f"; events not simulated: {shown}"
    return text
