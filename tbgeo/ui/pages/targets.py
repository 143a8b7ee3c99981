"""Plan targets page: the plan's output targets, charts of value and share, and what the checks find."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from tbgeo.errors import InputError
from tbgeo.i18n import fmt_number, t
from tbgeo.plan.targets import (
    TargetReport,
    chart_records,
    checks_records,
    evaluate_targets,
    findings_records,
    load_targets,
    table_records,
    targets_path,
)
from tbgeo.ui.text import error_text, plain, say

#: Row height of st.dataframe in pixels, to show the whole targets table without scrolling.
_ROW_PX = 35
#: How Vega writes numbers in Vietnamese: 1.234,5 (d3 number locale).
_VI_LOCALE = alt.Locale(number=alt.NumberLocale(decimal=",", thousands=".", grouping=[3], currency=["", " ₫"]))


def _localize(chart: alt.Chart, lang: str) -> alt.Chart:
    # Vega describes every bar, axis and legend to screen readers in English ("X-axis titled …",
    # "year: 2020"): in Vietnamese, no such descriptions (the chart's title and table say it)
    return chart.configure(locale=_VI_LOCALE, aria=False) if lang == "vi" else chart


def _bars(records: list[dict[str, Any]], lang: str, *, field: str, text: str, title: str, fmt: str) -> alt.Chart:
    data = pd.DataFrame(records)
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("sector:N", sort=alt.EncodingSortField(field="order", op="min"),
                    title=t("targets.axis_sector", lang), axis=alt.Axis(labelLimit=260)),
            yOffset=alt.YOffset("year:N"),
            x=alt.X(f"{field}:Q", title=title, axis=alt.Axis(format=fmt)),
            color=alt.Color("year:N", title=t("targets.axis_year", lang)),
            tooltip=[
                alt.Tooltip("sector:N", title=t("targets.col.sector", lang)),
                alt.Tooltip("year:N", title=t("targets.col.year", lang)),
                alt.Tooltip(f"{text}:N", title=title),
            ],
        )
        .properties(height=alt.Step(11))
    )
    return _localize(chart, lang)


def value_chart(report: TargetReport, lang: str) -> alt.Chart:
    """Output value of each plan sector, 2020 beside 2025."""
    records = [r for r in chart_records(report, lang) if r["code"] != "other"]
    return _bars(records, lang, field="value", text="value_text", title=t("targets.axis_value", lang), fmt=",.0f")


def share_chart(report: TargetReport, lang: str) -> alt.Chart:
    """Share of the whole industry of each plan sector and of the industries the plan does not name."""
    records = [r for r in chart_records(report, lang) if r["share"] is not None]
    return _bars(records, lang, field="share", text="share_text", title=t("targets.axis_share", lang), fmt=",.0f")


def render(lang: str) -> None:
    st.title(t("targets.title", lang))
    st.write(t("targets.intro", lang))
    try:
        rows = load_targets()
    except InputError as exc:
        st.error(error_text(exc, lang))
        return
    report = evaluate_targets(rows)

    st.subheader(t("targets.table_header", lang))
    table = pd.DataFrame(table_records(report, lang))
    st.dataframe(table, hide_index=True, height=_ROW_PX * (len(table) + 1) + 3)
    st.caption(t("targets.period_note", lang))

    left, right = st.columns(2)
    with left:
        st.subheader(t("targets.chart_value_title", lang))
        st.altair_chart(value_chart(report, lang), width="stretch")
    with right:
        st.subheader(t("targets.chart_share_title", lang))
        st.altair_chart(share_chart(report, lang), width="stretch")
        st.caption(t("targets.share_note", lang))

    st.header(t("targets.findings_header", lang))
    st.markdown(t("targets.summary", lang, **report.summary()))
    disagreements = report.disagreements
    if disagreements:
        st.subheader(t("targets.disagreements_header", lang))
        for finding in disagreements:
            st.error(plain(finding.text(lang)))
        st.dataframe(pd.DataFrame(findings_records(disagreements, lang)), hide_index=True)
    else:
        st.success(t("targets.no_disagreements", lang))

    notes = [f for f in report.findings if f.kind in ("remainder", "indirect") and f.severity == "info"]
    if notes:
        st.subheader(t("targets.notes_header", lang))
        for finding in notes:
            st.info(plain(finding.text(lang)))

    unchecked = report.not_checkable
    if unchecked:
        st.subheader(t("targets.not_checkable_header", lang))
        st.markdown(t("targets.not_checkable_intro", lang))
        st.markdown("\n".join(f"- {plain(finding.text(lang))}" for finding in unchecked))

    derived = [v for k, v in report.derived.items() if k.startswith("industry_") and isinstance(v, dict)]
    if derived:
        st.subheader(t("targets.derived_header", lang))
        for item in derived:
            st.markdown(
                t(
                    "targets.derived_base",
                    lang,
                    year=item["year"],
                    multiple=fmt_number(item["multiple"], lang, 2),
                    value=fmt_number(item["value"], lang, 0),
                    low=fmt_number(item["low"], lang, 0),
                    high=fmt_number(item["high"], lang, 0),
                )
            )

    st.caption(t("targets.tolerance_note", lang))
    with st.expander(t("targets.checks_header", lang)):
        st.dataframe(pd.DataFrame(checks_records(report.checks, lang)), hide_index=True)
    st.caption(say("targets.file_caption", lang, file=targets_path().name))
