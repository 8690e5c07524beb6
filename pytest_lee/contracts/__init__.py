"""Contracts (NM06-LESS-09): does what the dispatcher passes bind to every handler?

Modules by responsibility: ``sandbox`` (import the user's source afresh, restore
everything), ``registry`` (registries and lazy ``(module, function)`` entries),
``spies`` (stand-ins at the leaves that bind and record, never run bodies),
``probes`` (the dispatcher's real call sites, found statically), ``check`` (one
registry key → ok / fail / inconclusive with its message), ``items`` and
``fixture`` (pytest faces), ``required`` (static: the files registries name),
``baseline`` and ``signatures`` (partial-deployment simulation), ``render``.

Nothing here is imported by ``pytest_lee.plugin`` at start-up.
"""

from __future__ import annotations

__all__: list[str] = []
