"""Term lists over HTTP: list and concept URIs dereference; lists download as SKOS and CSV."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from erfgoed.api.app import create_app
from erfgoed.graph.terms.importer import import_list

from .conftest import FIXTURES

TERMS = FIXTURES / "terms"
BASE = "http://kg.example.org"
SKOS = "http://www.w3.org/2004/02/skos/core#"
STOEL = f"{BASE}/id/term/objectnamen/M2"


@pytest.fixture
def client(store, config, tmp_path):
    import_list(store, config, TERMS / "objectnamen-cp1252.csv", "objectnamen", title="Objectnamen")
    import_list(store, config, TERMS / "materialen.ttl", "materialen")
    odd = tmp_path / "odd.csv"
    odd.write_text("id;term\nA/1 b;schets\n", "utf-8")  # an id with a slash and a space
    import_list(store, config, odd, "schetsen")
    with TestClient(create_app(config, store)) as c:
        yield c


def triples(body: bytes, fmt: ox.RdfFormat) -> set[tuple[str, str, str]]:
    return {(q.subject.value, q.predicate.value, q.object.value) for q in ox.parse(body, format=fmt)}


def test_the_lists_with_title_and_size(client):
    r = client.get("/terms")
    assert r.status_code == 200
    by_id = {t["id"]: t for t in r.json()}
    assert by_id["objectnamen"]["title"] == "Objectnamen" and by_id["objectnamen"]["size"] == 6
    assert by_id["materialen"]["title"] == "Materialen" and by_id["materialen"]["size"] == 3
    assert by_id["objectnamen"]["uri"] == f"{BASE}/id/termlist/objectnamen"


def test_one_list_as_json_with_its_concepts_and_quality(client, store, config):
    from erfgoed.graph.terms.quality import write_report

    assert client.get("/terms/objectnamen").json()["quality"] is None
    # as `erfgoed terms import` does
    write_report(config, import_list(store, config, TERMS / "objectnamen-cp1252.csv", "objectnamen").report)
    data = client.get("/terms/objectnamen").json()
    stoel = next(c for c in data["concepts"] if c["uri"] == STOEL)
    assert stoel["label"] == "stoel" and stoel["notation"] == "M2"
    assert stoel["broader"] == [[f"{BASE}/id/term/objectnamen/M1", "meubelen"]]
    assert ["exactMatch", "http://vocab.getty.edu/aat/300037772"] in stoel["matches"]
    assert data["quality"]["by_check"] == {"orphan": 3, "unknown-column": 1}
    assert client.get("/terms/nergens").status_code == 404


@pytest.mark.parametrize("fmt,rdf", [("ttl", ox.RdfFormat.TURTLE), ("rdf", ox.RdfFormat.RDF_XML),
                                     ("jsonld", ox.RdfFormat.JSON_LD), ("nt", ox.RdfFormat.N_TRIPLES)])
def test_a_list_downloads_as_skos(client, fmt, rdf):
    r = client.get(f"/terms/objectnamen?format={fmt}")
    assert r.status_code == 200 and f'filename="objectnamen.{fmt}"' in r.headers["content-disposition"]
    found = triples(r.content, rdf)
    assert (STOEL, SKOS + "prefLabel", "stoel") in found
    top = (f"{BASE}/id/termlist/objectnamen", SKOS + "hasTopConcept", f"{BASE}/id/term/objectnamen/M1")
    assert top in found


def test_a_list_downloads_as_csv_and_bad_formats_are_refused(client):
    r = client.get("/terms/objectnamen?format=csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.decode("utf-8-sig").splitlines()[0].startswith("uri;id;term;")
    assert client.get("/terms/objectnamen?format=xls").status_code == 400


@pytest.mark.parametrize("accept,fmt", [
    ("text/turtle", ox.RdfFormat.TURTLE), ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML), ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("*/*", ox.RdfFormat.TURTLE), ("text/html;q=0.5, application/ld+json", ox.RdfFormat.JSON_LD)])
def test_a_concept_uri_negotiates_rdf(client, accept, fmt):
    r = client.get("/id/term/objectnamen/M2", headers={"Accept": accept})
    assert r.status_code == 200 and "Accept" in r.headers["vary"]
    found = triples(r.content, fmt)
    assert (STOEL, SKOS + "prefLabel", "stoel") in found
    assert (STOEL, SKOS + "inScheme", f"{BASE}/id/termlist/objectnamen") in found
    # the broader term's label comes along, so the parent shows by name
    assert (f"{BASE}/id/term/objectnamen/M1", SKOS + "prefLabel", "meubelen") in found
    assert not any(s == f"{BASE}/id/term/objectnamen/M3" for s, _, _ in found)


def test_a_concept_uri_as_html_for_browsers(client):
    r = client.get("/id/term/objectnamen/M2", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "<h1>stoel</h1>" in r.text and "zetel" in r.text
    assert 'href="/id/term/objectnamen/M1">meubelen</a>' in r.text
    parent = client.get("/id/term/objectnamen/M1?format=html").text
    assert 'href="/id/term/objectnamen/M2">stoel</a>' in parent  # narrower terms listed


def test_a_list_uri_negotiates_too(client):
    r = client.get("/id/termlist/objectnamen", headers={"Accept": "text/turtle"})
    found = triples(r.content, ox.RdfFormat.TURTLE)
    assert (f"{BASE}/id/termlist/objectnamen", "http://purl.org/dc/terms/title", "Objectnamen") in found
    html = client.get("/id/termlist/objectnamen", headers={"Accept": "text/html"}).text
    assert 'href="/id/term/objectnamen/M2">stoel</a>' in html and "?format=csv" in html
    data = json.loads(client.get("/id/termlist/objectnamen?format=jsonld").content)
    assert "@context" in data


def test_ids_with_slashes_and_spaces_dereference(client):
    r = client.get("/id/term/schetsen/A%2F1%20b", headers={"Accept": "application/n-triples"})
    assert r.status_code == 200
    assert (f"{BASE}/id/term/schetsen/A%2F1%20b", SKOS + "notation", "A/1 b") in triples(
        r.content, ox.RdfFormat.N_TRIPLES)


def test_unknown_concepts_lists_and_formats(client):
    assert client.get("/id/term/objectnamen/XX").status_code == 404
    assert client.get("/id/term/nergens/M2").status_code == 404
    assert client.get("/id/termlist/nergens").status_code == 404
    r = client.get("/id/term/objectnamen/M2", headers={"Accept": "image/png"})
    assert r.status_code == 406 and "text/turtle" in r.text
