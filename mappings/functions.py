"""SPARQL extension functions for mapping queries: the transforms SPARQL cannot express itself.

Called in a mapping as `erf:date-edtf(?datering)`; each takes and returns RDF terms, and returns
None (leaving the variable unbound) when there is nothing to say. Values that are present but
malformed are *kept*, typed as what they claim to be, so the SHACL shapes report them instead
of the mapping silently dropping them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import pyoxigraph as ox

from erfgoed.graph.namespaces import EDTF_DATATYPE, PREFIXES, XSD
from erfgoed.graph.uris import Minter, slug
from erfgoed.mappings.dates import ParsedDate, parse_date

ERF = PREFIXES["erf"]
WEB_URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+\Z", re.I)
NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)\Z")


def _text(term: object) -> str | None:
    if isinstance(term, ox.Literal):
        value = term.value.strip()
        return value or None
    return None


def _slug(term: object) -> ox.Literal | None:
    t = _text(term)
    return ox.Literal(slug(t)) if t else None


def _edtf(term: object) -> ox.Literal | None:
    p = parse_date(_text(term))
    return ox.Literal(p.edtf, datatype=EDTF_DATATYPE) if p else None


ISO_DATE = re.compile(r"(-?\d{4})(-\d{2}(-\d{2})?)?\Z")


def _parse(term: object):
    """A registrar's date, or an ISO 8601 date as LIDO's earliestDate/latestDate give them."""
    t = _text(term)
    m = ISO_DATE.match(t) if t else None
    if m:
        return ParsedDate(edtf=t, begin=int(m.group(1)), end=int(m.group(1)))
    return parse_date(t)


def _edtf_range(earliest: object, latest: object) -> ox.Literal | None:
    """EDTF of an earliest/latest pair: '1601/1620', or one date when both are the same."""
    a, b = _parse(earliest), _parse(latest)
    if a and b:
        text = a.edtf if a.edtf == b.edtf else f"{a.edtf}/{b.edtf}"
    elif a or b:
        text = (a or b).edtf
    else:
        return None
    return ox.Literal(text, datatype=EDTF_DATATYPE)


def _year_begin(term: object) -> ox.Literal | None:
    p = _parse(term)
    return ox.Literal(f"{p.begin:04d}", datatype=XSD.gYear) if p and p.begin is not None else None


def _year_end(term: object) -> ox.Literal | None:
    p = _parse(term)
    return ox.Literal(f"{p.end:04d}", datatype=XSD.gYear) if p and p.end is not None else None


def _decimal(term: object) -> ox.Literal | None:
    t = _text(term)
    if t is None:
        return None
    if NUMBER.match(t):
        t = t.replace(",", ".")
    return ox.Literal(t, datatype=XSD.decimal)  # ill-typed when not a number: shapes report it


def _web_iri(term: object) -> ox.NamedNode | ox.Literal | None:
    t = _text(term)
    if t is None:
        return None
    if WEB_URL.match(t):
        try:
            return ox.NamedNode(t)
        except ValueError:
            pass
    return ox.Literal(t, datatype=XSD.anyURI)  # not a web address: shapes report it


def _hash(*terms: object) -> ox.Literal:
    """8 hex digits (CRC32) of the values: a short, content-based key for nodes inside a record
    (UiTdatabank names its price/contact/period nodes this way)."""
    import zlib

    text = "\x1f".join(t.value if hasattr(t, "value") else "" for t in terms)
    return ox.Literal(f"{zlib.crc32(text.encode()):08x}")


def functions(minter: Minter, dataset: str) -> dict[ox.NamedNode, Callable[..., object]]:
    """The functions available to mapping queries, bound to one deployment and dataset.

    All are pure, and called once per solution with the same few values (every row mints its
    makers and materials again), so each is memoised."""

    def mint(kind: object, key: object) -> ox.NamedNode | None:
        k, v = _text(kind), _text(key)
        return ox.NamedNode(minter.entity(k, dataset, v)) if k and v else None

    def mint_slug(kind: object, key: object) -> ox.NamedNode | None:
        k, v = _text(kind), _text(key)
        return ox.NamedNode(minter.entity(k, dataset, slug(v))) if k and v else None

    table: dict[str, Callable[..., object]] = {
        "slug": _slug,
        "date-edtf": _edtf,
        "date-begin": _year_begin,
        "date-end": _year_end,
        "edtf-range": _edtf_range,  # erf:edtf-range(?earliest, ?latest) -> "1601/1620"
        "hash": _hash,              # erf:hash(?a, ?b, ...) -> "1cb41cc5"
        "decimal": _decimal,
        "web-iri": _web_iri,
        "mint": mint,            # erf:mint("object", ?id) -> <base>/id/object/<dataset>/<id>
        "mint-slug": mint_slug,  # erf:mint-slug("actor", ?name) -> .../actor/<dataset>/<slug>
    }
    return {ox.NamedNode(ERF + name): lru_cache(maxsize=1 << 16)(fn) for name, fn in table.items()}
