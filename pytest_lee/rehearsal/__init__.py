"""Rehearsals (NM06-LESS-09): deploy, health-check, canary and roll back in moto.

Nothing heavy is imported here: boto3 and moto load inside the fixture.
"""

from __future__ import annotations

from pytest_lee.rehearsal.canary import CanaryResult
from pytest_lee.rehearsal.deploy import Deployment, Step
from pytest_lee.rehearsal.local import HealthCheck
from pytest_lee.rehearsal.session import Rehearsal

__all__ = ["CanaryResult", "Deployment", "HealthCheck", "Rehearsal", "Step"]
