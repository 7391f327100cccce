"""The actor databank in the browser: the review queue of proposed merges, one page per proposal
(the two source actors side by side with the reasons), a page per canonical actor (works,
productions and roles across institutions, its records and authorities, the decisions about it),
and the curator's actions: merge, keep apart, split a record off, undo.

Every action is a decision record (graph/actors/decisions.py) with the logged-in curator, the time
and the "why"; then the clusters it touches are resolved again so the change shows at once. `/ui/actors/{key}`
also answers Turtle, N-Triples or JSON-LD (by `Accept` or `?format=`), the canonical actor as stored.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from erfgoed.api import auth
from erfgoed.api.ui import page
from erfgoed.errors import UserError
from erfgoed.graph.actors import views
from erfgoed.graph.actors.decisions import ActorDecisions
from erfgoed.graph.actors.incremental import apply_decisions
from erfgoed.graph.terms.records import NEGATED
from erfgoed.graph.uris import Minter

router = APIRouter(include_in_schema=False)
RDF_FORMATS = {"ttl": ("text/turtle", "turtle"), "nt": ("application/n-triples", "n-triples"),
               "jsonld": ("application/ld+json", "json-ld")}


def _minter(request: Request) -> Minter:
    return Minter(request.app.state.config.base_uri)


def _resolve(request: Request, uris: list[str]) -> None:
    """The decision's clusters only, not the whole store (graph/actors/incremental.py)."""
    config = request.app.state.config
    apply_decisions(request.app.state.store, _minter(request), uris, merge=config["actors.merge_threshold"],
                    review=config["actors.review_threshold"])


@router.get("/ui/actors", response_class=HTMLResponse)
def queue(request: Request, msg: str = "", n: int = 1) -> Response:
    """The review queue, strongest proposals first, `views.PAGE_SIZE` a page."""
    auth.require_curator(request)
    store, minter, size = request.app.state.store, _minter(request), views.PAGE_SIZE
    total = views.count_proposals(store, minter)
    last = max(1, -(-total // size))
    n = min(max(1, n), last)
    found = views.proposals(store, minter, offset=(n - 1) * size, limit=size)
    return page(request, "actors.html", proposals=found, message="actors.decided" if msg else "",
                link=lambda p: "/ui/actors/proposal?" + urlencode({"a": p.a.uri, "b": p.b.uri}),
                n=n, last=last, total=total)


@router.get("/ui/actors/proposal", response_class=HTMLResponse)
def proposal(request: Request, a: str, b: str) -> Response:
    auth.require_curator(request)
    store, minter = request.app.state.store, _minter(request)
    shown = next(iter(views.proposals(store, minter, pair=(a, b))), None)
    if shown is None:  # decided meanwhile, or asked by hand: show the two anyway, without a score
        actors = views.source_actors(store, minter, [a, b])
        if not any(x.names for x in actors.values()):
            raise HTTPException(404, "no such actors")
        shown = views.Proposal("", actors[a], actors[b], 0.0, [])
    return page(request, "actor_pair.html", p=shown, key_of=lambda uri: minter.agent_key(uri) or "")


@router.post("/ui/actors/decide")
async def decide(request: Request) -> Response:
    user, form = await auth.curator_form(request)
    a, b, comment = str(form.get("a", "")), str(form.get("b", "")), str(form.get("comment", ""))
    action = str(form.get("do", ""))
    decisions = ActorDecisions(request.app.state.store, _minter(request))
    try:
        score = float(form.get("score") or 0) or None
        if action == "merge":
            decisions.merge(a, b, author=user.name, comment=comment, score=score)
        elif action == "apart":
            decisions.keep_apart(a, b, author=user.name, comment=comment, score=score)
        else:
            raise HTTPException(400, f"unknown action '{action}' (merge, apart)")
    except (UserError, ValueError) as exc:
        raise HTTPException(400, str(exc)) from None
    _resolve(request, [a, b])
    return RedirectResponse("/ui/actors?msg=decided", status_code=303)


@router.post("/ui/actors/split")
async def split(request: Request) -> Response:
    user, form = await auth.curator_form(request)
    member, key = str(form.get("member", "")), str(form.get("key", ""))
    view = views.actor_view(request.app.state.store, _minter(request), key, public=False)
    if view is None or "members" not in view or member not in {m.uri for m in view["members"]}:
        raise HTTPException(400, f"'{member}' is not a record of actor '{key}'")
    try:
        ActorDecisions(request.app.state.store, _minter(request)).split(
            member, [m.uri for m in view["members"]], author=user.name, comment=str(form.get("comment", "")))
    except UserError as exc:
        raise HTTPException(400, str(exc)) from None
    _resolve(request, [m.uri for m in view["members"]])
    return RedirectResponse(f"/ui/actors/{key}?msg=decided", status_code=303)


@router.post("/ui/actors/undo")
async def undo(request: Request) -> Response:
    user, form = await auth.curator_form(request)
    try:
        decisions = ActorDecisions(request.app.state.store, _minter(request))
        undone = decisions.undo(str(form.get("record", "")), by=user.name)
    except UserError as exc:
        raise HTTPException(400, str(exc)) from None
    _resolve(request, [undone.subject, undone.object])
    back = str(form.get("next", "")) or "/ui/actors"
    return RedirectResponse(auth.safe_next(back), status_code=303)


@router.get("/ui/actors/{key}")
def actor(request: Request, key: str, format: str = "", msg: str = "") -> Response:
    store, minter = request.app.state.store, _minter(request)
    wanted = format or next((k for k, (mt, _) in RDF_FORMATS.items()
                             if mt in request.headers.get("accept", "")), "")
    user = auth.current_user(request)
    public = not (user and user.may_curate)  # the public sees what public datasets say only
    view = views.actor_view(store, minter, key, public=public)
    if view is None:
        raise HTTPException(404, f"no actor '{key}'")
    if "replaced_by" in view:
        return RedirectResponse(f"/ui/actors/{minter.agent_key(view['replaced_by'])}", status_code=301)
    if wanted in RDF_FORMATS:
        media, name = RDF_FORMATS[wanted]
        graphs = " ".join(f"<{g}>" for g in views.visible_graphs(store, minter, public))
        triples = store.query(f"CONSTRUCT {{ <{view['uri']}> ?p ?o }} WHERE {{ VALUES ?g {{ {graphs} }} "
                              f"GRAPH ?g {{ <{view['uri']}> ?p ?o }} }}")
        return Response(_serialise(triples, name), media_type=media)
    return page(request, "actor.html", a=view, negated=NEGATED, message="actors.decided" if msg else "",
                key_of=lambda uri: minter.agent_key(uri) or "")


def _serialise(triples, name: str) -> bytes:
    import pyoxigraph as ox

    fmt = {"turtle": ox.RdfFormat.TURTLE, "n-triples": ox.RdfFormat.N_TRIPLES,
           "json-ld": ox.RdfFormat.JSON_LD}
    try:
        return ox.serialize(triples, format=fmt[name])
    except (AttributeError, ValueError):  # pyoxigraph without JSON-LD output: N-Triples is always there
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
