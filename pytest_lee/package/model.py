"""The :class:`Package` value and the fixed choices that make an archive reproducible."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# Every entry gets the same timestamp: the earliest a zip can hold (DOS epoch).
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
# Regular files get 0o644; files executable in the source (any x bit) get 0o755.
FILE_MODE = 0o644
EXECUTABLE_MODE = 0o755
# zlib's own default level, fixed here so a change of Python default cannot move the hash.
COMPRESS_LEVEL = 6

# Lambda's deployment package quotas (direct upload of a .zip).
ZIPPED_LIMIT = 50 * 1024 * 1024
UNZIPPED_LIMIT = 250 * 1024 * 1024


@dataclass(frozen=True)
class Package:
    """A built (and, unless asked otherwise, verified) deployment zip.

    ``code_sha256`` is the base64 of the SHA-256 of the zip's bytes, exactly what
    Lambda reports as ``CodeSha256``, so a test can compare it with what an upload
    returns. ``manifest`` maps each archive name to the hex SHA-256 of its content.
    """

    path: Path
    code_sha256: str
    files: tuple[str, ...]
    manifest: Mapping[str, str]
    warnings: tuple[str, ...] = ()
    # Files of the source left out by a secret name or an `exclude` line (not junk).
    left_out: tuple[str, ...] = ()

    @property
    def manifest_path(self) -> Path:
        """The JSON manifest written beside the zip."""
        return manifest_path_for(self.path)


def manifest_path_for(zip_path: Path) -> Path:
    return zip_path.with_name(zip_path.stem + ".manifest.json")
