"""Deploy groups (NM06-LESS-09): which changed files can ship alone, which must ship together.

With ``--lee-baseline REF`` the session builds mixed trees, the baseline with some
changed files swapped in, checks each with the contract checker (``pytest_lee.contracts``)
and reads what breaks that did not break before. docs/deploy-groups.md says what the
verdicts mean and how to read them.

Modules: ``baseline`` (resolving a git ref, directory or zip; the simulation's entry point),
``trees`` (building and checking mixed trees), ``treecheck`` (one mixed tree's call results),
``signatures`` (compatible, breaking or deprecating changes), ``hazards`` (what the handler
reaches, statically), ``attribution`` (which file a failure comes from), ``groups``
(inclusion-minimal groups), ``report`` (the ``baseline`` JSON entry), ``render`` (the
terminal block), ``items`` (the ``deploy-groups`` pytest item).
"""

from __future__ import annotations

__all__: list[str] = []
