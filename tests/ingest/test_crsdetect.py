"""CRS identification from parameters, mislabelled datums, guessing from ranges, landing checks."""

from __future__ import annotations

import pytest
from pyproj import CRS, Geod, Transformer

from tbgeo.crs import detect as cd, guess as cd_guess
from tbgeo.errors import CRSError
from tbgeo.ingest.steps import landing as landing_step

from .helpers import VN2000_7P

E0, N0 = 587_644.682, 2_262_182.72
ESRI_9209 = CRS.from_epsg(9209).to_wkt("WKT1_ESRI")
# The "names lie" .prj from the facts: called UTM 48N, but TM-3 with CM 105°30' and k 0.9999.
LYING = ESRI_9209.replace("VN-2000_TM-3_105-30", "VN_2000_UTM_Zone_48N")
ON_WGS84 = ESRI_9209.replace("GCS_VN_2000", "GCS_WGS_1984").replace("D_Vietnam_2000", "D_WGS_1984")
UNKNOWN = ESRI_9209.replace("GCS_VN_2000", "GCS_unknown").replace("D_Vietnam_2000", "D_unknown")


def test_regression_point_and_224m_trap() -> None:
    lon, lat = Transformer.from_crs(9209, 4326, always_xy=True).transform(E0, N0)
    assert lon == pytest.approx(106.3418742, abs=1e-7)
    assert lat == pytest.approx(20.4490063, abs=1e-7)
    naive = Transformer.from_crs(CRS.from_wkt(ON_WGS84), 4326, always_xy=True).transform(E0, N0)
    gap = Geod(ellps="WGS84").inv(lon, lat, *naive)[2]
    assert gap == pytest.approx(224.4, abs=0.5)


def test_identify_by_parameters_not_name() -> None:
    det = cd.identify(LYING)
    assert (det.epsg, det.status, det.source) == (9209, "ok", "prj")
    assert det.params["central_meridian"] == 105.5 and det.params["scale_factor"] == 0.9999
    assert [k for k, _ in det.warnings] == ["ingest.w_name_mismatch"]
    # the facts' other liar: CM 103, k 0.9999, AUTHORITY 3405 → EPSG:9205
    liar = CRS.from_epsg(9205).to_wkt("WKT1_ESRI").replace("VN-2000_TM-3_103-00", "VN_2000_UTM_Zone_48N")
    assert cd.identify(liar).epsg == 9205


@pytest.mark.parametrize("epsg", sorted(cd.TM3_BY_CM.values()) + [3405, 3406, 4756, 4326, 32648])
def test_whole_vn2000_family(epsg: int) -> None:
    assert cd.identify(CRS.from_epsg(epsg).to_wkt("WKT1_ESRI")).epsg == epsg


def test_tm3_on_wgs84_is_flagged_mislabelled() -> None:
    det = cd.identify(ON_WGS84)
    assert det.status == "mislabelled" and det.needs_confirmation
    assert det.epsg == 9209  # offered
    assert det.problem is not None and det.problem[0] == "ingest.crs_mislabelled"
    from tbgeo.i18n import t

    text = t(det.problem[0], "en", **det.problem[1])
    assert "probably VN-2000" in text and "EPSG:9209" in text and "224 m" in text


@pytest.mark.parametrize(
    "text",
    [
        UNKNOWN,
        "+proj=tmerc +lon_0=105.5 +k=0.9999 +x_0=500000 +ellps=WGS84 +units=m +no_defs",
    ],
)
def test_unknown_datum_is_unidentified(text: str) -> None:
    det = cd.identify(text)
    assert det.status == "datum_unknown" and det.needs_confirmation and det.epsg == 9209


def test_towgs84_with_unknown_datum_uses_epsg() -> None:
    text = (
        "+proj=tmerc +lon_0=105.5 +k=0.9999 +x_0=500000 +ellps=WGS84 +units=m "
        "+towgs84=-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,-0.00427372,0.252906278"
    )
    det = cd.identify(text)
    assert det.epsg == 9209 and det.status == "ok" and not det.needs_confirmation


def test_utm_unknown_datum_offers_both() -> None:
    det = cd.identify("+proj=utm +zone=48 +ellps=WGS84 +units=m +no_defs")
    assert det.needs_confirmation and [c.epsg for c in det.candidates] == [3405, 32648]


def test_guess_tm3_band() -> None:
    det = cd_guess.guess((E0, N0, E0 + 1000, N0 + 1000), province=landing_step.province_outline(), near_km=40)
    assert det.source == "guess" and det.needs_confirmation
    assert det.epsg == 9209
    assert det.candidates[0].where == "province"


def test_guess_utm_band() -> None:
    det = cd_guess.guess((640_000, 2_262_000, 641_000, 2_263_000), province=landing_step.province_outline(), near_km=40)
    assert det.epsg == 3405
    assert [c.epsg for c in det.candidates[:2]] == [3405, 32648]


def test_guess_degrees_defaults_to_wgs84() -> None:
    det = cd_guess.guess((106.3, 20.4, 106.4, 20.5), province=landing_step.province_outline(), near_km=40)
    assert det.epsg == 4326 and not det.needs_confirmation
    assert [c.epsg for c in det.candidates] == [4326, 4756]


def test_guess_swapped_axes() -> None:
    with pytest.raises(CRSError) as err:
        cd_guess.guess((N0, E0, N0 + 100, E0 + 100), province=landing_step.province_outline(), near_km=40)
    assert err.value.key == "ingest.crs_axes_swapped"


def test_landing_classes() -> None:
    prov = landing_step.province_outline()
    to_work = Transformer.from_crs(4326, 9209, always_xy=True)
    inside = cd_guess.landing(*to_work.transform(106.34, 20.45), province=prov, near_km=40)
    assert inside.where == "province" and inside.distance_km == 0
    hanoi = cd_guess.landing(*to_work.transform(105.85, 21.03), province=prov, near_km=40)
    assert hanoi.where == "vietnam" and hanoi.direction == "nw"
    geod = Geod(ellps="WGS84")
    assert hanoi.distance_km == pytest.approx(
        geod.inv(106.1, 20.7333, 105.85, 21.03)[2] / 1000, rel=0.15
    )
    bangkok = cd_guess.landing(*to_work.transform(100.5, 13.75), province=prov, near_km=40)
    assert bangkok.where == "outside"
    hoang_sa = cd_guess.landing(*to_work.transform(112.3, 16.5), province=prov, near_km=40)
    assert hoang_sa.where == "vietnam"


def test_user_crs() -> None:
    assert cd.user_crs("9209").epsg == 9209
    assert cd.user_crs("EPSG:3405").epsg == 3405
    with pytest.raises(CRSError) as err:
        cd.user_crs("not-a-crs")
    assert err.value.key == "ingest.crs_bad"
    assert err.value.message("vi") == ("“not-a-crs” không phải hệ tọa độ đã biết. Hãy nhập mã EPSG, ví dụ 9209 cho "
                                       "VN-2000 Thái Bình.")


@pytest.mark.parametrize(
    ("towgs84", "epsg"),
    [
        (VN2000_7P, 9209),  # the Decision's values as written (coordinate frame)
        ("-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278", 9209),  # GDAL's MapInfo reading
        ("-191.90441429,-39.30318279,-111.45032835,0.5,0.5,0.5,0.252906278", None),  # not VN-2000's rotations
    ],
)
def test_identify_seven_parameters(towgs84: str, epsg: int | None) -> None:
    wkt = (
        'PROJCS["unnamed",GEOGCS["unnamed",DATUM["MIF 9999",SPHEROID["WGS 84",6378137,298.257223563],'
        f"TOWGS84[{towgs84}]],"
        'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
        'PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",105.5],PARAMETER["scale_factor",0.9999],'
        'PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1]]'
    )
    det = cd.identify(wkt, origin="mapinfo")
    assert det.source == "file"
    if epsg:
        assert (det.epsg, det.status, det.needs_confirmation) == (epsg, "ok", False)
    else:
        assert det.epsg != 9209 and det.params["datum_kind"] == "other"
    assert cd.is_vn2000_shift([float(v) for v in towgs84.split(",")]) is (epsg is not None)
    assert CRS.from_epsg(9209).name == "VN-2000 / TM-3 105-30"
