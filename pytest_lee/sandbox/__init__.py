"""The one place that starts a child process that runs user code.

**The rule:** every process pytest-lee starts that may run code of the project under
test — contract collection and check, deploy-group trees, the ``lee_contract`` fixture,
budget runs (the ``-X importtime`` run too), health checks, canary invocations — is
started by :func:`pytest_lee.sandbox.child.open_child`, and no feature builds a child's
environment itself. ``tests/test_sandbox_processes.py`` walks ``pytest_lee/`` and fails
on any ``subprocess``, ``os.fork``/``exec*``/``posix_spawn`` or ``multiprocessing`` call
outside this folder that is not on its allowlist with a reason (git, pip, an
interpreter's version probe, the ``systemd-run`` probe, the bytecode compilers: none of
them runs user code).

What a child gets (docs/how-it-works.md, "What a child can and cannot do"):

- an environment built from scratch (``environment``): PATH, locale and TZ, the
  variables the caller names (Lambda's own, the function's), fake credentials, empty
  AWS config files, a private HOME; never the developer's ``AWS_*``, profile or proxies;
- no network beyond loopback (``isolation``): a network namespace with only ``lo``
  where the kernel allows one, the loopback AWS endpoint bridged into it
  (``namespace``); else an audit-hook guard in every Python process (``guard``);
- a task root that is read-only (mount namespace) or a fresh copy, a working
  directory that is never the user's tree, its own empty ``/tmp``, removed afterwards;
- a CPU-time limit and death with its parent; the session's marker, so that the next
  session reaps what a killed one left (``reaper``).

Sits below ``package`` in the layer order: standard library and ``errors`` only.
"""

from __future__ import annotations

__all__: list[str] = []
