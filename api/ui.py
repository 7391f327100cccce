"""The curator UI's pages around the queue: log in/out, language, the term lists with their progress,
search across the lists (with autocomplete), and a concept's page with its mappings and its use.

Every page goes through `page()`: the language (i18n.py), the logged-in user and the CSRF token for
the page's forms. The alignment queue is ui_align.py, submissions submissions.py.
"""

from __future__ import annotations

import json
import re
import secrets
from urllib.parse import quote, unquote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from erfgoed.api import auth
from erfgoed.api.i18n import COOKIE, LANGS, language, translator
from erfgoed.api.reconcile import network
from erfgoed.api.render import env, render
from erfgoed.graph.namespaces import PREFIXES
from erfgoed.graph.terms import lists
from erfgoed.graph.terms.alignments import Alignments
from erfgoed.graph.terms.records import AUTHORITY_NAMESPACES, decision_authority

router = APIRouter(include_in_schema=False)
SKOS = PREFIXES["skos"]
USAGE_LIMIT = 20
SHORT_NAMES = {"aat": "AAT", "wikidata": "Wikidata", "viaf": "VIAF", "geonames": "GeoNames"}  # bar labels


def page(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    """A template with the language, the user and the CSRF token every page's header needs."""
    lang = language(request)
    user = auth.current_user(request)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    html = render(name, t=translator(lang), lang=lang, user=user, csrf=user.csrf if user else "",
                  here=here, **context)
    return HTMLResponse(html, status_code=status_code)


def alignments(request: Request) -> Alignments:
    net = network(request)
    return Alignments(net.store, net.minter)


def who(uri: str) -> str:
    """A curator's name from their URI (<base>/id/curator/<name>), else the URI itself."""
    return unquote(uri.rsplit("/id/curator/", 1)[1]) if "/id/curator/" in uri else uri


env.filters["who"] = who


def link(request: Request, uri: str) -> str:
    """Our own URIs as paths on this server (the base URI may name another host)."""
    base = request.app.state.config.base_uri
    return uri[len(base):] if uri.startswith(base + "/") else uri


# -- log in / out, language -------------------------------------------------------------------------
@router.get("/ui/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/ui") -> HTMLResponse:
    nonce = secrets.token_urlsafe(24)
    response = page(request, "login.html", next=auth.safe_next(next), nonce=nonce, wrong=False)
    response.set_cookie(auth.LOGIN_COOKIE, nonce, httponly=True, samesite="lax", max_age=3600,
                        secure=request.url.scheme == "https")
    return response


@router.post("/ui/login")
def login(request: Request, token: str = Form(""), nonce: str = Form(""), next: str = Form("/ui")
          ) -> Response:
    expected = request.cookies.get(auth.LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, nonce):  # login CSRF: double submit
        raise HTTPException(403, "the login form expired: reload it and try again")
    user = auth.auth_of(request).tokens.verify(token)
    if user is None:
        response = page(request, "login.html", status_code=401, next=auth.safe_next(next), nonce=nonce,
                        wrong=True)
        return response
    response = RedirectResponse(auth.safe_next(next), status_code=303)
    response.set_cookie(auth.SESSION_COOKIE, auth.auth_of(request).session_cookie(user), httponly=True,
                        samesite="lax", max_age=auth.SESSION_SECONDS, secure=request.url.scheme == "https")
    response.delete_cookie(auth.LOGIN_COOKIE)
    return response


@router.post("/ui/logout")
def logout(request: Request, csrf: str = Form("")) -> Response:
    user = auth.current_user(request)
    if user is not None:
        auth.check_csrf(request, user, csrf)
    response = RedirectResponse("/ui", status_code=303)
    response.delete_cookie(auth.SESSION_COOKIE)
    return response


@router.get("/ui/lang/{lang}")
def switch_language(lang: str, next: str = "/ui") -> Response:
    if lang not in LANGS:
        raise HTTPException(404, f"no interface language '{lang}' ({', '.join(LANGS)})")
    response = RedirectResponse(auth.safe_next(next), status_code=303)
    response.set_cookie(COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


# -- term lists and their progress ------------------------------------------------------------------
def progress_rows(request: Request, summary: dict, sources: list) -> list[dict]:
    """One bar per authority that can hold this list's kind of thing, or that has decisions;
    `sources`: the network's sources (a store query: asked once per page, not per list)."""
    counts = alignments(request).counts(summary["id"])
    kinds = {s.source: s.kinds for s in sources}
    names = {s.source: s.name for s in sources}
    rows = []
    for name, p in counts.items():
        fits = name in AUTHORITY_NAMESPACES and summary["kind"] in kinds.get(name, ())
        if not fits and not (p.aligned or p.no_match):
            continue
        total = max(p.terms, 1)
        rows.append({"source": name, "name": SHORT_NAMES.get(name, names.get(name, name)),
                     "title": names.get(name, name), "aligned": p.aligned,
                     "no_match": p.no_match, "open": p.open, "terms": p.terms,
                     "pct_aligned": round(100 * p.aligned / total, 1),
                     "pct_no_match": round(100 * p.no_match / total, 1)})
    return rows


@router.get("/ui/terms", response_class=HTMLResponse)
def term_lists(request: Request) -> HTMLResponse:
    net = network(request)
    sources = net.sources()
    items = [{**s, "progress": progress_rows(request, s, sources), "link": link(request, s["uri"])}
             for s in lists.summaries(net.store, net.minter)]
    return page(request, "termlists.html", lists=items)


# -- search ------------------------------------------------------------------------------------------
def _list_sources(request: Request) -> dict[str, str]:
    return {s.source: s.name for s in network(request).sources() if s.source.startswith("list:")}


@router.get("/ui/search", response_class=HTMLResponse)
def search(request: Request, q: str = "") -> HTMLResponse:
    results = []
    if q.strip():
        sources = _list_sources(request)
        found = network(request).match(q, sources=list(sources), limit=30) if sources else []
        results = [{"label": c.entry.pref_label(), "list": sources.get(c.entry.source, c.entry.source),
                    "kind": c.entry.kind, "uri": c.entry.uri, "score": round(c.score),
                    "why": c.explanation, "href": "/ui/concept?uri=" + quote(c.entry.uri, safe="")}
                   for c in found]
    return page(request, "search.html", q=q, results=results)


@router.get("/ui/search/suggest")
def suggest(request: Request, q: str = "") -> JSONResponse:
    """Autocomplete for the search box: labels from every term list starting like `q`."""
    sources = _list_sources(request)
    if not q.strip() or not sources:
        return JSONResponse([])
    found = [c for c in network(request).suggest(q, limit=40) if c.entry.source in sources][:10]
    return JSONResponse([{"label": c.entry.pref_label(), "list": sources[c.entry.source],
                          "href": "/ui/concept?uri=" + quote(c.entry.uri, safe="")} for c in found])


# -- a concept's page --------------------------------------------------------------------------------
@router.get("/ui/concept", response_class=HTMLResponse)
def concept(request: Request, uri: str) -> HTMLResponse:
    net = network(request)
    entry = net.entry(uri) if uri.startswith(("http://", "https://")) else None
    if entry is None or not entry.source.startswith("list:"):
        raise HTTPException(404, f"no concept {uri} in the network's term lists")
    list_id = entry.source[5:]
    summary = lists.summary(net.store, net.minter, list_id)
    narrower = lists.neighbours(net.store, net.minter, list_id, uri, SKOS + "broader", inverse=True)
    history = sorted(alignments(request).history(uri), key=lambda d: d.sort_key(), reverse=True)
    mappings = [{"d": d, "who": ", ".join(who(a) for a in d.authors),
                 "source": decision_authority(d, net.minter),
                 "target_href": d.object if d.kind != "no-match" else ""} for d in history]
    return page(request, "concept.html", e=entry, label=entry.pref_label(), tl=summary,
                list_link=link(request, summary["uri"]) if summary else "", data_link=link(request, uri),
                broader=[(("/ui/concept?uri=" + quote(b, safe="")), lb or b) for b, lb in entry.broader],
                narrower=[("/ui/concept?uri=" + quote(n, safe=""), lb) for n, lb in narrower],
                mappings=mappings, usage=usage(request, entry),
                queue=f"/ui/terms/{list_id}/align?show=all&term=" + quote(uri, safe=""))


def usage(request: Request, entry) -> dict:
    """Collection records using the concept: directly, through a concept mapped to it, or through
    a record's own concept with one of its labels (registers name terms; they rarely link them)."""
    base = request.app.state.config.base_uri
    literals = set()
    for lb in entry.labels:
        if lb.kind in ("pref", "alt"):
            text = json.dumps(lb.text, ensure_ascii=False)  # a JSON string is a valid SPARQL string literal
            literals.add(text)
            if re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", lb.lang):
                literals.add(f"{text}@{lb.lang}")
    values = " ".join(sorted(literals)) or '""'
    q = f"""PREFIX skos: <{SKOS}>
    SELECT ?g (COUNT(*) AS ?n) WHERE {{
      {{ VALUES ?l {{ {values} }} GRAPH ?cg {{ ?c skos:prefLabel ?l }} }}
      UNION {{ BIND(<{entry.uri}> AS ?c) }}
      UNION {{ GRAPH ?mg {{ ?c skos:exactMatch <{entry.uri}> }} }}
      GRAPH ?g {{ ?s ?p ?c }} FILTER(?s != ?c)
      FILTER(STRSTARTS(STR(?g), "{base}/graph/") && !REGEX(STR(?g),
        "^{base}/graph/(terms|alignments|authority|meta|quarantine)(/|$)") && !CONTAINS(STR(?g), "/concept/"))
    }} GROUP BY ?g ORDER BY ?g"""
    rows = list(request.app.state.store.query(q, union=False))
    records = []
    for r in rows[:USAGE_LIMIT]:
        dataset, _, local = r["g"].value[len(base) + len("/graph/"):].partition("/")
        records.append({"dataset": dataset, "id": unquote(local), "href": f"/ui/datasets/{dataset}"})
    return {"count": len(rows), "records": records}
