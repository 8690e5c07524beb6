"""Compile each ``.py`` once: a content hash that compiled cleanly is not compiled again.

A vendored tree has thousands of ``.py`` files that do not change between builds;
compiling them at every build was most of the build's time. The cache remembers the
SHA-256 of every source that compiled without error, per interpreter and target
feature version (what compiles under 3.12 may not under 3.11), in memory for the
process and in one file per key under the pytest-lee cache directory, so the next
session starts warm. Failures are never cached: a broken file is reported each time.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pytest_lee._atomic import write_atomic

_KNOWN: dict[str, set[str]] = {}
_LOADED: set[str] = set()


def cache_dir() -> Path:
    """``$LEE_CACHE_DIR``, else ``$XDG_CACHE_HOME/pytest-lee``, else ``~/.cache/pytest-lee``."""
    explicit = os.environ.get("LEE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pytest-lee"


def cache_key(feature: tuple[int, int] | None) -> str:
    """Which compiler judged: the running implementation and version, and the target's."""
    running = f"{sys.implementation.cache_tag}"
    return f"{running}-{feature[0]}.{feature[1]}" if feature else running


class CompileCache:
    """Good source hashes for one :func:`cache_key`; ``save()`` adds the new ones to disk."""

    def __init__(self, key: str) -> None:
        self.key = key
        self._path = cache_dir() / "compiled" / f"{key}.txt"
        self._good = _KNOWN.setdefault(key, set())
        self._new: set[str] = set()
        if key not in _LOADED:
            _LOADED.add(key)
            try:
                self._good.update(self._path.read_text(encoding="ascii").split())
            except (OSError, ValueError):
                pass

    def __contains__(self, digest: str) -> bool:
        return digest in self._good

    def add(self, digest: str) -> None:
        if digest not in self._good:
            self._good.add(digest)
            self._new.add(digest)

    def save(self) -> None:
        """Write the whole set (atomically); a cache that cannot be written is only slower."""
        if not self._new:
            return
        try:
            write_atomic(self._path, "\n".join(sorted(self._good)) + "\n")
        except OSError:
            pass
        self._new.clear()


def feature_for(runtime_version: tuple[int, int] | None) -> tuple[int, int] | None:
    """The feature version to check syntax against: the runtime's, when older than ours."""
    if runtime_version is not None and runtime_version < sys.version_info[:2]:
        return runtime_version
    return None


def compiles(data: bytes, name: str, feature: tuple[int, int] | None) -> None:
    """Compile *data* (and parse it as *feature*'s Python); raises what the compiler raises."""
    import warnings

    from pytest_lee._parse import parse_source

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning for odd escapes is not a failure
        compile(data, name, "exec", dont_inherit=True)
        if feature is not None:
            parse_source(data, name, feature_version=feature)


def warm(tree: Path, runtime_version: tuple[int, int] | None) -> None:
    """Compile every ``.py`` of a freshly vendored *tree* once, so the builds that ship it
    find them in the cache; a file that does not compile is left for the build to report."""
    import hashlib

    feature = feature_for(runtime_version)
    cache = CompileCache(cache_key(feature))
    for path in sorted(tree.rglob("*.py")):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest in cache:
            continue
        try:
            compiles(data, str(path), feature)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        cache.add(digest)
    cache.save()
