"""Factor weights: direct weights summing to 1, or Saaty's AHP (principal eigenvector, CI and CR)."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tbgeo.errors import InputError, Num
from tbgeo.i18n.params import Template, Text
from tbgeo.search.config import FACTORS

__all__ = [
    "RANDOM_INDEX", "AHPResult", "ahp", "ahp_weights", "check_weights", "renormalise", "parse_weights", "load_weights_file",
]

#: Saaty's random index RI for n = 1 … 10 (suitability.md).
RANDOM_INDEX = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49)
#: Consistency ratios from this value on are refused (Saaty: revise the judgements).
MAX_CR = 0.10
_TOL = 1e-6


@dataclass(frozen=True)
class AHPResult:
    """Weights of a pairwise matrix, its λmax, consistency index and ratio, and its worst pair."""

    names: tuple[str, ...]
    weights: tuple[float, ...]
    lambda_max: float
    ci: float
    cr: float
    #: The pair (i, j) whose judgement a_ij departs most from w_i / w_j (factor ``|ln(a_ij w_j / w_i)|``).
    worst_pair: tuple[str, str] | None

    def as_dict(self) -> dict[str, float]:
        return dict(zip(self.names, self.weights, strict=True))


def _named(name: str) -> Template | str:
    """A factor of a message in the reader's words with its id (“Distance to a river” (river));
    a name that is not a factor id as written."""

    if name in FACTORS:
        return Template("search.ahp.factor_name", {"title": Text(f"search.factor.{name}", fallback=name), "id": name})
    return name


def ahp(matrix: Sequence[Sequence[float]] | np.ndarray, names: Sequence[str] | None = None) -> AHPResult:
    """Weights and consistency of a reciprocal pairwise matrix on Saaty's 1–9 scale (pure; no refusal).

    Raises InputError when the matrix is not square, has values outside 1/9–9, a diagonal other
    than 1, or is not reciprocal (a_ji = 1 / a_ij).
    """
    a = np.asarray(matrix, dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] < 1:
        raise InputError("search.ahp.not_square")
    n = a.shape[0]
    names = tuple(names) if names is not None else tuple(str(i + 1) for i in range(n))
    if len(names) != n:
        raise InputError("search.ahp.not_square")
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InputError("search.ahp.duplicate", name=_named(name))
        seen.add(name)
    if n > len(RANDOM_INDEX):
        raise InputError("search.ahp.too_many", n=n, max=len(RANDOM_INDEX))
    if not np.all(np.isfinite(a)) or np.any(a < 1 / 9 - _TOL) or np.any(a > 9 + _TOL):
        raise InputError("search.ahp.scale")
    if not np.allclose(np.diag(a), 1.0):
        raise InputError("search.ahp.diagonal")
    for i in range(n):
        for j in range(i + 1, n):
            if abs(a[i, j] * a[j, i] - 1.0) > 1e-3:
                raise InputError("search.ahp.reciprocal", a=_named(names[i]), b=_named(names[j]))
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    lam = float(values[k].real)
    w = np.abs(vectors[:, k].real)
    w = w / w.sum()
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX[n - 1]
    cr = ci / ri if ri > 0 else 0.0
    worst = None
    if n > 2:
        dev = np.abs(np.log(a * w[None, :] / w[:, None]))
        np.fill_diagonal(dev, 0.0)
        pair = np.unravel_index(int(np.argmax(np.triu(dev, 1))), dev.shape)
        worst = (names[int(pair[0])], names[int(pair[1])])
    return AHPResult(names, tuple(float(x) for x in w), lam, max(ci, 0.0), max(cr, 0.0), worst)


def ahp_weights(matrix: Sequence[Sequence[float]] | np.ndarray, names: Sequence[str]) -> AHPResult:
    """``ahp`` that refuses a consistency ratio ≥ 0.10, naming the most inconsistent pair."""
    result = ahp(matrix, names)
    if result.cr >= MAX_CR:
        a, b = result.worst_pair or (names[0], names[-1])
        raise InputError("search.ahp.inconsistent", cr=Num(result.cr, 3), a=_named(a), b=_named(b))
    return result


def check_weights(weights: Mapping[str, float], allowed: Sequence[str]) -> dict[str, float]:
    """Direct weights: known factors, none negative, summing to 1 (± 0.001)."""
    unknown = sorted(set(weights) - set(allowed))
    if unknown:
        raise InputError("search.weights.unknown", names=", ".join(unknown), allowed=", ".join(allowed))
    out: dict[str, float] = {}
    for name, value in weights.items():
        if isinstance(value, bool):  # TOML/JSON true/false is not a weight
            raise InputError("search.weights.not_number", name=name, value=str(value).lower())
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise InputError("search.weights.not_number", name=name, value=str(value)) from None
        if not np.isfinite(v) or v < 0:
            raise InputError("search.weights.negative", name=name, value=str(value))
        out[name] = v
    total = sum(out.values())
    if abs(total - 1.0) > 1e-3:
        raise InputError("search.weights.sum", total=Num(total, 3))
    return out


def renormalise(weights: Mapping[str, float], keep: Sequence[str]) -> dict[str, float]:
    """The weights of ``keep`` only, scaled to sum to 1 (the dropped weight shared in proportion)."""
    kept = {k: float(weights.get(k, 0.0)) for k in keep}
    total = sum(kept.values())
    if total <= 0:
        raise InputError("search.weights.none_left")
    return {k: v / total for k, v in kept.items()}


def parse_weights(data: Mapping[str, object], factors: Sequence[str]) -> tuple[dict[str, float], str, AHPResult | None]:
    """Weights from a parsed weights file (pure): ``{factor = weight, …}`` summing to 1, or
    ``[ahp] names = [...], matrix = [[...], …]`` (CR < 0.10). Factors not named get weight 0."""
    if "ahp" in data:
        spec = data["ahp"]
        if not isinstance(spec, Mapping) or not isinstance(spec.get("names"), list) or not isinstance(spec.get("matrix"), list):
            raise InputError("search.ahp.not_square")
        names = [str(n) for n in spec["names"]]
        unknown = sorted(set(names) - set(factors))
        if unknown:
            raise InputError("search.weights.unknown", names=", ".join(unknown), allowed=", ".join(factors))
        try:
            matrix = np.array(spec["matrix"], dtype=float)
        except (TypeError, ValueError):
            raise InputError("search.ahp.scale") from None
        result = ahp_weights(matrix, names)
        return {f: result.as_dict().get(f, 0.0) for f in factors}, "ahp", result
    # ignore[misc]: the values read from the file are any TOML value; check_weights refuses non-numbers
    weights = check_weights({str(k): v for k, v in data.items()}, factors)  # type: ignore[misc]
    return {f: weights.get(f, 0.0) for f in factors}, "direct", None


def load_weights_file(path: str, factors: Sequence[str]) -> tuple[dict[str, float], str, AHPResult | None]:
    """``parse_weights`` of a TOML or JSON file; an unreadable file names itself and the fault."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError("search.input.weights_file", file=str(p), detail=exc.strerror or str(exc)) from None
    try:
        text = raw.decode("utf-8-sig")
        data = json.loads(text) if p.suffix.lower() == ".json" else tomllib.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError("search.input.weights_file", file=str(p), detail=str(exc)) from None
    if not isinstance(data, dict):
        raise InputError("search.input.weights_file", file=str(p), detail="not a table")
    return parse_weights(data, factors)
