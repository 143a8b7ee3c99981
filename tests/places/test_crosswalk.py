"""The crosswalk old Thái Bình → new Hưng Yên units, read offline from the pinned vietnamadminunits."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections import Counter

import pytest

from tbgeo.places.crosswalk import _load, crosswalk, package_data_dir
from tbgeo.places.names import exact_key, fold, key

# Facts sheet §2 (1666/NQ-UBTVQH15 Art. 1): new unit → its old members (short names) and former district(s).
FACTS = {
    "Thái Thụy": ("Xã", {"Diêm Điền", "Thụy Hải", "Thụy Trình", "Thụy Bình", "Thụy Liên"}, {"Thái Thụy"}),
    "Đông Thụy Anh": ("Xã", {"Thụy Trường", "Thụy Xuân", "An Tân", "Hồng Dũng"}, {"Thái Thụy"}),
    "Thái Ninh": ("Xã", {"Thái Hưng", "Thái Thượng", "Hòa An", "Thái Nguyên"}, {"Thái Thụy"}),
    "Đông Thái Ninh": ("Xã", {"Mỹ Lộc", "Tân Học", "Thái Đô", "Thái Xuyên"}, {"Thái Thụy"}),
    "Nam Thái Ninh": ("Xã", {"Thái Thọ", "Thái Thịnh", "Thuần Thành"}, {"Thái Thụy"}),
    "Đồng Châu": ("Xã", {"Đông Hoàng", "Đông Cơ", "Đông Lâm", "Đông Minh"}, {"Tiền Hải"}),
    "Đông Tiền Hải": ("Xã", {"Đông Xuyên", "Đông Quang", "Đông Long", "Đông Trà"}, {"Tiền Hải"}),
    "Nam Cường": ("Xã", {"Nam Thịnh", "Nam Tiến", "Nam Chính", "Nam Cường"}, {"Tiền Hải"}),
    "Hưng Phú": ("Xã", {"Nam Phú", "Nam Hưng", "Nam Trung"}, {"Tiền Hải"}),
    "Tiền Hải": ("Xã", {"Tiền Hải", "An Ninh", "Tây Ninh", "Tây Lương", "Vũ Lăng"}, {"Tiền Hải"}),
    "Phụ Dực": ("Xã", {"An Bài", "An Ninh", "An Vũ", "An Mỹ", "An Thanh"}, {"Quỳnh Phụ"}),
    "A Sào": ("Xã", {"An Đồng", "An Hiệp", "An Thái", "An Khê"}, {"Quỳnh Phụ"}),
    "Trần Hưng Đạo": ("Phường", {"Trần Hưng Đạo", "Đề Thám", "Quang Trung", "Phú Xuân"}, {"Thái Bình"}),
    "Thái Bình": (
        "Phường",
        {"Lê Hồng Phong", "Bồ Xuyên", "Tiền Phong", "Tân Hòa", "Phúc Thành", "Tân Phong", "Tân Bình"},
        {"Thái Bình", "Vũ Thư"},
    ),
}


def _unit(name: str, unit_type: str):  # type: ignore[no-untyped-def]
    found = [u for u in crosswalk().new_units.values() if u.name == name and u.unit_type == unit_type]
    assert len(found) == 1, name
    return found[0]


def test_every_old_thai_binh_commune_maps_to_one_new_hung_yen_unit() -> None:
    cw = crosswalk()
    assert len(cw.communes) == 242
    for code in cw.communes:
        new = cw.new_of_commune(code)
        assert len(new) == 1, code  # no Thái Bình commune was split
    assert len(cw.new_units) == 65
    assert Counter(u.unit_type for u in cw.new_units.values()) == {"Xã": 60, "Phường": 5}
    # members, counted back: every old commune exactly once, all wholly
    members = [m for u in cw.new_units.values() for m in u.members]
    assert sorted(m.code for m in members) == sorted(cw.communes)
    assert all(m.full for m in members)
    assert sorted(cw.districts) == ["336", "338", "339", "340", "341", "342", "343", "344"]
    per_district = {d: len(cw.communes_of_district(d)) for d in cw.districts}
    assert per_district == {"336": 19, "338": 35, "339": 33, "340": 32, "341": 36, "342": 28, "343": 29, "344": 30}
    assert len(cw.new_of_district("342")) == 8
    assert [u.name for u in cw.new_of_district("342")] == [
        "Tiền Hải", "Đông Tiền Hải", "Đồng Châu", "Ái Quốc", "Tây Tiền Hải", "Nam Cường", "Nam Tiền Hải", "Hưng Phú"
    ]


def test_old_commune_types_are_counted() -> None:
    cw = crosswalk()
    assert Counter(c.unit_type for c in cw.communes.values()) == {"Xã": 223, "Phường": 10, "Thị trấn": 9}


@pytest.mark.parametrize("name", sorted(FACTS))
def test_facts_table_rows_reproduce(name: str) -> None:
    unit_type, members, districts = FACTS[name]
    cw = crosswalk()
    unit = _unit(name, unit_type)
    got = cw.members_of(unit.code)
    assert {c.name for c, _ in got} == members
    assert len(got) == len(members)
    assert all(full for _, full in got)
    assert {d.name for d in cw.districts_of(unit.code)} == districts


def test_codes_and_details_of_dong_chau() -> None:
    cw = crosswalk()
    unit = cw.new_units["13003"]
    assert (unit.name, unit.unit_type, unit.area_km2) == ("Đồng Châu", "Xã", 30.67)
    assert [(c.code, c.name) for c, _ in cw.members_of("13003")] == [
        ("13000", "Đông Hoàng"), ("13003", "Đông Minh"), ("13018", "Đông Cơ"), ("13024", "Đông Lâm")
    ]
    assert cw.communes["13018"].district_code == "342"
    box = cw.bounds_of_new("13003")
    assert box is not None
    assert box.as_tuple() == pytest.approx((106.518459, 20.366595, 106.624203, 20.437067))
    # the two An Ninh communes are told apart by code, never joined by name
    an_ninh = sorted(c.code for c in cw.communes.values() if c.name == "An Ninh")
    assert an_ninh == ["12514", "13012"]
    assert [u.name for u in cw.new_of_commune("12514")] == ["Phụ Dực"]
    assert [u.name for u in cw.new_of_commune("13012")] == ["Tiền Hải"]


def test_tan_binh_was_in_the_city() -> None:
    """The facts table lists Tân Bình after "Tân Hòa (Vũ Thư)"; the package has it in the city (336)."""
    cw = crosswalk()
    tan_binh = [c for c in cw.communes.values() if c.name == "Tân Bình"]
    assert [(c.code, c.district_code) for c in tan_binh] == [("13225", "336")]


def test_no_socket_is_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("network access")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    cw = _load(package_data_dir())  # a fresh read, not the cached one
    assert len(cw.communes) == 242 and len(cw.new_units) == 65


def test_package_is_not_imported() -> None:
    """Reading the crosswalk does not run the package (its converter geocodes addresses online)."""
    code = (
        "import sys; from tbgeo.places.crosswalk import crosswalk; cw = crosswalk();"
        "print(len(cw.communes), 'vietnamadminunits' in sys.modules, 'geopy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["242", "False", "False"]


def test_name_folding() -> None:
    assert key("xã Đông Cơ") == key("Dong Co") == "dong co"
    assert key("TT. Diêm Điền") == "diem dien"
    assert fold("Đồng  Châu!") == "dong chau"
    assert exact_key("Xã Đông Cơ") == "đông cơ"
    assert exact_key("Đồng Cơ") != exact_key("Đông Cơ")
    # the Icelandic eth (U+00D0/U+00F0) that CP1258 text and some keyboards write for Đ/đ
    assert key("\u00d0ông Cơ") == key("\u00f0ông cơ") == "dong co"
    assert exact_key("\u00d0ông Cơ") == exact_key("Đông Cơ") == "đông cơ"
