"""Linked-data publication: every minted URI of the demo dereferences in five formats, removed
records answer 410, hidden datasets 403, and the DCAT/VoID descriptions are RDF that passes
shapes/dcat.ttl."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from erfgoed.api.app import create_app
from erfgoed.config import load_config
from erfgoed.graph import meta
from erfgoed.graph.publication import policy_quads
from erfgoed.graph.store import open_store
from erfgoed.graph.uris import Minter
from tests.conftest import ROOT

BASE = "http://kg.example.org"
FORMATS = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
           "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML}


def demo_config(folder: Path, extra: str = "") -> Path:
    cfg = folder / "erfgoed.toml"
    cfg.write_text(f'[site]\nbase_uri = "{BASE}"\ndata_dir = "data"\n[store]\nlocation = "store"\n'
                   '[authorities]\naat_mirror = []\ngeonames_mirror = []\n' + extra, "utf-8")
    return cfg


def load_demo(folder: Path, extra: str = ""):
    from click.testing import CliRunner

    from erfgoed.api.cli import main

    cfg = demo_config(folder, extra)
    result = CliRunner().invoke(main, ["demo", "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    return load_config(cfg)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    config = load_demo(tmp_path_factory.mktemp("demo"))
    store = open_store(str(config.resolve(config["store.location"])))
    with TestClient(create_app(config, store)) as client:
        yield config, store, client
    store.close()


def parse(body: bytes, fmt: ox.RdfFormat, base: str) -> set[str]:
    return {q.subject.value for q in ox.parse(body, format=fmt, base_iri=base)}


def documents(store) -> list[str]:
    """Every subject IRI under <base>/id/ in the store, without its fragment."""
    found = {s["s"].value.split("#", 1)[0] for s in store.query(
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BASE}/id/")) }}')}
    return sorted(found)


def test_every_demo_uri_dereferences_in_five_formats(demo):
    _, store, client = demo
    docs = documents(store)
    kinds = {d[len(BASE) + 4:].split("/")[0] for d in docs}
    assert {"object", "actor", "concept", "organisation", "dataset", "run", "term", "termlist",
            "catalog", "kg"} <= kinds
    for uri in docs:
        path = uri[len(BASE):]
        html = client.get(path, headers={"Accept": "text/html"})
        assert html.status_code == 200 and "text/html" in html.headers["content-type"], path
        for media, fmt in FORMATS.items():
            r = client.get(path, headers={"Accept": media})
            assert r.status_code == 200, (path, media, r.text[:200])
            assert r.headers["content-type"].startswith(media) and "Accept" in r.headers["vary"]
            assert uri in parse(r.content, fmt, uri), (path, media)


def test_suffixes_and_format_parameter_pick_the_format(demo):
    _, _, client = demo
    path = "/id/object/museum-aan-de-leie/MAL.0002"
    for suffix, media in ((".ttl", "text/turtle"), (".nt", "application/n-triples"),
                          (".jsonld", "application/ld+json"), (".rdf", "application/rdf+xml"),
                          (".html", "text/html")):
        assert client.get(path + suffix).headers["content-type"].startswith(media)
    assert client.get(path + "?format=nt").headers["content-type"].startswith("application/n-triples")
    # an id with a slash (S.1952.1/1-2) keeps its %2F, and a suffix after it still works
    r = client.get("/id/object/museum-aan-de-leie/S.1952.1%2F1-2.ttl")
    assert r.status_code == 200 and f"{BASE}/id/object/museum-aan-de-leie/S.1952.1%2F1-2" in r.text


def test_object_page_shows_labels_links_and_provenance(demo):
    _, _, client = demo
    r = client.get("/id/object/museum-aan-de-leie/MAL.0002", headers={"Accept": "text/html"})
    page = r.text
    assert "Smeedtang met initialen" in page          # its title, as the page's heading
    assert 'href="/id/actor/museum-aan-de-leie/klompenmakerij-dhondt"' in page  # linked entity
    assert "Museum aan de Leie" in page and 'href="/id/run/museum-aan-de-leie/' in page  # provenance
    maker = client.get("/id/actor/museum-aan-de-leie/klompenmakerij-dhondt", headers={"Accept": "text/html"})
    assert 'href="/id/object/museum-aan-de-leie/MAL.0002#productie"' in maker.text  # what points here
    assert r.headers.get("last-modified") and r.headers.get("etag")
    again = client.get("/id/object/museum-aan-de-leie/MAL.0002", headers={
        "Accept": "text/html", "If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


def test_jsonld_is_compact_with_our_context(demo):
    _, _, client = demo
    doc = client.get("/id/object/museum-aan-de-leie/MAL.0002.jsonld").json()
    assert doc["@context"]["crm"] == "http://www.cidoc-crm.org/cidoc-crm/"
    assert "crm:P102_has_title" in json.dumps(doc)


def test_unknown_is_404_and_unacceptable_is_406(demo):
    _, _, client = demo
    assert client.get("/id/object/museum-aan-de-leie/NOPE.1").status_code == 404
    assert client.get("/id/object/nope/x.ttl").status_code == 404
    assert client.get("/id/object/museum-aan-de-leie/MAL.0002",
                      headers={"Accept": "image/png"}).status_code == 406


def test_removed_record_is_gone_and_hidden_dataset_is_refused(tmp_path):
    from erfgoed.graph.ingest import ingest_file
    from erfgoed.mappings.engine import load_mapping

    config = load_demo(tmp_path)
    register = ROOT / "examples" / "registers" / "museum-aan-de-leie.csv"
    lines = register.read_bytes().splitlines(keepends=True)  # cp1252, as Excel writes it
    kept = [line for line in lines if not line.startswith(b"MAL.0002;")]
    assert len(kept) == len(lines) - 1
    (tmp_path / "smaller.csv").write_bytes(b"".join(kept))
    minter = Minter(BASE)
    with open_store(str(config.resolve(config["store.location"]))) as store:
        ingest_file(store, config, "museum-aan-de-leie", tmp_path / "smaller.csv",
                    load_mapping("museum-register"), title="Collectie Museum aan de Leie",
                    institution="Museum aan de Leie")
        d = minter.dataset("textiel-zuidwest")
        store.replace(delete_subjects=[(minter.meta_graph, d)],
                      insert=meta.dataset_quads(minter, "textiel-zuidwest", "Textiel", "Erfgoedcel Zuidwest")
                      + policy_quads(minter, "textiel-zuidwest", []))
        with TestClient(create_app(config, store)) as client:
            gone = client.get("/id/object/museum-aan-de-leie/MAL.0002.ttl")
            hidden = client.get("/id/object/textiel-zuidwest/EZW.0001")
            void = client.get("/.well-known/void", headers={"Accept": "text/turtle"}).text
    assert gone.status_code == 410 and "removed" in gone.text
    assert hidden.status_code == 403 and "publish" in hidden.text
    assert "textiel-zuidwest" in void  # the description is rewritten by the next ingest only
    assert "MAL.0002" not in void


def test_dcat_and_void_parse_and_pass_the_dcat_shapes(demo):
    import pyshacl
    import rdflib

    config, store, client = demo
    body = client.get("/.well-known/void", headers={"Accept": "text/turtle"}).content
    graph = rdflib.Graph().parse(data=body, format="turtle")
    shapes = rdflib.Graph().parse(ROOT / "shapes" / "dcat.ttl")
    conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes)
    assert conforms, text
    dataset = f"{BASE}/id/dataset/museum-aan-de-leie"
    triples = {(str(s), str(p)): o for s, p, o in graph}
    published = meta.status_counts(store, Minter(BASE), "museum-aan-de-leie")[meta.PUBLISHED]
    assert int(triples[(dataset, "http://rdfs.org/ns/void#documents")]) == published > 100
    assert int(triples[(dataset, "http://rdfs.org/ns/void#triples")]) > 40 * published
    dists = {str(o) for s, p, o in graph if str(p).endswith("accessURL")}
    assert f"{BASE}/ldes/museum-aan-de-leie" in dists
    assert f"{BASE}/datasets/museum-aan-de-leie/europeana.zip" in dists
    assert f"{BASE}/datasets/textiel-zuidwest/europeana.zip" not in dists  # its licence: public only
    # the dataset URI itself, negotiated, holds its own description
    one = client.get("/id/dataset/museum-aan-de-leie", headers={"Accept": "application/ld+json"})
    assert dataset in parse(one.content, ox.RdfFormat.JSON_LD, dataset)
    # and the description is in the store, in its own graph
    assert store.has_graph(Minter(BASE).void_graph)
