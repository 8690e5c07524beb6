"""Metrics core: takes `dimensions`, the wrappers pass `tags`."""


def record_metric(name, value, dimensions=None):
    raise AssertionError("a leaf body ran")
