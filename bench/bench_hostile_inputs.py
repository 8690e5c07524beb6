"""What hostile inputs cost now: a huge handler response and a zip bomb.

Rows, interleaved (``bench/_bench.py``), medians of wall and CPU time over ROUNDS:

- reading a one-line response of 6 and 60 MB from the child's result pipe (the parent
  side, fed in 64 KiB writes by a thread of this process) with the runner's
  ``_read_protocol``; the baseline reads the same bytes from the same kind of pipe with
  ``os.read`` and ``json.loads`` each line (the same work without the protocol). Linear
  reading makes the 60 MB read about ten times the 6 MB one (it was quadratic: 84 s for
  60 MB at load 14, then reported as a timeout). CPU time includes the writer thread's,
  the same in both rows;
- refusing a zip that declares 1 GB unzipped in a few kilobytes with ``extract_package``:
  the time to say no and the bytes written (aim: none); the baseline is the least work that
  finds the declared size, ``zipfile.ZipFile(path).infolist()``.

Cold / warm: nothing is cached between samples (each read gets a new pipe; the bomb is a
file of a few KB in the page cache for both rows, as any zip just written is; each refusal
extracts into a fresh directory).

Run: ``python bench/bench_hostile_inputs.py [ROUNDS]`` (default 3).
"""

from __future__ import annotations

import io
import json
import os
import struct
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable
from itertools import count
from pathlib import Path

from _bench import Started, interleave, print_table

from pytest_lee.errors import PackageError
from pytest_lee.lambda_runtime import runner
from pytest_lee.package import extract_package


def _payload(size: int) -> bytes:
    payload = b'{"kind": "invoke", "index": 0, "response": "' + b"x" * size + b'"}\n'
    return payload + b'{"kind": "done"}\n'


def _fed(payload: bytes, read: Callable[[int], object]) -> None:
    """Call *read(fd)* on a pipe a thread fills with *payload* in 64 KiB writes."""
    read_fd, write_fd = os.pipe()

    def feed() -> None:
        with os.fdopen(write_fd, "wb", buffering=0) as out:
            for start in range(0, len(payload), 65536):
                out.write(payload[start : start + 65536])

    writer = threading.Thread(target=feed)
    writer.start()
    read(read_fd)
    writer.join()
    os.close(read_fd)


def _read_plain(fd: int) -> None:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    for line in b"".join(chunks).splitlines():
        json.loads(line)


def _bomb(scratch: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.bin", b"\0" * 1_000_000)
    data = bytearray(buffer.getvalue())
    struct.pack_into("<I", data, data.index(b"PK\x01\x02") + 24, 1 << 30)  # declares 1 GB
    bomb = scratch / "bomb.zip"
    bomb.write_bytes(bytes(data))
    return bomb


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    started = Started("bench_hostile_inputs: a huge response, a zip bomb")
    runner._exit_watch = lambda pid: None  # no child: the pipe only
    small, large = _payload(6_000_000), _payload(60_000_000)

    def protocol(fd: int) -> None:
        runner._read_protocol(fd, os.getpid(), 600)

    reads = interleave(
        rounds,
        {
            "lee 6 MB": lambda: _fed(small, protocol),
            "lee 60 MB": lambda: _fed(large, protocol),
            "os.read 6 MB": lambda: _fed(small, _read_plain),
            "os.read 60 MB": lambda: _fed(large, _read_plain),
        },
    )
    print("response read from the result pipe:")
    medians = print_table(started, reads, "os.read 60 MB")
    print(
        f"  60 MB ÷ 6 MB: runner {medians['lee 60 MB'].wall / medians['lee 6 MB'].wall:.1f} wall, "
        f"{medians['lee 60 MB'].cpu / medians['lee 6 MB'].cpu:.1f} CPU (linear: ~10)"
    )
    with tempfile.TemporaryDirectory() as scratch:
        bomb, dests = _bomb(Path(scratch)), count()

        def refuse() -> None:
            dest = Path(scratch) / f"dest{next(dests)}"
            try:
                extract_package(bomb, dest)
            except PackageError:
                pass

        def declared() -> None:
            with zipfile.ZipFile(bomb) as archive:
                assert sum(info.file_size for info in archive.infolist()) == 1 << 30

        refusals = interleave(rounds, {"extract_package refuses": refuse, "infolist": declared})
        written = sum(p.stat().st_size for p in Path(scratch).glob("dest*/**/*") if p.is_file())
    print("zip declaring 1 GB:")
    print_table(started, refusals, "infolist", unit="µs")
    print(f"  bytes written by all {rounds} refusals: {written}")


if __name__ == "__main__":
    main()
