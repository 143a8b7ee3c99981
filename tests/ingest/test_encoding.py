"""TCVN3 / VNI / CP1258 / UTF-8 detection and conversion, on the examples from the facts file."""

from __future__ import annotations

import unicodedata

import pytest

from tbgeo.errors import EncodingError
from tbgeo.ingest import encoding as enc

THAI_BINH = "Thái Bình"
LUC = "Đất chuyên trồng lúa nước"


def latin(b: bytes) -> str:
    return b.decode("latin1")


@pytest.mark.parametrize(
    ("raw", "encoding", "expected"),
    [
        ("Th¸i B×nh".encode("latin1"), "tcvn3", THAI_BINH),
        ("§Êt chuyªn trång lóa n\xadíc".encode("latin1"), "tcvn3", LUC),
        ("Thaùi Bình".encode("latin1"), "vni", THAI_BINH),
        ("Ñaát chuyeân troàng luùa nöôùc".encode("latin1"), "vni", LUC),
        (enc.encode_cp1258(LUC), "cp1258", LUC),
        (LUC.encode("utf-8"), "utf-8", LUC),
        ("KCN TIÒN H¶I".encode("latin1"), "tcvn3", "KCN TIỀN HẢI"),  # .VnTimeH capitals restored
    ],
)
def test_decode_exact(raw: bytes, encoding: str, expected: str) -> None:
    out = enc.decode(raw, encoding)
    assert out == expected
    assert unicodedata.is_normalized("NFC", out)


def test_cp1258_bytes_use_combining_tones() -> None:
    raw = enc.encode_cp1258("Bình")
    assert raw == b"Bi\xccnh"  # ì is not in CP1258 as such: i + combining grave (0xCC)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["Th¸i B×nh", "§Êt chuyªn trång lóa n\xadíc", "KCN Gia LÔ"], "tcvn3"),
        (["Thaùi Bình", "Ñaát chuyeân troàng luùa nöôùc"], "vni"),
        ([latin(enc.encode_cp1258(s)) for s in (THAI_BINH, LUC, "Tiền Hải")], "cp1258"),
        ([latin(s.encode("utf-8")) for s in (THAI_BINH, LUC)], "utf-8"),
        (["KCN 01", "Phase 2"], "ascii"),
    ],
)
def test_detect_bytes(values: list[str], expected: str) -> None:
    assert enc.detect(values, source="bytes").encoding == expected


def test_good_unicode_is_never_altered() -> None:
    values = [THAI_BINH, LUC, "Khu công nghiệp Tiền Hải", "Thái", "Hưng Hà", "Café"]
    det = enc.detect(values, source="unicode")
    assert det.encoding == "unicode"
    assert enc.convert_values(values, det.encoding, source="unicode") == values


def test_legacy_text_saved_as_unicode_is_repaired() -> None:
    det = enc.detect(["Th¸i B×nh", "§Êt chuyªn trång lóa n\xadíc"], source="unicode")
    assert det.encoding == "tcvn3"
    assert enc.convert_values(["Th¸i B×nh"], "tcvn3", source="unicode") == [THAI_BINH]
    det = enc.detect(["ThÃ¡i BÃ¬nh"], source="unicode")  # UTF-8 read as Latin-1 and saved again
    assert det.encoding == "utf-8"
    assert enc.convert_values(["ThÃ¡i BÃ¬nh"], "utf-8", source="unicode") == [THAI_BINH]


def test_syllables() -> None:
    for word in ("nghiệp", "quyết", "giếng", "Nguyễn", "khuỷu", "Quỳnh", "trồng", "nước", "Đoài"):
        assert enc.is_syllable(word), word
    for word in ("Thaựi", "Bỡnh", "B×nh", "thaùi", "ThÃ¡i", "crème"):
        assert not enc.is_syllable(word), word


def test_none_and_numbers_pass_through() -> None:
    assert enc.convert_values([None, 3, "Th¸i"], "tcvn3", source="bytes") == [None, 3, "Thái"]


def test_bad_encoding_name() -> None:
    assert enc.normalize_encoding_name("TCVN") == "tcvn3"
    assert enc.normalize_encoding_name("Windows-1258") == "cp1258"
    with pytest.raises(EncodingError) as err:
        enc.normalize_encoding_name("koi8-r")
    assert "koi8-r" in err.value.message("en") and "tcvn3" in err.value.message("en")


def test_capitals_detection() -> None:
    assert enc.looks_like_caps("KCN TIÒN H¶I")
    assert not enc.looks_like_caps("KCN Th¸i B×nh")
    assert not enc.looks_like_caps("KCN 01")
