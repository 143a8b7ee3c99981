"""What every finding is, whoever makes it (the site review's rules, the plan-targets checks): a severity on
its kind's ordered scale, a unit, a message (catalog key and typed parameters, said in the reader's
language one way), a citation into the plan; ranked and sorted by severity.

The review says ``ok/info/warn/block`` (its verdict decides whether a site may go ahead); the targets
checks say ``info/warning/error`` (a figure of the plan is right, doubtful or wrong). Both scales are
``Scale`` values defined here, so the ordering rules exist once. Each kind of finding is a subclass of
``Finding`` (``tbgeo.review.model.SiteFinding``, ``tbgeo.plan.targets.report.TargetFinding``) that
names its scale and its messages' catalog section and adds its own fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from tbgeo.i18n import t
from tbgeo.i18n.params import fmt_param

__all__ = ["Scale", "REVIEW_SEVERITIES", "TARGET_SEVERITIES", "Finding", "most_severe_first"]


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
#: The plan-targets checks' findings, as ``evaluate_targets`` sorts them (most severe first).
TARGET_SEVERITIES = Scale("info", "warning", "error")


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One thing a check has to say, with what every kind of finding has.

    ``severity`` is on the subclass's ``SCALE`` (checked when made). ``unit`` is a unit code (``ha``,
    ``pct``, ``bn_vnd``, …; ``""`` when nothing is measured). ``message`` is the key of the message in
    the kind's catalog section (``message_key``), ``params`` fill it: typed parameters
    (``tbgeo.i18n.params``: ``Num``, ``Text``, ``Template``, …) said in the reader's language when the
    message is shown. ``plan_ref`` cites the plan (``Điều 1, III.4``).
    """

    #: The scale this kind of finding's severities are on (each subclass names its own).
    SCALE: ClassVar[Scale]

    severity: str
    unit: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)
    plan_ref: str = ""

    def __post_init__(self) -> None:
        self.SCALE.check(self.severity)

    @property
    def rank(self) -> int:
        """The severity's place on the scale: 0 for the least severe."""
        return self.SCALE.rank(self.severity)

    def message_key(self) -> str:
        """The catalog key of the message (a subclass puts ``message`` in its catalog section)."""
        return self.message

    def message_params(self) -> Mapping[str, Any]:
        """Every parameter the message is filled with (a subclass adds its own fields, typed)."""
        return self.params

    def text(self, lang: str) -> str:
        """The message in ``lang``, its parameters written the way that language writes them."""
        params = {k: fmt_param(v, lang) for k, v in self.message_params().items()}
        return t(self.message_key(), lang, **params)

    def citation(self, lang: str) -> str:
        """Where the finding stands in the plan (a subclass may add a law's article in ``lang``)."""
        return self.plan_ref


_F = TypeVar("_F", bound=Finding)


def most_severe_first(findings: Iterable[_F]) -> list[_F]:
    """``findings`` sorted from the most severe down; equally severe ones keep their order."""
    return sorted(findings, key=lambda f: -f.rank)
