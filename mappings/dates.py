"""Dates as registrars type them ('ca. 1650', '17de eeuw', '14/05/1923') -> EDTF + year range.

EDTF (Library of Congress Extended Date/Time Format, level 0-1) keeps what the registrar meant
(approximate '~', uncertain '?', open '..', intervals '/'); the year range makes it searchable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

APPROX_YEARS = 5  # 'ca. 1650' is searched as 1645-1655

MONTHS = {m: i for i, m in enumerate(
    ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
     "oktober", "november", "december"], start=1)}
ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
CIRCA = r"(?:ca\.?|c\.|circa|±|\+/-|omstreeks|rond)\s*"
PARTS = {  # part of a century -> (first year offset, last year offset)
    "eerste helft": (0, 49), "tweede helft": (50, 99), "begin": (0, 19), "vroeg": (0, 19),
    "midden": (40, 59), "eind": (80, 99), "einde": (80, 99), "laat": (80, 99),
    "eerste kwart": (0, 24), "tweede kwart": (25, 49), "derde kwart": (50, 74),
    "laatste kwart": (75, 99), "vierde kwart": (75, 99),
}


@dataclass(frozen=True)
class ParsedDate:
    edtf: str
    begin: int | None  # None: open start ('voor 1914')
    end: int | None    # None: open end ('na 1945')


def _roman(text: str) -> int | None:
    total, prev = 0, 0
    for ch in reversed(text.lower()):
        v = ROMAN.get(ch)
        if v is None:
            return None
        total, prev = (total - v, prev) if v < prev else (total + v, v)
    return total


def _century(text: str) -> int | None:
    m = re.fullmatch(r"(\d{1,2}|[ivxlc]+)\s*(?:de|e|ste|ste)?\s*eeuw", text.strip(), re.I)
    if not m:
        return None
    token = m.group(1)
    return int(token) if token.isdigit() else _roman(token)


def _year(text: str) -> ParsedDate | None:
    text = text.strip()
    if re.fullmatch(r"\d{3,4}", text):
        y = int(text)
        return ParsedDate(f"{y:04d}", y, y)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text) or None
    if m:
        y, mo, d = map(int, m.groups())
        return _ymd(y, mo, d)
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if m:
        d, mo, y = map(int, m.groups())
        return _ymd(y, mo, d)
    m = re.fullmatch(r"(?:(\d{1,2})\s+)?([a-z]+)\s+(\d{4})", text.lower())
    if m and m.group(2) in MONTHS:
        y, mo = int(m.group(3)), MONTHS[m.group(2)]
        if m.group(1):
            return _ymd(y, mo, int(m.group(1)))
        return ParsedDate(f"{y:04d}-{mo:02d}", y, y)
    return None


def _ymd(y: int, mo: int, d: int) -> ParsedDate | None:
    import datetime

    try:
        datetime.date(y, mo, d)
    except ValueError:
        return None
    return ParsedDate(f"{y:04d}-{mo:02d}-{d:02d}", y, y)


def _single(text: str) -> ParsedDate | None:
    """One point in time, possibly approximate or uncertain, or a (part of a) century."""
    text = text.strip().rstrip(".")
    uncertain = text.endswith("?")
    text = text.rstrip("?").strip()
    approx = False
    m = re.match(CIRCA, text, re.I)
    if m and m.end() > 0:
        approx, text = True, text[m.end():]
    part = None
    for name in sorted(PARTS, key=len, reverse=True):
        if text.lower().startswith(name + " "):
            part, text = PARTS[name], text[len(name) + 1:]
            break
    century = _century(text)
    if century:
        first = (century - 1) * 100
        if part:
            begin, end = first + part[0], first + part[1]
            edtf = f"{begin:04d}/{end:04d}"
        else:
            begin, end = first, first + 99
            edtf = f"{first // 100:02d}XX"
        return ParsedDate(edtf + ("?" if uncertain and "/" not in edtf else ""), begin, end)
    if part:
        return None
    parsed = _year(text)
    if not parsed:
        return None
    mark = "%" if approx and uncertain else "~" if approx else "?" if uncertain else ""
    delta = APPROX_YEARS if approx else 0
    return ParsedDate(parsed.edtf + mark, parsed.begin - delta, parsed.end + delta)


def parse_date(text: str | None) -> ParsedDate | None:
    """Parse a registrar's date; None when it says nothing machine-readable ('onbekend')."""
    if not text:
        return None
    t = " ".join(text.split())
    low = t.lower()
    if low in {"onbekend", "unknown", "z.d.", "zd", "s.d.", "n.d.", "?", "-"}:
        return None
    m = re.fullmatch(r"(voor|vóór|before)\s+(.+)", t, re.I)
    if m:
        p = _single(m.group(2))
        return ParsedDate(f"../{p.edtf}", None, p.end) if p else None
    m = re.fullmatch(r"(na|after)\s+(.+)", t, re.I)
    if m:
        p = _single(m.group(2))
        return ParsedDate(f"{p.edtf}/..", p.begin, None) if p else None
    whole = _single(t)
    if whole:
        return whole
    # intervals: '1650-1660', '1650 - 1660', 'ca. 1900-1910', '1650/1660', '1650 tot 1660'
    m = re.fullmatch(rf"({CIRCA})?(.+?)\s*(?:-|–|/|tot)\s*(.+)", t, re.I)
    if m:
        circa = m.group(1) or ""
        a, b = _single(circa + m.group(2)), _single(circa + m.group(3))
        if a and b and a.begin <= b.end:
            return ParsedDate(f"{a.edtf}/{b.edtf}", a.begin, b.end)
    return None
