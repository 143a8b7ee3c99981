"""Session-state keys in one place."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Key"]


class Key(StrEnum):
    LANG = "lang"
    USER = "user"
    VISIBLE_LAYERS = "visible_layers"
    BASEMAP = "basemap"
    # map page: place search
    PLACE_QUERY = "map_place_query"
    PLACE_CHOICE = "map_place_choice"
    # review page
    REVIEW_SITE = "review_site"
    REVIEW_REPORT = "review_report"
    # upload page
    UPLOAD_PLAN = "upload_plan"
    # print page
    PRINT_RESULT = "print_result"
