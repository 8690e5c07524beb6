"""Measure ``lee-kb lint`` on the whole real knowledge base: checklist items by shape,
findings per rule, and precision and recall recomputed from a judged sample.

The sample is committed beside this script (``kb_corpus_judged.tsv``): for each rule, 20
findings drawn with a fixed seed, each ``path:line`` with a verdict (``right``/``wrong``)
and a note; and for 20 files drawn the same way, every line a person would call a
checklist item (``item``) or would not although it carries a check mark (``not-item``).
Precision of a rule is right / judged; checklist recall is the judged items lee-kb counts
over all judged items. ``--sample`` prints a fresh sample to judge (same seed, same draw
while the corpus and the linter agree).

    python bench/bench_kb_corpus.py [--corpus DIR] [--sample]
"""

from __future__ import annotations

import argparse
import collections
import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "sima-7bd88ad"
JUDGED = Path(__file__).with_name("kb_corpus_judged.tsv")
SEED = 12
PER_RULE = 20
FILES = 20
# Lines that carry a check box or a check mark where an item's marker goes: the population
# a person judges (code fences excluded, as lee-kb excludes them).
_CANDIDATE = re.compile(
    r"^\s*(?:>\s*)?(?:[-*+]\s+|\d+[.)]\s+|\|.*)?(?:\[[ xX]\]|✅|✓|✔|☑|☐|⬜|âœ…|âœ“)"
)
_CODE_FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*([\w+-]*)")


def lint_corpus(corpus: Path):  # -> LintResult
    from pytest_lee.kb.config import KbConfig
    from pytest_lee.kb.lint import lint

    config = KbConfig(root=corpus, paths=(corpus,), tests=())
    return lint([corpus], config, [], base=corpus)


def candidates(text: str) -> list[int]:
    """Lines outside code fences that carry a box or a mark where an item's marker goes."""
    found, fence = [], None
    for number, line in enumerate(text.split("\n"), start=1):
        opening = _CODE_FENCE.match(line)
        if opening:
            if fence is None:
                fence = opening.group(2).lower()
            elif not opening.group(2):
                fence = None
            continue
        if fence not in (None, "", "text", "txt", "plain", "markdown", "md"):
            continue
        if _CANDIDATE.match(line):
            found.append(number)
    return found


def sample(result, corpus: Path) -> None:
    by_rule: dict[str, list] = collections.defaultdict(list)
    for finding in result.findings:
        by_rule[finding.rule].append(finding)
    rng = random.Random(SEED)
    for rule in sorted(by_rule):
        findings = sorted(by_rule[rule], key=lambda f: (f.path, f.line, f.message))
        for finding in rng.sample(findings, min(PER_RULE, len(findings))):
            line = _line(corpus / finding.path, finding.line)
            print(
                f"{rule}\t{finding.path}:{finding.line}\t?\t{finding.message[:90]} || {line[:80]}"
            )
    texts = {d.display: _text(d.path) for d in result.context.documents}  # lint keeps no text
    documents = [d for d in result.context.documents if candidates(texts[d.display])]
    counted = _counted(result)
    for document in rng.sample(sorted(documents, key=lambda d: d.display), FILES):
        lines = texts[document.display].split("\n")
        for number in candidates(texts[document.display]):
            mark = "counted" if (document.display, number) in counted else "missed"
            print(
                f"checklist\t{document.display}:{number}\t?\t{mark} || {lines[number - 1].strip()[:90]}"
            )


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _line(path: Path, number: int) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").split("\n")[number - 1].strip()
    except (OSError, IndexError):
        return ""


def _counted(result) -> set[tuple[str, int]]:
    return {
        (document.display, item.line)
        for document in result.context.documents
        for checklist in document.checklists
        for item in checklist.items
    }


def report(result, judged: Path) -> None:
    shapes = collections.Counter(
        item.shape
        for document in result.context.documents
        for checklist in document.checklists
        for item in checklist.items
    )
    print(f"checklist items: {sum(shapes.values())}")
    for shape, count in shapes.most_common():
        print(f"  {shape:10} {count:6}")
    rules = collections.Counter(f.rule for f in result.findings)
    if not judged.is_file():
        print("findings per rule:", dict(rules.most_common()))
        print(f"{judged.name}: not found; run with --sample to draw one")
        return
    verdicts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    counted = _counted(result)
    present = {(f.rule, f"{f.path}:{f.line}") for f in result.findings}
    stale = 0
    recall = collections.Counter()
    for line in judged.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rule, where, verdict, *_ = line.split("\t")
        if rule == "checklist":
            path, number = where.rsplit(":", 1)
            is_counted = (path, int(number)) in counted
            recall[(verdict, is_counted)] += 1
        elif (rule, where) in present:
            verdicts[rule][verdict] += 1
        else:
            stale += 1  # judged once, no longer reported: neither right nor wrong now
    print("findings per rule (judged sample: precision):")
    for rule, count in rules.most_common():
        judged_rule = verdicts.get(rule, collections.Counter())
        total = judged_rule["right"] + judged_rule["wrong"]
        precision = (
            f"{100 * judged_rule['right'] / total:5.1f}% of {total}" if total else "not judged"
        )
        print(f"  {rule:22} {count:6}   {precision}")
    if stale:
        print(f"  ({stale} judged findings are no longer reported)")
    items = recall[("item", True)] + recall[("item", False)]
    extra = recall[("not-item", True)]
    if items:
        print(
            f"checklist recall: {recall[('item', True)]} of {items} judged items counted "
            f"({100 * recall[('item', True)] / items:.1f}%); item precision in those files: "
            f"{recall[('item', True)]} of {recall[('item', True)] + extra} counted lines are items"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--sample", action="store_true", help="print a sample to judge")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    if not args.corpus.is_dir():
        print(f"corpus: skipped, {args.corpus} not found")
        return 0
    result = lint_corpus(args.corpus)
    if args.sample:
        sample(result, args.corpus)
    else:
        report(result, JUDGED)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
