"""Does ``lee-kb lint`` scale linearly, stay near the block-level parse, and keep memory flat?

Generated knowledge bases of 1,000 and 10,000 files of about 4 KB, every file with its own
ID, a RELATED line and a Related Topics section naming other files' IDs, a task list, a
✅ block, a table with check boxes and an index route. For each size, measured side by side
in the same process (rounds interleaved, so machine load hits both alike; best of N):

- CPU time (``time.process_time``: on a shared machine wall time measures the neighbours)
  of the block-level parse lee-kb runs (``MarkdownIt("commonmark").enable("table")
  .disable("inline")``, files read included) and ``lee-kb lint`` over the same files;
- files per second, and time per file at 10,000 against 1,000 (1.0 is linear);
- peak memory (``VmHWM``) of a child process that only parses, and of one that lints:
  the lint keeps a compact model per file, never the token streams.

The real knowledge base (``../shared/corpus/sima-7bd88ad``, when present) is timed the same
way first.

    python bench/bench_kb_scale.py [--sizes 1000 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "sima-7bd88ad"


def generate(directory: Path, count: int) -> Path:
    kb = directory / "kb"
    kb.mkdir()
    for number in range(count):
        family = f"NM{number % 10:02d}"
        ident = _ident(number)
        other = _ident((number * 7 + 3) % count)
        third = _ident((number * 13 + 5) % count)
        body = [
            f"# {family}-LESSONS: Generated lesson {number}",
            "",
            f"## Lesson {number}: Something learned the hard way",
            "",
            f"**REF:** {ident}  ",
            "**PRIORITY:** 🟡 HIGH  ",
            "**TAGS:** deployment, monitoring, cold-start  ",
            f"**RELATED:** {other}, {third}",
            "",
            "### What happened",
            "",
            "A paragraph of prose about what happened, long enough to look like the real thing. "
            * 20,
            "",
            "```python",
            "def execute_operation(interface, operation, timeout=30, **kwargs):",
            "    return _INTERFACE_ROUTERS[interface](operation, timeout=timeout, **kwargs)",
            "```",
            "",
            "**Deployment Checklist**",
            "",
            "- [ ] All affected files identified",
            "- [ ] Local tests passing",
            "- [x] File sizes verified (no truncation)",
            "9. [ ] Health check passed",
            "",
            "```",
            "Monitoring:",
            "✅ Cold start timing logged",
            "✅ Request latency tracked",
            "```",
            "",
            "| Step | Done |",
            "| --- | --- |",
            "| Package verified | ⬜ |",
            "| Alias shifted | ✅ |",
            "",
            "## Related Topics",
            "",
            f"- **{other}**: the lesson before",
            f"- **{third}**: a cousin",
            f"- {ident} → lesson_{number:05d}.md",
            "",
            "Closing prose with *emphasis*, `code` and a [link](x.md). " * 20,
            "",
        ]
        (kb / f"lesson_{number:05d}.md").write_text("\n".join(body), encoding="utf-8")
    return kb


_KINDS = ("LESS", "BUG", "DEC", "AP", "DT", "ARCH", "INT", "RULE", "PATH", "WISD")


def _ident(number: int) -> str:
    """A distinct full ID per file, in the knowledge base's own shape: NM03-DEC-042."""
    return f"NM{number % 10:02d}-{_KINDS[number // 10 % 10]}-{number // 100:03d}"


def _files(kb: Path) -> list[Path]:
    return sorted(kb.rglob("*.md"))


def parse_only(kb: Path) -> int:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table").disable("inline")
    tokens = 0
    for file in _files(kb):
        tokens += len(md.parse(file.read_text(encoding="utf-8")))
    return tokens


def lint_only(kb: Path) -> int:
    from pytest_lee.kb.config import KbConfig
    from pytest_lee.kb.lint import lint

    config = KbConfig(root=kb.parent, paths=(kb,), tests=())
    return len(lint([kb], config, [], base=kb.parent).findings)


def peak_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM starts afresh at exec; ru_maxrss
    would carry over the parent's peak (a child of a 50 MB bench reports 50 MB)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(mode: str, kb: Path) -> dict[str, float]:
    code = (
        "import sys, json; sys.path.insert(0, sys.argv[3]); sys.path.insert(0, sys.argv[4]);"
        "import bench_kb_scale as b; from pathlib import Path;"
        "getattr(b, sys.argv[1])(Path(sys.argv[2]));"
        "print(json.dumps({'maxrss_mb': b.peak_mb()}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, mode, str(kb), str(Path(__file__).parent), str(REPO)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _side_by_side(kb: Path, rounds: int) -> tuple[float, float]:
    lint_only(kb)  # warm imports and caches
    parse_times, lint_times = [], []
    for _ in range(rounds):
        for function, times in ((parse_only, parse_times), (lint_only, lint_times)):
            start = time.process_time()
            function(kb)
            times.append(time.process_time() - start)
    return min(parse_times), min(lint_times)  # best of N: the least disturbed run


def measure_corpus(rounds: int) -> None:
    count = len(_files(CORPUS))
    parse, linted = _side_by_side(CORPUS, rounds)
    print(f"the real knowledge base ({CORPUS.name}, {count} files):")
    print(f"  block-level parse: {parse * 1000:9.1f} ms  {count / parse:7.0f} files/s")
    print(f"  lee-kb lint:       {linted * 1000:9.1f} ms  {count / linted:7.0f} files/s")
    print(f"  ratio lint / block-level parse: {linted / parse:.2f}x  (aim: <= 1.5x)")


def measure(count: int, rounds: int) -> float:
    with tempfile.TemporaryDirectory() as directory:
        kb = generate(Path(directory), count)
        size = sum(f.stat().st_size for f in _files(kb))
        parse, linted = _side_by_side(kb, rounds)
        memory_parse = _child("parse_only", kb)["maxrss_mb"]
        memory_lint = _child("lint_only", kb)["maxrss_mb"]
    print(f"{count} files, {size / 1e6:.1f} MB ({size / count / 1024:.1f} KB each):")
    print(f"  block-level parse: {parse * 1000:9.1f} ms  {count / parse:7.0f} files/s")
    print(f"  lee-kb lint:       {linted * 1000:9.1f} ms  {count / linted:7.0f} files/s")
    print(f"  ratio lint / block-level parse: {linted / parse:.2f}x  (aim: <= 1.5x)")
    print(
        f"  peak memory: parse {memory_parse:.0f} MB, lint {memory_lint:.0f} MB "
        f"({(memory_lint - memory_parse) * 1024 / count:.1f} KiB more per file)"
    )
    return linted / count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    if CORPUS.is_dir():
        measure_corpus(args.rounds)
    per_file = [measure(count, args.rounds) for count in args.sizes]
    if len(per_file) > 1:
        print(
            f"time per file, {args.sizes[-1]} against {args.sizes[0]}: "
            f"{per_file[-1] / per_file[0]:.2f}x (1.0 is linear)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
