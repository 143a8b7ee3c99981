"""Vietnamese text encodings: detect UTF-8, CP1258, TCVN3 (ABC) and VNI per column and convert to NFC Unicode.

Text reaches this module in one of two shapes:

* ``source="bytes"``: strings read with ``encoding="latin1"`` (shapefile DBFs), so each character is
  one byte of the file and nothing is lost whatever the real code page was;
* ``source="unicode"``: strings a driver already decoded (GeoPackage, GeoJSON, KML ...). These are
  kept as they are unless they are clearly legacy text that was saved as Unicode by mistake
  (``Th¸i B×nh``); real Vietnamese Unicode is never altered.

Detection scores every candidate decoding by the share of its non-ASCII words that are valid
Vietnamese syllables (onset + rhyme + at most one tone mark) and keeps the best, with ties and
near-ties going to the least invasive reading.

The TCVN3 and VNI tables below were written from the definitions of the two encodings
(TCVN 5712:1993 "VN3" byte assignments; VNI-Windows base-letter + mark-byte scheme).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tbgeo.errors import EncodingError

__all__ = [
    "ENCODINGS",
    "BYTE_CANDIDATES",
    "UNICODE_CANDIDATES",
    "TCVN3_TABLE",
    "VNI_TABLE",
    "ColumnEncoding",
    "decode",
    "convert_value",
    "convert_values",
    "vietnamese_score",
    "is_syllable",
    "detect",
    "normalize_encoding_name",
    "encode_cp1258",
    "looks_like_caps",
]

# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------

#: TCVN3 (ABC, VN3): byte → letter. Bytes not listed are ASCII or unused and read as Latin-1.
TCVN3_TABLE: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip

_GRAVE, _ACUTE, _TILDE, _HOOK, _DOT = "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"
_CIRC, _BREVE = "\u0302", "\u0306"

#: VNI-Windows: byte → text. Mark bytes become combining marks on the letter before them
#: (``aù`` → a + acute → á; ``aá`` → a + circumflex + acute → ấ); NFC then composes.
VNI_TABLE: dict[int, str] = {
    # tone marks after a base letter (lower-case and upper-case mark bytes)
    0xF9: _ACUTE, 0xF8: _GRAVE, 0xFB: _HOOK, 0xF5: _TILDE, 0xEF: _DOT,
    0xD9: _ACUTE, 0xD8: _GRAVE, 0xDB: _HOOK, 0xD5: _TILDE, 0xCF: _DOT,
    # circumflex (on a, e, o) and breve (on a), alone or with a tone
    0xE2: _CIRC, 0xC2: _CIRC, 0xEA: _BREVE, 0xCA: _BREVE,
    0xE1: _CIRC + _ACUTE, 0xE0: _CIRC + _GRAVE, 0xE5: _CIRC + _HOOK, 0xE3: _CIRC + _TILDE, 0xE4: _CIRC + _DOT,
    0xC1: _CIRC + _ACUTE, 0xC0: _CIRC + _GRAVE, 0xC5: _CIRC + _HOOK, 0xC3: _CIRC + _TILDE, 0xC4: _CIRC + _DOT,
    0xE9: _BREVE + _ACUTE, 0xE8: _BREVE + _GRAVE, 0xFA: _BREVE + _HOOK, 0xFC: _BREVE + _TILDE, 0xEB: _BREVE + _DOT,
    0xC9: _BREVE + _ACUTE, 0xC8: _BREVE + _GRAVE, 0xDA: _BREVE + _HOOK, 0xDC: _BREVE + _TILDE, 0xCB: _BREVE + _DOT,
    # letters of their own
    0xF4: "ơ", 0xD4: "Ơ", 0xF6: "ư", 0xD6: "Ư", 0xF1: "đ", 0xD1: "Đ",
    0xEC: "ì", 0xCC: "Ì", 0xED: "í", 0xCD: "Í", 0xE6: "ỉ", 0xC6: "Ỉ",
    0xF3: "ĩ", 0xD3: "Ĩ", 0xF2: "ị", 0xD2: "Ị", 0xEE: "ỵ", 0xCE: "Ỵ",
}  # fmt: skip

_TCVN3_TRANS = {b: ch for b, ch in TCVN3_TABLE.items()}
_VNI_TRANS = {b: ch for b, ch in VNI_TABLE.items()}

#: Every encoding a user may choose.
ENCODINGS = ("utf-8", "cp1258", "tcvn3", "vni", "latin1", "unicode")
#: Candidates for text read byte-for-byte (shapefile DBFs), least invasive first.
BYTE_CANDIDATES = ("utf-8", "cp1258", "tcvn3", "vni", "latin1")
#: Candidates for text a driver already decoded, least invasive first.
UNICODE_CANDIDATES = ("unicode", "utf-8", "cp1258", "tcvn3", "vni")

_ALIASES = {
    "utf8": "utf-8", "utf-8": "utf-8", "cp1258": "cp1258", "windows-1258": "cp1258", "1258": "cp1258",
    "ansi 1258": "cp1258", "tcvn3": "tcvn3", "tcvn": "tcvn3", "abc": "tcvn3", "vn3": "tcvn3",
    "vni": "vni", "vni-windows": "vni", "latin1": "latin1", "latin-1": "latin1", "iso-8859-1": "latin1",
    "iso8859-1": "latin1", "8859-1": "latin1", "cp1252": "latin1", "unicode": "unicode", "none": "unicode",
    "auto": "auto",
}  # fmt: skip


def normalize_encoding_name(name: str) -> str:
    """The canonical name of a user-given encoding (``TCVN``→``tcvn3``), or EncodingError."""
    key = name.strip().lower().replace("_", "-")
    if key in _ALIASES:
        return _ALIASES[key]
    raise EncodingError("ingest.bad_encoding", value=name, allowed=", ".join(ENCODINGS))


# --------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------


_ASCII_LOWER = re.compile(r"[a-z]")
_ASCII_UPPER = re.compile(r"[A-Z].*[A-Z]", re.S)


def looks_like_caps(text: str) -> bool:
    """All ASCII letters capitals (at least two) and some non-ASCII bytes: TCVN3 capitals text."""
    return not text.isascii() and not _ASCII_LOWER.search(text) and bool(_ASCII_UPPER.search(text))


def _upper_if_caps(text: str) -> str:
    """TCVN3 has no upper-case accented letters (``.VnTimeH`` drew the lower-case bytes as capitals).

    A string whose ASCII letters are all capitals (at least two) is taken as such capitals text.
    """
    if _ASCII_LOWER.search(text) or not _ASCII_UPPER.search(text):
        return text
    upper = text.upper()
    return upper if upper != text else text


def decode(raw: bytes, encoding: str) -> str:
    """``raw`` decoded as ``encoding`` (one of BYTE_CANDIDATES), NFC. Raises UnicodeDecodeError."""
    if encoding == "utf-8":
        text = raw.decode("utf-8")
    elif encoding == "cp1258":
        text = raw.decode("cp1258")
    elif encoding == "tcvn3":
        text = _upper_if_caps(raw.decode("latin1").translate(_TCVN3_TRANS))
    elif encoding == "vni":
        text = raw.decode("latin1").translate(_VNI_TRANS)
    elif encoding in ("latin1", "unicode"):
        text = raw.decode("latin1")
    else:
        raise ValueError(encoding)
    return unicodedata.normalize("NFC", text)


def encode_cp1258(text: str) -> bytes:
    """``text`` in Windows-1258: precomposed base letters where the code page has them, tone marks combining.

    Python's ``cp1258`` codec only encodes the characters the code page has as such; Vietnamese
    letters with tones must first be split into a base letter and a combining mark.
    """
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        for k in range(len(parts) - 1, 0, -1):
            head = unicodedata.normalize("NFC", parts[:k])
            try:
                out += head.encode("cp1258") + parts[k:].encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            raise UnicodeEncodeError("cp1258", ch, 0, 1, "no Windows-1258 form")
    return bytes(out)


def _raw_of(text: str, source: str) -> bytes | None:
    """The file's bytes behind ``text``: exact for byte-read text; for Unicode text, the Latin-1 or
    CP1252 bytes a legacy string would have had (None if it cannot be legacy text)."""
    try:
        return text.encode("latin1")
    except UnicodeEncodeError:
        if source == "bytes":
            raise
    try:
        return text.encode("cp1252")
    except UnicodeEncodeError:
        return None


def convert_value(value: Any, encoding: str, *, source: str) -> Any:
    """One cell converted; non-strings pass through. Undecodable cells keep their read form."""
    if not isinstance(value, str):
        return value
    if encoding == "unicode" or (source == "unicode" and value.isascii()):
        return unicodedata.normalize("NFC", value) if source == "unicode" else value
    if source == "bytes" and value.isascii():
        return value
    if source == "bytes" and encoding in ("tcvn3", "vni", "latin1"):
        # the string already holds one character per byte: translate directly
        if encoding == "tcvn3":
            return unicodedata.normalize("NFC", _upper_if_caps(value.translate(_TCVN3_TRANS)))
        if encoding == "vni":
            return unicodedata.normalize("NFC", value.translate(_VNI_TRANS))
        return value
    raw = _raw_of(value, source)
    if raw is None:
        return unicodedata.normalize("NFC", value)
    try:
        return decode(raw, encoding)
    except UnicodeDecodeError:
        return unicodedata.normalize("NFC", value)


def convert_values(values: Iterable[Any], encoding: str, *, source: str) -> list[Any]:
    """Every cell converted, each distinct string decoded once."""
    cache: dict[str, Any] = {}
    out: list[Any] = []
    for v in values:
        if isinstance(v, str):
            if v not in cache:
                cache[v] = convert_value(v, encoding, source=source)
            out.append(cache[v])
        else:
            out.append(v)
    return out


# --------------------------------------------------------------------------------------------
# Scoring: how Vietnamese does a text look?
# --------------------------------------------------------------------------------------------

_ONSETS = sorted(
    "ngh ng nh ch gh gi kh ph qu th tr b c d đ g h k l m n p r s t v x".split(),
    key=len,
    reverse=True,
)
_RHYMES = frozenset(
    """
    a ac ach ai am an ang anh ao ap at au ay
    ăc ăm ăn ăng ăp ăt
    âc âm ân âng âp ât âu ây
    e ec em en eng eo ep et
    ê êch êm ên ênh êp êt êu
    i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
    o oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oc oe oen oeo oet oi om on
    ong op ot ooc oong
    ô ôc ôi ôm ôn ông ôp ôt
    ơ ơi ơm ơn ơp ơt
    u ua uân uâng uât uây uc uê uêch uênh ui um un ung up ut uy uya uych uyên uyêt uynh uyt uyu uôc uôi uôm
    uôn uông uôt uơ
    ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
    y yêm yên yêng yêt yêu ynh yt ych
    """.split()
)
_TONES = frozenset((_GRAVE, _ACUTE, _TILDE, _HOOK, _DOT))
_SEP = re.compile(r"[\s0-9.,;:!?()\[\]{}\"'`/\\|+*=<>@#$%^&_~-]+")


def is_syllable(word: str) -> bool:
    """Is ``word`` (any case) a well-formed Vietnamese syllable: onset + rhyme, at most one tone?"""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for c in decomposed if c in _TONES)
    if tones > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    if base in _RHYMES:
        return True
    return any(base.startswith(onset) and base[len(onset) :] in _RHYMES for onset in _ONSETS)


def _words(text: str) -> list[str]:
    return [w for w in _SEP.split(text) if w]


def vietnamese_score(texts: Iterable[str]) -> tuple[float, int]:
    """Share of the words with non-ASCII letters that are valid Vietnamese syllables, and how many there were."""
    good = total = 0
    for text in texts:
        for w in _words(text):
            if w.isascii():
                continue
            total += 1
            good += is_syllable(w)
    return (good / total if total else 0.0), total


# --------------------------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------------------------


@dataclass
class ColumnEncoding:
    """The encoding decided for one text column (or for the column names)."""

    column: str
    encoding: str  # one of ENCODINGS, or "ascii" when there is nothing to decode
    scores: dict[str, float] = field(default_factory=dict)
    words: int = 0
    uncertain: bool = False
    user: bool = False
    source: str = "bytes"

    @property
    def converted(self) -> bool:
        """Was the text changed from a legacy encoding (not merely decoded from UTF-8 bytes)?"""
        if self.encoding == "utf-8":
            return self.source == "unicode"  # UTF-8 that had been decoded as Latin-1 and saved again
        return self.encoding in ("cp1258", "tcvn3", "vni")

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "encoding": self.encoding,
            "scores": {k: round(v, 3) for k, v in self.scores.items()},
            "words": self.words,
            "uncertain": self.uncertain,
            "user": self.user,
        }


_SAMPLE = 400
#: A legacy reading must beat the as-read text by this much to replace Unicode text.
_UNICODE_MARGIN = 0.34
#: Scores this close count as a tie (the less invasive reading wins).
_TIE = 0.02


def _sample(values: Sequence[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if isinstance(v, str) and not v.isascii():
            seen.setdefault(v, None)
            if len(seen) >= _SAMPLE:
                break
    return list(seen)


def detect(values: Sequence[Any], *, column: str = "", source: str, declared: str | None = None) -> ColumnEncoding:
    """The most Vietnamese-looking reading of ``values``.

    ``source`` is ``"bytes"`` (read with latin1) or ``"unicode"``; ``declared`` is what a .cpg said,
    used only to break a tie when the text gives no evidence.
    """
    sample = _sample(values)
    if not sample:
        return ColumnEncoding(column=column, encoding="ascii", source=source)
    candidates = BYTE_CANDIDATES if source == "bytes" else UNICODE_CANDIDATES
    scores: dict[str, float] = {}
    words = 0
    for enc in candidates:
        if enc == "unicode":
            score, words = vietnamese_score(unicodedata.normalize("NFC", s) for s in sample)
            scores[enc] = score
            continue
        decoded: list[str] = []
        ok = True
        for s in sample:
            raw = _raw_of(s, source)
            if raw is None:
                ok = False
                break
            try:
                decoded.append(decode(raw, enc))
            except UnicodeDecodeError:
                ok = False
                break
        if not ok:
            continue
        score, n = vietnamese_score(decoded)
        words = max(words, n)
        scores[enc] = score
    if source == "unicode":
        as_is = scores.get("unicode", 0.0)
        legacy = {k: v for k, v in scores.items() if k != "unicode"}
        best = max(legacy, key=lambda k: (legacy[k], -candidates.index(k)), default=None)
        if best is not None and as_is < 0.6 and legacy[best] >= as_is + _UNICODE_MARGIN:
            return ColumnEncoding(column=column, encoding=best, scores=scores, words=words, source=source)
        return ColumnEncoding(column=column, encoding="unicode", scores=scores, words=words, source=source)
    top = max(scores.values(), default=0.0)
    if top < 0.3:
        fallback = declared if declared in scores else ("utf-8" if "utf-8" in scores else "latin1")
        return ColumnEncoding(column=column, encoding=fallback, scores=scores, words=words, uncertain=True, source=source)
    tied = [k for k in candidates if k in scores and scores[k] >= top - _TIE]
    choice = declared if declared in tied else tied[0]
    return ColumnEncoding(column=column, encoding=choice, scores=scores, words=words, source=source)
