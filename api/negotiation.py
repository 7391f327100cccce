"""Content negotiation for linked-data URIs, in one place (term URIs, entity URIs, dataset
descriptions, the LDES): `?format=`, else a format suffix on the path, else `Accept` by q-value.

HTML for browsers; Turtle, JSON-LD, RDF/XML, N-Triples for programs (Turtle when anything goes).
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import Response

from erfgoed.api.results import ALIASES
from erfgoed.graph.terms.export import MEDIA_TYPES, serialise

# our negotiation names -> export format names (graph/terms/export.py)
RDF_FORMATS = {"turtle": "ttl", "jsonld": "jsonld", "rdfxml": "rdf", "ntriples": "nt"}
HTML_TYPES = ("text/html", "application/xhtml+xml")
SUFFIXES = {".ttl": "turtle", ".nt": "ntriples", ".jsonld": "jsonld", ".rdf": "rdfxml", ".html": "html"}
OFFERED = "text/html, text/turtle, application/ld+json, application/rdf+xml, application/n-triples"


def ranked(header: str) -> list[tuple[str, float]]:
    """(value, q) of an Accept or Accept-Language header, lowercased, best first: by q-value, then
    in the order given. A q that is not a plain number is ignored (counts as 1). The one parser of
    such headers (also api/sparql.py, api/i18n.py)."""
    prefs = []
    for i, part in enumerate(header.split(",")):
        value, *opts = [p.strip().lower() for p in part.split(";")]
        q = next((float(o[2:]) for o in opts if o.startswith("q=") and o[2:].replace(".", "", 1).isdigit()),
                 1.0)
        if value:
            prefs.append((-q, i, value))
    return [(value, -q) for q, _, value in sorted(prefs)]


def negotiate(request: Request, suffix: str | None = None) -> str | None:
    """'html' or a key of RDF_FORMATS, from ?format=, a path suffix (SUFFIXES) or Accept by
    q-value; None: nothing fits."""
    explicit = request.query_params.get("format")
    if explicit:
        name = "html" if explicit.lower() == "html" else ALIASES.get(explicit.lower())
        return name if name == "html" or name in RDF_FORMATS else None
    if suffix:
        return SUFFIXES[suffix]
    prefs = [media for media, q in ranked(request.headers.get("accept", "")) if q > 0]
    if not prefs:
        return "turtle"
    for media in prefs:
        if media in HTML_TYPES:
            return "html"
        if ALIASES.get(media) in RDF_FORMATS:
            return ALIASES[media]
        if media in ("*/*", "application/*"):
            return "turtle"
        if media == "text/*":
            return "html"
    return None


def negotiate_rdf(request: Request) -> str | None:
    """As negotiate(), for resources with no HTML view: a browser gets their Turtle."""
    fmt = negotiate(request)
    return "turtle" if fmt == "html" else fmt


def split_suffix(path: str) -> tuple[str, str | None]:
    """'MAL.0002.ttl' -> ('MAL.0002', '.ttl'); a path without a known suffix comes back whole."""
    for suffix in SUFFIXES:
        if path.endswith(suffix) and len(path) > len(suffix):
            return path[: -len(suffix)], suffix
    return path, None


def media_type(fmt: str) -> str:
    return "text/html; charset=utf-8" if fmt == "html" else MEDIA_TYPES[RDF_FORMATS[fmt]]


def rdf_body(triples: list[ox.Triple], fmt: str, context: dict[str, str] | None = None) -> bytes:
    return serialise(triples, RDF_FORMATS[fmt], context)


def respond(request: Request, body: bytes | str, fmt: str, *, headers: dict[str, str] | None = None,
            status: int = 200) -> Response:
    """A negotiated answer with `Vary: Accept` and a strong ETag (If-None-Match -> 304)."""
    data = body.encode() if isinstance(body, str) else body
    etag = '"' + hashlib.sha256(data + fmt.encode()).hexdigest()[:32] + '"'
    out = {"Vary": "Accept", "ETag": etag, **(headers or {})}
    if status == 200 and etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=out)
    return Response(data, status_code=status, media_type=media_type(fmt), headers=out)


def rdf_response(triples: list[ox.Triple], fmt: str, context: dict[str, str] | None = None) -> Response:
    return Response(rdf_body(triples, fmt, context), media_type=media_type(fmt), headers={"Vary": "Accept"})


def not_acceptable() -> Response:
    return Response(f"Not available in the requested format. Offered: {OFFERED}.",
                    status_code=406, media_type="text/plain", headers={"Vary": "Accept"})
