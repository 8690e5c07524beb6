"""lee-kb fix throughput: damage detection and repair over the corpus and a 10 MB file.

    python bench/bench_kb_fix.py [CORPUS_DIR]     (default: ../shared/corpus)

Prints medians of 5 runs: files and MB per second for ``find_damage`` (what the lint's
``mojibake`` rule costs) and ``repair`` (what ``lee-kb fix --check`` costs), the same for
one generated 10 MB file of seed-like Mac Roman damage, and what ``repair`` finds in the
corpus.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from pytest_lee.kb.encoding import find_damage, repair

ROOT = Path(__file__).resolve().parents[1]


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


if __name__ == "__main__":
    main()
