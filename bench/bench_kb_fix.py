"""lee-kb fix throughput: damage detection and repair over the corpus and a 10 MB file.

    python bench/bench_kb_fix.py [CORPUS_DIR]     (default: ../shared/corpus)

Prints medians of 5 runs: files and MB per second for ``find_damage`` (what the lint's
``mojibake`` rule costs) and ``repair`` (what ``lee-kb fix --check`` costs), the same for
one generated 10 MB file of seed-like Mac Roman damage, what ``repair`` finds in the
corpus (spans repaired, spans left ambiguous), and how exact the repairs are: every
undamaged non-ASCII line of the corpus is damaged the way the corpus was (UTF-8 read as
Windows-1252, curly quotes straightened, the invisible C1 bytes dropped — the worst case)
and each damaged character is counted as repaired exactly, repaired wrong, declined
(several originals fit: reported with candidates) or missed.
"""

from __future__ import annotations

import collections
import statistics
import sys
import time
from pathlib import Path

from pytest_lee.kb.encoding import find_damage, repair

_STRAIGHT = {"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"}
_HOLES = "\x81\x8d\x8f\x90\x9d"

ROOT = Path(__file__).resolve().parents[1]


def _damaged(line: str) -> tuple[str, list[tuple[int, int, str]]]:
    """``line`` damaged as the corpus was, and where each damaged character's text lies."""
    import ftfy.bad_codecs  # noqa: F401  (the sloppy codecs fill Windows-1252's holes)

    out, pieces, position = [], [], 0
    for ch in line:
        text = ch
        if not ch.isascii():
            text = ch.encode("utf-8").decode("sloppy-windows-1252")
            text = "".join(_STRAIGHT.get(c, c) for c in text if c not in _HOLES)
            if text != ch:
                pieces.append((position, position + len(text), ch))
        out.append(text)
        position += len(text)
    return "".join(out), pieces


def exactness(texts: list[str]) -> None:
    """Damage every clean non-ASCII line of the corpus; count how each damaged character fares."""
    lines = set()
    for text in texts:
        damaged_lines = {d.line for d in find_damage(text)}
        for number, line in enumerate(text.split("\n"), start=1):
            if number not in damaged_lines and not line.isascii():
                lines.add(line)
    counts: collections.Counter[str] = collections.Counter()
    wrong: collections.Counter[tuple[str, str]] = collections.Counter()
    for line in sorted(lines):
        damaged, pieces = _damaged(line)
        if not pieces:
            continue
        covered = set()
        for found in find_damage("✅ keeps the text out of whole-file mode\n" + damaged):
            if found.line != 2:
                continue
            start = found.column - 1
            end = start + len(found.text)
            inside = [p for p in pieces if p[0] >= start and p[1] <= end]
            original, position = [], start
            for low, high, ch in inside:
                original += [damaged[position:low], ch]
                position = high
            original.append(damaged[position:end])
            covered.update(inside)
            if len(found.candidates) > 1:
                counts["declined"] += len(inside)
            elif found.candidates[0] == "".join(original):
                counts["exact"] += len(inside)
            else:
                counts["wrong"] += len(inside)
                wrong[("".join(original), found.candidates[0])] += 1
        counts["missed"] += sum(1 for p in pieces if p not in covered)
    total = sum(counts.values()) or 1
    print(
        f"exactness: {len(lines)} clean lines damaged as the corpus was: "
        + ", ".join(
            f"{k} {counts[k]} ({100 * counts[k] / total:.1f}%)"
            for k in ("exact", "wrong", "declined", "missed")
        )
    )
    if wrong:
        print("  wrong repairs:", wrong.most_common(10))


def timed(function, texts: list[str], runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        for text in texts:
            function(text)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def report(label: str, texts: list[str]) -> None:
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    for name, function in (("find_damage", find_damage), ("repair", repair)):
        seconds = timed(function, texts, runs=5 if megabytes < 5 else 3)
        print(
            f"{label:<28} {name:<12} {len(texts) / seconds:9.0f} files/s {megabytes / seconds:7.1f} MB/s  ({seconds * 1000:.0f} ms)"
        )


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus"
    files = sorted(corpus.rglob("*.md"))
    if not files:
        sys.exit(f"no markdown under {corpus}; pass the corpus directory")
    texts = [f.read_bytes().decode("utf-8") for f in files]
    report(f"corpus ({len(texts)} files)", texts)
    clean = (ROOT / "kb" / "NM06-LESSONS-Deployment_and_Operations.md").read_text("utf-8")
    damaged = clean.encode("utf-8").decode("mac_roman")
    big = damaged * (10_000_000 // len(damaged.encode("utf-8")))
    report("10 MB Mac Roman file", [big])
    results = [repair(t) for t in texts]
    changed = [r for r in results if r.changed]
    print(
        f"corpus: {len(changed)} files repairable ({sum(r.encoding is not None for r in changed)} whole-file), "
        f"{sum(r.repaired for r in results)} spans repaired, "
        f"{sum(len(r.ambiguous) for r in results)} spans in {sum(bool(r.ambiguous) for r in results)} files left ambiguous"
    )
    exactness(texts)


if __name__ == "__main__":
    main()
