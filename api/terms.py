"""Term lists over HTTP: the lists (JSON), downloads, and their URIs dereferenced.

`/terms`, `/terms/{list}` (JSON, or `?format=ttl|rdf|jsonld|nt|csv` as a download) and the linked-data
URIs `/id/termlist/{list}` and `/id/term/{list}/{id}`, negotiated by `Accept` (or `?format=`):
HTML for browsers; Turtle, JSON-LD, RDF/XML, N-Triples for programs (Turtle when anything goes).
Concepts that kept their institution's own URI (SKOS imports) are dereferenced by that institution.
"""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from erfgoed.api.negotiation import negotiate, not_acceptable, rdf_response
from erfgoed.api.render import render
from erfgoed.api.ui import link
from erfgoed.errors import UserError
from erfgoed.graph.namespaces import PREFIXES
from erfgoed.graph.terms import lists
from erfgoed.graph.terms.export import FORMAT_NAMES, MEDIA_TYPES, export_list
from erfgoed.graph.terms.quality import read_report
from erfgoed.graph.uris import Minter

router = APIRouter()
SKOS = PREFIXES["skos"]
PAGE_LIMIT = 2000  # concepts on a list's HTML page; the downloads hold them all


def _minter(request: Request) -> Minter:
    return Minter(request.app.state.config.base_uri)


def _known(request: Request, list_id: str) -> dict:
    summary = lists.summary(request.app.state.store, _minter(request), list_id)
    if summary is None:
        raise HTTPException(404, f"no term list '{list_id}'")
    return summary


@router.get("/terms", summary="All term lists: id, title, size")
def term_lists(request: Request) -> list[dict]:
    return lists.summaries(request.app.state.store, _minter(request))


@router.get("/terms/{list_id}", summary="One term list with its concepts (JSON), or a download "
                                        "(?format=ttl|rdf|jsonld|nt|csv)")
def term_list(request: Request, list_id: str, format: str | None = None) -> Response:
    summary = _known(request, list_id)
    store, minter = request.app.state.store, _minter(request)
    if format:
        if format not in MEDIA_TYPES:
            raise HTTPException(400, f"format '{format}' is not one of {', '.join(MEDIA_TYPES)}")
        body = export_list(store, minter, list_id, format)
        return Response(body, media_type=MEDIA_TYPES[format] + ("; charset=utf-8" if format == "csv" else ""),
                        headers={"Content-Disposition": f'attachment; filename="{list_id}.{format}"'})
    concepts = []
    for e in lists.entries(store, minter, list_id):
        item = {k: v for k, v in asdict(e).items() if v not in ("", None, [], {}) and k != "source"}
        item["label"] = e.pref_label()
        concepts.append(item)
    full = read_report(request.app.state.config, list_id)
    quality = {k: full[k] for k in ("findings", "by_check", "by_severity")} if full else None
    return JSONResponse({**summary, "quality": quality,
                         "downloads": {f: f"/terms/{list_id}?format={f}" for f in MEDIA_TYPES},
                         "concepts": sorted(concepts, key=lambda c: lists.label_key(c["label"]))})


@router.get("/terms/{list_id}/mappings", summary="A list's curated mappings (who, when, why): "
                                                 "?format=sssom (SSSOM/TSV, default) or ttl (SKOS)")
def term_list_mappings(request: Request, list_id: str, format: str = "sssom") -> Response:
    import io

    from erfgoed.graph.terms.alignments import Alignments
    from erfgoed.graph.terms.mapping_sets import export_sssom

    _known(request, list_id)
    alignments = Alignments(request.app.state.store, _minter(request))
    if format == "ttl":
        return Response(alignments.skos_turtle(list_id), media_type="text/turtle",
                        headers={"Content-Disposition": f'attachment; filename="{list_id}-mappings.ttl"'})
    if format != "sssom":
        raise HTTPException(400, f"format '{format}' is not one of sssom, ttl")
    out = io.StringIO()
    export_sssom(alignments, list_id, out)
    return Response(out.getvalue(), media_type="text/tab-separated-values; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{list_id}.sssom.tsv"'})


@router.get("/id/termlist/{list_id}", summary="A term list's URI (content negotiation)")
def termlist_uri(request: Request, list_id: str) -> Response:
    summary = _known(request, list_id)
    fmt = negotiate(request)
    if fmt is None:
        return not_acceptable()
    store, minter = request.app.state.store, _minter(request)
    if fmt != "html":
        return rdf_response(lists.describe(store, minter, list_id, summary["uri"]), fmt)
    items = [{"uri": e.uri, "link": link(request, e.uri), "label": e.pref_label(),
              "notation": e.notation, "broader": [b[1] for b in e.broader]}
             for e in lists.entries(store, minter, list_id)]
    items.sort(key=lambda i: lists.label_key(i["label"]))
    html = render("termlist.html", tl=summary, concepts=items[:PAGE_LIMIT], shown=min(len(items), PAGE_LIMIT),
                  downloads=[(FORMAT_NAMES[f], f"/terms/{list_id}?format={f}") for f in MEDIA_TYPES])
    return HTMLResponse(html, headers={"Vary": "Accept"})


@router.get("/id/term/{list_id}/{local_id:path}", summary="A concept's URI (content negotiation)")
def term_uri(request: Request, list_id: str, local_id: str) -> Response:
    summary = _known(request, list_id)
    store, minter = request.app.state.store, _minter(request)
    uri = minter.term(list_id, local_id)
    triples = lists.describe(store, minter, list_id, uri)
    if not any(t.subject.value == uri for t in triples):
        raise HTTPException(404, f"no concept '{local_id}' in term list '{list_id}'")
    fmt = negotiate(request)
    if fmt is None:
        return not_acceptable()
    if fmt != "html":
        return rdf_response(triples, fmt)
    try:
        entry = next(e for e in lists.entries_of(triples, list_id) if e.uri == uri)
    except (StopIteration, UserError):
        raise HTTPException(404, f"no concept '{local_id}' in term list '{list_id}'") from None
    links = {name: [(link(request, u), label) for u, label in
                    lists.neighbours(store, minter, list_id, uri, SKOS + "broader", inverse=inverse)]
             for name, inverse in (("broader", False), ("narrower", True))}
    return HTMLResponse(render("term.html", tl=summary, e=entry, uri=uri, label=entry.pref_label(),
                               links=links, list_link=link(request, summary["uri"])),
                        headers={"Vary": "Accept"})
