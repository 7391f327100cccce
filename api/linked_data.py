"""Every minted URI dereferenced, and the dataset descriptions.

`GET /id/...` (term lists and terms: api/terms.py): HTML for browsers, Turtle, N-Triples, JSON-LD
(compacted with our own context, built from graph/namespaces.py's prefixes, so nothing is fetched
at request time), RDF/XML - by `Accept`, by a suffix (`.ttl`, `.nt`, `.jsonld`, `.rdf`, `.html`)
or by `?format=`. 404 for a URI never minted, 410 Gone for a removed record, 403 with the reason for
an entity of a dataset whose licence does not allow "public" (the meta graph, which is public
provenance, already says the dataset exists, so hiding it behind a 404 would hide nothing).
`GET /.well-known/void`: the DCAT catalog and VoID descriptions of everything public.
"""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from erfgoed.api.negotiation import (
    SUFFIXES,
    negotiate,
    negotiate_rdf,
    not_acceptable,
    rdf_body,
    respond,
    split_suffix,
)
from erfgoed.api.ui import link, page
from erfgoed.graph.describe import Description, describe
from erfgoed.graph.namespaces import PREFIXES
from erfgoed.graph.void import description

router = APIRouter()
CONTEXT = dict(PREFIXES)  # JSON-LD context and Turtle prefixes: every vocabulary we write


def _short(uri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if uri.startswith(ns) and len(uri) > len(ns):
            return f"{prefix}:{uri[len(ns):]}"
    return uri


def _headers(d: Description) -> dict[str, str]:
    if not d.modified:
        return {}
    try:
        when = dt.datetime.fromisoformat(d.modified.replace("Z", "+00:00"))
    except ValueError:
        return {}
    return {"Last-Modified": format_datetime(when.astimezone(dt.UTC), usegmt=True)}


def _html(request: Request, d: Description, path: str) -> Response:
    def obj(o) -> dict:
        if isinstance(o, ox.NamedNode):
            return {"iri": o.value, "label": d.labels.get(o.value, "")}
        return {"text": o.value, "lang": getattr(o, "language", None)}

    own = sorted(d.triples, key=lambda t: (t.subject.value != d.uri, t.subject.value, t.predicate.value))
    rows = [(t.subject.value, t.predicate.value, obj(t.object)) for t in own]
    incoming = sorted({(t.subject.value, t.predicate.value) for t in d.incoming})
    formats = [(name, f"{path}{suffix}") for suffix, name in
               ((".ttl", "Turtle"), (".jsonld", "JSON-LD"), (".rdf", "RDF/XML"), (".nt", "N-Triples"))]
    html = page(request, "entity.html", d=d, label=d.labels.get(d.uri) or d.uri.rsplit("/", 1)[-1],
                rows=rows, incoming=incoming, formats=formats, short=_short,
                link=lambda u: link(request, u)).body
    return respond(request, html, "html", headers=_headers(d))


def _answer(request: Request, d: Description, fmt: str, path: str) -> Response:
    if d.status == "hidden":
        return PlainTextResponse(f"{d.uri} is not published: {d.reason}", status_code=403)
    if d.status == "removed":
        return PlainTextResponse(f"{d.uri} was removed: its record is no longer published by its "
                                 "institution.", status_code=410)
    if d.status != "ok":
        return PlainTextResponse(f"{d.uri} is not a URI of this knowledge graph.", status_code=404)
    if fmt == "html":
        return _html(request, d, path)
    return respond(request, rdf_body(d.rdf(), fmt, CONTEXT), fmt, headers=_headers(d))


@router.get("/.well-known/void", summary="DCAT catalog and VoID descriptions of every public dataset "
                                         "(content negotiation; Turtle by default)")
def well_known_void(request: Request) -> Response:
    fmt = negotiate_rdf(request)
    if fmt is None:
        return not_acceptable()
    triples = description(request.app.state.store, request.app.state.config)
    return respond(request, rdf_body(triples, fmt, CONTEXT), fmt)


def dereference(request: Request) -> Response:
    """The URI this request names (its path as sent, percent-encoding kept), described."""
    state = request.app.state
    base = state.config.base_uri.rstrip("/")
    raw = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1").split("?", 1)[0]
    stem, suffix = split_suffix(raw)
    d = describe(state.store, state.config, base + raw)
    if d.status in ("unknown", "removed") and suffix:  # '.ttl' & co. name a format, not part of an id
        d = describe(state.store, state.config, base + stem)
    else:
        stem, suffix = raw, None
    fmt = negotiate(request, suffix)
    if fmt is None:
        return not_acceptable()
    return _answer(request, d, fmt, stem)


@router.get("/id/dataset/{dataset_id}", summary="A dataset: DCAT + VoID (content negotiation)")
def dataset_uri(request: Request, dataset_id: str) -> Response:
    return dereference(request)


@router.get("/id/{path:path}", summary="Any minted URI: objects, actors, concepts, productions, "
                                       "organisations, runs, mappings (content negotiation, "
                                       f"suffixes {', '.join(SUFFIXES)})")
def entity_uri(request: Request, path: str) -> Response:
    return dereference(request)
