"""The alignment queue in the browser: one term at a time with its ranked candidates, the curator's
decisions (accept as exact/close/broad/narrow/related, reject, no match, undo) and bulk accept.

Plain HTML forms that work without JavaScript (POST, then 303 back to the queue); api/static/queue.js
adds the keyboard and posts the same forms with `Accept: application/json`, getting `{"next": url}`.
Every decision records the logged-in curator as author, the time, and the "why" they typed.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from erfgoed.api import auth
from erfgoed.api.align_queue import Filters, Queue, neighbours
from erfgoed.api.reconcile import network
from erfgoed.api.ui import alignments, page, who
from erfgoed.errors import UserError
from erfgoed.graph.terms import lists
from erfgoed.graph.terms.records import RELATIONS
from erfgoed.harvesters.authorities import KINDS

router = APIRouter(include_in_schema=False)
MESSAGES = {"decided": "queue.decided", "undone": "queue.undone", "nothing": "queue.nothing_to_undo"}


def _list(request: Request, list_id: str) -> dict:
    net = network(request)
    summary = lists.summary(net.store, net.minter, list_id)
    if summary is None:
        raise HTTPException(404, f"no term list '{list_id}'")
    return summary


def _queue(request: Request, list_id: str) -> Queue:
    return Queue(network(request), alignments(request), list_id)


def _url(list_id: str, filters: Filters, **extra: str) -> str:
    params = filters.query(**extra)
    return f"/ui/terms/{list_id}/align" + (f"?{urlencode(params)}" if params else "")


def _filters(values) -> Filters:
    return Filters.parse(values.get("show", ""), values.get("source", ""), values.get("kind", ""),
                         values.get("min", ""))


@router.get("/ui/terms/{list_id}/align", response_class=HTMLResponse)
def queue_page(request: Request, list_id: str, term: str = "", q: str = "", msg: str = "", n: int = 0
               ) -> Response:
    user = auth.require_curator(request)
    summary, queue = _list(request, list_id), _queue(request, list_id)
    filters = _filters(request.query_params)
    terms = queue.terms(filters)
    visible = queue.visible(terms, filters)
    prev, current, nxt = neighbours(terms, visible, term)
    if current is None and term:  # asked for a term the filter hides: show it anyway
        current = next((t for t in terms if t.uri == term), None)
    shown, unavailable = queue.candidates(current, filters, q) if current else ([], {})
    sources = queue.sources()
    default_authority = filters.source or (shown[0].candidate.entry.source if shown else "") or \
        _fitting_authority(request, current.entry.kind if current else "concept")
    mine = network(request).minter.curator(user.name)
    done = sum(1 for t in terms if t.status != "open")
    return page(request, "queue.html", tl=summary, filters=filters, terms=terms, visible=visible,
                current=current, prev=prev, next=nxt, shown=shown, unavailable=unavailable, q=q,
                sources=sources, kinds=KINDS, relations=list(RELATIONS), done=done,
                default_authority=default_authority, message=MESSAGES.get(msg, ""),
                bulk_done=n if msg == "bulk" else None,
                position=(visible.index(current) + 1) if current in visible else 0,
                url=lambda **extra: _url(list_id, filters, **extra),
                hidden=filters.query(), who=who, mine=mine,
                can_undo=any(mine in d.authors for t in terms for d in t.decisions))


def _fitting_authority(request: Request, kind: str) -> str:
    """The authority a "no match" most likely concerns: the first that holds this kind of thing."""
    return next((s.source for s in network(request).sources() if kind in s.kinds), "aat")


async def _posted(request: Request, list_id: str):
    """The curator and their form, after the CSRF check, for a list that exists."""
    user, form = await auth.curator_form(request)
    _list(request, list_id)
    return user, form


def _own_term(entry, term: str, list_id: str) -> None:
    if entry is None or entry.source != f"list:{list_id}":
        raise HTTPException(400, f"'{term}' is not a term of list '{list_id}'")


def _answer(request: Request, next_url: str, message: str) -> Response:
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"ok": True, "next": next_url, "message": message})
    return RedirectResponse(next_url, status_code=303)


def _fail(request: Request, exc: UserError) -> Response:
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"ok": False, "error": str(exc)}, status_code=400)
    raise HTTPException(400, str(exc))


@router.post("/ui/terms/{list_id}/decide")
async def decide(request: Request, list_id: str) -> Response:
    user, form = await _posted(request, list_id)
    filters = _filters(form)
    term, comment = str(form.get("term", "")), str(form.get("comment", ""))
    entry = network(request).entry(term) if term.startswith(("http://", "https://")) else None
    _own_term(entry, term, list_id)
    action, _, rest = str(form.get("do", "")).partition(" ")
    score, _, target = rest.partition(" ")
    al = alignments(request)
    try:
        if action in RELATIONS:
            number = score.replace(".", "", 1).isdigit()
            confidence = min(1.0, max(0.0, float(score) / 100)) if number else None
            al.accept(term, target, action, author=user.name, comment=comment, confidence=confidence)
        elif action == "reject":
            al.reject(term, target, author=user.name, comment=comment)
        elif action == "nomatch":
            al.no_match(term, str(form.get("authority", "")), author=user.name, comment=comment)
        else:
            raise HTTPException(400, f"unknown action '{action}' (exact, close, broad, narrow, related, "
                                     "reject, nomatch)")
    except UserError as exc:
        return _fail(request, exc)
    # a rejected candidate leaves the others to choose from: stay; otherwise on to the next term
    if action == "reject":
        return _answer(request, _url(list_id, filters, term=term, msg="decided"), "decided")
    return _answer(request, _next_url(request, list_id, filters, term), "decided")


def _next_url(request: Request, list_id: str, filters: Filters, term: str) -> str:
    queue = _queue(request, list_id)
    terms = queue.terms(filters)
    _, _, nxt = neighbours(terms, queue.visible(terms, filters), term)
    return _url(list_id, filters, term=nxt.uri if nxt else "", msg="decided")


@router.post("/ui/terms/{list_id}/undo")
async def undo(request: Request, list_id: str) -> Response:
    """Undo one decision (`record`), or else the curator's latest current decision in this list."""
    user, form = await _posted(request, list_id)
    filters, al = _filters(form), alignments(request)
    record = str(form.get("record", ""))
    if not record:
        mine = al.minter.curator(user.name)
        latest = sorted((d for d in al.current_for_list(list_id) if mine in d.authors),
                        key=lambda d: d.sort_key())
        if not latest:
            return _answer(request, _url(list_id, filters, msg="nothing"), "nothing")
        record = latest[-1].record
    try:
        undone = al.undo(record, by=user.name)
    except UserError as exc:
        return _fail(request, exc)
    return _answer(request, _url(list_id, filters, term=undone.subject, msg="undone"), "undone")


@router.get("/ui/terms/{list_id}/bulk", response_class=HTMLResponse)
def bulk_review(request: Request, list_id: str) -> Response:
    auth.require_curator(request)
    summary, filters = _list(request, list_id), _filters(request.query_params)
    threshold = filters.min_score or 95.0
    queue = _queue(request, list_id)
    proposals, capped = queue.bulk_proposals(filters, threshold)
    return page(request, "bulk.html", tl=summary, filters=filters, threshold=threshold, proposals=proposals,
                capped=capped, hidden=filters.query(), back=_url(list_id, filters), sources=queue.sources())


@router.post("/ui/terms/{list_id}/bulk")
async def bulk_accept(request: Request, list_id: str) -> Response:
    user, form = await _posted(request, list_id)
    net, pairs = network(request), []
    for value in form.getlist("pair"):
        term, _, rest = str(value).partition(" ")
        target, _, score = rest.partition(" ")
        _own_term(net.entry(term), term, list_id)
        try:
            pairs.append((term, target, min(1.0, max(0.0, float(score) / 100))))
        except ValueError:
            raise HTTPException(400, f"bad score in '{value}'") from None
    try:
        stored = alignments(request).bulk_accept(pairs, "exact", author=user.name, justification="lexical")
    except UserError as exc:
        return _fail(request, exc)
    filters = _filters(form)
    return _answer(request, _url(list_id, filters, msg="bulk", n=str(len(stored))), "bulk")
