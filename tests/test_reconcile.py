"""The W3C Reconciliation API 0.2 over the term network: every response checked against the
official JSON schemas (../shared/reference/reconciliation/reconciliation-api-specs/0.2/schemas),
as OpenRefine would call it (GET and POST form, JSONP, CORS)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from erfgoed.api.app import create_app
from erfgoed.config import load_config
from erfgoed.graph.store import open_store
from erfgoed.graph.uris import Minter
from erfgoed.harvesters.authorities import Entry, Label
from tests.conftest import needs_reference

BASE = "http://kg.example.org"
AAT_PAINTINGS = "http://vocab.getty.edu/aat/300033618"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def schema_validator(name: str):
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    folder = needs_reference("reconciliation/reconciliation-api-specs/0.2/schemas")
    resources = []
    for p in folder.glob("*.json"):  # "$schema": ".../schema#" names no draft: read them as draft 7
        doc = json.loads(p.read_text("utf-8"))
        resources.append((doc["$id"], Resource.from_contents(doc, default_specification=DRAFT7)))
    registry = Registry().with_resources(resources)
    schema = json.loads((folder / f"{name}.json").read_text("utf-8"))
    return jsonschema.Draft7Validator(schema, registry=registry)


def valid(name: str, body) -> None:
    errors = sorted(schema_validator(name).iter_errors(body), key=str)
    assert not errors, f"{name}: {errors[0].message} at {list(errors[0].path)}"


def entries() -> list[tuple[str, Entry]]:
    m = Minter(BASE)
    return [
        (m.terms_graph("meubels"), Entry(m.term("meubels", "1"), "list:meubels", labels=[
            Label("stoel", "nl"), Label("zetel", "nl", "alt")], notes={"nl": "Zitmeubel voor één persoon."})),
        (m.terms_graph("meubels"), Entry(m.term("meubels", "2"), "list:meubels", labels=[
            Label("kast", "nl")], broader=[(m.term("meubels", "0"), "meubels")])),
        (m.terms_graph("meubels"), Entry(m.term("meubels", "3"), "list:meubels", labels=[
            Label("Tafel <rond> & \"ovaal\"", "nl")])),
        (m.terms_graph("personen"), Entry(m.term("personen", "rubens"), "list:personen", kind="person",
                                          labels=[Label("Rubens, Peter Paul", "nl")],
                                          birth="1577-06-28", death="1640-05-30")),
        (m.authority_graph("aat"), Entry(AAT_PAINTINGS, "aat", labels=[
            Label("schilderijen", "nl"), Label("paintings (visual works)", "en")],
            notes={"en": "Unique works in which images are formed primarily by applying paint."},
            types=["concept"])),
        (m.authority_graph("geonames"), Entry("https://sws.geonames.org/2797656/", "geonames", kind="place",
                                              labels=[Label("Gent", "nl"), Label("Ghent", "en")],
                                              lat=51.05, long=3.71667, country="BE")),
    ]


@pytest.fixture
def client(tmp_path: Path):
    cfg = tmp_path / "erfgoed.toml"
    cfg.write_text(f'[site]\nbase_uri = "{BASE}"\ndata_dir = "data"\n[store]\nlocation = "store"\n'
                   "[reconcile]\nlive = []\n", "utf-8")
    config = load_config(cfg)
    store = open_store(str(config.resolve(config["store.location"])))
    scheme = "http://www.w3.org/2004/02/skos/core#ConceptScheme"
    import pyoxigraph as ox

    m = Minter(BASE)
    quads = [q for graph, e in entries() for q in e.to_quads(graph)]
    for lst, title in (("meubels", "Meubels"), ("personen", "Personen")):
        s, g = ox.NamedNode(m.term_list(lst)), ox.NamedNode(m.terms_graph(lst))
        quads += [ox.Quad(s, ox.NamedNode(RDF_TYPE), ox.NamedNode(scheme), g),
                  ox.Quad(s, ox.NamedNode("http://purl.org/dc/terms/title"), ox.Literal(title), g)]
    store.add(quads)
    with TestClient(create_app(config, store=store)) as c:
        yield c
    store.close()


def run(client, queries: dict, path: str = "/reconcile", post: bool = False) -> dict:
    if post:
        r = client.post(path, data={"queries": json.dumps(queries)})
    else:
        r = client.get(path, params={"queries": json.dumps(queries)})
    assert r.status_code == 200, r.text
    body = r.json()
    valid("reconciliation-result-batch", body)
    return body


def test_manifests_are_valid_for_all_and_each_source(client):
    for path in ("/reconcile", "/reconcile/all", "/reconcile/meubels", "/reconcile/aat"):
        r = client.get(path)
        assert r.status_code == 200
        valid("manifest", r.json())
    assert client.get("/reconcile/meubels").json()["name"] == "erfgoed-kg: Meubels"
    missing = client.get("/reconcile/nope")
    assert missing.status_code == 404 and "meubels" in missing.json()["detail"]


def test_queries_rank_across_sources_and_match_when_unambiguous(client):
    body = run(client, {"q0": {"query": "stoelen"}, "q1": {"query": "schilderij"},
                        "q2": {"query": "Peter Paul Rubens", "type": "person"},
                        "q3": {"query": "zetl"}}, post=True)
    stoel = body["q0"]["result"][0]
    assert stoel["id"] == f"{BASE}/id/term/meubels/1" and stoel["match"] is True
    assert "plural" in stoel["description"]
    assert body["q1"]["result"][0]["id"] == AAT_PAINTINGS
    assert body["q2"]["result"][0]["name"] == "Rubens, Peter Paul"
    assert body["q3"]["result"][0]["id"] == f"{BASE}/id/term/meubels/1"  # a typo in the alt label
    assert body["q3"]["result"][0]["match"] is False


def test_one_source_and_type_filters(client):
    body = run(client, {"q": {"query": "schilderij"}}, path="/reconcile/meubels")
    assert all("meubels" in c["id"] for c in body["q"]["result"])
    body = run(client, {"q": {"query": "Gent", "type": "place", "limit": 3}})
    assert [c["id"] for c in body["q"]["result"]] == ["https://sws.geonames.org/2797656/"]
    bad = client.get("/reconcile", params={"queries": json.dumps({"q": {"query": "x", "type": "ship"}})})
    assert bad.status_code == 400 and "ship" in bad.json()["detail"]
    bad = client.get("/reconcile", params={"queries": "{not json"})
    assert bad.status_code == 400 and "not valid JSON" in bad.json()["detail"]


def test_suggest_services(client):
    r = client.get("/reconcile/all/suggest/entity", params={"prefix": "sto"})
    valid("suggest-entities-response", r.json())
    assert r.json()["result"][0]["name"] == "stoel"
    r = client.get("/reconcile/all/suggest/type", params={"prefix": "pl"})
    valid("suggest-types-response", r.json())
    assert [t["id"] for t in r.json()["result"]] == ["place"]
    r = client.get("/reconcile/all/suggest/property", params={"prefix": "birth"})
    valid("suggest-properties-response", r.json())


def test_preview_escapes_labels(client):
    r = client.get("/reconcile/all/preview", params={"id": f"{BASE}/id/term/meubels/3"})
    assert r.status_code == 200
    assert "Tafel &lt;rond&gt; &amp; &#34;ovaal&#34;" in r.text and "<rond>" not in r.text
    assert client.get("/reconcile/all/preview", params={"id": "http://nowhere/x"}).status_code == 404


def test_data_extension(client):
    r = client.get("/reconcile/all/propose_properties", params={"type": "place"})
    valid("data-extension-property-proposal", r.json())
    assert "latitude" in [p["id"] for p in r.json()["properties"]]
    query = {"ids": ["https://sws.geonames.org/2797656/", f"{BASE}/id/term/meubels/2",
                     f"{BASE}/id/term/personen/rubens"],
             "properties": [{"id": "prefLabel"}, {"id": "latitude"}, {"id": "broader"}, {"id": "birthDate"}]}
    r = client.post("/reconcile", data={"extend": json.dumps(query)})
    body = r.json()
    valid("data-extension-response", body)
    rows = body["rows"]
    assert rows["https://sws.geonames.org/2797656/"]["latitude"] == [{"float": 51.05}]
    assert rows[f"{BASE}/id/term/meubels/2"]["broader"][0]["name"] == "meubels"
    assert rows[f"{BASE}/id/term/personen/rubens"]["birthDate"] == [{"date": "1577-06-28T00:00:00Z"}]
    colour = {"ids": [], "properties": [{"id": "colour"}]}
    bad = client.post("/reconcile", data={"extend": json.dumps(colour)})
    assert bad.status_code == 400 and "colour" in bad.json()["detail"]


def test_jsonp_and_cors_for_openrefine(client):
    r = client.get("/reconcile", params={"callback": "jsonp123"})
    assert r.text.startswith("jsonp123(") and r.headers["content-type"].startswith("application/javascript")
    assert client.get("/reconcile", params={"callback": "alert(1)//"}).status_code == 400
    r = client.get("/reconcile", headers={"Origin": "http://localhost:3333"})
    assert r.headers["access-control-allow-origin"] == "*"


def test_live_authority_results_are_cached_and_a_failing_one_is_reported(tmp_path, httpserver):
    """AAT answers with its recorded 'paint' search (replayed on loopback) and GeoNames fails: the
    AAT hits are ranked and cached in the store, GeoNames is reported unavailable, and the cached
    AAT records still answer when AAT itself is gone."""
    from tests.recorded import cassette

    httpserver.expect_request("/sparql.json").respond_with_response(
        cassette("aat/authoritex_aat_search_paint_2024.cassette.json"))
    httpserver.expect_request("/searchJSON").respond_with_data("down", status=500)
    cfg = tmp_path / "erfgoed.toml"
    cfg.write_text(f'[site]\nbase_uri = "{BASE}"\ndata_dir = "data"\n[store]\nlocation = "store"\n'
                   '[reconcile]\nlive = ["aat", "geonames"]\n'
                   f'[authorities]\naat_url = "{httpserver.url_for("/sparql.json")}"\n'
                   f'geonames_url = "{httpserver.url_for("/")}"\ngeonames_username = "tester"\n'
                   "retries = 0\nmin_interval = { aat = 0, geonames = 0 }\n", "utf-8")
    config = load_config(cfg)
    store = open_store(str(config.resolve(config["store.location"])))
    try:
        with TestClient(create_app(config, store=store)) as client:
            body = run(client, {"q": {"query": "paint"}})
        first = body["q"]["result"][0]
        assert first["id"].startswith("http://vocab.getty.edu/aat/") and first["name"].startswith("paint (")
        assert set(body["q"]["unavailable"]) == {"geonames"}
        cached = {r["s"].value for r in store.query(
            f"SELECT DISTINCT ?s WHERE {{ GRAPH <{Minter(BASE).authority_graph('aat')}> {{ ?s ?p ?o }} }}",
            union=False)}
        assert first["id"] in cached
        httpserver.clear()  # AAT is gone now: the cache answers
        httpserver.expect_request("/sparql.json").respond_with_data("down", status=503)
        with TestClient(create_app(config, store=store)) as client:
            again = run(client, {"q": {"query": "paint"}})
        assert again["q"]["result"][0]["id"] == first["id"]
        assert "aat" in again["q"]["unavailable"]
    finally:
        store.close()
