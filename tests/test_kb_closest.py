"""The nearest-name suggestion of ``index-route`` answers exactly as difflib does."""

from __future__ import annotations

import difflib
import random

import pytest

from pytest_lee.kb._closest import Closest


def _difflib(word: str, names: list[str], cutoff: float) -> str | None:
    found = difflib.get_close_matches(word, names, n=1, cutoff=cutoff)
    return found[0] if found else None


@pytest.mark.parametrize("long_names", [False, True])
def test_it_suggests_what_difflib_suggests(long_names: bool) -> None:
    chance = random.Random(12)
    alphabet = "NM0156-_LESSONBUGabcdé✅/."
    names = sorted(
        {"".join(chance.choices(alphabet, k=chance.randint(1, 40))) for _ in range(80)}
        | {"NM06-LESSONS-Deployment.md", "NM06-BUGS-Critical.md", "NM06-BUG-Critical.md"}
    )
    if long_names:  # a name of 256 characters or more is counted without the byte columns
        names.append("NM06-" + "x" * 300 + ".md")
    closest = Closest(names)
    words = [
        "NM06-BUGS-Critcal.md",
        "NM06-LESSONS-Deploy.md",
        "",
        "zzz",
        *("".join(chance.choices(alphabet, k=chance.randint(1, 50))) for _ in range(40)),
    ]
    for cutoff in (0.0, 0.6, 0.9):
        assert [closest.match(w, cutoff) for w in words] == [
            _difflib(w, names, cutoff) for w in words
        ]
