"""The exceptions pytest-lee raises: each carries a message meant to be shown as is."""

from __future__ import annotations


class LeeError(Exception):
    """Base class: a problem pytest-lee reports in its own words, never as a traceback."""


class LeeConfigError(LeeError):
    """``[tool.lee]``, a ``--lee-*`` option or a marker argument is not usable."""


class PackageError(LeeError):
    """A deployment package cannot be built or failed verification.

    ``problems`` lists every problem found, one line each, so a single failed build
    reports all of them rather than the first. ``during`` names the step that failed
    (``verification``, ``build``, ``extraction``), so the heading says which it was.
    """

    def __init__(
        self, problems: list[str] | tuple[str, ...] | str, *, during: str = "verification"
    ) -> None:
        if isinstance(problems, str):
            problems = [problems]
        self.problems = tuple(problems)
        self.during = during
        count = len(self.problems)
        body = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(
            f"package {during} failed ({count} problem{'s' if count != 1 else ''}):\n{body}"
        )


class MissingExtraError(LeeError):
    """A feature needs an optional dependency that is not installed."""

    def __init__(self, feature: str, extra: str, missing: str) -> None:
        super().__init__(
            f"{feature} needs {missing}, which is not installed: pip install 'pytest-lee[{extra}]'"
        )
