"""A SAM template as the source of truth: the function, its layers, events and resources.

``[tool.lee] template = "template.yaml"`` makes pytest-lee read the function from the
template (``Globals.Function`` merged, intrinsics resolved to the names resources get in
moto) instead of having it retyped into ``[tool.lee]``; the template's tables, buckets,
queues, topics and parameters are created in moto before any child starts.

Imported only when a template is used (PyYAML loads with the reader), so the plugin's
import cost is unchanged without one. ``loader`` reads YAML with CloudFormation's short
tags, ``intrinsics`` resolves them, ``function`` reads the function, ``resources`` says
what exists offline and ``moto_state`` creates it.
"""

from __future__ import annotations

from pytest_lee.template.function import canary_weight, merge_globals, read_function
from pytest_lee.template.model import CloudResource, TemplateFunction, TemplateLayer

__all__ = [
    "CloudResource",
    "TemplateFunction",
    "TemplateLayer",
    "canary_weight",
    "merge_globals",
    "read_function",
]
