"""The public SPARQL 1.1 Protocol endpoint: read-only, time-limited, result-capped.

GET ?query=, POST form (query=) and POST application/sparql-query; the result format is chosen by
`format=`/`output=` (as SPARQLWrapper and many clients send) or else by the Accept header.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from erfgoed.api.negotiation import ranked
from erfgoed.api.results import ALIASES, GRAPH_TYPES, TABLE_TYPES, write_boolean, write_graph, write_table
from erfgoed.api.sparql_workers import QueryTimeout as WorkerTimeout
from erfgoed.api.sparql_workers import QueryWorkers, WorkersBusy

router = APIRouter()
_running = asyncio.Semaphore(4)  # queries that may occupy worker threads at once
_starting = threading.Lock()


class QueryTimeout(Exception):
    pass


def _wanted(request: Request, params: dict) -> list[str]:
    """Our format names in order of preference (format=/output= first, then Accept by q-value).

    Clients repeat these parameters and put media type lists in them (SPARQLWrapper sends
    format=json-ld&format=application/ld+json,application/x-json+ld), so all values count.
    """
    explicit = [v.strip().lower() for key in ("format", "output")
                for value in request.query_params.getlist(key) + [params.get(f"_{key}", "")]
                for v in value.split(",") if v.strip()]
    if params.get("format") and not request.query_params.getlist("format"):
        explicit.append(params["format"].lower())  # sent as a form field
    known = [ALIASES[v] for v in explicit if v in ALIASES]
    if known:
        return known
    return [ALIASES.get(m, "*" if m in ("*/*", "application/*", "text/*") else m)
            for m, _ in ranked(request.headers.get("accept", ""))]


def _choose(wanted: list[str], options: dict, default: str) -> str | None:
    if not wanted:
        return default
    for w in wanted:
        if w == "*":
            return default
        if w in options:
            return w
    return None


def execute(store, text: str, wanted: list[str], max_results: int, deadline: float, base: str = ""):
    """Runs in a worker thread: (body, media type, truncated) or raises. Datasets whose licence
    does not allow "public" are left out (graph/publication.py)."""
    from erfgoed.graph.publication import public_query

    result = public_query(store, base, text) if base else store.query(text)
    if isinstance(result, ox.QueryBoolean):
        fmt = _choose(wanted, TABLE_TYPES, "json")
        if fmt is None:
            return None, None, False
        return write_boolean(bool(result), fmt), TABLE_TYPES[fmt], False
    rows, truncated = [], False
    for item in result:
        if len(rows) >= max_results:
            truncated = True
            break
        if time.monotonic() > deadline:
            # pyoxigraph objects must be dropped on this thread, not by whoever holds the
            # traceback of the exception
            result = item = rows = None
            raise QueryTimeout
        rows.append(item)
    if isinstance(result, ox.QuerySolutions):
        fmt = _choose(wanted, TABLE_TYPES, "json")
        if fmt is None:
            return None, None, False
        variables = [v.value for v in result.variables]
        table = [[sol[v] for v in variables] for sol in rows]
        return write_table(variables, table, fmt), TABLE_TYPES[fmt], truncated
    fmt = _choose(wanted, GRAPH_TYPES, "turtle")
    if fmt is None:
        return None, None, False
    return write_graph(rows, fmt), GRAPH_TYPES[fmt][0], truncated


async def _answer(request: Request, text: str | None, params: dict) -> Response:
    if params.get("update") is not None:
        return _refuse_update()
    if not text:
        return PlainTextResponse("Missing 'query' parameter (SPARQL 1.1 Protocol).", 400)
    if params.get("default-graph-uri") or params.get("named-graph-uri"):
        return PlainTextResponse("default-graph-uri and named-graph-uri are not supported: the "
                                 "default graph is the union of all published records.", 400)
    state = request.app.state
    timeout, cap = state.config["sparql.timeout_seconds"], state.config["sparql.max_results"]
    deadline = time.monotonic() + timeout
    wanted = _wanted(request, params)
    workers = _workers(request)
    async with _running:
        try:
            if workers is not None:  # a process that is killed at the limit
                body, media, truncated = await run_in_threadpool(
                    workers.run, text, wanted, cap, state.config.base_uri, timeout)
            else:  # a thread: answered 503 at the limit, but runs on until the query ends
                body, media, truncated = await asyncio.wait_for(
                    run_in_threadpool(execute, state.store, text, wanted, cap, deadline,
                                      state.config.base_uri),
                    timeout)
        except WorkersBusy:
            return PlainTextResponse(f"All query workers stayed busy for {timeout:g} s; try again later.",
                                     503,
                                     headers={"Retry-After": "5"})
        except RuntimeError as exc:
            return PlainTextResponse(f"The query failed: {exc}", 500)
        except SyntaxError as exc:
            return PlainTextResponse(f"SPARQL syntax error: {exc}", 400)
        except PermissionError as exc:
            return PlainTextResponse(f"{exc}.", 503)
        except (TimeoutError, QueryTimeout, WorkerTimeout):
            return PlainTextResponse(f"The query took longer than the limit of {timeout:g} s. "
                                     "Narrow it down (LIMIT, more specific patterns).", 503)
    if body is None:
        return PlainTextResponse(
            "None of the accepted formats fits this query. SELECT/ASK: "
            f"{', '.join(TABLE_TYPES.values())}; CONSTRUCT/DESCRIBE: "
            f"{', '.join(v[0] for v in GRAPH_TYPES.values())}.", 406)
    headers = {"Vary": "Accept"}
    if truncated:
        headers["X-Result-Truncated"] = f"results cut at {cap}"
    return Response(body, media_type=media, headers=headers)


def _workers(request: Request) -> QueryWorkers | None:
    """The app's query processes (made on first use), or None: `sparql.workers` = 0, or a store
    that is not an embedded one on this machine."""
    state = request.app.state
    if getattr(state, "sparql_workers", None) is None:
        size, location = state.config["sparql.workers"], getattr(state.store, "location", "")
        lock = getattr(state.store, "write_lock", None)
        if size <= 0 or lock is None or not os.path.isdir(location or ""):
            return None
        with _starting:
            if getattr(state, "sparql_workers", None) is None:
                state.sparql_workers = QueryWorkers(location, size, lock)
    return state.sparql_workers


def _refuse_update() -> Response:
    return PlainTextResponse("SPARQL Update is not allowed on the public endpoint; data "
                             "changes go through ingest and harvest.", 403)


@router.get("/sparql", summary="SPARQL 1.1 query (GET)")
async def sparql_get(request: Request) -> Response:
    params = dict(request.query_params)
    return await _answer(request, params.get("query"), params)


@router.post("/sparql", summary="SPARQL 1.1 query (POST form or direct body)")
async def sparql_post(request: Request) -> Response:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    params = dict(request.query_params)
    if ctype == "application/sparql-update":
        return _refuse_update()
    if ctype == "application/sparql-query":
        body = await request.body()
        try:
            return await _answer(request, body.decode("utf-8"), params)
        except UnicodeDecodeError:
            return PlainTextResponse("The query must be UTF-8.", 400)
    if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
        return await _answer(request, params.get("query"), params)
    return PlainTextResponse("POST a query as application/x-www-form-urlencoded (query=...) or "
                             "as application/sparql-query.", 415)
