"""The LDES of each dataset over HTTP (graph/ldes_out.py builds it): `/ldes/{dataset}` (the
EventStream and its view) and `/ldes/{dataset}/{page}`. Turtle unless asked otherwise.

Full pages: `Cache-Control: public, max-age=31536000, immutable`. The stream and the newest page:
`Cache-Control: no-cache` with an ETag, so a follower asks again and mostly gets 304 Not Modified.
Page links use this server's address (the stream may be served under another host than the base
URI); members and entities keep their URIs.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from erfgoed.api.linked_data import CONTEXT
from erfgoed.api.negotiation import negotiate_rdf, not_acceptable, rdf_body, respond
from erfgoed.graph import ldes_out
from erfgoed.graph.publication import PUBLIC, Reason, refused
from erfgoed.graph.uris import Minter

router = APIRouter()
IMMUTABLE = "public, max-age=31536000, immutable"


def _check(request: Request, dataset: str) -> Minter:
    state = request.app.state
    why = refused(state.store, state.config.base_uri, dataset, PUBLIC)
    if why:
        raise HTTPException(404 if why.reason is Reason.NO_DATASET else 403, why.message)
    return Minter(state.config.base_uri)


def _page_url(request: Request, dataset: str, k: int) -> str:
    return str(request.base_url).rstrip("/") + f"/ldes/{dataset}/{k}"


@router.get("/ldes/{dataset}", summary="A dataset's LDES: the EventStream and its view")
def event_stream(request: Request, dataset: str) -> Response:
    minter = _check(request, dataset)
    fmt = negotiate_rdf(request)  # no HTML view of a stream: its Turtle
    if fmt is None:
        return not_acceptable()
    triples = ldes_out.stream(minter, dataset, _page_url(request, dataset, 0))
    return respond(request, rdf_body(triples, fmt, CONTEXT), fmt, headers={"Cache-Control": "no-cache"})


@router.get("/ldes/{dataset}/{page}", summary="One page of a dataset's LDES (full pages are immutable)")
def stream_page(request: Request, dataset: str, page: int) -> Response:
    minter = _check(request, dataset)
    fmt = negotiate_rdf(request)  # no HTML view of a stream: its Turtle
    if fmt is None:
        return not_acceptable()
    state = request.app.state
    size = state.config["ldes.page_size"]
    built = ldes_out.page(state.store, minter, dataset, page, size, _page_url(request, dataset, page),
                          _page_url(request, dataset, page + 1))
    if built is None:
        raise HTTPException(404, f"the stream of dataset '{dataset}' has no page {page} (yet).")
    triples, immutable = built
    triples += ldes_out.stream(minter, dataset, _page_url(request, dataset, 0))[:4]  # paths, on every page
    return respond(request, rdf_body(triples, fmt, CONTEXT), fmt,
                   headers={"Cache-Control": IMMUTABLE if immutable else "no-cache"})
