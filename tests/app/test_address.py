"""The address's values are user input: each parser takes what it knows and nothing else."""

from __future__ import annotations

import shapely

from tbgeo.ui import address


def test_parsers_take_only_sane_values() -> None:
    assert address.parse_lang("en") == "en" and address.parse_lang("xx") is None and address.parse_lang(None) is None
    known = ("districts", "industrial_parks", "rivers")
    assert address.parse_layers("rivers,districts,rivers,evil<b>", known) == ("districts", "rivers")
    assert address.parse_layers("-", known) == ()
    assert address.parse_layers("nothing_here", known) is None and address.parse_layers("", known) is None
    assert address.parse_view("20.47403,106.39748,13.75") == (20.47403, 106.39748, 13.75)
    assert address.parse_view("20.474031234,106.3974,13.7") == (20.47403, 106.3974, 13.75)
    for bad in ("nan,1,2", "1,2", "95,106,10", "20,106,40", "a,b,c", "20,106,10" + "0" * 3000, None):
        assert address.parse_view(bad) is None
    assert address.format_view((20.47403, 106.39748, 13.75)) == "20.47403,106.39748,13.75"
    assert address.format_layers(()) == address.NO_LAYERS
    assert address.parse_site_id("0123456789abcdef0123") == "0123456789abcdef0123"
    for bad in ("0123456789ABCDEF0123", "../../etc/passwd", "0123", None):
        assert address.parse_site_id(bad) is None


def test_a_site_is_kept_by_a_short_id(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TBGEO_CACHE", str(tmp_path))
    site = shapely.box(600_000, 2_260_000, 600_400, 2_260_250)
    site_id = address.store_site(site, "file:khu đất.kml", "Nhà máy may", ["review.input.note_union"])
    assert address.parse_site_id(site_id) == site_id
    assert address.store_site(site, "file:khu đất.kml", "Nhà máy may", ["review.input.note_union"]) == site_id
    kept = address.load_site(site_id)
    assert kept is not None and kept["geometry"].equals(site) and kept["geometry"].area == 100_000.0
    assert (kept["source"], kept["name"], kept["notes"]) == ("file:khu đất.kml", "Nhà máy may", ["review.input.note_union"])
    assert address.load_site("0" * 20) is None  # never kept here
    (tmp_path / "site" / site_id).write_text("tbgeo-cache-1 x\n{}")  # altered: not served
    assert address.load_site(site_id) is None


def test_the_map_opens_at_the_view_in_place_of_its_first_fit() -> None:
    from tbgeo.mapping.view import VIEW_MESSAGE, with_view

    html = ("<html><head><script src='leaflet.js'></script></head><body><script>\n"
            "var map_0123456789abcdef0123456789abcdef = L.map('m', {});\n"
            "map_0123456789abcdef0123456789abcdef.fitBounds([[20.24, 106.103], [20.729, 106.657]], {});\n"
            "</script></body></html>")
    plain = with_view(html)
    assert "setView" not in plain and f'tbgeo:"{VIEW_MESSAGE}"' in plain
    opened = with_view(html, (20.41286, 106.39748, 13.75))
    patch = opened.index("this.setView([20.41286,106.39748],13.75,{animate:false})")
    assert patch < opened.index("var map_0123456789abcdef0123456789abcdef = L.map(")  # before the map is made
    assert with_view("no map here", (20.4, 106.4, 12.0)) == "no map here"
