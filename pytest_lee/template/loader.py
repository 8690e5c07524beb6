"""Reading a CloudFormation/SAM template: YAML (or JSON) with CloudFormation's short tags.

``!Ref X`` becomes ``{"Ref": "X"}`` and ``!Sub``/``!GetAtt``/``!If``/… become their long
``{"Fn::…": …}`` forms, so the resolver sees one spelling whichever the template uses
(``!GetAtt A.B`` becomes ``["A", "B"]``, as CloudFormation reads it). PyYAML is imported
here, only when a template is read: a project without one never pays its ~30 ms.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytest_lee.errors import LeeConfigError

# Short tag → long key. Every function CloudFormation documents a short form for.
_FUNCTIONS = (
    "And",
    "Base64",
    "Cidr",
    "Equals",
    "FindInMap",
    "GetAZs",
    "GetAtt",
    "If",
    "ImportValue",
    "Join",
    "Not",
    "Or",
    "Select",
    "Split",
    "Sub",
    "Transform",
    "ToJsonString",
    "Length",
)

_LOADER: list[Any] = []  # the loader class, built on first use


def load_template(path: Path) -> dict[str, Any]:
    """The template at *path* as plain data; a ``LeeConfigError`` line when it is not one."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LeeConfigError(f"{path}: no such file (expected a SAM template)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise LeeConfigError(f"{path}: cannot read: {error}") from None
    import yaml

    try:
        document = yaml.load(text, Loader=_loader())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise LeeConfigError(f"{where}: not valid YAML: {error.problem}") from None
    except yaml.YAMLError as error:
        raise LeeConfigError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        raise LeeConfigError(f"{path}: expected a template with a 'Resources' mapping")
    return document


def _loader() -> Any:
    """A safe YAML loader (the C one when PyYAML has it) that knows CloudFormation's tags."""
    if _LOADER:
        return _LOADER[0]
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class TemplateLoader(base):  # type: ignore[misc, valid-type]
        """SafeLoader plus ``!Ref``, ``!Condition`` and the ``Fn::`` short tags."""

    def construct(key: str) -> Any:
        def build(loader: Any, node: Any) -> dict[str, Any]:
            if isinstance(node, yaml.ScalarNode):
                value: Any = loader.construct_scalar(node)
                if key == "Fn::GetAtt":
                    value = value.split(".", 1)
            elif isinstance(node, yaml.SequenceNode):
                value = loader.construct_sequence(node, deep=True)
            else:
                value = loader.construct_mapping(node, deep=True)
            return {key: value}

        return build

    TemplateLoader.add_constructor("!Ref", construct("Ref"))
    TemplateLoader.add_constructor("!Condition", construct("Condition"))
    for name in _FUNCTIONS:
        TemplateLoader.add_constructor(f"!{name}", construct(f"Fn::{name}"))
    _LOADER.append(TemplateLoader)
    return TemplateLoader
