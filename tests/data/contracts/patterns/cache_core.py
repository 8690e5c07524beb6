"""Cache core: its bodies must never run."""

import pathlib


def _get(key, default=None):
    pathlib.Path("LEAF_RAN").write_text("_get")


def _set(key, value, ttl=None):
    pathlib.Path("LEAF_RAN").write_text("_set")
