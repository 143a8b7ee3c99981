"""Class step: the values of a layer's class field (a park's ``status``) matched to the layer's style
classes, so that the map draws each imported feature the way its legend says.

GIS files write a status in words — "Đang hoạt động", "QUY HOẠCH", "dang xay dung", "Đang  triển
khai" — while the layer's classes (``style.classes`` of ``layers/<id>.toml``) are codes (``operating``,
``building``, ``planned``). A value matches a class by its code, its Vietnamese or English label or one of
its ``aliases``, ignoring case, diacritics (đ read as d), spacing and punctuation, after NFC. A value that
matches no class is kept as written and reported (the map draws it in the layer's base style, and the
legend does not list it); nothing is dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tbgeo.catalog import Layer
from tbgeo.i18n.params import Bilingual, Joined, Template
from tbgeo.ingest.steps import StepNotes

__all__ = ["ClassStep", "PREFIX", "word_key", "class_words", "match_values", "apply", "preview"]

#: The key prefix of this step's notes (a later column mapping recomputes them).
PREFIX = "ingest.w_class_"
_LIST_MAX = 8


def word_key(value: Any) -> str:
    """``value`` as compared with the class words: NFC, lower case, no diacritics (đ → d), words
    separated by one space, punctuation and underscores read as spaces."""
    text = unicodedata.normalize("NFC", str(value)).replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def class_words(layer: Layer) -> dict[str, str]:
    """Every word that names one of the layer's classes (code, labels, aliases), as ``word_key``s → class code.

    A word two classes share names neither (it is left out rather than guessed)."""
    seen: dict[str, set[str]] = {}
    for cls in layer.style.get("classes", ()):
        code = str(cls.get("value"))
        for word in (code, cls.get("label_vi"), cls.get("label_en"), *cls.get("aliases", ())):
            if word not in (None, ""):
                seen.setdefault(word_key(word), set()).add(code)
    return {word: next(iter(codes)) for word, codes in seen.items() if len(codes) == 1 and word}


@dataclass(kw_only=True)
class ClassStep(StepNotes):
    """The class field's values as class codes where they match, and what was matched or not."""

    values: pd.Series | None = None
    #: (value as written, class code) → features, for the values written otherwise than the code
    translated: dict[tuple[str, str], int] = field(default_factory=dict)
    #: value as written → features, for the values that match no class
    unknown: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "translated": [{"value": v, "class": c, "n": n} for (v, c), n in self.translated.items()],
            "unknown": dict(self.unknown),
        }


def _label(layer: Layer, code: str) -> Bilingual:
    for cls in layer.style.get("classes", ()):
        if str(cls.get("value")) == code:
            return Bilingual(str(cls.get("label_vi", code)), str(cls.get("label_en", code)))
    return Bilingual(code, code)


def match_values(layer: Layer, values: pd.Series, *, field_name: str) -> ClassStep:
    """Match ``values`` (the column that fills the layer's class field ``field_name``) to the layer's classes."""
    words = class_words(layer)
    codes = {str(c.get("value")) for c in layer.style.get("classes", ())}
    out: list[Any] = []
    translated: Counter[tuple[str, str]] = Counter()
    unknown: Counter[str] = Counter()
    for value in values.tolist():
        if value is None or (isinstance(value, float) and value != value) or str(value).strip() == "":
            out.append(value)
            continue
        text = unicodedata.normalize("NFC", str(value))
        code = text if text in codes else words.get(word_key(text))
        if code is None:
            unknown[text] += 1
            out.append(value)
            continue
        if code != text:
            translated[(text, code)] += 1
        out.append(code)
    step = ClassStep(values=pd.Series(out, index=values.index, dtype=object), translated=dict(translated),
                     unknown=dict(unknown))
    if translated:
        items = tuple(Template("ingest.class_pair", {"value": v, "label": _label(layer, c), "n": n})
                      for (v, c), n in translated.most_common(_LIST_MAX))
        step.warnings.append(("ingest.w_class_matched", {
            "field": field_name, "n": sum(translated.values()), "pairs": Joined(items, "ingest.list_sep"),
        }))  # fmt: skip
    if unknown:
        shown = tuple(Template("ingest.class_value", {"value": v, "n": n}) for v, n in unknown.most_common(_LIST_MAX))
        labels = tuple(_label(layer, str(c.get("value"))) for c in layer.style.get("classes", ()))
        step.warnings.append(("ingest.w_class_unknown", {
            "field": field_name, "n": sum(unknown.values()), "values": Joined(shown, "ingest.list_sep"),
            "classes": Joined(labels, "ingest.list_sep"),
        }))  # fmt: skip
    return step


def apply(layer: Layer, frame: pd.DataFrame) -> ClassStep:
    """Write the layer's class field of ``frame`` (already under the layer's field names) as class codes.

    Layers without classes, and frames without the field, are left as they are."""
    name = layer.style.get("class_field")
    if not name or not layer.style.get("classes") or name not in frame.columns:
        return ClassStep()
    step = match_values(layer, frame[name], field_name=str(name))
    frame[name] = step.values
    return step


def preview(layer: Layer, frame: pd.DataFrame, mapping: dict[str, str | None]) -> ClassStep:
    """What ``apply`` will say of the source column the suggested ``mapping`` puts in the class field
    (``frame`` is left as it is: the user may still map another column)."""
    name = layer.style.get("class_field")
    column = mapping.get(str(name)) if name else None
    if not column or not layer.style.get("classes") or column not in frame.columns:
        return ClassStep()
    return match_values(layer, frame[column], field_name=str(name))
