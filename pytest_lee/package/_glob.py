"""Path globs for ``required``, ``exclude`` and ``omit``, the same on every platform.

``*`` and ``?`` stay inside one path segment, ``**`` crosses segments (``**/`` also
matches no directory at all), and matching is case-sensitive, as Lambda's file system
is. A pattern without ``/`` in ``exclude`` matches a file or directory name at any
depth (as in ``.gitignore``); everywhere else a pattern matches the whole path
relative to the source directory.
"""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
            continue
        if pattern.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", index + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[index + 1 : end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                index = end + 1
                continue
        else:
            out.append(re.escape(char))
        index += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def match_path(path: str, pattern: str) -> bool:
    """True when *pattern* matches the whole relative POSIX *path*."""
    return _compile(pattern).match(path) is not None
