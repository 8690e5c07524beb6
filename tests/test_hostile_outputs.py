"""Output paths that are not plain files: a device, a link to one, a link to a file, a FIFO.

Every output is written atomically by replacing its target; as root, that once turned
``--lee-json=/dev/null`` into a regular file. Now only a regular file is replaced: a
link is written through (it stays a link), a device or FIFO is written into, and what
cannot be written into is one line at the end, with nothing replaced.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

TEST = "def test_ok():\n    pass\n"


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyprojecttoml("[tool.lee]\n")
    pytester.makepyfile(test_ok=TEST)
    return pytester


def test_outputs_through_a_link_to_dev_null_are_written_into_it_never_replacing_it(
    project: pytest.Pytester,
):
    json_link, html_link = project.path / "report.json", project.path / "report.html"
    json_link.symlink_to(os.devnull)
    html_link.symlink_to(os.devnull)
    result = project.runpytest_inprocess(
        "-p", "no:cacheprovider", "--lee-json", str(json_link), "--lee-html", str(html_link)
    )
    assert result.ret == 0
    assert json_link.is_symlink() and html_link.is_symlink()
    assert os.readlink(json_link) == os.devnull
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)  # still the device
    assert not [p for p in project.path.iterdir() if p.name.endswith(".tmp")]


def test_an_output_through_a_link_to_a_file_is_written_to_the_file_and_the_link_stays(
    project: pytest.Pytester,
):
    real = project.path / "reports" / "run.json"
    real.parent.mkdir()
    real.write_text("{}\n")
    link = project.path / "latest.json"
    link.symlink_to(real)
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "--lee-json", str(link))
    assert result.ret == 0
    assert link.is_symlink() and Path(os.readlink(link)) == real
    assert json.loads(real.read_text()) != {}  # the session's report, not the old content


def test_a_fifo_nobody_reads_is_one_line_and_stays_a_fifo(project: pytest.Pytester):
    fifo = project.path / "pipe.json"
    os.mkfifo(fifo)
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "--lee-json", str(fifo))
    assert result.ret == 4
    result.stdout.fnmatch_lines([f"*--lee-json {fifo}: cannot write: No such device or address*"])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert not [p for p in project.path.iterdir() if p.name.endswith(".tmp")]


def test_json_to_dev_stdout_through_a_pipe_reaches_the_pipe(project: pytest.Pytester):
    """``/dev/stdout`` is a link to ``/proc/self/fd/1``, here a pipe: written into, not
    resolved to a path that does not exist."""
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "--lee-json", "/dev/stdout")
    assert result.ret == 0
    assert '"rehearsals": []' in result.stdout.str()  # the session's JSON, in the pipe
    assert os.path.islink("/dev/stdout")
