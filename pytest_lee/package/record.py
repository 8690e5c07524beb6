"""A vendored tree checked against the ``RECORD`` of every distribution pip installed in it.

The vendoring cache is a directory anyone with the user's permissions (or a CI cache
shared between branches) can edit; shipping it as found once let an edited module, an
added ``.env`` and a deleted file through. Before a cached tree is used, every file in
it must be listed by some ``*.dist-info/RECORD`` with the hash it records, and every
file a ``RECORD`` lists must be there: an extra, missing or changed file refuses the
tree (the caller installs it again). What the vendoring step removes on purpose
(``bin/`` scripts, ``__pycache__``) is not expected back.

The hex SHA-256 of every verified file comes back with the verdict: the archive writer
compares each file's bytes with it as it zips them (a file changed after this check is
refused too), and only files verified here are exempt from the project's own checks.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import posixpath
import stat
from dataclasses import dataclass, field
from pathlib import Path

# pip's --target installs into a home scheme whose purelib is lib/python and then moves
# every top-level entry of the home into the target: a RECORD path is relative to lib/python.
_PURELIB = "lib/python/"
_REMOVED = ("bin/",)  # what vendor._clean removes (with every __pycache__)
_UNHASHED = ("RECORD", "RECORD.jws", "RECORD.p7s")
_SHOWN = 3


@dataclass
class TreeCheck:
    """The verdict on one tree: problems (empty when it may ship) and verified digests."""

    digests: dict[str, str] = field(default_factory=dict)  # name -> hex SHA-256
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The problems as one line: the first few and how many more."""
        shown = "; ".join(self.problems[:_SHOWN])
        more = len(self.problems) - _SHOWN
        return shown + (f"; and {more} more" if more > 0 else "")


def check_tree(tree: Path, *, ignore: tuple[str, ...] = ()) -> TreeCheck:
    """Compare *tree* with its ``RECORD`` files; *ignore*: top-level names of our own."""
    check = TreeCheck()
    expected = _expected(tree, check)
    seen: set[str] = set()
    _walk(tree, "", expected=expected, seen=seen, check=check, ignore=ignore)
    for name in sorted(set(expected) - seen):
        check.problems.append(f"{name}: listed in a RECORD but missing from the tree")
    return check


def _expected(tree: Path, check: TreeCheck) -> dict[str, tuple[str, str] | None]:
    """Tree name -> (algorithm, urlsafe base64 digest), None for the unhashed RECORD."""
    expected: dict[str, tuple[str, str] | None] = {}
    try:
        entries = sorted(os.scandir(tree), key=lambda entry: entry.name)
    except OSError as error:
        check.problems.append(f"{tree}: cannot read: {error.strerror or error}")
        return expected
    dists = [
        e for e in entries if e.name.endswith(".dist-info") and e.is_dir(follow_symlinks=False)
    ]
    if not dists:
        check.problems.append("no *.dist-info/RECORD in the tree")
    for dist in dists:
        record = f"{dist.name}/RECORD"
        try:
            text = Path(dist.path, "RECORD").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            check.problems.append(f"{record}: cannot read: {getattr(error, 'strerror', error)}")
            continue
        for row in csv.reader(io.StringIO(text)):
            if not row or not row[0]:
                continue
            name = _tree_name(row[0])
            if name is None or name.startswith(_REMOVED) or "__pycache__" in name.split("/"):
                continue
            digest = row[1] if len(row) > 1 else ""
            algorithm, _, value = digest.partition("=")
            if value and algorithm in hashlib.algorithms_guaranteed:
                expected[name] = (algorithm, value)
            elif name.rpartition("/")[2] in _UNHASHED:
                expected.setdefault(name, None)
            else:
                check.problems.append(f"{name}: {record} gives it no usable hash ({digest!r})")
    return expected


def _tree_name(path: str) -> str | None:
    """Where a RECORD path ends up in the target directory; None when outside it."""
    if path.startswith("/") or "\\" in path:
        return None
    joined = posixpath.normpath(_PURELIB + path)
    if joined.startswith(_PURELIB):
        return joined[len(_PURELIB) :]
    if joined.startswith("..") or joined == "lib" or joined.startswith(("lib/", "/")):
        return None
    return joined  # bin/, share/: moved into the target beside the packages


def _walk(
    directory: Path,
    prefix: str,
    *,
    expected: dict[str, tuple[str, str] | None],
    seen: set[str],
    check: TreeCheck,
    ignore: tuple[str, ...],
) -> None:
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError as error:
        check.problems.append(f"{prefix or './'}: cannot read: {error.strerror or error}")
        return
    for entry in entries:
        name = prefix + entry.name
        if not prefix and entry.name in ignore:
            continue
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError as error:
            check.problems.append(f"{name}: cannot read: {error.strerror or error}")
            continue
        if stat.S_ISDIR(mode):
            _walk(
                Path(entry.path),
                name + "/",
                expected=expected,
                seen=seen,
                check=check,
                ignore=ignore,
            )
            continue
        if not stat.S_ISREG(mode):
            check.problems.append(f"{name}: not a regular file (pip installs none)")
            continue
        if name not in expected:
            check.problems.append(f"{name}: not listed in any RECORD")
            continue
        seen.add(name)
        try:
            data = Path(entry.path).read_bytes()
        except OSError as error:
            check.problems.append(f"{name}: cannot read: {error.strerror or error}")
            continue
        digest = hashlib.sha256(data).digest()
        check.digests[name] = digest.hex()
        wanted = expected[name]
        if wanted is None:
            continue
        algorithm, value = wanted
        actual = digest if algorithm == "sha256" else hashlib.new(algorithm, data).digest()
        if base64.urlsafe_b64encode(actual).rstrip(b"=").decode() != value.rstrip("="):
            check.problems.append(f"{name}: content differs from its RECORD hash")
