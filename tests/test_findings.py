"""One Finding: the review's and the targets' findings share severity checking, ranking and one way of
saying their message in the reader's language (typed parameters)."""

from __future__ import annotations

import pytest

from tbgeo.findings import REVIEW_SEVERITIES, TARGET_SEVERITIES, Finding, most_severe_first
from tbgeo.i18n.params import Bilingual, Num
from tbgeo.plan.targets import TargetFinding
from tbgeo.review.model import SiteFinding


def _site(severity: str, rule: str = "province") -> SiteFinding:
    return SiteFinding(rule=rule, severity=severity, value=None, unit="", plan_ref="Điều 1", message="no_data")


def _target(severity: str, **fields: object) -> TargetFinding:
    base: dict[str, object] = dict(
        sector="energy", year=2025, field="growth_pct", stated=0.74, computed=2.5046, difference=-1.7646,
        plan_ref="Điều 1, IV.7.b", kind="mismatch", severity=severity, unit="pct_per_year", message="growth_mismatch",
        params={"period": "2021-2025", "base_year": "2020", "start_bn": Num(16343.0, 0), "end_bn": Num(18491.0, 0),
                "implied_end_bn": Num(16956.7, 0)},
    )
    return TargetFinding(**{**base, **fields})  # type: ignore[arg-type]


def test_both_kinds_are_findings_on_their_own_scale() -> None:
    assert issubclass(SiteFinding, Finding) and issubclass(TargetFinding, Finding)
    assert (SiteFinding.SCALE, TargetFinding.SCALE) == (REVIEW_SEVERITIES, TARGET_SEVERITIES)
    assert [_site(s).rank for s in ("ok", "info", "warn", "block")] == [0, 1, 2, 3]
    assert [_target(s).rank for s in ("info", "warning", "error")] == [0, 1, 2]
    # a severity of the other scale is refused when the finding is made
    with pytest.raises(ValueError, match=r"severity 'warning' not in \('ok', 'info', 'warn', 'block'\)"):
        _site("warning")
    with pytest.raises(ValueError, match=r"severity 'block' not in \('info', 'warning', 'error'\)"):
        _target("block")


def test_most_severe_first_keeps_the_order_of_equals() -> None:
    found = [_site("ok", "a"), _site("warn", "b"), _site("block", "c"), _site("warn", "d"), _site("info", "e")]
    assert [f.rule for f in most_severe_first(found)] == ["c", "b", "d", "e", "a"]
    targets = [_target("info", year=2020), _target("error", year=2021), _target("warning", year=2022)]
    assert [f.year for f in most_severe_first(targets)] == [2021, 2022, 2020]


def test_one_way_to_say_a_message_with_typed_parameters() -> None:
    site = SiteFinding(rule="sector_discouraged", severity="warn", value="glass", unit="", plan_ref="Điều 1, III.4",
                       message="discouraged", params={"sector": Bilingual("Thủy tinh", "Glass"), "cite": "Điều 1, III.4"})
    assert site.message_key() == "review.rule.sector_discouraged.discouraged"
    assert "Thủy tinh" in site.text("vi") and "Glass" in site.text("en")
    target = _target("error")
    assert target.message_key() == "targets.msg.growth_mismatch"
    # the finding's own figures are parameters too: the stated rate with the unit's 2 decimals, the
    # sector's name in the reader's language, the amounts as whole numbers, the year as written
    vi, en = target.text("vi"), target.text("en")
    assert "0,74%/năm" in vi and "2,50%/năm" in vi and "-1,76" in vi and "16.957" in vi and "[Điều 1, IV.7.b]" in vi
    assert "0.74%/year" in en and "2.50%/year" in en and "16,957" in en and "2020" in en and "2.020" not in vi
    assert target.citation("en") == target.plan_ref == "Điều 1, IV.7.b"
    # the stated figure as the plan writes it (its own decimals)
    assert "0,740%/năm" in _target("error", digits={"stated": 3}).text("vi")
