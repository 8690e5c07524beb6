"""Child process of the baseline simulation: run every contract against one mixed tree.

Reads ``{"source": dir, "contracts": [spec, ...]}`` as JSON on stdin and prints one
JSON list with one record per probe (a key that could not be set up: one record,
``call`` ``*``). It runs in a fresh interpreter, so one mixed tree's
modules can never meet another's; it imports no pytest.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> None:
    from pytest_lee.contracts.check import ContractSpec, check_all

    request = json.load(sys.stdin)
    source = Path(request["source"])
    results = []
    for raw in request["contracts"]:
        spec = ContractSpec(
            raw["registry"],
            raw["dispatcher"],
            raw["operation"],
            raw["kwargs"],
            tuple(raw["leaves"]),
        )
        for result in check_all(source, spec):
            for probe in result.probes or (result,):
                results.append(
                    {
                        "registry": result.registry,
                        "key": result.key,
                        "call": getattr(probe, "call", "*"),
                        "status": probe.status,
                        "message": probe.message,
                        "implicated": list(probe.implicated),
                        "cause": getattr(probe, "cause", "") or probe.message.split("\n")[0],
                    }
                )
    sys.stdout.write(json.dumps(results))


if __name__ == "__main__":
    main()
