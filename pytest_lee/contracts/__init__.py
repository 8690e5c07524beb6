"""Contracts (NM06-LESS-09): does what the dispatcher passes bind to every handler?

Modules by responsibility, all in pytest's process: ``probes`` (the dispatcher's call
sites, found statically), ``calls`` (the calls between the modules a registry network
reaches, found statically: one layer up and sideways), ``runner`` (one child process per
tree, restarted past a step that hangs or ends it), ``watch`` (one child: start, feed,
watchdog, stop), ``results`` (a key's verdict from its probes), ``items`` and
``fixture`` (pytest faces), ``render``. What runs inside the child is ``child/`` (standard
library only); the partial-deployment simulation built on these checks is
``pytest_lee.deploy_groups``.

Nothing is re-exported here: the child imports ``child/`` through this package, which
must stay free to import. The public names live in ``results`` (``ContractSpec``,
``KeyResult``) and ``runner`` (``run_tree``, ``run_key``, ``run_keys``).
"""

from __future__ import annotations

__all__: list[str] = []
