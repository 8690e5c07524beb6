"""What the lee-kb fix tests damage text with, and where the users' real files are.

``../shared/`` beside the repository holds the seed (UTF-8 read as Mac Roman) and the
corpus with its clean copy; tests that need them skip when it is absent.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "seeds" / "000_3fccd28ea58512c1.txt"
CORPUS = SHARED / "corpus"
CLEAN = (
    CORPUS / "sima-v2" / "NM06-Learned_Experiences" / "NM06-LESSONS-Deployment_and_Operations.md"
)


def mac_roman(text: str) -> str:
    """``text`` as an editor shows its UTF-8 read as Mac Roman (the seed's damage)."""
    return text.encode("utf-8").decode("mac_roman")


def windows_1252(text: str) -> str:
    """``text`` as a browser shows its UTF-8 read as Windows-1252 (the corpus's damage)."""
    import ftfy.bad_codecs  # noqa: F401  (registers the sloppy codecs that fill 1252's holes)

    return text.encode("utf-8").decode("sloppy-windows-1252")
