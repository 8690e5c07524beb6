"""What runs inside the contract child process, where the user's code is imported.

The rule of this folder: **standard library only.** The child is started as
``python -I -B`` with nothing of pytest, pluggy or any third-party package on its path,
and it imports these modules and nothing else of pytest-lee (besides ``pytest_lee._parse``,
itself standard library only). ``tests/test_contracts_facts.py`` imports every module here in a bare
interpreter and fails on anything else.

Modules: ``main`` (the process: its pipes, its reports, its exit), ``checker`` (imports,
spies, probes, one step at a time), ``hooks`` (import hooks), ``computed`` and ``powertools``
(registries bound directly: computed keys, resolver routes), ``tracer`` (``--lee-trace``), ``registry`` (loading a registry and its keys),
``spies`` (leaf bodies swapped for binding checks), ``judge`` (one probe's verdict),
``verdict`` (what a refusal is about), ``binding`` (a call bound as CPython binds it, every
problem in its order), ``sideways`` (the calls between modules held against the real
objects), ``wire`` (values across the pipe), ``facts`` (one parse per file and the import
network; the parent uses it too).
"""

from __future__ import annotations

__all__: list[str] = []
