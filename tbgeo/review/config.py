"""The review's thresholds, read from ``config/review.toml`` (documented, cited defaults)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tbgeo.config import config_path, read_config
from tbgeo.errors import InputError
from tbgeo.i18n import catalog
from tbgeo.i18n.params import Num

__all__ = [
    "RiceConfig",
    "LanduseConfig",
    "AdminConfig",
    "SectorConfig",
    "parse_raster_classes",
    "ZoningConfig",
    "GasConfig",
    "ProposalsConfig",
    "LedgerConfig",
    "InvestmentPolicyConfig",
    "AUTHORITIES",
    "SiteFileConfig",
    "ReviewConfig",
    "load_config",
    "default_config_path",
]


@dataclass(frozen=True)
class RiceConfig:
    resolution_min_ha: float = 0.0
    topsoil_eia_min_ha: float = 2.0
    levy_rate_pct: float = 50.0
    land_price_vnd_m2: float = 0.0
    negligible_ha: float = 0.0


@dataclass(frozen=True)
class LanduseConfig:
    raster_classes: dict[int, str] = field(default_factory=lambda: {1: "LUC", 2: "LUK"})


@dataclass(frozen=True)
class SectorConfig:
    refused_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AdminConfig:
    outside_tolerance_share: float = 0.001


@dataclass(frozen=True)
class ZoningConfig:
    inside_min_share: float = 0.99
    economic_zone_min_share: float = 0.5
    labour_heavy_workers: int = 500
    raw_material_min_ha: float = 0.0
    city_gso_code: str = "336"


@dataclass(frozen=True)
class GasConfig:
    corridor_high_m: float = 30.0
    corridor_low_m: float = 10.0
    corridor_statuses: tuple[str, ...] = ("existing", "planned")
    centre_kinds: tuple[str, ...] = ("gas_centre", "landfall_station")


@dataclass(frozen=True)
class ProposalsConfig:
    block_statuses: tuple[str, ...] = ("approved",)
    warn_statuses: tuple[str, ...] = ("submitted",)
    min_overlap_ha: float = 0.01


@dataclass(frozen=True)
class LedgerConfig:
    quota_ha: float = 1000.0
    district_quota_ha: dict[str, float] = field(default_factory=dict)
    approved_statuses: tuple[str, ...] = ("approved",)
    pending_statuses: tuple[str, ...] = ("submitted",)


#: Who may have to approve a project's investment policy by its rice land, highest first.
AUTHORITIES = ("national_assembly", "prime_minister")


@dataclass(frozen=True)
class InvestmentPolicyConfig:
    """From how much land growing two or more rice crops (LUC) a project's investment policy is approved
    by ``authority``, under the law article ``law_ref`` (a ``review.law.<key>`` citation)."""

    luc_min_ha: float = 500.0
    authority: str = "prime_minister"
    law_ref: str = "investment_law_2025"


@dataclass(frozen=True)
class SiteFileConfig:
    """Limits on a site file (``tbgeo check``, the review page's upload), checked before it is read
    whole; zip member count, compression ratio, links and encryption follow ``config/ingest.toml``."""

    max_file_mb: float = 20.0
    max_unpacked_mb: float = 100.0
    max_features: int = 2000
    max_vertices: int = 500_000

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)


@dataclass(frozen=True)
class ReviewConfig:
    """All thresholds, by section; ``source`` is the file they were read from (None: built-in)."""

    rice: RiceConfig = field(default_factory=RiceConfig)
    landuse: LanduseConfig = field(default_factory=LanduseConfig)
    admin: AdminConfig = field(default_factory=AdminConfig)
    sector: SectorConfig = field(default_factory=SectorConfig)
    zoning: ZoningConfig = field(default_factory=ZoningConfig)
    gas: GasConfig = field(default_factory=GasConfig)
    proposals: ProposalsConfig = field(default_factory=ProposalsConfig)
    ledger: LedgerConfig = field(default_factory=LedgerConfig)
    investment_policy: InvestmentPolicyConfig = field(default_factory=InvestmentPolicyConfig)
    site_file: SiteFileConfig = field(default_factory=SiteFileConfig)
    source: str | None = None

    def with_inputs(
        self, *, levy_rate_pct: float | None = None, land_price_vnd_m2: float | None = None
    ) -> ReviewConfig:
        """A copy with the user-entered payment inputs (rate %, land price VND/m²) replaced."""

        rice = self.rice
        if levy_rate_pct is not None:
            if not 0 <= levy_rate_pct <= 100:
                raise InputError("review.input.bad_rate", value=Num(float(levy_rate_pct), 2))
            rice = dataclasses.replace(rice, levy_rate_pct=float(levy_rate_pct))
        if land_price_vnd_m2 is not None:
            if land_price_vnd_m2 < 0:
                raise InputError("review.input.bad_price", value=Num(float(land_price_vnd_m2), 0))
            rice = dataclasses.replace(rice, land_price_vnd_m2=float(land_price_vnd_m2))
        return dataclasses.replace(self, rice=rice)

    def with_raster_classes(self, classes: dict[int, str]) -> ReviewConfig:
        return dataclasses.replace(self, landuse=LanduseConfig(raster_classes=dict(classes)))

    def inputs(self) -> dict[str, Any]:
        """The values a user may change for one review, as shown in the report."""
        return {
            "levy_rate_pct": self.rice.levy_rate_pct,
            "land_price_vnd_m2": self.rice.land_price_vnd_m2,
            "corridor_high_m": self.gas.corridor_high_m,
            "corridor_low_m": self.gas.corridor_low_m,
            "config": self.source,
        }


_SECTIONS: dict[str, type] = {
    "rice": RiceConfig,
    "landuse": LanduseConfig,
    "admin": AdminConfig,
    "sector": SectorConfig,
    "zoning": ZoningConfig,
    "gas": GasConfig,
    "proposals": ProposalsConfig,
    "ledger": LedgerConfig,
    "investment_policy": InvestmentPolicyConfig,
    "site_file": SiteFileConfig,
}


def default_config_path() -> Path:
    return config_path("review.toml")


def parse_raster_classes(data: Any, *, file: str) -> dict[int, str]:
    """``{"1": "LUC", "2": "LUK"}`` (or ``"1=LUC,2=LUK"``) → ``{1: "LUC", 2: "LUK"}``."""
    if isinstance(data, str):
        pairs: dict[str, Any] = {}
        for part in filter(None, (p.strip() for p in data.split(","))):
            if "=" not in part:
                raise InputError("review.input.bad_classes", value=data)
            k, v = part.split("=", 1)
            pairs[k.strip()] = v.strip()
        data = pairs
    if not isinstance(data, dict):
        raise InputError("review.config_bad_value", file=file, key="landuse.raster_classes", value=data)
    out: dict[int, str] = {}
    for key, code in data.items():
        try:
            value = int(key)
        except (TypeError, ValueError):
            raise InputError("review.input.bad_classes", value=f"{key}={code}") from None
        if not isinstance(code, str) or not code.strip():
            raise InputError("review.input.bad_classes", value=f"{key}={code}")
        out[value] = code.strip().upper()
    return out


def _section(name: str, cls: type, data: Any, file: str) -> Any:
    if not isinstance(data, dict):
        raise InputError("review.config_bad_value", file=file, key=name, value=data)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in fields:
            raise InputError("review.config_unknown_key", file=file, key=f"{name}.{key}", allowed=", ".join(fields))
        default = getattr(cls(), key)
        if key == "raster_classes":
            value = parse_raster_classes(value, file=file)
        elif isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError("review.config_bad_value", file=file, key=f"{name}.{key}", value=value)
            value = tuple(value)
        elif isinstance(default, dict):
            if not isinstance(value, dict) or not all(isinstance(v, (int, float)) for v in value.values()):
                raise InputError("review.config_bad_value", file=file, key=f"{name}.{key}", value=value)
            value = {str(k): float(v) for k, v in value.items()}
        elif isinstance(default, (int, float)) and not isinstance(default, bool):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise InputError("review.config_bad_value", file=file, key=f"{name}.{key}", value=value)
            value = type(default)(value)
        elif isinstance(default, str) and not isinstance(value, str):
            raise InputError("review.config_bad_value", file=file, key=f"{name}.{key}", value=value)
        kwargs[key] = value
    out = cls(**kwargs)
    if isinstance(out, InvestmentPolicyConfig):
        _check_investment_policy(out, file)
    return out


def _check_investment_policy(cfg: InvestmentPolicyConfig, file: str) -> None:
    """The authority is one the review knows, and the article is one it can cite in both languages."""
    if cfg.authority not in AUTHORITIES:
        raise InputError("review.config_bad_choice", file=file, key="investment_policy.authority",
                         value=cfg.authority, allowed=", ".join(AUTHORITIES))
    if f"review.law.{cfg.law_ref}" not in catalog("vi") or f"review.law.{cfg.law_ref}" not in catalog("en"):
        laws = sorted(k.removeprefix("review.law.") for k in catalog("vi") if k.startswith("review.law."))
        raise InputError("review.config_bad_choice", file=file, key="investment_policy.law_ref",
                         value=cfg.law_ref, allowed=", ".join(laws))


def load_config(path: Path | str | None = None) -> ReviewConfig:
    """The thresholds from ``path`` (default ``config/review.toml``; built-in defaults if it is absent)."""
    data, p = read_config("review.toml", path)
    if p is None:
        return ReviewConfig()
    sections: dict[str, Any] = {}
    for name, value in data.items():
        if name not in _SECTIONS:
            raise InputError("review.config_unknown_key", file=p.name, key=name, allowed=", ".join(_SECTIONS))
        sections[name] = _section(name, _SECTIONS[name], value, p.name)
    return ReviewConfig(**sections, source=str(p))
