"""Binding a call to a signature the way CPython does, reporting every problem in its order.

``inspect.Signature.bind`` stops at its own first problem, and its order is not
CPython's: for ``f(api_name, path)`` called as ``f(path=p, method=m)`` it says
``api_name`` is missing, while the interpreter raises on the unexpected ``method=``
first. A fix hint built on the wrong one sends the reader to the wrong line, and one
problem hidden behind another is only found on the next deploy. :func:`problems`
follows CPython's argument binding (``initialize_locals`` in ``ceval.c``): keywords in
the order written (unexpected, or already bound), then too many positionals, then the
missing positional parameters, then the missing keyword-only ones — and keeps going.

A call's shape may be partly unknown (a static call site with ``*args`` or ``**spread``):
with ``star`` the number of positionals is unknown (no "too many", no "missing"
positional), with ``double_star`` more keywords may come (no "missing"). Standard
library only.
"""

from __future__ import annotations

import inspect
import re
import types
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_KIND = inspect.Parameter


@dataclass(frozen=True)
class Shape:
    """What a function accepts, in the form the common case (a call that binds) is checked in."""

    positional: tuple[str, ...]  # positional parameters, positional-only ones first
    keywords: frozenset[str]  # names a keyword may bind (not the positional-only ones)
    required: frozenset[str]  # parameters without a default
    varargs: bool
    varkw: bool


def shape_of(function: Any) -> Shape | None:
    """The :class:`Shape` of a plain function read from its code (``inspect.signature`` costs
    ten times more, and an engine has thousands of leaves); None when the code is not the
    whole story (a ``__wrapped__``, a ``__signature__``, not a function)."""
    code = getattr(function, "__code__", None)
    if (
        code is None
        or not isinstance(function, types.FunctionType)
        or hasattr(function, "__wrapped__")
        or hasattr(function, "__signature__")
    ):
        return None
    count, only, keyword_only = code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount
    names = code.co_varnames
    positional = names[:count]
    keyword_names = names[count : count + keyword_only]
    defaults = len(function.__defaults__ or ())
    kwdefaults = function.__kwdefaults__ or {}
    required = set(positional[: count - defaults])
    required.update(name for name in keyword_names if name not in kwdefaults)
    return Shape(
        positional,
        frozenset(positional[only:]) | frozenset(keyword_names),
        frozenset(required),
        bool(code.co_flags & inspect.CO_VARARGS),
        bool(code.co_flags & inspect.CO_VARKEYWORDS),
    )


def binds(
    shape: Shape, positional: int, keywords: Sequence[str], *, star: bool, double_star: bool
) -> bool:
    """True when the call certainly binds (then :func:`problems` would say nothing)."""
    if not star and positional > len(shape.positional) and not shape.varargs:
        return False
    given = set(shape.positional[:positional]) if not star else set()
    for name in keywords:
        if name not in shape.keywords:  # into **kwargs (a positional-only name too), if any
            if not shape.varkw:
                return False
        elif name in given:
            return False
        else:
            given.add(name)
    return star or double_star or shape.required <= given


def problems(
    signature: inspect.Signature,
    positional: int,
    keywords: Sequence[str],
    *,
    star: bool = False,
    double_star: bool = False,
) -> list[str]:
    """What CPython says about this call, first its own error, then the ones it never reaches."""
    parameters = list(signature.parameters.values())
    positionals = [
        p for p in parameters if p.kind in (_KIND.POSITIONAL_ONLY, _KIND.POSITIONAL_OR_KEYWORD)
    ]
    has_varargs = any(p.kind is _KIND.VAR_POSITIONAL for p in parameters)
    has_varkw = any(p.kind is _KIND.VAR_KEYWORD for p in parameters)
    by_name = {
        p.name: p for p in parameters if p.kind not in (_KIND.VAR_POSITIONAL, _KIND.VAR_KEYWORD)
    }
    bound = {p.name for p in positionals[:positional]} if not star else set()
    found: list[str] = []
    # CPython meets a positional-only name as an unknown keyword; at the first unknown one it
    # names every positional-only keyword of the call, if any, instead of that keyword.
    positional_only = [
        parameter.name
        for parameter in positionals
        if parameter.kind is _KIND.POSITIONAL_ONLY and parameter.name in keywords and not has_varkw
    ]
    listed = ", ".join(positional_only)
    only_text = f"got some positional-only arguments passed as keyword arguments: '{listed}'"
    for name in keywords:
        parameter = by_name.get(name)
        if parameter is None or parameter.kind is _KIND.POSITIONAL_ONLY:
            if has_varkw:
                continue
            if positional_only and only_text not in found:
                found.append(only_text)
            if parameter is None:
                found.append(f"got an unexpected keyword argument '{name}'")
        elif name in bound:
            found.append(f"got multiple values for argument '{name}'")
        else:
            bound.add(name)
    if not star and positional > len(positionals) and not has_varargs:
        found.append(_too_many(positionals, positional, keywords, by_name))
    if star:
        return found
    if not double_star:
        missing = [p.name for p in positionals if p.name not in bound and p.default is _KIND.empty]
        if missing:
            found.append(_missing(missing, "positional"))
        keyword_only = [
            p.name
            for p in parameters
            if p.kind is _KIND.KEYWORD_ONLY and p.name not in bound and p.default is _KIND.empty
        ]
        if keyword_only:
            found.append(_missing(keyword_only, "keyword-only"))
    return found


def _too_many(
    positionals: list[inspect.Parameter],
    given: int,
    keywords: Sequence[str],
    by_name: dict[str, inspect.Parameter],
) -> str:
    required = sum(p.default is _KIND.empty for p in positionals)
    total = len(positionals)
    takes = f"{total}" if required == total else f"from {required} to {total}"
    plural = "argument" if total == 1 and required == total else "arguments"
    keyword_only = sum(
        1 for name in keywords if name in by_name and by_name[name].kind is _KIND.KEYWORD_ONLY
    )
    if keyword_only:
        extra = f"{keyword_only} keyword-only argument{'s' if keyword_only != 1 else ''}"
        were = f"{given} positional argument{'s' if given != 1 else ''} (and {extra}) were given"
    else:
        were = f"{given} {'was' if given == 1 else 'were'} given"
    return f"takes {takes} positional {plural} but {were}"


def _missing(names: list[str], kind: str) -> str:
    quoted = [f"'{name}'" for name in names]
    if len(quoted) == 1:
        listed = quoted[0]
    elif len(quoted) == 2:
        listed = f"{quoted[0]} and {quoted[1]}"
    else:
        listed = ", ".join(quoted[:-1]) + f", and {quoted[-1]}"
    plural = "s" if len(names) != 1 else ""
    return f"missing {len(names)} required {kind} argument{plural}: {listed}"


def fix_for(callee: str, message: str, caller: str) -> str:
    """The one-sentence fix for one of :func:`problems`' messages (or CPython's own)."""
    unexpected = re.search(r"unexpected keyword argument '([^']+)'", message)
    if unexpected:
        return f"add `{unexpected.group(1)}` to `{callee}` or accept `**kwargs`"
    missing = re.search(
        r"missing \d+ required (?:positional |keyword-only )?arguments?: (.+)$", message
    )
    if missing:
        names = re.findall(r"'([^']+)'", missing.group(1))
        if len(names) == 1:
            return f"pass `{names[0]}` at {caller} or give `{names[0]}` a default in `{callee}`"
        shown = ", ".join(f"`{name}`" for name in names)
        return f"pass {shown} at {caller} or give them defaults in `{callee}`"
    multiple = re.search(r"multiple values for (?:keyword )?argument '([^']+)'", message)
    if multiple:
        return f"pass `{multiple.group(1)}` once at {caller}"
    if "positional-only" in message:
        return f"pass those positionally at {caller}"
    if "positional" in message:
        return f"pass keywords instead of positional arguments at {caller}, or accept `*args` in `{callee}`"
    return f"make the call at {caller} match the parameters of `{callee}`"


def describe(found: Sequence[str]) -> str:
    """``got an unexpected keyword argument 'method' (then: missing 1 required …)``."""
    if len(found) <= 1:
        return found[0] if found else ""
    return f"{found[0]} (then: {'; '.join(found[1:])})"


def fixes(callee: str, found: Sequence[str], caller: str) -> str:
    """The fix of each problem, CPython's first."""
    return "; then ".join(dict.fromkeys(fix_for(callee, text, caller) for text in found))
