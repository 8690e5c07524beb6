"""Benchmark ``lee-kb lint``: files per second, and the ratio to a bare markdown-it-py parse.

Two knowledge bases: the users' real one (``../shared/corpus/`` next to the repository,
skipped with a message when absent) and a generated one of 1,000 files of about 4 KB in
the seed's shape (REF/PRIORITY/TAGS/RELATED paragraph, a ```` ```markdown ```` task list, a
✅ block, cross-references, statistics). Single process; each figure is the median of
several rounds, interleaved (parse, block-level parse, lint in turn each round; best CPU
time of N, wall time beside it, the load average printed). The floor is ``MarkdownIt("commonmark").enable("table").parse`` over the
same files (read included); the lint adds reading the tests, the model, and every rule —
but parses at block level only (it never needs inline children), so the block-level parse
is printed too, to show where the time goes.

    python bench/bench_kb_lint.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _generated(directory: Path, count: int = 1000) -> Path:
    kb = directory / "kb"
    kb.mkdir()
    for number in range(count):
        family = f"NM{number % 7 + 1:02d}"
        ident = f"{family}-LESS-{number // 7 + 1:02d}"
        related = f"{family}-LESS-{(number // 7 + 2):02d}, NM06-BUG-0{number % 4 + 1}"
        body = [
            f"# {family}-LESSONS: Generated lesson {number}",
            "",
            "**FILE STATISTICS:**",
            "- Lesson Count: 1 lesson",
            f"- Reference IDs: {ident}",
            "",
            f"## Lesson {number}: Something learned the hard way",
            "",
            f"**REF:** {ident}  ",
            "**PRIORITY:** 🟡 HIGH  ",
            "**TAGS:** deployment, monitoring, cold-start  ",
            "**KEYWORDS:** partial deployment, atomic deployment  ",
            f"**RELATED:** {related}",
            "",
            "### What happened",
            "",
            "A paragraph of prose about what happened, long enough to look like the real thing. "
            * 6,
            "",
            "```python",
            "def execute_operation(interface, operation, timeout=30, **kwargs):",
            "    return _INTERFACE_ROUTERS[interface](operation, timeout=timeout, **kwargs)",
            "```",
            "",
            "**Deployment Checklist**",
            "",
            "```markdown",
            "### Pre-Deployment",
            "- [ ] All affected files identified",
            "- [ ] Local tests passing",
            "- [x] File sizes verified (no truncation)",
            "### Post-Deployment",
            "- [ ] Health check passed",
            "- [ ] Team notified of deployment",
            "```",
            "",
            "## Synthesis",
            "",
            "```",
            "Monitoring:",
            "✅ Cold start timing logged",
            "✅ Request latency tracked",
            "```",
            "",
            "## Cross-References",
            "",
            "```",
            f"{family}-LESS-{number // 7 + 1:02d} → This lesson",
            "NM06-BUG-01 → Sentinel leak",
            "```",
            "",
            "- Another paragraph of closing prose with *emphasis* and `code` and a [link](x.md). "
            * 4,
            "",
        ]
        (kb / f"{family}-LESSONS-Generated {number:04d}.md").write_text(
            "\n".join(body), encoding="utf-8"
        )
    (directory / "tests").mkdir()
    (directory / "tests" / "test_generated.py").write_text(
        "import pytest\n\n@pytest.mark.lee_ref('NM01-LESS-01', 'Local tests passing')\ndef test_one():\n    pass\n",
        encoding="utf-8",
    )
    return kb


def _floor(files: list[Path], *, block_only: bool = False) -> None:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    if block_only:
        md.disable("inline")
    for file in files:
        md.parse(file.read_text(encoding="utf-8"))


def _lint(paths: list[Path], tests: list[Path], base: Path) -> int:
    from pytest_lee.kb.config import KbConfig
    from pytest_lee.kb.lint import lint

    config = KbConfig(root=base, paths=tuple(paths), tests=tuple(tests))
    return len(lint(paths, config, tests, base=base).findings)


def _interleaved(functions: dict[str, object], rounds: int) -> dict[str, tuple[float, float]]:
    """Each function once per round, in turn (machine load hits all alike); per function the
    best CPU time (``process_time``: the neighbours' load is not ours) and its wall time."""
    best: dict[str, tuple[float, float]] = {}
    for _ in range(rounds):
        for name, function in functions.items():
            cpu, wall = time.process_time(), time.perf_counter()
            function()  # type: ignore[operator]
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            if name not in best or cpu < best[name][0]:
                best[name] = (cpu, wall)
    return best


def measure(name: str, root: Path, tests: list[Path], rounds: int) -> None:
    from pytest_lee.kb.lint import markdown_files

    files, _ = markdown_files([root])
    size = sum(f.stat().st_size for f in files)
    findings = _lint([root], tests, root.parent)  # warm caches and imports
    best = _interleaved(
        {
            "parse": lambda: _floor(files),
            "block": lambda: _floor(files, block_only=True),
            "lint": lambda: _lint([root], tests, root.parent),
        },
        rounds,
    )
    (floor, floor_wall), (block, block_wall), (linted, lint_wall) = (
        best["parse"],
        best["block"],
        best["lint"],
    )
    print(f"{name}: {len(files)} files, {size / 1e6:.2f} MB, {findings} findings")
    print(
        f"  markdown-it-py parse: {floor * 1000:8.1f} ms CPU ({floor_wall * 1000:8.1f} ms wall)"
        f"  {len(files) / floor:8.0f} files/s"
    )
    print(
        f"  block-level parse:    {block * 1000:8.1f} ms CPU ({block_wall * 1000:8.1f} ms wall)"
        f"  {len(files) / block:8.0f} files/s  (what lee-kb runs)"
    )
    print(
        f"  lee-kb lint:          {linted * 1000:8.1f} ms CPU ({lint_wall * 1000:8.1f} ms wall)"
        f"  {len(files) / linted:8.0f} files/s"
    )
    print(f"  ratio lint / parse:   {linted / floor:8.2f}x")
    print(f"  ratio lint / block-level parse: {linted / block:.2f}x  (aim: <= 1.5x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if CORPUS.is_dir():
        measure("corpus (../shared/corpus)", CORPUS, [], args.rounds)
    else:
        print(f"corpus: skipped, {CORPUS} not found")
    with tempfile.TemporaryDirectory() as directory:
        kb = _generated(Path(directory))
        measure("generated (1,000 files of ~4 KB)", kb, [Path(directory) / "tests"], args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
