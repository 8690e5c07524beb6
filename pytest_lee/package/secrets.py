"""Secrets in a file's content: AWS access key ids and PEM private key blocks.

A file is scanned whole when it is small, and chunk by chunk, with an overlap longer
than anything searched for, when it is large, so a build's memory does not grow with
its largest file. Each kind is reported once per file, at its first line.
"""

from __future__ import annotations

import re

# AWS access key ids (long-term AKIA, temporary ASIA) and PEM private key blocks, in
# UTF-8/ASCII and in UTF-16 (either byte order: a Windows editor's "Unicode" file).
_AWS_KEY = re.compile(rb"(?<![A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")
_AWS_KEY_UTF16 = (
    re.compile(rb"(A\0K\0I\0A\0|A\0S\0I\0A\0)(?:[A-Z0-9]\0){16}"),
    re.compile(rb"\0(A\0K\0I\0A|A\0S\0I\0A)(?:\0[A-Z0-9]){16}"),
)
_PRIVATE_KEY = re.compile(rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
# AWS's documented example key ids (AKIAIOSFODNN7EXAMPLE, ...), in botocore's docs: not secrets.
_EXAMPLE_SUFFIX = "EXAMPLE"
# Longer than any match (a UTF-16 key id is 42 bytes, a PEM header under 100).
OVERLAP = 256


def secret_problems(
    name: str, data: bytes, *, line_offset: int = 0, skip: frozenset[str] = frozenset()
) -> dict[str, str]:
    """Kind ("aws", "pem") -> the problem line, for the secrets in *data* (lines counted
    from *line_offset*); kinds in *skip* were already found earlier in the file."""
    found: dict[str, str] = {}
    if "aws" not in skip and (b"AKIA" in data or b"ASIA" in data or b"\0" in data):
        key = _aws_key(data)
        if key is not None:
            prefix, line = key
            kind = "long-term" if prefix.startswith("AKIA") else "temporary"
            found["aws"] = (
                f"{name}:{line + line_offset}: contains an AWS {kind} access key id "
                f"({prefix[:4]}...{prefix[4:]}); keys belong in the function's role, not the package"
            )
    if "pem" not in skip and b"PRIVATE KEY" in data:
        match = _PRIVATE_KEY.search(data)
        if match:
            found["pem"] = (
                f"{name}:{_line_of(data, match.start()) + line_offset}: contains a private key "
                f"block ({match.group().decode()})"
            )
    return found


class SecretScan:
    """The same scan over a file fed chunk by chunk (large files, read streaming)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.found: dict[str, str] = {}
        self._tail = b""
        self._lines = 0  # newlines before the tail

    def feed(self, chunk: bytes) -> None:
        if len(self.found) == 2:
            return
        window = self._tail + chunk
        for kind, problem in secret_problems(
            self.name, window, line_offset=self._lines, skip=frozenset(self.found)
        ).items():
            self.found[kind] = problem
        cut = max(len(window) - OVERLAP, 0)
        self._lines += window.count(b"\n", 0, cut)
        self._tail = window[cut:]


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _line_of_utf16(data: bytes, offset: int, encoding: str) -> int:
    return data[:offset].decode(encoding, "replace").count("\n") + 1


def _aws_key(data: bytes) -> tuple[str, int] | None:
    """(prefix, line) of the first AWS key id that is not AWS's documented example."""
    for match in _AWS_KEY.finditer(data):
        if not match.group().endswith(_EXAMPLE_SUFFIX.encode()):
            return match.group(1).decode(), _line_of(data, match.start())
    if b"\0" not in data:  # no UTF-16 text without NUL bytes: skip the slower patterns
        return None
    for pattern, encoding in zip(_AWS_KEY_UTF16, ("utf-16-le", "utf-16-be")):
        for match in pattern.finditer(data):
            text = match.group().replace(b"\0", b"").decode("ascii")
            if not text.endswith(_EXAMPLE_SUFFIX):
                return text[:4] + ", UTF-16", _line_of_utf16(data, match.start(), encoding)
    return None
