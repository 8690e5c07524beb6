"""``pytest_lee._text``: counts that read as English in every report."""

from pytest_lee._text import count


def test_counts_read_as_english():
    assert [count(n, "run") for n in (0, 1, 2)] == ["0 runs", "1 run", "2 runs"]
    assert count(1, "entry", "entries") == "1 entry" and count(3, "entry", "entries") == "3 entries"
