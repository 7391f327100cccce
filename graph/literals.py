"""Typed literals whose text does not fit their datatype ("eenenvijftig"^^xsd:decimal).

RDF parsers accept them (they are well-formed RDF), but a store that then sorts, filters or maps
them returns nonsense or nothing. Readers of outside files (term lists) refuse them by name.
Only the XSD types our data uses are checked; any other datatype passes.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from erfgoed.graph.namespaces import PREFIXES

XSD = PREFIXES["xsd"]
_DATE = r"-?\d{4,}-\d{2}-\d{2}"
_ZONE = r"(Z|[+-]\d{2}:\d{2})?"
LEXICAL: dict[str, re.Pattern[str]] = {XSD + name: re.compile(pattern + r"\Z") for name, pattern in {
    "decimal": r"[+-]?(\d+(\.\d*)?|\.\d+)",
    "integer": r"[+-]?\d+",
    "nonNegativeInteger": r"\+?\d+",
    "positiveInteger": r"\+?0*[1-9]\d*",
    "int": r"[+-]?\d+",
    "long": r"[+-]?\d+",
    "double": r"([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN)",
    "float": r"([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN)",
    "boolean": r"(true|false|1|0)",
    "date": _DATE + _ZONE,
    "dateTime": _DATE + r"T\d{2}:\d{2}:\d{2}(\.\d+)?" + _ZONE,
    "gYear": r"-?\d{4,}" + _ZONE,
    "gYearMonth": r"-?\d{4,}-\d{2}" + _ZONE,
    "anyURI": r"[^\s<>\"{}|\\^`]*",
}.items()}


def ill_typed(literal: ox.Literal) -> bool:
    """Whether the literal's text is not a value of its (checked) datatype."""
    pattern = LEXICAL.get(literal.datatype.value)
    return pattern is not None and pattern.match(literal.value.strip()) is None


def first_ill_typed(triples) -> ox.Triple | None:  # noqa: ANN001 - any iterable of triples or quads
    """The first triple whose object is an ill-typed literal, else None."""
    return next((t for t in triples if isinstance(t.object, ox.Literal) and ill_typed(t.object)), None)
