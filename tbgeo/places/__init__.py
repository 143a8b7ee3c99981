"""Places in both administrative systems: Thái Bình's districts and communes before 1 July 2025 and
the Hưng Yên communes and wards after it (GSO codes), place search, and where a site is in both."""

from tbgeo.places.crosswalk import NEW_PROVINCE_CODE, OLD_PROVINCE_CODE, REFORM_DATE, Crosswalk, crosswalk
from tbgeo.places.locate import COMMUNES_LAYER, Location, communes_frame, locate
from tbgeo.places.search import Place, PlaceNotFound, PlaceSources, describe, load_sources, search

__all__ = [
    "NEW_PROVINCE_CODE",
    "OLD_PROVINCE_CODE",
    "REFORM_DATE",
    "COMMUNES_LAYER",
    "Crosswalk",
    "crosswalk",
    "Location",
    "locate",
    "communes_frame",
    "Place",
    "PlaceNotFound",
    "PlaceSources",
    "describe",
    "load_sources",
    "search",
]
