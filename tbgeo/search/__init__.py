"""Site search: where in the province could this project go? Profile → constraints × weighted factors
(AHP or direct weights) → candidate footprints by a summed-area table → each reviewed by the site review."""

from __future__ import annotations

from tbgeo.search.config import FACTORS, KINDS, SearchConfig, load_search_config
from tbgeo.search.layers import SearchLayers
from tbgeo.search.profile import Profile, SectorPlan, plan_for
from tbgeo.search.run import Candidate, SearchResult, search_sites
from tbgeo.search.weights import AHPResult, ahp, ahp_weights, check_weights

__all__ = [
    "FACTORS", "KINDS", "SearchConfig", "load_search_config", "SearchLayers", "Profile", "SectorPlan", "plan_for",
    "Candidate", "SearchResult", "search_sites", "AHPResult", "ahp", "ahp_weights", "check_weights",
]
