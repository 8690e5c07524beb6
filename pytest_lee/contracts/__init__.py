"""Contracts (NM06-LESS-09): does what the dispatcher passes bind to every handler?

Modules by responsibility, all in pytest's process: ``probes`` (the dispatcher's call
sites, found statically), ``calls`` (the calls between the modules a registry network
reaches, found statically: one layer up and sideways), ``runner`` (one child process per tree, restarted past a step
that hangs or ends it), ``watch`` (one child: start, feed, watchdog, stop), ``check`` (a
key's verdict from its probes, and the entry points), ``results``, ``items`` and
``fixture`` (pytest faces), ``render``. What runs inside the child is ``child/`` (standard
library only); the partial-deployment simulation built on these checks is
``pytest_lee.deploy_groups``.

Nothing here is imported by ``pytest_lee.plugin`` at start-up.
"""

from __future__ import annotations

__all__: list[str] = []
