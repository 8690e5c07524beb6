"""What hostile inputs cost now: a huge handler response and a zip bomb.

- reading a one-line response of 6 and 60 MB from the child's result pipe (the parent
  side, fed in 64 KiB writes by a thread): linear reading makes the 60 MB read about
  ten times the 6 MB one (it was quadratic: 84 s for 60 MB at load 14, then reported
  as a timeout);
- refusing a zip that declares 1 GB unzipped in a few kilobytes: the time to say no,
  and the bytes written (aim: none).

Run: ``python bench/bench_hostile_inputs.py [ROUNDS]`` (medians of ROUNDS, default 3).
"""

from __future__ import annotations

import io
import os
import statistics
import struct
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from pytest_lee.errors import PackageError
from pytest_lee.lambda_runtime import runner
from pytest_lee.package import extract_package


def read_seconds(size: int) -> float:
    read_fd, write_fd = os.pipe()
    payload = b'{"kind": "invoke", "index": 0, "response": "' + b"x" * size + b'"}\n'
    payload += b'{"kind": "done"}\n'

    def feed() -> None:
        with os.fdopen(write_fd, "wb", buffering=0) as out:
            for start in range(0, len(payload), 65536):
                out.write(payload[start : start + 65536])

    writer = threading.Thread(target=feed)
    writer.start()
    start = time.perf_counter()
    runner._read_protocol(read_fd, os.getpid(), 600)
    elapsed = time.perf_counter() - start
    writer.join()
    os.close(read_fd)
    return elapsed


def bomb_seconds(scratch: Path) -> tuple[float, int]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.bin", b"\0" * 1_000_000)
    data = bytearray(buffer.getvalue())
    struct.pack_into("<I", data, data.index(b"PK\x01\x02") + 24, 1 << 30)  # declares 1 GB
    bomb = scratch / "bomb.zip"
    bomb.write_bytes(bytes(data))
    dest = scratch / "dest"
    start = time.perf_counter()
    try:
        extract_package(bomb, dest)
    except PackageError:
        pass
    elapsed = time.perf_counter() - start
    written = sum(path.stat().st_size for path in dest.rglob("*") if path.is_file())
    return elapsed, written


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    runner._exit_watch = lambda pid: None  # type: ignore[assignment]  # no child: the pipe only
    small = statistics.median(read_seconds(6_000_000) for _ in range(rounds))
    large = statistics.median(read_seconds(60_000_000) for _ in range(rounds))
    print(
        f"response read: 6 MB {small:.3f} s, 60 MB {large:.3f} s, ratio {large / small:.1f} (linear: ~10)"
    )
    with tempfile.TemporaryDirectory() as scratch:
        seconds, written = bomb_seconds(Path(scratch))
    print(f"zip declaring 1 GB: refused in {seconds * 1000:.1f} ms, {written} bytes written")


if __name__ == "__main__":
    main()
