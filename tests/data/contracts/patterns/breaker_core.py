"""Breaker core."""


def call_impl(name, func, args=()):
    raise AssertionError("a leaf body ran")
