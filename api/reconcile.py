"""The W3C Reconciliation Service API 0.2 (https://www.w3.org/community/reports/reconciliation/
CG-FINAL-specs-0.2-20230410/): one service across every source (`/reconcile`, same as
`/reconcile/all`) and one per authority or term list (`/reconcile/{source}`), as OpenRefine uses them.

Per service: the manifest (GET without parameters, §4), reconciliation queries by GET or POST
(`queries=`, §5), suggest for entities, types and properties (§7), previews (§6), and data
extension (`extend=`, §8) with property proposals. JSONP (`callback=`) for old clients; CORS is
set on the app. Candidate ids are the entities' own URIs (AAT, Wikidata, ... or ours).
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from erfgoed.api.render import render
from erfgoed.api.state import shared
from erfgoed.graph.terms.network import Source, TermNetwork
from erfgoed.harvesters.authorities import KINDS, Entry

router = APIRouter(tags=["reconciliation"])
ALL = "all"
TYPE_NAMES = {"concept": "Concept (term)", "person": "Person", "organisation": "Organisation",
              "place": "Place"}
# data extension: property id -> (name, the kinds it applies to)
PROPERTIES = {
    "prefLabel": ("preferred label", KINDS),
    "altLabel": ("alternative labels", KINDS),
    "scopeNote": ("scope note / description", KINDS),
    "broader": ("broader term / part of", KINDS),
    "type": ("type (as the source names it)", KINDS),
    "birthDate": ("date of birth", ("person",)),
    "deathDate": ("date of death", ("person",)),
    "latitude": ("latitude", ("place",)),
    "longitude": ("longitude", ("place",)),
    "country": ("country code", ("place",)),
    "exactMatch": ("same as (exactMatch)", KINDS),
}
CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")


def network(request: Request) -> TermNetwork:
    state = request.app.state
    return shared(request, "network", lambda: TermNetwork(state.store, state.config))


def _service(request: Request, source_id: str) -> tuple[TermNetwork, Source | None]:
    net = network(request)
    if source_id == ALL:
        return net, None
    found = net.source(source_id)
    if found is None:
        known = ", ".join([ALL] + [s.id for s in net.sources()])
        raise HTTPException(404, f"no reconciliation service '{source_id}' (known: {known})")
    return net, found


def _reply(request: Request, body: Any) -> Response:
    callback = request.query_params.get("callback")
    if callback:
        if not CALLBACK.match(callback):
            raise HTTPException(400, "callback must be a JavaScript identifier")
        return Response(f"{callback}({json.dumps(body)})", media_type="application/javascript")
    return JSONResponse(body)


async def _params(request: Request) -> dict[str, str]:
    params = dict(request.query_params)
    if request.method == "POST":
        form = await request.form()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params


def _json_param(params: dict[str, str], name: str) -> Any:
    try:
        return json.loads(params[name])
    except ValueError as exc:
        raise HTTPException(400, f"'{name}' is not valid JSON: {exc}") from None


def _kind(value: Any) -> str | None:
    """The type of a query: our kind ids, also given as {"id": ...} or in a list."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("id")
    if value in (None, ""):
        return None
    if value not in KINDS:
        raise HTTPException(400, f"unknown type '{value}' (types: {', '.join(KINDS)})")
    return value


# -- manifest -------------------------------------------------------------------------------------
def manifest(request: Request, net: TermNetwork, source: Source | None) -> dict:
    root = str(request.base_url).rstrip("/") + f"/reconcile/{source.id if source else ALL}"
    kinds = source.kinds if source else KINDS
    name = f"erfgoed-kg: {source.name}" if source else "erfgoed-kg: all term lists and authorities"
    return {
        "versions": ["0.2"],
        "name": name,
        "identifierSpace": net.minter.base + "/id/",
        "schemaSpace": "http://www.w3.org/2004/02/skos/core#",
        "defaultTypes": [{"id": k, "name": TYPE_NAMES[k]} for k in kinds],
        "view": {"url": "{{id}}"},
        "preview": {"url": root + "/preview?id={{id}}", "width": 420, "height": 140},
        "suggest": {
            "entity": {"service_url": root, "service_path": "/suggest/entity"},
            "type": {"service_url": root, "service_path": "/suggest/type"},
            "property": {"service_url": root, "service_path": "/suggest/property"},
        },
        "extend": {
            "propose_properties": {"service_url": root, "service_path": "/propose_properties"},
            "property_settings": [],
        },
        "batchSize": 10,
    }


# -- reconciliation -------------------------------------------------------------------------------
def _description(entry: Entry, why: str = "") -> str:
    """What OpenRefine shows under a candidate: source, life dates, note, and why it matched."""
    note = entry.notes.get("nl") or entry.notes.get("en") or next(iter(entry.notes.values()), "")
    life = f" ({entry.birth or '?'}-{entry.death or '?'})" if entry.birth or entry.death else ""
    parts = [f"[{entry.source}]{life}", note[:160]]
    if why:
        parts.append(f"- {why}")
    return " ".join(p for p in parts if p)


def _results(net: TermNetwork, source: Source | None, query: dict) -> dict:
    if not isinstance(query, dict) or not isinstance(query.get("query"), str):
        raise HTTPException(400, "every query needs a 'query' string")
    limit = query.get("limit", 10)
    if not isinstance(limit, int) or limit < 1:
        raise HTTPException(400, "'limit' must be a positive integer")
    props = {}
    for p in query.get("properties") or []:
        if isinstance(p, dict) and isinstance(p.get("pid"), str):
            v = p.get("v")
            props[p["pid"]] = v.get("id") if isinstance(v, dict) else str(v)
    found = net.match(query["query"], kind=_kind(query.get("type")),
                      sources=[source.source] if source else None,
                      limit=min(limit, 100), properties=props)
    result = [{
        "id": c.entry.uri, "name": c.entry.pref_label(), "score": c.score, "match": c.match,
        "description": _description(c.entry, c.explanation),
        "type": [{"id": c.entry.kind, "name": TYPE_NAMES[c.entry.kind]}],
        "features": [{"id": "label_score", "value": c.score}],
    } for c in found]
    # beyond the spec (clients ignore unknown keys): which sources could not be asked just now
    return {"result": result, **({"unavailable": found.unavailable} if found.unavailable else {})}


async def _reconcile(source_id: str, request: Request) -> Response:
    params = await _params(request)
    # matching (and live authority calls) block: off the event loop, so other requests go on
    return await run_in_threadpool(_answer, source_id, request, params)


def _answer(source_id: str, request: Request, params: dict[str, str]) -> Response:
    net, source = _service(request, source_id)
    if "queries" in params:
        batch = _json_param(params, "queries")
        if not isinstance(batch, dict) or len(batch) > 100:
            raise HTTPException(400, "'queries' must be an object of at most 100 queries")
        return _reply(request, {key: _results(net, source, q) for key, q in batch.items()})
    if "extend" in params:
        return _reply(request, extend(net, _json_param(params, "extend")))
    return _reply(request, manifest(request, net, source))


# One function per method: FastAPI gives a route serving both one operation id for two operations.
@router.get("/reconcile", summary="Reconciliation service of all sources: manifest, queries, extend")
async def reconcile_all_get(request: Request) -> Response:
    return await _reconcile(ALL, request)


@router.post("/reconcile", summary="Reconciliation service of all sources (form: queries / extend)")
async def reconcile_all_post(request: Request) -> Response:
    return await _reconcile(ALL, request)


@router.get("/reconcile/{source_id}", summary="Reconciliation service of one authority or term list")
async def reconcile_get(source_id: str, request: Request) -> Response:
    return await _reconcile(source_id, request)


@router.post("/reconcile/{source_id}", summary="Reconciliation service of one source (form)")
async def reconcile_post(source_id: str, request: Request) -> Response:
    return await _reconcile(source_id, request)


# -- suggest and preview ---------------------------------------------------------------------------
@router.get("/reconcile/{source_id}/suggest/entity", summary="Autocomplete entities")
def suggest_entity(source_id: str, request: Request, prefix: str = "", type: str = "") -> Response:
    net, source = _service(request, source_id)
    found = net.suggest(prefix, kind=_kind(type), source=source, limit=10)
    return _reply(request, {"result": [
        {"id": c.entry.uri, "name": c.entry.pref_label(), "description": _description(c.entry),
         "notable": [{"id": c.entry.kind, "name": TYPE_NAMES[c.entry.kind]}]} for c in found]})


@router.get("/reconcile/{source_id}/suggest/type", summary="Autocomplete types")
def suggest_type(source_id: str, request: Request, prefix: str = "") -> Response:
    _, source = _service(request, source_id)
    typed = prefix.lower()
    return _reply(request, {"result": [
        {"id": k, "name": TYPE_NAMES[k]} for k in (source.kinds if source else KINDS)
        if typed in k or typed in TYPE_NAMES[k].lower()]})


@router.get("/reconcile/{source_id}/suggest/property", summary="Autocomplete properties")
def suggest_property(source_id: str, request: Request, prefix: str = "") -> Response:
    _service(request, source_id)
    typed = prefix.lower()
    return _reply(request, {"result": [{"id": p, "name": name} for p, (name, _) in PROPERTIES.items()
                                       if typed in p.lower() or typed in name]})


@router.get("/reconcile/{source_id}/preview", response_class=HTMLResponse,
            summary="A small HTML card of one entity")
def preview(source_id: str, request: Request, id: str) -> HTMLResponse:
    net, _ = _service(request, source_id)
    entry = net.entry(id)
    if entry is None:
        raise HTTPException(404, f"unknown entity {id}")
    return HTMLResponse(render("reconcile-preview.html", e=entry, label=entry.pref_label(),
                               kind=TYPE_NAMES[entry.kind]))


# -- data extension ---------------------------------------------------------------------------------
@router.get("/reconcile/{source_id}/propose_properties", summary="Properties for data extension")
def propose_properties(source_id: str, request: Request, type: str = "", limit: int = 20) -> Response:
    _service(request, source_id)
    kind = _kind(type) if type else None
    props = [{"id": p, "name": name} for p, (name, kinds) in PROPERTIES.items()
             if kind is None or kind in kinds][:limit]
    return _reply(request, {"type": kind or "concept", "properties": props, "limit": limit})


def _values(entry: Entry, prop: str) -> list[dict]:
    if prop == "prefLabel":
        return [{"str": entry.pref_label()}]
    if prop == "altLabel":
        return [{"str": lb.text} for lb in entry.labels if lb.kind == "alt"]
    if prop == "scopeNote":
        return [{"str": t} for t in entry.notes.values()]
    if prop == "broader":
        return [{"id": uri, "name": label or uri} for uri, label in entry.broader]
    if prop == "type":
        return [{"str": t} for t in entry.types]
    if prop in ("birthDate", "deathDate"):
        value = entry.birth if prop == "birthDate" else entry.death
        if re.fullmatch(r"-?\d{4}-\d{2}-\d{2}", value or ""):
            return [{"date": value + "T00:00:00Z"}]
        return [{"str": value}] if value else []
    if prop in ("latitude", "longitude"):
        value = entry.lat if prop == "latitude" else entry.long
        return [{"float": value}] if value is not None else []
    if prop == "country":
        return [{"str": entry.country}] if entry.country else []
    if prop == "exactMatch":
        return [{"str": uri} for rel, uri in entry.matches if rel == "exactMatch"]
    return []


def extend(net: TermNetwork, query: Any) -> dict:
    if not isinstance(query, dict) or not isinstance(query.get("ids"), list) \
            or not isinstance(query.get("properties"), list):
        raise HTTPException(400, "'extend' needs 'ids' (a list) and 'properties' (a list)")
    wanted = [p.get("id") for p in query["properties"] if isinstance(p, dict)]
    unknown = [p for p in wanted if p not in PROPERTIES]
    if unknown:
        raise HTTPException(400, f"unknown properties {', '.join(map(str, unknown))} "
                                 f"(known: {', '.join(PROPERTIES)})")
    rows = {}
    for uri in query["ids"][:200]:
        entry = net.entry(str(uri))
        rows[str(uri)] = {p: (_values(entry, p) if entry else []) for p in wanted}
    return {"meta": [{"id": p, "name": PROPERTIES[p][0]} for p in wanted], "rows": rows}
