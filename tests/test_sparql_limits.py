"""The public SPARQL endpoint under load: a runaway query is stopped at the time limit (its worker
process is killed) while other queries are answered; results are capped; 8 clients querying while
an ingest runs see only whole batches (snapshot reads)."""

from __future__ import annotations

import os
import threading
import time

import httpx
import pyoxigraph as ox

from erfgoed.api.app import create_app
from erfgoed.api.auth import Tokens
from erfgoed.config import load_config
from erfgoed.graph.store import open_store

from .conftest import LiveServer
from .test_faults import register

# 12 unconnected patterns: 60^12 combinations to count, about forever
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(12)) + " }"
ERF, BASE = "https://w3id.org/erfgoed-kg/ns#", "http://kg.example.org"
BATCH, ROWS = 40, 400


def site(tmp_path, extra: str = "", timeout: float = 1.5):
    cfg = tmp_path / "erfgoed.toml"
    cfg.write_text(f'[site]\nbase_uri = "{BASE}"\ndata_dir = "data"\n[store]\nlocation = "store"\n'
                   f'[sparql]\ntimeout_seconds = {timeout}\nmax_results = 25\nworkers = 2\n{extra}', "utf-8")
    config = load_config(cfg)
    store = open_store(str(config.resolve(config["store.location"])))
    store.add([ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), ox.NamedNode("http://example.org/p"),
                       ox.Literal(f"waarde {i}"), ox.NamedNode("http://example.org/g")) for i in range(60)])
    return config, store


def sparql(client: httpx.Client, query: str, **params) -> httpx.Response:
    return client.get("/sparql", params={"query": query, "format": "json", **params})


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_runaway_query_is_stopped_at_the_limit_and_others_are_answered(tmp_path):
    config, store = site(tmp_path)
    app = create_app(config, store)
    answers: dict = {}
    try:
        with LiveServer(app) as live, httpx.Client(base_url=live.url, timeout=60) as client:
            assert sparql(client, "ASK { ?s ?p ?o }").json()["boolean"] is True   # a worker is up
            runaway = threading.Thread(target=lambda: answers.setdefault("r", sparql(client, RUNAWAY)))
            runaway.start()
            while not app.state.sparql_workers.busy() and runaway.is_alive():
                time.sleep(0.01)
            served = 0
            while runaway.is_alive():  # while it runs, the second worker answers the others
                assert sparql(client, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3").status_code == 200
                served += 1
            assert served >= 1
            r = answers["r"]
            assert r.status_code == 503 and "longer than the limit of 1.5 s" in r.text
            killed = app.state.sparql_workers.killed
            assert len(killed) == 1 and not alive(killed[0])   # stopped, not left running
            for _ in range(3):  # and again: every runaway costs only its own worker
                assert sparql(client, RUNAWAY).status_code == 503
            assert len(app.state.sparql_workers.killed) == 4
            assert not any(alive(pid) for pid in app.state.sparql_workers.killed)
            assert sparql(client, "ASK { ?s ?p ?o }").json()["boolean"] is True
    finally:
        app.state.sparql_workers.close()
        store.close()


def test_results_are_capped_and_say_so(tmp_path):
    config, store = site(tmp_path)
    app = create_app(config, store)
    try:
        with LiveServer(app) as live, httpx.Client(base_url=live.url, timeout=60) as client:
            r = sparql(client, "SELECT ?s WHERE { ?s ?p ?o }")
            assert len(r.json()["results"]["bindings"]) == 25
            assert r.headers["x-result-truncated"] == "results cut at 25"
            r = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                           headers={"accept": "application/n-triples"})
            assert len(r.text.strip().splitlines()) == 25 and "x-result-truncated" in r.headers
    finally:
        app.state.sparql_workers.close()
        store.close()


def test_eight_clients_during_an_ingest_see_only_whole_batches(tmp_path):
    """Each answer is one snapshot: the published-record count in the meta graph moves in whole
    batches, never ahead of the record graphs it describes, and never backwards for a client."""
    config, store = site(tmp_path, f"[ingest]\nbatch_size = {BATCH}\nworkers = 0\n", timeout=30)
    token = Tokens(tmp_path / "data" / "tokens.json").add("Museum", "institution", ("groot",))
    data = register(tmp_path / "groot.csv", ROWS).read_bytes()
    query = f"""SELECT ?m ?c WHERE {{
      {{ SELECT (COUNT(?r) AS ?m) WHERE {{ GRAPH <{BASE}/graph/meta> {{
           ?r a <{ERF}Record> ; <{ERF}status> <{ERF}published> ;
              <http://purl.org/dc/terms/isPartOf> <{BASE}/id/dataset/groot> }} }} }}
      {{ SELECT (COUNT(DISTINCT ?g) AS ?c) WHERE {{
           GRAPH ?g {{ ?s a <http://www.cidoc-crm.org/cidoc-crm/E22_Human-Made_Object> }}
           FILTER(STRSTARTS(STR(?g), "{BASE}/graph/groot/")) }} }} }}"""
    seen: dict[int, list[tuple[int, int]]] = {i: [] for i in range(8)}
    app = create_app(config, store)
    done, errors = threading.Event(), []
    try:
        with LiveServer(app) as live:
            def client(i: int) -> None:
                with httpx.Client(base_url=live.url, timeout=60) as c:
                    while True:
                        last = done.is_set()  # one more answer after the ingest ended
                        r = sparql(c, query)
                        if r.status_code != 200:
                            errors.append(r.text)
                            return
                        row = r.json()["results"]["bindings"][0]
                        seen[i].append((int(row["m"]["value"]), int(row["c"]["value"])))
                        if last:
                            return

            threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
            for t in threads:
                t.start()
            bearer = {"authorization": f"Bearer {token}"}
            with httpx.Client(base_url=live.url, timeout=60) as c:
                r = c.post("/datasets/groot/submissions", headers=bearer, data={"mapping": "museum-register"},
                           files={"file": ("groot.csv", data, "text/csv")})
                assert r.status_code == 202, r.text
                while (job := c.get(r.headers["location"], headers=bearer).json())["status"] not in (
                        "done", "failed"):
                    time.sleep(0.05)
            done.set()
            for t in threads:
                t.join(60)
    finally:
        app.state.sparql_workers.close()
        store.close()
    assert job["status"] == "done" and job["counts"]["loaded"] == ROWS, job
    assert errors == []
    answers = [pair for values in seen.values() for pair in values]
    middle = {m for m, _ in answers if 0 < m < ROWS}
    assert middle, "no answer fell inside the ingest: nothing was tested"
    for values in seen.values():
        assert values[-1] == (ROWS, ROWS), "the last answer, after the ingest, is not the whole dataset"
        ms = [m for m, _ in values]
        assert ms == sorted(ms), "a client saw the store go back in time"
    for m, c in answers:
        assert m % BATCH == 0 or m == ROWS, f"{m} published records: half a batch"
        assert c >= m, f"{m} records published but only {c} record graphs: a torn read"
