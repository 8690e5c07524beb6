"""Metrics router: a dict dispatch that raises KeyError for unknown operations."""

import metrics_core

_OPS = {"record": metrics_core.record_metric}


def execute_metrics_operation(operation, **kwargs):
    return _OPS[operation](**kwargs)
