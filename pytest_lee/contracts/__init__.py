"""Contracts (NM06-LESS-09): does what the dispatcher passes bind to every handler?

Modules by responsibility. In pytest's process: ``facts`` (one parse per file,
the import network), ``probes`` (the dispatcher's call sites, found statically),
``runner`` (one child process per tree, restarted past a step that hangs or
ends it), ``watch`` (one child: start, feed, watchdog, stop), ``check`` (a key's verdict from
its probes, and the entry points), ``items`` and ``fixture`` (pytest faces),
``required`` (static: the files registries name), ``baseline`` and ``signatures``
(partial-deployment simulation), ``render``. In the child (standard library
only): ``_child`` (the process), ``_inchild`` (imports, spies, probes),
``registry``, ``spies`` (leaf bodies swapped for binding checks), ``judge`` (one
probe's verdict), ``verdict`` (what a refusal is about), ``_wire`` (values).

Nothing here is imported by ``pytest_lee.plugin`` at start-up.
"""

from __future__ import annotations

__all__: list[str] = []
