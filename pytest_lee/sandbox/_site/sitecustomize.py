"""Carries the network guard into Python grandchildren (on their PYTHONPATH; guard mode only)."""

import os

_path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "guard.py")
with open(_path, encoding="utf-8") as _stream:
    _namespace: "dict[str, object]" = {"__name__": "_lee_guard"}
    exec(compile(_stream.read(), _path, "exec"), _namespace)
_namespace["install"]()  # type: ignore[operator]
