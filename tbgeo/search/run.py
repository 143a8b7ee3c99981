"""``search_sites(profile)``: the province scored for one project, excluded land taken out, the best
candidate footprints found and each reviewed by the site review; the SearchResult and its exports."""

from __future__ import annotations

import csv
import io
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import shapely

from tbgeo.crs import WORK_CRS
from tbgeo.errors import InputError
from tbgeo.geometry import to_display
from tbgeo.i18n import csv_delimiter, csv_value, fmt_number, t
from tbgeo.plan.sectors import get_sector
from tbgeo.review.config import load_config
from tbgeo.review.model import SiteAttrs
from tbgeo.review.run import review_site
from tbgeo.safetext import csv_cell, json_text
from tbgeo.search.candidates import Window, best_windows
from tbgeo.search.config import FACTORS, SearchConfig, load_search_config
from tbgeo.search.constraints import Constraint, build_constraints, combine
from tbgeo.search.factors import FACTOR_CITATIONS, Factor, decay
from tbgeo.search.grid import DistanceCache, Grid, landuse_masks, rasterize
from tbgeo.search.layers import ROAD_LAYER, SearchLayers
from tbgeo.search.profile import Profile, SectorPlan, plan_for, window_shapes
from tbgeo.search.weights import check_weights, renormalise

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from tbgeo.review.config import ReviewConfig
    from tbgeo.review.report import Report

__all__ = ["Candidate", "SearchResult", "search_sites", "weighted_surface"]

_SEVERITY_RANK = {"ok": 0, "info": 1, "warn": 2, "block": 3}


@dataclass
class Candidate:
    """One proposed footprint: its window on the grid, score, polygon (EPSG:9209) and review."""

    rank: int
    window: Window
    geometry: BaseGeometry
    report: Report | None
    gas_m: float | None = None

    @property
    def score(self) -> float:
        return self.window.score

    @property
    def area_ha(self) -> float:
        return float(self.geometry.area) / 1e4

    @property
    def verdict(self) -> str | None:
        return self.report.verdict if self.report is not None else None

    def worst_finding(self) -> Any | None:
        """The most severe finding (first in report order among equals)."""
        if self.report is None or not self.report.findings:
            return None
        return max(self.report.findings, key=lambda f: _SEVERITY_RANK[f.severity])

    def zone(self, lang: str) -> str:
        """The park/cluster it lies in (largest share), else economic zone or inner field."""
        if self.report is None:
            return ""
        try:
            zones = self.report.finding("industrial_zone").details.get("zones", [])
        except KeyError:
            zones = []
        if zones:
            return str(zones[0]["name"])
        try:
            coastal = self.report.finding("coastal_inner_field")
        except KeyError:
            return ""
        if coastal.value is None:
            return ""
        return t("search.zone.economic_zone" if coastal.severity == "ok" and coastal.message == "coastal"
                 else "search.zone.inner_field", lang)

    def rice(self) -> dict[str, float | None]:
        lu = self.report.facts.landuse if self.report is not None else None
        return {"luc_ha": round(lu.luc_ha, 4) if lu else None, "luk_ha": round(lu.luk_ha, 4) if lu else None}

    def districts(self) -> list[str]:
        if self.report is None:
            return []
        return [d.name for d in self.report.facts.districts if d.name]

    def to_dict(self, lang: str) -> dict[str, Any]:
        worst = self.worst_finding()
        return {
            "rank": self.rank,
            "score": round(self.score, 6),
            "area_ha": round(self.area_ha, 4),
            "geometry": shapely.geometry.mapping(to_display(self.geometry)),
            "rice": self.rice(),
            "districts": self.districts(),
            # where the candidate is in both systems (its review's location: former district(s), new commune(s))
            "places": None if self.report is None or self.report.location is None else {
                **self.report.location.to_dict(), "text": self.report.location.text(lang)},
            "zone": self.zone(lang),
            "gas_distance_m": None if self.gas_m is None else round(self.gas_m, 1),
            "verdict": self.verdict,
            "verdict_text": t(f"review.severity.{self.verdict}", lang) if self.verdict else None,
            "worst_finding": None if worst is None else {
                "rule": worst.rule, "severity": worst.severity, "title": worst.title(lang), "message": worst.text(lang),
                "citation": worst.citation(lang)},
            "findings": [f.to_dict(lang) for f in self.report.findings] if self.report is not None else [],
        }


@dataclass
class SearchResult:
    """What a search found, and the model it used."""

    profile: Profile
    plan: SectorPlan
    grid: Grid | None = None
    surface: np.ndarray | None = None
    constrained: np.ndarray | None = None
    constraints: list[Constraint] = field(default_factory=list)
    factors: list[Factor] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)
    weights_source: str = "default"
    candidates: list[Candidate] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    cache: dict[str, int] = field(default_factory=dict)
    #: Footprints tried (rows, cols) and the spacing used, in cells (for the sensitivity runs).
    shapes: list[tuple[int, int]] = field(default_factory=list)
    spacing_cells: float = 0.0

    @property
    def refused(self) -> bool:
        return self.plan.refused

    def refusal_text(self, lang: str) -> str:
        s = self.plan.sector
        return t("search.refused", lang, sector=s.name(lang), code=s.code, citation=self.plan.citation)

    def model(self, lang: str) -> dict[str, Any]:
        sector = self.plan.sector
        return {
            "sector": {"code": sector.code, "name": sector.name(lang), "status": sector.status, "citation": sector.citation},
            "kind": self.plan.kind,
            "kind_text": t(f"search.kind.{self.plan.kind or 'refused'}", lang),
            "kind_citation": self.plan.citation,
            "uses_gas": self.plan.uses_gas,
            "cell_m": self.grid.cell if self.grid else None,
            "constraints": [c.to_dict(lang) for c in self.constraints],
            "factors": [f.to_dict(lang, self.weights.get(f.id)) for f in self.factors],
            "weights": [
                {"factor": k, "weight": round(v, 6), "citation": next((f.citation for f in self.factors if f.id == k), "")}
                for k, v in self.weights.items()
            ],
            "weights_source": self.weights_source,
        }

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        """The JSON of ``tbgeo search --format json``."""
        out: dict[str, Any] = {
            "profile": self.profile.to_dict(),
            "refused": self.refused,
            "candidates": [c.to_dict(lang) for c in self.candidates],
            "model": self.model(lang),
            "lang": lang,
        }
        if self.refused:
            out["refusal"] = {"message": self.refusal_text(lang), "citation": self.plan.citation}
        return out

    def to_json(self, lang: str = "vi") -> str:
        return json_text(self.to_dict(lang))

    def table(self, lang: str) -> list[dict[str, Any]]:
        """The ranked table: one row per candidate, headers in ``lang``."""
        rows = []
        for c in self.candidates:
            worst = c.worst_finding()
            rice = c.rice()
            rows.append({
                t("search.col.rank", lang): c.rank,
                t("search.col.score", lang): round(c.score, 3),
                t("search.col.area", lang): round(c.area_ha, 2),
                t("search.col.luc", lang): rice["luc_ha"],
                t("search.col.luk", lang): rice["luk_ha"],
                t("search.col.districts", lang): ", ".join(c.districts()),
                t("search.col.zone", lang): c.zone(lang),
                t("search.col.gas", lang): None if c.gas_m is None else round(c.gas_m / 1000.0, 2),
                t("search.col.verdict", lang): t(f"review.severity.{c.verdict}", lang) if c.verdict else "",
                t("search.col.worst", lang): f"{worst.title(lang)}: {worst.text(lang)}" if worst is not None else "",
            })
        return rows

    def to_csv(self, lang: str = "vi") -> str:
        buf = io.StringIO()
        rows = self.table(lang)
        if rows:
            w = csv.DictWriter(buf, fieldnames=list(rows[0]), delimiter=csv_delimiter(lang), lineterminator="\n")
            w.writeheader()
            # zone names and findings come from imported layers: no cell may start a formula
            w.writerows({k: csv_cell(csv_value(v, lang)) for k, v in row.items()} for row in rows)
        else:
            csv.writer(buf, delimiter=csv_delimiter(lang), lineterminator="\n").writerow(
                [t(f"search.col.{k}", lang) for k in ("rank", "score", "area", "luc", "luk", "districts", "zone", "gas", "verdict", "worst")])
        return buf.getvalue()

    def frame(self, lang: str = "vi") -> Any:
        """The candidates as a GeoDataFrame in EPSG:9209 (flat columns, for GeoPackage/GeoJSON)."""
        recs = []
        for c in self.candidates:
            worst = c.worst_finding()
            rice = c.rice()
            recs.append({
                "rank": c.rank, "score": round(c.score, 6), "area_ha": round(c.area_ha, 4),
                "luc_ha": rice["luc_ha"], "luk_ha": rice["luk_ha"], "districts": ", ".join(c.districts()),
                "zone": c.zone(lang), "gas_m": None if c.gas_m is None else round(c.gas_m, 1),
                "verdict": c.verdict or "", "worst_rule": worst.rule if worst is not None else "",
                "worst_text": worst.text(lang) if worst is not None else "", "geometry": c.geometry,
            })
        if not recs:
            return gpd.GeoDataFrame({"rank": []}, geometry=gpd.GeoSeries([], crs=WORK_CRS))
        return gpd.GeoDataFrame(recs, geometry="geometry", crs=WORK_CRS)

    def to_geojson(self, lang: str = "vi") -> dict[str, Any]:
        """A FeatureCollection (EPSG:4326) of the candidates with the model as a foreign member."""
        feats = []
        for c in self.candidates:
            d = c.to_dict(lang)
            geom = d.pop("geometry")
            feats.append({"type": "Feature", "properties": d, "geometry": geom})
        return {"type": "FeatureCollection", "features": feats, "model": self.model(lang)}

    def to_gpkg(self, lang: str = "vi") -> bytes:
        """The candidates as a GeoPackage (EPSG:9209), bytes written whole."""
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "search.gpkg"
            self.frame(lang).to_file(path, layer="candidates", driver="GPKG", engine="pyogrio")
            return path.read_bytes()

    def text(self, lang: str = "vi") -> str:
        """The result as plain text for the terminal."""
        if self.refused:
            return self.refusal_text(lang)
        m = self.model(lang)
        lines = [t("search.text.head", lang, sector=m["sector"]["name"], area=fmt_number(self.profile.area_ha, lang, 1),
                   kind=m["kind_text"], cite=m["kind_citation"])]
        lines.append(t("search.text.weights", lang, list=", ".join(
            f"{t(f'search.factor.{k}', lang)} {fmt_number(v, lang, 2)}" for k, v in self.weights.items())))
        for f in self.factors:
            if f.dropped:
                lines.append(t("search.text.dropped", lang, factor=t(f"search.factor.{f.id}", lang),
                               why=t(f"search.dropped.{f.dropped}", lang)))
        if not self.candidates:
            lines.append(t("search.text.none", lang))
        for c in self.candidates:
            rice = c.rice()
            worst = c.worst_finding()
            lines.append(t(
                "search.text.row", lang, rank=c.rank, score=fmt_number(c.score, lang, 3), area=fmt_number(c.area_ha, lang, 2),
                luc=fmt_number(rice["luc_ha"] or 0.0, lang, 2), luk=fmt_number(rice["luk_ha"] or 0.0, lang, 2),
                districts=", ".join(c.districts()) or "—", zone=c.zone(lang) or "—",
                gas="—" if c.gas_m is None else fmt_number(c.gas_m / 1000.0, lang, 2),
                verdict=t(f"review.severity.{c.verdict}", lang) if c.verdict else "—",
            ))
            if worst is not None and worst.severity in ("warn", "block"):
                lines.append(f"      {worst.title(lang)}: {worst.text(lang)} [{worst.citation(lang)}]")
        return "\n".join(lines)




def weighted_surface(factors: list[Factor], weights: Mapping[str, float], shape: tuple[int, int]) -> np.ndarray:
    """Σ weight × factor over the factors that count (pure; float32)."""
    out = np.zeros(shape, dtype=np.float32)
    term = np.empty(shape, dtype=np.float32)
    for f in factors:
        w = weights.get(f.id, 0.0)
        if f.values is not None and f.dropped is None and w > 0:
            np.multiply(np.float32(w), f.values, out=term, dtype=np.float32)
            out += term
    return out


def _build_factors(layers: SearchLayers, grid: Grid, plan: SectorPlan, landuse: dict[str, np.ndarray],
                   cfg: SearchConfig, cache: DistanceCache) -> list[Factor]:
    sources: dict[str, tuple[str, ...]] = {
        "zone": plan.zone_layers,
        "gas": ("gas_pipelines",),
        "road": (ROAD_LAYER,),
        "river": ("rivers",),
    }
    out: list[Factor] = []
    for fid in FACTORS:
        spec = cfg.factors[fid]
        cite = plan.citation if fid == "zone" else FACTOR_CITATIONS[fid]
        if fid == "luk":
            out.append(Factor(fid, spec, ("landuse",), cite, decay(landuse["luk"], "class", None)))
            continue
        if fid == "raw_material":
            zones = layers.context.raw_material_zones
            out.append(Factor(fid, spec, ("raw_material_zones",), cite,
                              decay(rasterize(zones.geometry.values, grid), "class", None)))
            continue
        ids = sources[fid]
        if fid == "gas" and not plan.uses_gas:
            out.append(Factor(fid, spec, ids, cite, None, "not_gas"))
            continue
        frames = [layers.frame(i) for i in ids]
        present = [f for f in frames if f is not None]
        if len(present) < len(frames):
            out.append(Factor(fid, spec, ids, cite, None, "no_layer"))
            continue
        geoms = [g for f in present for g in f.geometry.values]
        if not geoms:
            out.append(Factor(fid, spec, ids, cite, None, "no_features"))
            continue
        stamp = layers.stamp(ids) if layers.stamp is not None else None
        dist = cache.distance(stamp, grid, lambda geoms=geoms: rasterize(geoms, grid, all_touched=True))
        out.append(Factor(fid, spec, ids, cite, decay(dist, spec.decay, spec.distance_m)))
    return out


def _snap(landuse: Any, cell: float) -> float:
    """Origin step of the grid: the land-use raster's cell when ``cell`` divides it (its cells then
    nest in the grid's and are read without resampling), else ``cell``."""
    transform = getattr(landuse, "transform", None)
    src = abs(float(transform.a)) if transform is not None else cell
    k = src / cell
    return src if k >= 1 and abs(k - round(k)) < 1e-9 else cell


def search_sites(
    profile: Profile,
    *,
    layers: SearchLayers | None = None,
    weights: Mapping[str, float] | None = None,
    weights_source: str = "direct",
    cell: float | None = None,
    top: int | None = None,
    config: SearchConfig | None = None,
    review_config: ReviewConfig | None = None,
    review: bool = True,
    cache: DistanceCache | None = None,
) -> SearchResult:
    """Search the province for ``profile``. A refused sector gets only the refusal (no candidates).

    ``weights`` (factor → weight, summing to 1) replace the defaults of the sector kind; factors that
    do not count (gas for a project without gas, a missing layer) are dropped and the rest scaled to 1.
    Raises InputError for a bad profile, an unknown sector, bad weights or a bad cell size.
    """

    clock = time.perf_counter
    t0 = clock()
    profile.check()
    cfg = config or load_search_config()
    rcfg = review_config or load_config()
    sector = get_sector(profile.sector)
    plan = plan_for(profile, sector, refused_codes=tuple(rcfg.sector.refused_codes),
                    labour_heavy_workers=rcfg.zoning.labour_heavy_workers)
    if plan.refused:
        return SearchResult(profile, plan)
    cell = float(cell if cell is not None else cfg.cell_m)
    if not 5.0 <= cell <= 200.0:
        raise InputError("search.input.cell", value=str(cell))
    top = int(top if top is not None else cfg.top)
    if not 1 <= top <= 100:
        raise InputError("search.input.top", value=str(top))
    chosen = check_weights(weights, FACTORS) if weights is not None else dict(cfg.weights[plan.kind or "general"])
    source = weights_source if weights is not None else "default"
    layers = layers or SearchLayers.from_catalog()
    cache = cache or DistanceCache()
    ctx = layers.context
    if ctx.province is None:
        raise InputError("search.no_districts")
    grid = Grid.covering(ctx.province.bounds, cell, snap=_snap(ctx.landuse, cell))
    t1 = clock()
    lu = landuse_masks(ctx.landuse, grid, {"luc": cfg.luc_codes, "luk": ("LUK",), "water": cfg.water_codes,
                                            "town": cfg.town_codes}, shares=("luk",))
    constraints = build_constraints(layers, grid, profile, lu, cfg, rcfg)
    constrained = combine(constraints, grid.shape)
    t2 = clock()
    factors = _build_factors(layers, grid, plan, lu, cfg, cache)
    t3 = clock()
    counting = [f.id for f in factors if f.dropped is None]
    final = renormalise(chosen, counting)
    surface = weighted_surface(factors, final, grid.shape)
    spacing = cfg.min_spacing_m / cell
    shapes = window_shapes(profile, cell)
    windows = best_windows(surface, constrained, shapes, top=top, min_spacing_cells=spacing)
    t4 = clock()
    candidates: list[Candidate] = []
    pipes = ctx.gas_pipelines
    for rank, win in enumerate(windows, start=1):
        geom = grid.box(win.row, win.col, win.rows, win.cols)
        report = None
        if review:
            attrs = SiteAttrs(
                name=t("search.candidate_name", "vi", name=profile.name or sector.name_vi, rank=rank),
                sector=sector.code, workforce=profile.workforce, technology=profile.technology,
            )
            report = review_site(geom, attrs=attrs, context=ctx, config=rcfg, sector=sector)
        gas_m = float(min(g.distance(geom) for g in pipes.geometry.values)) if not pipes.empty else None
        candidates.append(Candidate(rank, win, geom, report, gas_m))
    t5 = clock()
    return SearchResult(
        profile, plan, grid, surface, constrained, constraints, factors, final, source, candidates,
        timings={"setup_s": t1 - t0, "constraints_s": t2 - t1, "factors_s": t3 - t2, "windows_s": t4 - t3,
                 "review_s": t5 - t4, "total_s": t5 - t0},
        cache={"hits": cache.hits, "misses": cache.misses},
        shapes=shapes,
        spacing_cells=spacing,
    )
