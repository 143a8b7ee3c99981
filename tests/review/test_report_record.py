"""Message parameters and findings stored language-neutral: every parameter type survives JSON."""

from __future__ import annotations

import json

import pytest

from tbgeo.i18n.params import (
    TYPE_KEY,
    Bilingual,
    Joined,
    Num,
    Shares,
    Template,
    Text,
    dump_param,
    fmt_param,
    load_param,
)
from tbgeo.review.model import Finding

PARAMS = {
    "num": Num(1234.5, 1),
    "int_num": Num(7, 0),
    "shares": Shares((("Kiến Xương", 0.75), ("Tiền Hải", 0.25))),
    "bilingual": Bilingual("Dệt may", "Textiles"),
    "text": Text("review.page.st_approved"),
    "text_fallback": Text("review.page.st_nosuch", "nosuch"),
    "template": Template("workspace.status_named", {"word": Text("review.page.st_draft", "draft"), "code": "draft"}),
    "joined": Joined((Num(1.5, 1), Text("review.page.st_draft"), "x"), "review.join.and"),
    "joined_plain": Joined(("a", "b")),
    "tuple": ("review.page.saved", {"id": 3}),
    "list": [1, 2.5, "ba", None, True],
    "mapping": {"a": Num(2.0, 2), "b": [Bilingual("một", "one")]},
    "plain": "Khu A", "int": 12, "float": 0.125, "none": None, "bool": False,
}  # fmt: skip


@pytest.mark.parametrize("name", list(PARAMS))
def test_every_param_type_round_trips_through_json(name: str) -> None:
    value = PARAMS[name]
    stored = json.loads(json.dumps(dump_param(value), ensure_ascii=False))
    back = load_param(stored)
    assert back == value and type(back) is type(value)
    for lang in ("vi", "en"):
        assert fmt_param(back, lang) == fmt_param(value, lang)


def test_typed_params_are_tagged_and_unknown_tags_refused() -> None:
    assert dump_param(Num(4.0, 2)) == {TYPE_KEY: "num", "value": 4.0, "digits": 2}
    assert dump_param(Bilingual("Dệt may", "Textiles")) == {TYPE_KEY: "bilingual", "vi": "Dệt may", "en": "Textiles"}
    assert fmt_param(load_param(dump_param(Num(1234.5, 1))), "vi") == "1.234,5"
    assert fmt_param(load_param(dump_param(Num(1234.5, 1))), "en") == "1,234.5"
    with pytest.raises(ValueError, match="unknown"):
        load_param({TYPE_KEY: "nosuch"})
    with pytest.raises(ValueError):
        dump_param({TYPE_KEY: "a mapping that looks tagged"})
    with pytest.raises(TypeError):
        dump_param(object())


def test_a_finding_record_says_the_same_in_both_languages() -> None:
    f = Finding("sector_refused", "block", "dyeing", "", "Điều 1, III.4", "refused",
                {"sector": Bilingual("Dệt nhuộm", "Dyeing")}, law_refs=("land_law_122",), details={"code": "dyeing"},
                value_note=Template("review.rule.rice_land.title"))
    record = json.loads(json.dumps(f.to_record(), ensure_ascii=False))
    assert Finding.from_record(record) == f
    for lang in ("vi", "en"):
        assert Finding.from_record(record).to_dict(lang) == f.to_dict(lang)
    assert "Dyeing" in Finding.from_record(record).text("en") and "Dệt nhuộm" in Finding.from_record(record).text("vi")
