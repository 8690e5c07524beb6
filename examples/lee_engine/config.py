"""Engine configuration, read from the function's environment once per container."""

from __future__ import annotations

import os
from typing import Dict

_DEFAULTS = {"LOG_LEVEL": "INFO", "CACHE_TTL": "300", "WARM_KEYS": "config,routes,features"}


def load_configuration() -> Dict[str, str]:
    config = {name: os.environ.get(name, default) for name, default in _DEFAULTS.items()}
    int(config["CACHE_TTL"])  # a bad TTL must fail the cold start, not the first request
    return config
