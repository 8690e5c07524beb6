"""``module:function`` references from ``[tool.lee]`` (``aws.setup``, ``rehearsal.check``),
imported from the rootdir as the project's own tests would import them."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pytest_lee.errors import LeeConfigError

if TYPE_CHECKING:
    from pytest_lee.settings import Settings


def load_reference(settings: Settings, reference: str, key: str) -> Callable[..., Any]:
    """The callable *reference* names; a ``LeeConfigError`` naming *key* when it cannot be had."""
    module_name, _, attribute = reference.partition(":")
    root = str(settings.rootdir)
    if root not in sys.path:
        sys.path.insert(0, root)
    try:
        found: Callable[..., Any] = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise LeeConfigError(
            f"{settings.pyproject}: {key} = {reference!r}: cannot be imported "
            f"({type(error).__name__}: {error})"
        ) from None
    return found
