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

The real knowledge base (the largest generation in ``../shared/corpus``, when present) is
measured the same way first — CPU and wall time, peak memory of each — and, with
``--replicate N``, N copies of it side by side (27 copies of sima-7bd88ad: 10,260 real
files), which is what "linear to 10,000 files, memory flat" means for real lessons. The
load average is printed with the figures.

    python bench/bench_kb_scale.py [--sizes 1000 10000] [--rounds 3] [--replicate 27]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_SHARED = next(
    (p for p in (REPO.parent / "shared", REPO.parents[1] / "shared") if p.is_dir()),
    REPO.parent / "shared",
)


def largest_generation() -> Path | None:
    """The generation of ``../shared/corpus`` with the most markdown bytes."""
    corpus = _SHARED / "corpus"
    if not corpus.is_dir():
        return None
    sizes = {
        folder: sum(f.stat().st_size for f in folder.rglob("*.md"))
        for folder in corpus.iterdir()
        if folder.is_dir()
    }
    return max(sizes, key=sizes.__getitem__) if sizes else None


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


def _side_by_side(kb: Path, rounds: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """(CPU, wall) of the block-level parse and of the lint: interleaved, best CPU of N."""
    lint_only(kb)  # warm imports and caches
    best: dict[str, tuple[float, float]] = {}
    for _ in range(rounds):
        for name, function in (("parse", parse_only), ("lint", lint_only)):
            cpu, wall = time.process_time(), time.perf_counter()
            function(kb)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            if name not in best or cpu < best[name][0]:
                best[name] = (cpu, wall)
    return best["parse"], best["lint"]  # best of N: the least disturbed run


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _report(label: str, kb: Path, rounds: int) -> float:
    files = _files(kb)
    count, size = len(files), sum(f.stat().st_size for f in files)
    load = _load()
    (parse, parse_wall), (linted, lint_wall) = _side_by_side(kb, rounds)
    memory_parse = _child("parse_only", kb)["maxrss_mb"]
    memory_lint = _child("lint_only", kb)["maxrss_mb"]
    print(f"{label}: {count} files, {size / 1e6:.1f} MB (load {load} -> {_load()}):")
    print(
        f"  block-level parse: {parse * 1000:9.1f} ms CPU ({parse_wall * 1000:9.1f} ms wall)"
        f"  {count / parse:7.0f} files/s"
    )
    print(
        f"  lee-kb lint:       {linted * 1000:9.1f} ms CPU ({lint_wall * 1000:9.1f} ms wall)"
        f"  {count / linted:7.0f} files/s"
    )
    print(f"  ratio lint / block-level parse: {linted / parse:.2f}x  (aim: <= 1.5x)")
    print(
        f"  peak memory: parse {memory_parse:.0f} MB, lint {memory_lint:.0f} MB: "
        f"{memory_lint / memory_parse:.2f}x (aim: <= 2x), "
        f"{(memory_lint - memory_parse) * 1024 / count:.1f} KiB more per file"
    )
    return linted / count


def measure_corpus(rounds: int, replicate: int) -> None:
    generation = largest_generation()
    if generation is None:
        print("corpus: skipped, ../shared/corpus not found")
        return
    _report(f"the largest generation ({generation.name})", generation, rounds)
    if replicate > 1:
        with tempfile.TemporaryDirectory() as directory:
            for number in range(replicate):
                shutil.copytree(generation, Path(directory) / f"copy{number:03d}")
            _report(f"{replicate} copies of {generation.name}", Path(directory), rounds)


def measure(count: int, rounds: int) -> float:
    with tempfile.TemporaryDirectory() as directory:
        kb = generate(Path(directory), count)
        return _report(f"generated, {count} files", kb, rounds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--replicate", type=int, default=0, help="also lint N copies of the largest generation"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    measure_corpus(args.rounds, args.replicate)
    per_file = [measure(count, args.rounds) for count in args.sizes]
    if len(per_file) > 1:
        print(
            f"time per file, {args.sizes[-1]} against {args.sizes[0]}: "
            f"{per_file[-1] / per_file[0]:.2f}x (1.0 is linear)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
