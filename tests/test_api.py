"""The SPARQL 1.1 Protocol endpoint and the small JSON/HTML API, over a real HTTP server."""

import json
import shutil
from urllib.error import HTTPError

import pytest
import requests
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from erfgoed.api.app import create_app
from erfgoed.graph.ingest import ingest_file
from erfgoed.mappings.engine import load_mapping

from .conftest import FIXTURES, LiveServer

SELECT = """PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
SELECT ?o ?t WHERE { ?o crm:P102_has_title ?t } ORDER BY ?t"""
CONSTRUCT = """PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
CONSTRUCT { ?o crm:P102_has_title ?t } WHERE { ?o crm:P102_has_title ?t }"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from erfgoed.config import load_config
    from erfgoed.graph.store import open_store

    tmp = tmp_path_factory.mktemp("api")
    (tmp / "erfgoed.toml").write_text(
        '[site]\nbase_uri = "http://kg.example.org"\ndata_dir = "data"\n[store]\nlocation = "store"\n'
        '[datasets.test]\ntitle = "Testcollectie"\n', "utf-8")
    config = load_config(tmp / "erfgoed.toml")
    store = open_store(str(tmp / "store"))
    shutil.copy(FIXTURES / "small-register.csv", tmp / "r.csv")
    ingest_file(store, config, "test", tmp / "r.csv", load_mapping("museum-register"),
                title="Testcollectie", institution="Testmuseum")
    with LiveServer(create_app(config, store)) as live:
        live.config = config
        yield live
    store.close()


def client(server, fmt, method=None) -> SPARQLWrapper:
    s = SPARQLWrapper(server.url + "/sparql")
    s.setReturnFormat(fmt)
    if method:
        s.setMethod(method)
    return s


@pytest.mark.parametrize("method", [None, POST])
def test_select_in_every_result_format(server, method):
    s = client(server, JSON, method)
    s.setQuery(SELECT)
    rows = s.query().convert()["results"]["bindings"]
    assert len(rows) == 4 and rows[0]["t"] == {"type": "literal", "value": "Blokschaaf",
                                               "xml:lang": "nl"}
    s.setReturnFormat(XML)
    xml = s.query().convert()
    assert len(xml.getElementsByTagName("result")) == 4
    s.setReturnFormat(CSV)
    csv_text = s.query().convert().decode()
    assert csv_text.splitlines()[0] == "o,t" and '"Kermis <buiten> ""Sint-Sebastiaan"""' in csv_text
    s.setReturnFormat(TSV)
    tsv = s.query().convert().decode()
    assert tsv.splitlines()[0] == "?o\t?t" and '"Blokschaaf"@nl' in tsv


def test_ask(server):
    s = client(server, JSON)
    s.setQuery("ASK { ?s ?p ?o }")
    assert s.query().convert()["boolean"] is True
    s.setReturnFormat(XML)
    assert s.query().convert().getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize("fmt,parser", [(TURTLE, "turtle"), (N3, "turtle"), (JSONLD, "json-ld"),
                                        (RDFXML, "xml")])
def test_construct_in_every_rdf_format(server, fmt, parser):
    import rdflib

    s = client(server, fmt)
    s.setQuery(CONSTRUCT)
    body = s.query().response.read()
    g = rdflib.Graph().parse(data=body, format=parser)
    assert len(g) == 4
    assert ("Kermis <buiten> \"Sint-Sebastiaan\"" in {str(o) for o in g.objects()})


def test_post_direct_body_and_accept_negotiation(server):
    r = requests.post(server.url + "/sparql", data=SELECT.encode(),
                      headers={"Content-Type": "application/sparql-query",
                               "Accept": "text/csv;q=0.5, application/sparql-results+xml"})
    assert r.status_code == 200 and r.headers["content-type"].startswith(
        "application/sparql-results+xml")
    r = requests.get(server.url + "/sparql", params={"query": CONSTRUCT},
                     headers={"Accept": "application/n-triples"})
    assert r.headers["content-type"].startswith("application/n-triples")
    assert r.text.count(" .\n") == 4
    r = requests.get(server.url + "/sparql", params={"query": SELECT}, headers={"Accept": "image/png"})
    assert r.status_code == 406


def test_updates_are_refused(server):
    r = requests.post(server.url + "/sparql", data={"update": "INSERT DATA { <a:b> <a:c> <a:d> }"})
    assert r.status_code == 403
    r = requests.post(server.url + "/sparql", data="DROP ALL",
                      headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 403
    s = client(server, JSON, POST)
    s.setQuery("INSERT DATA { <a:b> <a:c> <a:d> }")
    with pytest.raises(HTTPError) as err:
        s.query()
    assert err.value.code == 403
    ask = client(server, JSON)
    ask.setQuery("ASK { <a:b> <a:c> <a:d> }")
    assert ask.query().convert()["boolean"] is False


def test_syntax_error_gets_400_with_the_parsers_message(server):
    r = requests.get(server.url + "/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert r.status_code == 400 and "SPARQL syntax error" in r.text and "1:26" in r.text
    r = requests.get(server.url + "/sparql")
    assert r.status_code == 400 and "Missing 'query'" in r.text


def test_result_cap(server):
    server.config.values["sparql.max_results"] = 2
    try:
        r = requests.get(server.url + "/sparql", params={"query": SELECT, "format": "json"})
    finally:
        server.config.values["sparql.max_results"] = 10000
    assert len(r.json()["results"]["bindings"]) == 2 and "X-Result-Truncated" in r.headers


def test_time_limit(server):
    # ~1 s of work here: pyoxigraph cannot cancel a query, so the abandoned worker thread
    # finishes it in the background - keep it short.
    heavy = ('SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f '
             'FILTER(REGEX(CONCAT(STR(?c), STR(?f)), "(a|b)*z")) }')
    server.config.values["sparql.timeout_seconds"] = 0.05
    try:
        s = client(server, JSON)
        s.setQuery(heavy)
        with pytest.raises(HTTPError) as err:
            s.query()
    finally:
        server.config.values["sparql.timeout_seconds"] = 10.0
    assert err.value.code == 503 and b"longer than the limit of 0.05 s" in err.value.read()
    assert requests.get(server.url + "/live").json() == {"status": "ok"}


def test_health_and_openapi(server):
    assert requests.get(server.url + "/live").json() == {"status": "ok"}
    assert requests.get(server.url + "/ready").json()["status"] == "ok"
    spec = requests.get(server.url + "/openapi.json").json()
    assert {"/sparql", "/datasets", "/datasets/{dataset_id}", "/live", "/ready"} <= set(spec["paths"])
    assert requests.get(server.url + "/docs").status_code == 200


def test_datasets_json_and_report(server):
    [d] = requests.get(server.url + "/datasets").json()
    assert (d["id"], d["title"], d["published"], d["quarantined"]) == ("test", "Testcollectie", 4, 2)
    full = requests.get(server.url + "/datasets/test").json()
    kinds = {k["message_en"]: k for k in full["report"]["kinds"]}
    bad_number = kinds["The dimension is not a number (write e.g. 45.5, without 'ca.' or a unit)."]
    assert bad_number["problems"][0] == {"record": "T.006", "line": 7, "value": "ca. 13",
                                         "column": "hoogte"}
    assert requests.get(server.url + "/datasets/nope").status_code == 404
    ttl = requests.get(server.url + "/datasets/test/report.ttl")
    assert "sh:ValidationReport" in ttl.text and "T.006" in ttl.text


def test_ui_pages_escape_labels(server):
    home = requests.get(server.url + "/ui")
    assert home.status_code == 200 and "Testcollectie" in home.text
    page = requests.get(server.url + "/ui/datasets/test").text
    assert "<svg" in page and "geen getal" in page and "is not a number" in page
    sparql_page = requests.get(server.url + "/ui/sparql").text
    assert "Objects by maker" in sparql_page
    raw = json.dumps("<buiten>")
    assert raw  # labels with < are escaped wherever they are shown:
    q = requests.get(server.url + "/sparql", params={"query": SELECT, "format": "xml"}).text
    assert "Kermis &lt;buiten&gt;" in q
