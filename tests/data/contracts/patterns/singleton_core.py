"""Singleton core."""


def _get_impl(name):
    raise AssertionError("a leaf body ran")


def _set_impl(name, value):
    raise AssertionError("a leaf body ran")
