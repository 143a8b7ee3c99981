"""The rice-land ledger counts land shared by proposals once, per district and in total, CLI too."""

from __future__ import annotations

import json

import pytest
from shapely.geometry import box

from tbgeo.cli import main
from tbgeo.review.config import LedgerConfig, ReviewConfig
from tbgeo.review.ledger import rice_ledger
from tbgeo.review.model import SiteAttrs
from tbgeo.review.run import review_site
from tbgeo.store.gpkg import GpkgStore

RICE = box(588_500, 2_260_200, 590_500, 2_260_700)  # 100 ha: 25 ha LUC (Kiến Xương), 25 ha LUK (Tiền Hải)


def _ledger_ws(ctx) -> GpkgStore:
    ws = GpkgStore.open()
    for name, geom, status in (
        ("A", RICE, "approved"),  # 25 LUC (Kiến Xương) + 25 LUK (Tiền Hải)
        ("A bis", RICE, "submitted"),  # the same land again (it cannot be approved twice: pending)
        ("B", box(589_000, 2_260_200, 591_000, 2_260_700), "submitted"),  # overlaps A; new land: 25 ha LUK
        ("C", box(588_000, 2_260_900, 588_200, 2_261_000), "submitted"),  # isolated: 2 ha LUC
    ):
        rep = review_site(geom, attrs=SiteAttrs(name=name), context=ctx, config=ReviewConfig())
        p = ws.add_proposal(geom, name=name, report=rep.to_dict("vi"))
        ws.set_status(p.id, "submitted")
        if status == "approved":
            ws.set_status(p.id, "approved")
    return ws


def test_ledger_counts_overlapping_land_once(ctx):
    ws = _ledger_ws(ctx)
    ledger = rice_ledger(ws.proposals(), config=LedgerConfig(quota_ha=100.0), landuse=ctx.landuse,
                         districts=ctx.districts)
    t = ledger.total
    # summed reports would give 25+25 approved and 25+25 + 50 + 2 pending = 152 ha
    assert (t.approved_luc_ha, t.approved_luk_ha) == (pytest.approx(25.0), pytest.approx(25.0))
    assert (t.pending_luc_ha, t.pending_luk_ha) == (pytest.approx(2.0), pytest.approx(25.0))
    assert t.total_ha == pytest.approx(77.0) and t.remaining_ha == pytest.approx(23.0) and t.proposals == 4
    rows = {r.district: r for r in ledger.rows}
    assert rows["Kiến Xương"].approved_luc_ha == pytest.approx(25.0) and rows["Kiến Xương"].pending_luc_ha == pytest.approx(2.0)
    assert rows["Tiền Hải"].approved_luk_ha == pytest.approx(25.0) and rows["Tiền Hải"].pending_luk_ha == pytest.approx(25.0)
    assert ledger.merged == [[1, 2, 3]]


def test_cli_ledger_uses_the_current_landuse_layer(project, capsys, ctx):
    _ledger_ws(ctx)
    assert main(["ledger", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["total"]["total_ha"] == pytest.approx(77.0, rel=1e-4) and d["merged"] == [[1, 2, 3]]
