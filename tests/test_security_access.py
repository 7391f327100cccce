"""Access boundaries, tried from the outside: the public writes nothing (every write route of the
route table is asked without credentials), institutions reach only their own datasets, the public
SPARQL endpoint refuses updates and Graph Store writes, curator forms need a session and its CSRF
token, and a revoked token stops working at once."""

from __future__ import annotations

import json
import re
import time

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from erfgoed.api.app import create_app
from erfgoed.api.auth import Tokens
from erfgoed.api.cli import main
from erfgoed.graph.store import open_store

from .conftest import FIXTURES
from .ui_site import build_site, csrf_of, login

A, B = "museum-aan-de-leie", "textiel-zuidwest"   # two institutions' datasets of the demo
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# POST routes that only read: SPARQL queries, reconciliation queries, OAI-PMH verbs, logging in/out.
# Each is asked below and must leave the store as it was.
PUBLIC_POSTS = {"/sparql", "/reconcile", "/reconcile/{source_id}", "/oai", "/ui/login", "/ui/logout"}
# Every route that changes data: the test below fails when a route is added that is in neither list,
# so a new write route cannot ship without being asked here first. There is no route to delete a
# dataset, to start a (re-)harvest or to read the quarantine (kept under <data_dir>, outside the store
# and the web server); those are CLI commands on the server only.
GUARDED_POSTS = {"/ui/actors/decide", "/ui/actors/split", "/ui/actors/undo",
                 "/ui/terms/{list_id}/decide", "/ui/terms/{list_id}/undo", "/ui/terms/{list_id}/bulk",
                 "/datasets/{dataset_id}/submissions", "/ui/datasets/{dataset_id}/submissions"}
FILLERS = {"dataset_id": A, "list_id": "plaatsen", "source_id": "plaatsen", "job_id": "x", "name": "x.js"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    s = build_site(tmp_path_factory.mktemp("access"), extra="[ingest]\nworkers = 0\n")
    s.tokens["institution_b"] = Tokens(s.folder / "data" / "tokens.json").add(
        "Textielmuseum", "institution", (B,))
    store = open_store(str(s.config.resolve(s.config["store.location"])))
    s.store, s.app = store, create_app(s.config, store)
    yield s
    store.close()


def quads(store) -> set[str]:
    return {str(q) for q in store.quads(None)}


def routes(app) -> list[tuple[str, set[str]]]:
    """(path, methods) of every route, through included routers."""
    out = []

    def walk(items, prefix=""):
        for r in items:
            if hasattr(r, "original_router"):
                walk(r.original_router.routes, prefix + getattr(r.include_context, "prefix", ""))
            elif hasattr(r, "methods"):
                out.append((prefix + r.path, set(r.methods or ())))
    walk(app.routes)
    return out


def fill(path: str) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: FILLERS.get(m.group(1), "x"), path)


def bearer(site, who: str) -> dict:
    return {"authorization": f"Bearer {site.tokens[who]}"}


def submit(client, dataset: str, headers: dict):
    return client.post(f"/datasets/{dataset}/submissions", headers=headers,
                       files={"file": ("r.csv", (FIXTURES / "small-register.csv").read_bytes(), "text/csv")},
                       data={"mapping": "museum-register"})


def wait_done(client, where: str, headers: dict) -> dict:
    for _ in range(300):
        job = client.get(where, headers=headers).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"submission {where} did not finish")


# -- the public writes nothing ----------------------------------------------------------------------
def test_every_write_route_is_known_and_refuses_the_public(site):
    table = routes(site.app)
    posts = {p for p, methods in table if methods & WRITES}
    assert posts == PUBLIC_POSTS | GUARDED_POSTS, "a write route was added or removed: ask it here"
    before = quads(site.store)
    client = TestClient(site.app)
    for path in sorted(GUARDED_POSTS):
        r = client.post(fill(path), data={"term": "x", "do": "accept"},
                        files={"file": ("r.csv", b"a;b\n1;2\n", "text/csv")}, follow_redirects=False)
        if path.startswith("/ui/"):  # a browser is sent to the login form
            assert r.status_code == 303 and r.headers["location"].startswith("/ui/login"), path
        else:
            assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer", path
    for path, methods in table:  # no route takes PUT/PATCH/DELETE: they are not even routed
        for method in ("PUT", "PATCH", "DELETE"):
            assert method not in methods
            assert client.request(method, fill(path)).status_code in (404, 405), (method, path)
    assert quads(site.store) == before
    assert not list((site.folder / "data" / "submissions").glob("*/*.csv"))


def test_public_posts_only_read(site):
    before = quads(site.store)
    client = TestClient(site.app)
    assert client.post("/sparql", data={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
    r = client.post("/reconcile/plaatsen", data={"queries": json.dumps({"q0": {"query": "Gent"}})})
    assert r.status_code == 200 and "q0" in r.json()
    assert "<Identify>" in client.post("/oai", data={"verb": "Identify"}).text
    assert client.post("/ui/login", data={"token": "guess", "nonce": "x"}).status_code in (400, 403)
    assert client.post("/ui/logout", follow_redirects=False).status_code == 303
    assert quads(site.store) == before


# -- SPARQL: no updates, no Graph Store writes ------------------------------------------------------
@pytest.mark.parametrize("how", ["get-update", "form-update", "sparql-update-body", "update-as-query",
                                 "gsp-put", "gsp-post-turtle", "gsp-delete"])
def test_sparql_endpoint_refuses_every_kind_of_write(site, how):
    update = ("INSERT DATA { GRAPH <http://evil.example/g> { <http://evil.example/s> "
              "<http://evil.example/p> 1 } }")
    before = quads(site.store)
    client = TestClient(site.app)
    turtle = {"content-type": "text/turtle"}
    r = {"get-update": lambda: client.get("/sparql", params={"update": update}),
         "form-update": lambda: client.post("/sparql", data={"update": update}),
         "sparql-update-body": lambda: client.post(
             "/sparql", content=update, headers={"content-type": "application/sparql-update"}),
         "update-as-query": lambda: client.post("/sparql", data={"query": update}),
         "gsp-put": lambda: client.put("/sparql?graph=http://evil.example/g", content="<a:s> <a:p> 1 .",
                                       headers=turtle),
         "gsp-post-turtle": lambda: client.post("/sparql?graph=http://evil.example/g",
                                                content="<a:s> <a:p> 1 .", headers=turtle),
         "gsp-delete": lambda: client.delete("/sparql?graph=http://evil.example/g")}[how]()
    expected = {"get-update": (403, "SPARQL Update is not allowed"), "form-update": (403, "not allowed"),
                "sparql-update-body": (403, "not allowed"), "update-as-query": (400, "syntax error"),
                "gsp-put": (405, ""), "gsp-post-turtle": (415, "POST a query"), "gsp-delete": (405, "")}[how]
    assert r.status_code == expected[0] and expected[1] in r.text, r.text
    assert quads(site.store) == before
    assert client.get("/live").json() == {"status": "ok"}


# -- institutions: only their own datasets ----------------------------------------------------------
def test_institution_a_cannot_submit_to_list_or_read_the_jobs_of_b(site):
    client = TestClient(site.app)
    r = submit(client, B, bearer(site, "institution_b"))
    assert r.status_code == 202, r.text
    job_b = wait_done(client, r.headers["location"], bearer(site, "institution_b"))
    assert job_b["status"] == "done", job_b
    before = quads(site.store)
    a = bearer(site, "institution")
    assert submit(client, B, a).status_code == 403
    assert client.get(f"/datasets/{B}/submissions", headers=a).status_code == 403
    assert client.get(f"/datasets/{B}/submissions/{job_b['id']}", headers=a).status_code == 403
    # B's job id under A's own dataset: not found, rather than B's job
    r = client.get(f"/datasets/{A}/submissions/{job_b['id']}", headers=a)
    assert r.status_code == 404 and "no submission" in r.json()["detail"]
    assert job_b["id"] not in client.get(f"/datasets/{A}/submissions", headers=a).text
    # the same through the browser: A's session reaches neither B's form nor B's job page
    browser = TestClient(site.app)
    assert login(browser, site.tokens["institution"]).status_code == 303
    assert browser.get(f"/ui/datasets/{B}/submissions").status_code == 403
    assert browser.get(f"/ui/datasets/{B}/submissions/{job_b['id']}").status_code == 403
    assert quads(site.store) == before
    assert client.get(f"/datasets/{B}/submissions/{job_b['id']}", headers=bearer(site, "admin")).json()[
        "id"] == job_b["id"]  # the admin reaches every dataset


def test_dataset_ids_that_try_to_leave_their_folder_are_refused(site):
    client = TestClient(site.app)
    admin = bearer(site, "admin")
    for bad in ("..", "..%2F..%2Fetc", "a%2F..%2F" + B, "META", "quarantine"):
        r = client.get(f"/datasets/{bad}/submissions", headers=admin)
        assert r.status_code == 404, (bad, r.status_code)


def test_quarantined_records_are_not_public(site):
    """The quarantine lives in <data_dir>/quarantine, outside the store: SPARQL cannot read it and
    no route serves it."""
    folder = site.folder / "data" / "quarantine"
    # each mapped record's own graph (its RDF also names shared actor graphs, published on their own)
    graphs = {f"http://kg.example.org/graph/{p.parent.name}/{p.stem}" for p in folder.glob("*/*.json")
              if json.loads(p.read_text("utf-8"))["rdf"]}
    assert len(graphs) >= 3, "the demo keeps some mapped records aside"
    client = TestClient(site.app)
    for graph in graphs:
        q = f"ASK {{ {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} UNION {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), " \
            f"REPLACE(STR(<{graph}>), '/graph/', '/id/object/'))) }} }}"
        assert client.get("/sparql", params={"query": q}).json()["boolean"] is False, graph
    assert not [p for p, _ in routes(site.app) if "quarantine" in p]


# -- curator forms ------------------------------------------------------------------------------------
def test_curator_forms_need_a_session_and_its_csrf_token(site):
    before = quads(site.store)
    anna = TestClient(site.app)
    assert login(anna, site.tokens["curator"]).status_code == 303
    page = anna.get("/ui/terms/plaatsen/align")
    assert page.status_code == 200, page.status_code
    good = csrf_of(page.text)
    other = TestClient(site.app)
    assert login(other, site.tokens["admin"]).status_code == 303
    stolen = csrf_of(other.get("/ui/terms/plaatsen/align").text)  # valid, but another session's
    for action in ("decide", "undo", "bulk"):
        for token in (None, "", "forged", stolen):
            data = {"term": "x", "do": "accept"} | ({"csrf": token} if token is not None else {})
            r = anna.post(f"/ui/terms/plaatsen/{action}", data=data, follow_redirects=False)
            assert r.status_code == 403 and "CSRF" in r.json()["detail"], (action, token)
        # the right token passes the CSRF check (then the made-up term is refused for what it is)
        r = anna.post(f"/ui/terms/plaatsen/{action}", data={"csrf": good, "term": "x", "do": "accept",
                                                             "pair": "x y 1"}, follow_redirects=False)
        assert r.status_code != 403, action
    forged_cookie = TestClient(site.app, cookies={"erfgoed_session": "eyJ1IjoiQW5uYSJ9.AAAA"})
    r = forged_cookie.post("/ui/terms/plaatsen/decide", data={"csrf": good}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/ui/login")
    assert quads(site.store) == before


# -- revocation ------------------------------------------------------------------------------------------
def test_a_revoked_token_is_refused_at_once_in_the_api_and_the_session(site):
    cfg = str(site.config_path)
    added = CliRunner().invoke(main, ["tokens", "add", "--role", "institution", "--name", "Tijdelijk",
                                      "--dataset", A, "--config", cfg])
    token = added.stdout.strip().splitlines()[0]
    api, browser = TestClient(site.app), TestClient(site.app)
    headers = {"authorization": f"Bearer {token}"}
    assert api.get(f"/datasets/{A}/submissions", headers=headers).status_code == 200
    assert login(browser, token, f"/ui/datasets/{A}/submissions").status_code == 303
    assert browser.get(f"/ui/datasets/{A}/submissions").status_code == 200
    assert CliRunner().invoke(main, ["tokens", "revoke", "Tijdelijk", "--config", cfg]).exit_code == 0
    assert api.get(f"/datasets/{A}/submissions", headers=headers).status_code == 401
    r = browser.get(f"/ui/datasets/{A}/submissions", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/ui/login")
    assert submit(api, A, headers).status_code == 401
