"""HTTP core."""

import pathlib


def fetch_impl(url, retries=0, timeout=30):
    pathlib.Path("LEAF_RAN").write_text("fetch_impl")
    return url


def ping_impl(timeout=30):
    pathlib.Path("LEAF_RAN").write_text("ping_impl")
    return "pong"
