"""Precision of ``lee-kb lint`` per rule on every generation of the real knowledge base,
recomputed from judged samples.

Each generation in ``../shared/corpus`` (``sima-0b5b619``, ``sima-3fed4d8``, ``sima-7bd88ad``,
``sima-v2``, ``sima-v3-nm06``) has its judged sample beside this script,
``kb_judged_<generation>.tsv``: for each rule, up to 20 findings drawn with a fixed seed (one
random stream per generation and rule, so a change in one rule does not redraw the others),
each ``rule<TAB>path:line<TAB>verdict<TAB>note`` with ``right`` (a person keeping the knowledge
base would act on it) or ``wrong`` (noise) and why. Precision is right / judged among the
judged findings that are still reported; a judged finding no longer reported is counted
apart ("gone"), and findings of a rule that were never judged are drawn again with
``--sample GEN`` (already judged lines keep their verdict, new ones print ``?``).

    python bench/bench_kb_generations.py [--corpus DIR] [--sample GENERATION]
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# ``../shared`` beside the repository (a worktree sits one level deeper: ``../../shared``)
CORPUS = next(
    (p / "corpus" for p in (REPO.parent / "shared", REPO.parents[1] / "shared") if p.is_dir()),
    REPO.parent / "shared" / "corpus",
)
GENERATIONS = ("sima-0b5b619", "sima-3fed4d8", "sima-7bd88ad", "sima-v2", "sima-v3-nm06")
SEED = 29
PER_RULE = 20


def judged_path(generation: str) -> Path:
    return Path(__file__).with_name(f"kb_judged_{generation}.tsv")


def lint_generation(folder: Path):  # -> LintResult
    from pytest_lee.kb.config import load_kb_config
    from pytest_lee.kb.lint import lint

    config = load_kb_config(folder)  # no pyproject.toml in the corpus: the defaults
    config = type(config)(**{**config.__dict__, "paths": (folder,), "tests": ()})
    return lint([folder], config, [], base=folder)


def read_judged(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    judged: dict[tuple[str, str], tuple[str, str]] = {}
    if not path.is_file():
        return judged
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rule, where, verdict, *note = line.split("\t")
        judged[(rule, where)] = (verdict, note[0] if note else "")
    return judged


def draw(result, generation: str) -> dict[str, list[tuple[str, object]]]:
    """Up to PER_RULE findings per rule, one per line, drawn with the generation's seed."""
    by_rule: dict[str, dict[str, object]] = collections.defaultdict(dict)
    for finding in sorted(result.findings, key=lambda f: (f.path, f.line, f.message)):
        by_rule[finding.rule].setdefault(f"{finding.path}:{finding.line}", finding)
    drawn = {}
    for rule in sorted(by_rule):
        rng = random.Random(f"{SEED}-{generation}-{rule}")
        wheres = sorted(by_rule[rule])
        chosen = sorted(rng.sample(wheres, min(PER_RULE, len(wheres))))
        drawn[rule] = [(where, by_rule[rule][where]) for where in chosen]
    return drawn


def sample(result, folder: Path, generation: str) -> None:
    judged = read_judged(judged_path(generation))
    for rule, picks in draw(result, generation).items():
        for where, finding in picks:
            verdict, note = judged.get((rule, where), ("?", ""))
            if verdict == "?":
                path, number = where.rsplit(":", 1)
                note = f"{finding.message[:140]} || {_line(folder / path, int(number))[:120]}"
            print(f"{rule}\t{where}\t{verdict}\t{note}")


def _line(path: Path, number: int) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").split("\n")[number - 1].strip()
    except (OSError, IndexError):
        return ""


def report(results: dict[str, object]) -> None:
    print(f"{'generation':14} {'rule':22} {'findings':>8} {'judged':>6} {'precision':>9}  gone")
    for generation, result in results.items():
        judged = read_judged(judged_path(generation))
        counts = collections.Counter(f.rule for f in result.findings)
        present = {(f.rule, f"{f.path}:{f.line}") for f in result.findings}
        drawn = draw(result, generation)
        for rule in sorted(set(counts) | {r for r, _ in judged}):
            verdicts = collections.Counter(
                judged[(rule, where)][0]
                for where, _ in drawn.get(rule, [])
                if (rule, where) in judged
            )
            gone = sum(1 for (r, w) in judged if r == rule and (r, w) not in present)
            total = verdicts["right"] + verdicts["wrong"]
            unjudged = len(drawn.get(rule, [])) - total
            precision = f"{100 * verdicts['right'] / total:8.0f}%" if total else "        -"
            extra = f"  ({unjudged} drawn, not judged)" if unjudged else ""
            print(
                f"{generation:14} {rule:22} {counts.get(rule, 0):8} {total:6} {precision}  {gone:4}{extra}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--sample", metavar="GENERATION", help="print a sample to judge")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    if not args.corpus.is_dir():
        print(f"corpus: skipped, {args.corpus} not found")
        return 0
    if args.sample:
        folder = args.corpus / args.sample
        sample(lint_generation(folder), folder, args.sample)
        return 0
    results = {
        generation: lint_generation(args.corpus / generation)
        for generation in GENERATIONS
        if (args.corpus / generation).is_dir()
    }
    report(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
