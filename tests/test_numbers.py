"""Decimal numbers typed by a user (tbgeo.i18n.numbers): "1,5" and "1.5" alike, junk refused in the
user's language, the field's range kept; values written back with the language's decimal mark."""

from __future__ import annotations

import pytest

from tbgeo.errors import InputError
from tbgeo.i18n.numbers import format_decimal, parse_decimal


@pytest.mark.parametrize(("text", "value"), [
    ("1,5", 1.5), ("1.5", 1.5), (" 2 ", 2.0), ("0,05", 0.05), (",5", 0.5), ("-0,25", -0.25), ("+3", 3.0),
    ("575000", 575_000.0), ("106,3000", 106.3),
    # thousands: both marks (the last one is the decimal mark), a repeated mark, or spaces
    ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("1.234.567", 1_234_567.0), ("1,234,567", 1_234_567.0),
    ("1 234,5", 1234.5), ("2\u00a0250\u00a0000", 2_250_000.0),
])
def test_both_decimal_marks_and_thousands_are_read(text: str, value: float) -> None:
    assert parse_decimal(text, label="x") == pytest.approx(value, abs=1e-12)


@pytest.mark.parametrize("text", ["abc", "1,2,3", "1.2.3", "1,5.2", "12.34.5", "1.23,4", "nan", "inf", "1e5",
                                  "1 5", "5 ha", "--1", "1,,5", "0x10", "½"])
def test_junk_is_refused_in_the_users_language(text: str) -> None:
    with pytest.raises(InputError) as err:
        parse_decimal(text, label="Diện tích cần (ha)")
    assert err.value.message("vi") == (f"Diện tích cần (ha): “{text}” không phải là một số. Hãy viết số với dấu phẩy "
                                       "thập phân, ví dụ 1,5.")
    assert err.value.message("en") == (f"Diện tích cần (ha): “{text}” is not a number. Write a number with a decimal "
                                       "point, e.g. 1.5.")


def test_empty_box_and_the_fields_range() -> None:
    with pytest.raises(InputError) as err:
        parse_decimal("  ", label="Tỷ lệ")
    assert err.value.message("vi") == "Tỷ lệ: hãy nhập một số."
    assert parse_decimal("0,5", label="a", min_value=0.5, max_value=5000.0) == 0.5  # the limits themselves are in
    assert parse_decimal("5.000", label="a", min_value=0.5, max_value=5000.0) == 5.0  # one mark: the decimal one
    assert parse_decimal("5.000,0", label="a", min_value=0.5, max_value=5000.0) == 5000.0
    with pytest.raises(InputError) as err:
        parse_decimal("0,4", label="Diện tích cần (ha)", min_value=0.5, max_value=5000.0)
    assert err.value.message("vi") == "Diện tích cần (ha): số phải từ 0,5 trở lên."
    assert err.value.message("en") == "Diện tích cần (ha): the number must be 0.5 or more."
    with pytest.raises(InputError) as err:
        parse_decimal("5000,01", label="Diện tích cần (ha)", min_value=0.5, max_value=5000.0)
    assert err.value.message("vi") == "Diện tích cần (ha): số phải không lớn hơn 5.000."
    assert err.value.message("en") == "Diện tích cần (ha): the number must be 5,000 or less."


def test_values_are_written_the_languages_way_and_read_back() -> None:
    assert [format_decimal(v, "vi") for v in (50.0, 2.0, 0.05, 0.125, 575_000.0, -0.0001)] == [
        "50", "2", "0,05", "0,12", "575000", "0"]
    assert format_decimal(106.3, "vi", 4) == "106,3" and format_decimal(106.3, "en", 4) == "106.3"
    assert format_decimal(0.125, "vi", 3) == "0,125"
    for v in (0.05, 106.3, 575_000.0, 2_270_000.5):
        assert parse_decimal(format_decimal(v, "vi", 4), label="x") == pytest.approx(v)
        assert parse_decimal(format_decimal(v, "en", 4), label="x") == pytest.approx(v)
