"""A Lambda-like Python runtime on this machine: the handler cold-started in a clean child.

Budgets measure with it and rehearsals health-check with it. ``runner`` is the parent
side; ``child_main`` is the child side, run by path and kept standard-library-only so it
can run under another interpreter than pytest's; ``provides`` builds the directory of
what the Lambda runtime puts on ``sys.path`` besides the package (boto3, botocore).
"""

from __future__ import annotations

__all__: list[str] = []
