"""Cache core. Every function records that it ran: a spy must never let it."""

import pathlib


def _ran(name):
    pathlib.Path("LEAF_RAN").write_text(name)


def get_impl(key, timeout=30):
    _ran("get_impl")
    return key


def ping_impl(timeout=30):
    _ran("ping_impl")
    return "pong"
