"""Place names folded for search: case, diacritics and unit-type words ignored ("Dong Co" = "xã Đông Cơ")."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "strip_type", "key", "exact_key", "type_word"]

_TYPE_WORDS = (
    "thi tran", "thanh pho", "khu cong nghiep", "cum cong nghiep", "tinh", "huyen", "phuong", "xa", "tt", "tp",
    "kcn", "ccn", "thi xa",
)
_TYPE_RE = re.compile(r"^(?:" + "|".join(sorted((re.escape(w) for w in _TYPE_WORDS), key=len, reverse=True)) + r")\.?\s+")


#: Letters that stand in for Đ/đ in Vietnamese text (CP1258 and some keyboards write the Icelandic
#: eth Ð/ð, U+00D0/U+00F0; some fonts' "African D" Ɖ/ɖ): read as Đ/đ.
_D_LOOKALIKES = str.maketrans({"Ð": "Đ", "ð": "đ", "Ɖ": "Đ", "ɖ": "đ"})


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", str(text)).translate(_D_LOOKALIKES)


def fold(text: str) -> str:
    """Lower case, no diacritics (đ → d), single spaces, no punctuation."""
    text = _nfc(text).lower().replace("đ", "d")
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
    text = re.sub(r"[^\w\s]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def strip_type(folded: str) -> str:
    """A folded name without its leading unit-type word ("xa dong co" → "dong co")."""
    return _TYPE_RE.sub("", folded, count=1)


def key(text: str) -> str:
    """The search key of a name: folded, without the unit type."""
    return strip_type(fold(text))


def exact_key(text: str) -> str:
    """Like ``key`` but keeping diacritics: tells "Đông Cơ" from "Đồng Cơ" when both exist."""
    words = re.sub(r"[^\w\s]", " ", _nfc(text).lower()).split()
    for n in (3, 2, 1):
        if len(words) > n and fold(" ".join(words[:n])) in _TYPE_WORDS:
            return " ".join(words[n:])
    return " ".join(words)


def type_word(text: str) -> str | None:
    """The folded unit-type word a name starts with ("KCN Tiền Hải" → "kcn"), or None."""
    words = fold(text).split()
    for n in (3, 2, 1):
        if len(words) > n and " ".join(words[:n]) in _TYPE_WORDS:
            return " ".join(words[:n])
    return None
