"""What shipping bytecode would save: one extra cold start, measured, not guessed.

On Lambda the package's own and vendored ``.py`` files are compiled at every cold start
(``/var/task`` is read-only, no ``.pyc`` is ever written), unless the zip ships them
(``[tool.lee] compile = true``). When the import is over :data:`IMPORT_MS` and the
package ships no bytecode, the measurement copies the unzipped package, compiles it for
the child's Python, cold-starts it once more under the same CPU model, and compares
that import with the median; the saving is reported when it is over :data:`SHARE` of
the init (runtime bootstrap + import).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pytest_lee.package.bytecode import bytecode_files
from pytest_lee.package.select import SourceFile

__all__ = ["IMPORT_MS", "SHARE", "advice_note", "compiled_copy", "ships_bytecode"]

IMPORT_MS = 200.0
SHARE = 0.10


def ships_bytecode(code_dir: Path, version: tuple[int, int]) -> bool:
    """True when the unzipped package already holds bytecode for *version*."""
    tag = f".cpython-{version[0]}{version[1]}.pyc"
    return any(path.name.endswith(tag) for path in code_dir.rglob("__pycache__/*.pyc"))


def compiled_copy(code_dir: Path, target: Path, *, python: str, version: tuple[int, int]) -> Path:
    """A copy of *code_dir* with every ``.py`` compiled beside it, as ``compile = true`` ships."""
    shutil.copytree(code_dir, target, symlinks=True)
    sources = [
        SourceFile(path.relative_to(target).as_posix(), path, False)
        for path in sorted(target.rglob("*.py"))
        if path.is_file() and "__pycache__" not in path.parts
    ]
    bytecode_files(sources, python=python, version=version, workdir=target)
    return target


def advice_note(import_ms: float, compiled_import_ms: float, bootstrap_ms: float) -> str | None:
    """The note when the measured saving is over :data:`SHARE` of the init, else None."""
    saving = import_ms - compiled_import_ms
    init = bootstrap_ms + import_ms
    if init <= 0 or saving <= SHARE * init:
        return None
    return (
        f"shipping bytecode ([tool.lee] compile = true) would save {saving:.0f} ms of the "
        f"{import_ms:.0f} ms import ({saving / init * 100:.0f} % of the init), measured with "
        "one extra cold start of the package compiled for the runtime's Python"
    )
