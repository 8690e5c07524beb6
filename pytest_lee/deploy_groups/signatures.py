"""Signature changes between the baseline and the working tree, classified as the seed does.

- **compatible** (Pattern 1): a new parameter with a default, a new ``*args`` or
  ``**kwargs``, a keyword-only parameter that became positional-or-keyword, a
  required parameter that gained a non-None default;
- **breaking** (Pattern 2): a new required parameter, a removed or renamed
  parameter, a lost default, lost ``*args``/``**kwargs``, a parameter that moved
  position or became keyword- or positional-only, a removed function;
- **deprecating** (Pattern 3): a required parameter that gains a ``None`` default.

A function with several changes takes the worst (breaking > deprecating >
compatible); annotation and default-value edits are not signature changes.
Which functions count: public ones (no leading underscore) in any changed file,
and every module-level function of a module the contracts reach at the leaves
(``leaves`` globs, or the registry's handler modules) — LEE's ``_execute_*``
implementations are private by name but they *are* the contract.
A function that moved but is still importable from its module (``from x import *``)
is not removed; a private ``_name`` that no other file names is not a contract.
Static (``ast``); nothing is imported.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from pytest_lee._parse import parse_source

_ORDER = {"compatible": 0, "deprecating": 1, "breaking": 2}


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # "positional-only", "positional", "keyword-only", "*args", "**kwargs"
    default: str | None  # source text of the default, None when required


@dataclass(frozen=True)
class SignatureChange:
    file: str
    function: str
    line: int
    kind: str
    details: tuple[str, ...]
    old: str
    new: str

    def as_entry(self) -> dict[str, object]:
        return {
            "file": self.file,
            "function": self.function,
            "line": self.line,
            "kind": self.kind,
            "details": list(self.details),
            "old": self.old,
            "new": self.new,
        }

    def describe(self) -> str:
        return f"{self.file}:{self.line} {self.function}{self.old} → {self.new}: {'; '.join(self.details)}"


def functions(text: str) -> dict[str, tuple[int, tuple[Parameter, ...], str]]:
    """qualname → (line, parameters, shown) for module-level functions and class methods."""
    try:
        tree = parse_source(text)
    except (SyntaxError, ValueError):
        return {}
    found: dict[str, tuple[int, tuple[Parameter, ...], str]] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.name] = _entry(node)
        elif isinstance(node, ast.ClassDef):
            for member in node.body:
                if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    found[f"{node.name}.{member.name}"] = _entry(member)
    return found


def _entry(node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[int, tuple[Parameter, ...], str]:
    arguments = node.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults)) + list(
        arguments.defaults
    )
    parameters = [
        Parameter(
            argument.arg,
            "positional-only" if index < len(arguments.posonlyargs) else "positional",
            None if default is None else ast.unparse(default),
        )
        for index, (argument, default) in enumerate(zip(positional, defaults))
    ]
    if arguments.vararg is not None:
        parameters.append(Parameter(arguments.vararg.arg, "*args", None))
    for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults):
        parameters.append(
            Parameter(
                argument.arg, "keyword-only", None if default is None else ast.unparse(default)
            )
        )
    if arguments.kwarg is not None:
        parameters.append(Parameter(arguments.kwarg.arg, "**kwargs", None))
    return node.lineno, tuple(parameters), f"({_show(arguments)})"


def _show(arguments: ast.arguments) -> str:
    stripped = ast.arguments(
        posonlyargs=[ast.arg(a.arg) for a in arguments.posonlyargs],
        args=[ast.arg(a.arg) for a in arguments.args],
        vararg=ast.arg(arguments.vararg.arg) if arguments.vararg else None,
        kwonlyargs=[ast.arg(a.arg) for a in arguments.kwonlyargs],
        kw_defaults=arguments.kw_defaults,
        kwarg=ast.arg(arguments.kwarg.arg) if arguments.kwarg else None,
        defaults=arguments.defaults,
    )
    return ast.unparse(stripped)


def classify(
    old: tuple[Parameter, ...], new: tuple[Parameter, ...]
) -> tuple[str, tuple[str, ...]] | None:
    """(kind, details) for a changed parameter list, None when callers cannot tell the difference."""
    changes: list[tuple[str, str]] = []
    old_named = {p.name: p for p in old if p.kind not in ("*args", "**kwargs")}
    new_named = {p.name: p for p in new if p.kind not in ("*args", "**kwargs")}
    old_positions = [p.name for p in old if p.kind in ("positional-only", "positional")]
    new_positions = [p.name for p in new if p.kind in ("positional-only", "positional")]
    renamed: set[str] = set()
    for name in old_named:
        if name in new_named:
            continue
        index = old_positions.index(name) if name in old_positions else -1
        if 0 <= index < len(new_positions) and new_positions[index] not in old_named:
            renamed.add(new_positions[index])
            changes.append(("breaking", f"renamed `{name}` → `{new_positions[index]}`"))
        else:
            changes.append(("breaking", f"removed parameter `{name}`"))
    for name, parameter in new_named.items():
        before = old_named.get(name)
        if before is None:
            if name in renamed:
                continue
            if parameter.default is None:
                changes.append(("breaking", f"new required parameter `{name}`"))
            else:
                changes.append(
                    ("compatible", f"new parameter `{name}` with a default ({parameter.default})")
                )
            continue
        changes.extend(_compare(before, parameter, old_positions, new_positions))
    for kind in ("*args", "**kwargs"):
        had, has = any(p.kind == kind for p in old), any(p.kind == kind for p in new)
        if had and not has:
            changes.append(("breaking", f"lost `{kind}`"))
        elif has and not had:
            changes.append(("compatible", f"now accepts `{kind}`"))
    if not changes:
        return None
    worst = max((kind for kind, _ in changes), key=_ORDER.__getitem__)
    return worst, tuple(detail for _, detail in changes)


def _compare(
    before: Parameter, after: Parameter, old_positions: list[str], new_positions: list[str]
) -> Iterable[tuple[str, str]]:
    name = before.name
    if before.kind != after.kind:
        if after.kind in {"keyword-only", "positional-only"}:
            yield "breaking", f"`{name}` became {after.kind}"
        else:
            yield "compatible", f"`{name}` is no longer {before.kind}"
    elif (
        name in old_positions
        and name in new_positions
        and old_positions.index(name) != new_positions.index(name)
    ):
        yield (
            "breaking",
            f"`{name}` moved from position {old_positions.index(name) + 1} to {new_positions.index(name) + 1}",
        )
    if before.default is not None and after.default is None:
        yield "breaking", f"`{name}` lost its default"
    elif before.default is None and after.default is not None:
        if after.default == "None":
            yield (
                "deprecating",
                f"`{name}` is now optional (None default): old callers still work, new ones may omit it",
            )
        else:
            yield "compatible", f"`{name}` gained a default ({after.default})"


def compare_file(
    file: str,
    old_text: str | None,
    new_text: str | None,
    include_private: bool,
    *,
    still_importable: Collection[str] = (),
    used_elsewhere: Callable[[str], bool] | None = None,
) -> list[SignatureChange]:
    """Every classified signature change of one changed file.

    *still_importable*: names the module still offers in the new tree (re-exported
    with ``from x import *`` or imported from where they moved): not "removed".
    *used_elsewhere*: whether another file names a private function; a private
    ``_name`` used only in its own file is not part of any contract.
    """
    before = functions(old_text) if old_text is not None else {}
    after = functions(new_text) if new_text is not None else {}
    changes: list[SignatureChange] = []
    for name, (line, parameters, shown) in before.items():
        private = any(
            part.startswith("_") and not part.startswith("__") for part in name.split(".")
        )
        if private and (
            not include_private
            or (used_elsewhere is not None and not used_elsewhere(name.rpartition(".")[2]))
        ):
            continue
        if name not in after:
            if name in still_importable:
                continue  # moved, and still importable from the same module
            changes.append(
                SignatureChange(file, name, line, "breaking", ("removed",), shown, "(removed)")
            )
            continue
        new_line, new_parameters, new_shown = after[name]
        verdict = classify(parameters, new_parameters)
        if verdict is not None:
            changes.append(
                SignatureChange(file, name, new_line, verdict[0], verdict[1], shown, new_shown)
            )
    return changes
