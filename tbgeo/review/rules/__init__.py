"""Site-review rules: the SiteFinding a rule returns, the facts it reads, and the registry of all rules.

A rule is a pure function ``(facts, context, config) -> SiteFinding``. It is registered with the
``@rule`` decorator in its family module (``landuse``, ``admin``, ``approval``, ``sector``, ``zoning``,
``infrastructure``, ``proposals``); ``all_rules()`` imports the families and returns the rules in
report order. Titles and messages come from the ``review`` message catalog
(``review.rule.<id>.title`` and ``review.rule.<id>.<message>``), so every rule has a Vietnamese and
an English title. Citations point into the plan (``Điều 1, III.4``) and, where one applies, into a
law (``review.law.<key>``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tbgeo.i18n import t
from tbgeo.review.model import Facts, SiteFinding

if TYPE_CHECKING:
    from tbgeo.review.config import ReviewConfig
    from tbgeo.review.context import ReviewContext

__all__ = [
    "SEVERITIES",
    "TECHNOLOGY_LEVELS",
    "SiteFinding",
    "Num",
    "pct",
    "Shares",
    "Bilingual",
    "Text",
    "Template",
    "Joined",
    "fmt_param",
    "InputError",
    "CRSError",
    "SiteAttrs",
    "DistrictShare",
    "Facts",
    "Rule",
    "rule",
    "all_rules",
    "get_rule",
    "worst",
    "law_text",
    "FAMILIES",
]

#: Rule families in report order (one module each under ``tbgeo/rules/``).
FAMILIES = ("admin", "landuse", "approval", "sector", "zoning", "infrastructure", "proposals")


RuleFunc = Callable[["Facts", "ReviewContext", "ReviewConfig"], SiteFinding]


@dataclass(frozen=True)
class Rule:
    """A registered rule: its id, family, plan citation, law citations and function."""

    id: str
    family: str
    plan_ref: str
    law_refs: tuple[str, ...]
    func: RuleFunc

    def title(self, lang: str) -> str:
        return t(f"review.rule.{self.id}.title", lang)

    def __call__(self, facts: Facts, context: ReviewContext, config: ReviewConfig) -> SiteFinding:
        return self.func(facts, context, config)


_REGISTRY: dict[str, Rule] = {}


def rule(rule_id: str, *, plan_ref: str, law_refs: tuple[str, ...] = ()) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function under ``rule_id`` (its family is the module's last name)."""

    def decorate(func: RuleFunc) -> RuleFunc:
        family = func.__module__.rsplit(".", 1)[-1]
        if rule_id in _REGISTRY and _REGISTRY[rule_id].func is not func:
            existing = _REGISTRY[rule_id].func
            if existing.__qualname__ != func.__qualname__ or existing.__module__ != func.__module__:
                raise ValueError(f"rule {rule_id!r} registered twice")
        _REGISTRY[rule_id] = Rule(rule_id, family, plan_ref, tuple(law_refs), func)
        return func

    return decorate


def all_rules() -> list[Rule]:
    """Every rule, family by family in FAMILIES order, in definition order within a family."""
    for fam in FAMILIES:
        importlib.import_module(f"{__name__}.{fam}")
    order = {fam: i for i, fam in enumerate(FAMILIES)}
    return sorted(_REGISTRY.values(), key=lambda r: order[r.family])


def get_rule(rule_id: str) -> Rule:
    all_rules()
    return _REGISTRY[rule_id]
