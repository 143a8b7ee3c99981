"""The web map's own tools, written for it (no CDN plug-in): the cursor's coordinates in WGS 84 and
VN-2000, measuring a distance or an area, a button back to the whole province, names on the parks
and clusters, and handing a click to the page around the map (which asks ``tbgeo.mapping.identify``
what is there).

VN-2000 coordinates and measurements are computed in the browser with proj4js (npm ``proj4``, served
from ``static/vendor``) in EPSG:9209 with the datum shift PROJ applies (``tbgeo.crs.proj4_definition``):
lengths and areas are planar in the working CRS, as everywhere else in tbgeo. All text is set with
``textContent``: names from users' files never run as HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from tbgeo.crs import proj4_definition
from tbgeo.i18n import t
from tbgeo.mapping.legend import script_element

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

__all__ = ["LABELLED_LAYERS", "LABEL_MIN_ZOOM", "CLICK_MESSAGE", "add_tools", "feature_labels", "add_feature_labels"]

#: Layers whose features are named on the map (besides the districts), from this zoom on.
LABELLED_LAYERS = ("industrial_parks", "industrial_clusters", "agri_park")
LABEL_MIN_ZOOM = 10.75
#: The ``tbgeo`` field of the message a click on the map posts to the page around it.
CLICK_MESSAGE = "identify"

_TEXTS = (
    "coords_hint", "coords_wgs84", "coords_vn2000", "measure_distance", "measure_area", "measure_clear",
    "measure_start", "measure_length", "measure_area_result", "home",
)  # fmt: skip

_TOOLS_JS = """
(function() {
  var map = {{ this._parent.get_name() }};
  var P = {{ this.params.tools|tojson }};
  var T = P.texts;
  var toVN = (typeof proj4 !== 'undefined') ? proj4('EPSG:4326', P.proj) : null;
  function num(value, digits) {
    return new Intl.NumberFormat(P.locale, {minimumFractionDigits: digits, maximumFractionDigits: digits}).format(value);
  }
  function fill(template, values) {
    return template.replace(/\\{(\\w+)\\}/g, function (all, name) { return name in values ? values[name] : all; });
  }
  function box(position, cls) {
    var control = L.control({position: position});
    control.onAdd = function () {
      var div = L.DomUtil.create('div', cls);
      div.style.cssText = 'background:rgba(255,255,255,0.92);padding:3px 7px;font:12px/1.4 sans-serif;'
        + 'white-space:pre;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3)';
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    control.addTo(map);
    return control.getContainer();
  }

  // the cursor's coordinates
  var coords = box('topright', 'tbgeo-coords');
  coords.textContent = T.coords_hint;
  function pointText(ll) {
    var text = fill(T.coords_wgs84, {lat: num(ll.lat, 5), lon: num(ll.lng, 5)});
    if (toVN) {
      var xy = toVN.forward([ll.lng, ll.lat]);
      text += '\\n' + fill(T.coords_vn2000, {x: num(xy[1], 1), y: num(xy[0], 1)});
    }
    return text;
  }
  map.on('mousemove', function (e) { coords.textContent = pointText(e.latlng); });

  // measuring, in EPSG:9209 metres
  var readout = box('topright', 'tbgeo-measure-result');
  readout.style.display = 'none';
  var drawn = L.layerGroup().addTo(map);
  var state = {mode: null, points: []};
  map.tbgeoMeasuring = function () { return state.mode !== null; };
  function planar() { return state.points.map(function (ll) { return toVN.forward([ll.lng, ll.lat]); }); }
  function length(xy, closed) {
    var total = 0;
    for (var i = 1; i < xy.length; i++) { total += Math.hypot(xy[i][0] - xy[i-1][0], xy[i][1] - xy[i-1][1]); }
    if (closed && xy.length > 2) {
      var a = xy[xy.length - 1], b = xy[0];
      total += Math.hypot(a[0] - b[0], a[1] - b[1]);
    }
    return total;
  }
  function area(xy) {
    var twice = 0;
    for (var i = 0; i < xy.length; i++) {
      var a = xy[i], b = xy[(i + 1) % xy.length];
      twice += a[0] * b[1] - b[0] * a[1];
    }
    return Math.abs(twice) / 2;
  }
  function show() {
    drawn.clearLayers();
    var style = {color: '#111', weight: 2.5, dashArray: '6 4', fillColor: '#ffeb3b', fillOpacity: 0.2,
                 interactive: false, className: 'tbgeo-measure-shape'};
    if (state.kind === 'area' && state.points.length > 2) { L.polygon(state.points, style).addTo(drawn); }
    else if (state.points.length > 1) { L.polyline(state.points, style).addTo(drawn); }
    state.points.forEach(function (ll) {
      L.circleMarker(ll, {radius: 3, color: '#111', weight: 1, fillColor: '#fff', fillOpacity: 1, interactive: false}).addTo(drawn);
    });
    var xy = planar();
    var text;
    if (xy.length < (state.kind === 'area' ? 3 : 2)) { text = T.measure_start; }
    else if (state.kind === 'area') {
      var m2 = area(xy);
      text = fill(T.measure_area_result, {ha: num(m2 / 10000, 2), m2: num(m2, 0), perimeter: num(length(xy, true), 1)});
    } else { text = fill(T.measure_length, {m: num(length(xy, false), 1), km: num(length(xy, false) / 1000, 3)}); }
    readout.textContent = text;
    readout.style.display = '';
  }
  function stop() {
    state.mode = null;
    buttons.forEach(function (b) { b.style.background = ''; });
    map.doubleClickZoom.enable();
    map.getContainer().style.cursor = '';
  }
  function start(kind, button) {
    var again = state.mode === kind;
    stop();
    if (again) { return; }  // a second press finishes the measurement
    state = {mode: kind, kind: kind, points: []};
    button.style.background = '#ffeb3b';
    map.doubleClickZoom.disable();
    map.getContainer().style.cursor = 'crosshair';
    show();
  }
  // 'preclick' reaches the map on a feature too (a feature's popup stops the 'click' there)
  map.on('preclick', function (e) {
    if (!state.mode) { return; }
    var last = state.points[state.points.length - 1];
    if (last && map.latLngToContainerPoint(last).distanceTo(e.containerPoint) < 4) { return; }
    state.points.push(e.latlng);
    show();
  });
  map.on('dblclick', function () { if (state.mode) { stop(); } });
  map.on('popupopen', function (e) { if (state.mode) { map.closePopup(e.popup); } });

  var buttons = [];
  var bar = L.control({position: 'topleft'});
  bar.onAdd = function () {
    var div = L.DomUtil.create('div', 'leaflet-bar tbgeo-tools');
    function button(cls, glyph, title, action) {
      var a = L.DomUtil.create('a', cls, div);
      a.href = '#';
      a.setAttribute('role', 'button');
      a.title = title;
      a.setAttribute('aria-label', title);
      a.textContent = glyph;
      a.style.fontSize = '16px';
      L.DomEvent.on(a, 'click', function (e) { L.DomEvent.stop(e); action(a); });
      return a;
    }
    button('tbgeo-home', '\\u2302', T.home, function () { stop(); map.fitBounds(P.bounds); });
    if (toVN) {
      buttons.push(button('tbgeo-measure-distance', '\\u2194', T.measure_distance, function (a) { start('distance', a); }));
      buttons.push(button('tbgeo-measure-area', '\\u25b1', T.measure_area, function (a) { start('area', a); }));
      button('tbgeo-measure-clear', '\\u2715', T.measure_clear, function () {
        stop(); state = {mode: null, points: []}; drawn.clearLayers(); readout.style.display = 'none';
      });
    }
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  bar.addTo(map);

  // a click tells the page around the map where it was (the page asks what is there)
  if (P.clicks && window.parent !== window) {
    var marker = null;
    map.on('preclick', function (e) {
      if (state.mode) { return; }
      if (marker) { marker.remove(); }
      marker = L.circleMarker(e.latlng, {radius: 6, color: '#000', weight: 2, fillColor: '#ffeb3b', fillOpacity: 1,
                                         interactive: false, className: 'tbgeo-identify-point'}).addTo(map);
      window.parent.postMessage({tbgeo: {{ this.params.message|tojson }}, lat: e.latlng.lat, lng: e.latlng.lng,
                                 zoom: map.getZoom()}, '*');
    });
  }
})();
"""

_FEATURE_LABELS_JS = """
(function() {
  var map = {{ this._parent.get_name() }};
  var group = L.layerGroup();
  {{ this.params.labels|tojson }}.forEach(function (item) {
    var div = document.createElement('div');
    div.className = 'tbgeo-feature-label tbgeo-label-' + item[3];
    div.textContent = item[2];
    div.style.cssText = 'font:italic 600 11px sans-serif;color:#5a1d00;text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff;'
      + 'white-space:nowrap;transform:translate(-50%,-50%)';
    L.marker([item[0], item[1]], {
      icon: L.divIcon({html: div.outerHTML, className: '', iconSize: [0, 0]}), interactive: false, keyboard: false
    }).addTo(group);
  });
  function update() {
    if (map.getZoom() >= {{ this.params.min_zoom }}) { group.addTo(map); } else { group.remove(); }
  }
  map.on('zoomend', update);
  update();
})();
"""


def add_tools(m: folium.Map, lang: str, *, bounds: Sequence[Sequence[float]], clicks: bool = False) -> None:
    """Coordinates, measuring and the province button; with ``clicks`` a click on the map is posted to
    the page around it (``{"tbgeo": CLICK_MESSAGE, "lat", "lng", "zoom"}``)."""
    texts = {key: t(f"maptools.{key}", lang) for key in _TEXTS}
    tools = {
        "texts": texts,
        "proj": proj4_definition(),
        "locale": "vi-VN" if lang == "vi" else "en-GB",
        "bounds": [list(corner) for corner in bounds],
        "clicks": clicks,
    }
    script_element(m, "TbgeoTools", _TOOLS_JS, tools=tools, message=CLICK_MESSAGE)


def feature_labels(
    frames: Mapping[str, gpd.GeoDataFrame], label_fields: Mapping[str, str], *, precision: int = 5
) -> list[tuple[float, float, str, str]]:
    """(lat, lon, name, layer id) of each named feature of the labelled layers shown (EPSG:4326 frames)."""
    out = []
    for layer_id, field in label_fields.items():
        frame = frames.get(layer_id)
        if frame is None or field not in frame.columns:
            continue
        points = frame.geometry.representative_point()
        for pt, name in zip(points, frame[field], strict=True):
            if name is None or pt is None or pt.is_empty or str(name).strip() in ("", "nan"):
                continue
            out.append((round(pt.y, precision), round(pt.x, precision), str(name), layer_id))
    return out


def add_feature_labels(m: folium.Map, labels: Iterable[tuple[float, float, str, str]]) -> None:
    """Names on the parks and clusters (plain text), shown from ``LABEL_MIN_ZOOM`` on."""
    items = list(labels)
    if items:
        script_element(m, "TbgeoFeatureLabels", _FEATURE_LABELS_JS, labels=items, min_zoom=LABEL_MIN_ZOOM)
