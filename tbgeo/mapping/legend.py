"""The legend of the web map: one line per class of each shown layer, a fold-away box in the bottom
left corner (the coast is east and south-east), and an opacity slider per layer."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from tbgeo.catalog import Catalog, Layer
from tbgeo.i18n import t

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

__all__ = ["LegendEntry", "legend_entries", "legend_html", "add_legend", "script_element"]


class _Shown(Protocol):
    """What the legend needs of an overlay (``tbgeo.mapping.webmap.Overlay``)."""

    key: str
    title: str
    style: dict[str, Any]
    classes: Sequence[tuple[str, str, dict[str, Any]]]


@dataclass
class LegendEntry:
    """One line of the legend: a symbol and its label, under a layer title."""

    layer: str
    title: str
    items: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    kind: str = "Polygon"


def _classes(layer: Layer, lang: str) -> list[tuple[str, dict[str, Any]]]:
    classes = layer.style.get("classes", [])
    if not classes:
        return [(layer.title(lang), layer.style_for())]
    return [
        (cls.get("label_en" if lang == "en" else "label_vi", str(cls.get("value"))), layer.style_for(cls.get("value")))
        for cls in classes
    ]


def legend_entries(
    catalog: Catalog,
    visible: Iterable[str],
    lang: str,
    *,
    overlays: Sequence[_Shown] = (),
    frames: dict[str, gpd.GeoDataFrame] | None = None,
) -> list[LegendEntry]:
    """Legend lines for the visible layers, in draw order; classes only where features have that value."""
    shown = set(visible)
    entries = []
    for layer in catalog.shown():
        if layer.id not in shown:
            continue
        if layer.kind == "raster":
            items = [
                (cls.label(lang), {"fill_color": cls.color, "color": cls.color, "fill_opacity": 1.0})
                for cls in layer.raster_classes
            ]
            entries.append(LegendEntry(layer.id, layer.title(lang), items, "Raster"))
            continue
        items = _classes(layer, lang)
        field_name = layer.style.get("class_field")
        if field_name and frames is not None and layer.id in frames and field_name in frames[layer.id]:
            present = {str(v) for v in frames[layer.id][field_name].dropna().unique()}
            items = [
                item
                for item, cls in zip(items, layer.style.get("classes", []), strict=False)
                if str(cls.get("value")) in present
            ] or items
        entries.append(LegendEntry(layer.id, layer.title(lang), items, layer.geometry_type or "Polygon"))
    for ov in overlays:
        items = [(label, style) for _value, label, style in ov.classes] or [(ov.title, ov.style)]
        entries.append(LegendEntry(ov.key, ov.title, items, "Polygon"))
    return entries


def _symbol_html(kind: str, style: dict[str, Any]) -> str:
    color = html.escape(str(style.get("color", "#333")))
    fill = html.escape(str(style.get("fill_color", style.get("color", "#888"))))
    if kind == "LineString":
        dash = "dashed" if style.get("dash_array") else "solid"
        return f'<span style="display:inline-block;width:22px;height:0;border-top:3px {dash} {color};vertical-align:middle"></span>'
    if kind == "Point":
        return (
            f'<span style="display:inline-block;width:12px;height:12px;border-radius:50%;'
            f'background:{fill};border:2px solid {color};vertical-align:middle"></span>'
        )
    opacity = float(style.get("fill_opacity", 0.5))
    line = "dashed" if style.get("dash_array") else "solid"  # a draft proposal: dashed, as on the map
    return (
        f'<span style="display:inline-block;width:20px;height:13px;background:{fill};opacity:{max(opacity, 0.35):.2f};'
        f'border:1.5px {line} {color};vertical-align:middle"></span>'
    )


def legend_html(entries: Sequence[LegendEntry], lang: str) -> str:
    """The legend box's inner HTML (escaped text): each layer's symbols and an opacity slider."""
    parts = [
        f'<div class="tbgeo-legend-title" style="cursor:pointer" title="{html.escape(t("map.legend_toggle", lang))}">'
        f'<b>{html.escape(t("map.legend", lang))}</b> <span class="tbgeo-legend-caret">▾</span></div>',
        '<div class="tbgeo-legend-body">',
    ]
    for entry in entries:
        label = html.escape(t("maptools.opacity", lang, layer=entry.title))
        slider = (
            f'<input type="range" class="tbgeo-opacity" data-layer="{html.escape(entry.layer)}" min="0" max="100" '
            f'step="5" value="100" style="width:56px;height:12px;margin:0 0 0 6px;vertical-align:middle;float:right" '
            f'title="{label}" aria-label="{label}">'
        )
        parts.append(f'<div class="tbgeo-legend-layer" data-layer="{html.escape(entry.layer)}" style="clear:both">')
        if len(entry.items) == 1 and entry.items[0][0] == entry.title:
            parts.append(f"{slider}{_symbol_html(entry.kind, entry.items[0][1])} {html.escape(entry.title)}")
        else:
            parts.append(f"{slider}<i>{html.escape(entry.title)}</i>")
            for label, style in entry.items:
                parts.append(f'<div style="margin-left:8px">{_symbol_html(entry.kind, style)} {html.escape(label)}</div>')
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


_LEGEND_JS = """
(function() {
  var map = {{ this._parent.get_name() }};
  var legend = L.control({position: 'bottomleft'});
  var sheet = document.createElement('style');
  document.head.appendChild(sheet);
  var opacity = {};
  function restyle() {
    sheet.textContent = Object.keys(opacity).map(function (id) {
      return '.tbgeo-layer-' + CSS.escape(id) + '{opacity:' + opacity[id] + ' !important}';
    }).join('\\n');
  }
  legend.onAdd = function () {
    var div = L.DomUtil.create('div', 'tbgeo-legend');
    div.style.cssText = 'background:rgba(255,255,255,0.92);padding:6px 8px;font:12px/1.45 sans-serif;'
      + 'max-height:42vh;max-width:300px;overflow:auto;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3)';
    div.innerHTML = {{ this.params.inner|tojson }};
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    var body = div.querySelector('.tbgeo-legend-body');
    var caret = div.querySelector('.tbgeo-legend-caret');
    function fold(hidden) {
      body.style.display = hidden ? 'none' : '';
      caret.textContent = hidden ? '▸' : '▾';
    }
    div.querySelector('.tbgeo-legend-title').addEventListener('click', function () {
      fold(body.style.display !== 'none');
    });
    div.querySelectorAll('input.tbgeo-opacity').forEach(function (input) {
      input.addEventListener('input', function () {
        opacity[input.dataset.layer] = (Number(input.value) / 100).toFixed(2);
        restyle();
      });
    });
    if (window.innerHeight < 420) { fold(true); }  // a small map: the legend opens on a click
    return div;
  };
  legend.addTo(map);
})();
"""


def add_legend(m: folium.Map, entries: Sequence[LegendEntry], lang: str) -> None:
    """The legend box, bottom left (the province's coast is east and south-east), folding away on a click."""
    if entries:
        script_element(m, "TbgeoLegend", _LEGEND_JS, inner=legend_html(entries, lang))


def script_element(m: folium.Map, name: str, js: str, **params: Any) -> None:
    """Add a script (a Jinja template using ``this.params``) that runs after the map is created.

    Written as a MacroElement's ``script`` macro so that streamlit-folium, which renders each
    child's script, includes it.
    """
    # branca (and jinja2 with it) loads with the map, not at a warm start; its Template is jinja2's
    from branca.element import MacroElement, Template  # type: ignore[attr-defined]  # jinja2's Template, as branca uses it

    element = MacroElement()  # type: ignore[no-untyped-call]  # branca's __init__ has no annotations
    element._name = name
    element._template = Template("{% macro script(this, kwargs) %}" + js + "{% endmacro %}")
    element.params = params  # type: ignore[attr-defined]  # read by the template as this.params
    m.add_child(element)
