"""What every finding shares, whoever makes it (the site review's rules, the plan-targets checks): a
severity on an ordered scale, least severe first, with one way to check, rank and pick the worst.

The review says ``ok/info/warn/block`` (its verdict decides whether a site may go ahead); the targets
checks say ``info/warning/error`` (a figure of the plan is right, doubtful or wrong). Both scales are
``Scale`` values defined here, so the ordering rules exist once.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["Scale", "REVIEW_SEVERITIES", "TARGET_SEVERITIES"]


class Scale(tuple[str, ...]):
    """Severities from least to most severe (a tuple of their names)."""

    def __new__(cls, *names: str) -> Scale:
        return super().__new__(cls, names)

    def check(self, severity: str) -> str:
        """``severity`` if it is on the scale, else ValueError."""
        if severity not in self:
            raise ValueError(f"severity {severity!r} not in {tuple(self)}")
        return severity

    def rank(self, severity: str) -> int:
        """0 for the least severe."""
        return self.index(self.check(severity))

    def worst(self, severities: Iterable[str]) -> str:
        """The most severe of ``severities`` (the least severe of the scale for none)."""
        return max(severities, key=self.rank, default=self[0])


#: The site review's verdicts; a report's verdict is the worst of its findings'.
REVIEW_SEVERITIES = Scale("ok", "info", "warn", "block")
#: The plan-targets checks' findings, as ``check_targets`` sorts them (most severe first).
TARGET_SEVERITIES = Scale("info", "warning", "error")
