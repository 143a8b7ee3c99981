"""Leaflet.draw's own words (``L.drawLocal``: buttons, tooltips, actions) from the message catalog, so
the review map's draw tool speaks the reader's language."""

from __future__ import annotations

from typing import Any

import folium

from tbgeo.i18n import t
from tbgeo.mapping.legend import script_element

__all__ = ["DRAW_TEXTS", "draw_texts", "add_draw_texts"]

#: Path in ``L.drawLocal`` → key in the catalog (``maptools.draw.<key>``).
DRAW_TEXTS: dict[tuple[str, ...], str] = {
    ("draw", "toolbar", "actions", "title"): "actions_title",
    ("draw", "toolbar", "actions", "text"): "actions_text",
    ("draw", "toolbar", "finish", "title"): "finish_title",
    ("draw", "toolbar", "finish", "text"): "finish_text",
    ("draw", "toolbar", "undo", "title"): "undo_title",
    ("draw", "toolbar", "undo", "text"): "undo_text",
    **{("draw", "toolbar", "buttons", b): f"button_{b}"
       for b in ("polyline", "polygon", "rectangle", "circle", "marker", "circlemarker")},
    ("draw", "handlers", "circle", "tooltip", "start"): "circle_start",
    ("draw", "handlers", "circle", "radius"): "circle_radius",
    ("draw", "handlers", "circlemarker", "tooltip", "start"): "marker_start",
    ("draw", "handlers", "marker", "tooltip", "start"): "marker_start",
    ("draw", "handlers", "polygon", "tooltip", "start"): "polygon_start",
    ("draw", "handlers", "polygon", "tooltip", "cont"): "polygon_cont",
    ("draw", "handlers", "polygon", "tooltip", "end"): "polygon_end",
    ("draw", "handlers", "polyline", "error"): "polyline_error",
    ("draw", "handlers", "polyline", "tooltip", "start"): "polyline_start",
    ("draw", "handlers", "polyline", "tooltip", "cont"): "polyline_cont",
    ("draw", "handlers", "polyline", "tooltip", "end"): "polyline_end",
    ("draw", "handlers", "rectangle", "tooltip", "start"): "rectangle_start",
    ("draw", "handlers", "simpleshape", "tooltip", "end"): "simpleshape_end",
    ("edit", "toolbar", "actions", "save", "title"): "save_title",
    ("edit", "toolbar", "actions", "save", "text"): "save_text",
    ("edit", "toolbar", "actions", "cancel", "title"): "cancel_title",
    ("edit", "toolbar", "actions", "cancel", "text"): "cancel_text",
    ("edit", "toolbar", "actions", "clearAll", "title"): "clear_title",
    ("edit", "toolbar", "actions", "clearAll", "text"): "clear_text",
    ("edit", "toolbar", "buttons", "edit"): "edit",
    ("edit", "toolbar", "buttons", "editDisabled"): "edit_disabled",
    ("edit", "toolbar", "buttons", "remove"): "remove",
    ("edit", "toolbar", "buttons", "removeDisabled"): "remove_disabled",
    ("edit", "handlers", "edit", "tooltip", "text"): "edit_tooltip",
    ("edit", "handlers", "edit", "tooltip", "subtext"): "edit_subtext",
    ("edit", "handlers", "remove", "tooltip", "text"): "remove_tooltip",
}

_JS = """
(function (texts) {
  texts.forEach(function (item) {
    var node = L.drawLocal, path = item[0];
    for (var i = 0; i < path.length - 1; i++) { node = node[path[i]] = node[path[i]] || {}; }
    node[path[path.length - 1]] = item[1];
  });
})({{ this.params.texts|tojson }});
"""


def draw_texts(lang: str) -> list[tuple[list[str], str]]:
    """(path in L.drawLocal, text in ``lang``) for each of Leaflet.draw's words."""
    return [(list(path), t(f"maptools.draw.{key}", lang)) for path, key in DRAW_TEXTS.items()]


def add_draw_texts(m: folium.Map, lang: str) -> Any:
    """Set ``L.drawLocal`` on ``m`` before its draw control is made (add this first)."""
    script_element(m, "TbgeoDrawLocal", _JS, texts=draw_texts(lang))
    return m
