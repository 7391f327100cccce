"""Authorities: the Entry <-> RDF contract, descriptors, configuration, the HTTP client's
politeness and failure handling, and the local mirrors."""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest
from werkzeug import Response

from erfgoed.config import SETTINGS, load_config
from erfgoed.errors import InputError, UserError
from erfgoed.graph.namespaces import RDF, SCHEMA, SKOS, WGS84, XSD
from erfgoed.graph.uris import Minter
from erfgoed.harvesters.authorities import (
    AUTHORITIES,
    AuthorityUnavailable,
    Entry,
    Label,
    authority,
    entries_from_triples,
    mirror_records,
)
from erfgoed.harvesters.authorities.aat import Aat
from erfgoed.harvesters.authorities.client import RateLimiter
from erfgoed.harvesters.authorities.descriptor import load_descriptor
from erfgoed.harvesters.authorities.mirrors import iter_aat_tsv, iter_geonames_dump, mirror_entries

from .conftest import free_port, needs_reference
from .recorded import OWN

GRAPH = "http://kg.example.org/graph/authority/wikidata"


def full_entry() -> Entry:
    return Entry(
        uri="http://www.wikidata.org/entity/Q5599", source="wikidata", kind="person",
        labels=[Label("Peter Paul Rubens", "nl"), Label("Peter Paul Rubens", "en"),
                Label("Rubens, Pieter Pauwel", "nl", "alt"), Label("rubens pp", "", "hidden")],
        notes={"nl": "Zuid-Nederlands kunstschilder", "en": "Flemish painter"},
        broader=[("http://example.org/painters", "schilders")], types=["Q5 human"],
        birth="1577-06-28", death="1640-05-30", page="https://www.wikidata.org/wiki/Q5599",
        scheme="http://www.wikidata.org/entity/", matches=[("exactMatch", "http://viaf.org/viaf/64013650")])


def canonical(e: Entry) -> Entry:
    """Order-free form: a store gives triples back in its own order."""
    e.labels.sort(key=lambda lb: (lb.kind, lb.lang, lb.text))
    e.broader.sort(), e.types.sort(), e.matches.sort()
    return e


# -- the RDF contract ----------------------------------------------------------------------------
def test_entry_round_trips_through_the_store(store):
    person = full_entry()
    place = Entry(uri="https://sws.geonames.org/2797656/", source="wikidata", kind="place",
                  labels=[Label("Gent", "nl")], lat=51.05, long=3.71667, country="BE",
                  replaced_by="https://sws.geonames.org/2797657/")
    term = Entry(uri="http://kg.example.org/id/term/materialen/olieverf", source="wikidata",
                 labels=[Label("olieverf", "nl")], notation="M-12",
                 matches=[("closeMatch", "http://vocab.getty.edu/aat/300015050")])
    store.add([q for e in (person, place, term) for q in e.to_quads(GRAPH)])
    back = entries_from_triples(store.quads(GRAPH), "wikidata")
    def by_uri(entries):
        return sorted(map(canonical, entries), key=lambda e: e.uri)

    assert by_uri(back) == by_uri([full_entry(), place, term])


def test_quads_follow_the_contract():
    quads = {(q.predicate, q.object) for q in full_entry().to_quads(GRAPH)}
    assert (SKOS.prefLabel, ox.Literal("Peter Paul Rubens", language="nl")) in quads
    assert (SCHEMA.birthDate, ox.Literal("1577-06-28")) in quads          # plain literal, as given
    assert (RDF.type, SKOS.Concept) in quads and (RDF.type, SCHEMA.Person) in quads
    gent = Entry(uri="https://sws.geonames.org/2797656/", source="geonames", kind="place",
                 lat=51.05, long=0.00001)
    coords = {q.predicate: q.object for q in gent.to_quads(GRAPH) if q.predicate in (WGS84.lat, WGS84.long)}
    assert coords[WGS84.long] == ox.Literal("0.00001", datatype=XSD.decimal)   # never 1e-05
    # the parent's label lives beside the link, so the parent shows by name
    parent = [q for q in full_entry().to_quads(GRAPH) if q.subject.value == "http://example.org/painters"]
    assert [(q.predicate, q.object) for q in parent] == [(SKOS.prefLabel, ox.Literal("schilders"))]


def test_term_list_reads_back_without_scheme_or_parents():
    m = Minter("http://kg.example.org")
    g = m.terms_graph("materialen")
    scheme = ox.Quad(ox.NamedNode(m.term_list("materialen")), RDF.type, SKOS.ConceptScheme, ox.NamedNode(g))
    child = Entry(uri=m.term("materialen", "olieverf"), source="list:materialen",
                  labels=[Label("olieverf", "nl")], broader=[(m.term("materialen", "verf"), "verf")],
                  scheme=m.term_list("materialen"))
    parent = Entry(uri=m.term("materialen", "verf"), source="list:materialen",
                   labels=[Label("paint", "en"), Label("verf", "nl")])
    read = entries_from_triples([scheme, *child.to_quads(g), *parent.to_quads(g)], "list:materialen")
    assert [e.uri for e in read] == [child.uri, parent.uri]
    assert read[0].broader == [(parent.uri, "verf")] and read[0].scheme == m.term_list("materialen")


# -- descriptors and configuration ---------------------------------------------------------------
@pytest.mark.parametrize("name", AUTHORITIES)
def test_descriptor_is_complete_and_matches_the_settings(name):
    d = load_descriptor(name)
    assert d.name == name and d.title and d.kinds and d.min_interval >= 0
    assert SETTINGS[f"authorities.{name}_url"].default == d.base_url     # one public endpoint, not two
    assert d.local_id(d.uri("12345")) == "12345"
    for role in d.queries:
        assert "SELECT" in d.query(role)


@pytest.mark.parametrize("role", ["search", "fetch"])
def test_aat_queries_are_valid_sparql(role):
    query = Aat._fill(load_descriptor("aat").query(role), {
        "query": '"verf"', "text": '"verf"', "rankLanguage": "<http://vocab.getty.edu/aat/300388256>",
        "uri": "<http://vocab.getty.edu/aat/300015050>"}, limit=5)
    assert list(ox.Store().query(query)) == []           # parses and runs; Getty's data is not here


def test_authority_settings_from_the_config_file(tmp_path, monkeypatch):
    monkeypatch.delenv("ERFGOED_GEONAMES_USERNAME", raising=False)
    cfg = tmp_path / "erfgoed.toml"
    cfg.write_text('[authorities]\nviaf_url = "http://127.0.0.1:9/api"\nmin_interval = { viaf = 2.5 }\n'
                   'contact = "curator@example.org"\n', "utf-8")
    viaf = authority("viaf", load_config(cfg))
    assert viaf.settings.base_url == "http://127.0.0.1:9/api" and viaf.client.limiter.interval == 2.5
    assert "curator@example.org" in viaf.client.fetcher.session.headers["User-Agent"]
    assert authority("aat", load_config(cfg)).client.limiter.interval == load_descriptor("aat").min_interval
    cfg.write_text('[authorities]\nmin_interval = { gettty = 1 }\n', "utf-8")
    with pytest.raises(UserError, match="unknown authority gettty"):
        authority("aat", load_config(cfg))
    cfg.write_text('[authorities]\ngeonames_countries = "BE"\n', "utf-8")
    with pytest.raises(UserError, match="must be a list"):
        load_config(cfg)
    with pytest.raises(UserError, match="unknown authority 'ulan'"):
        authority("ulan", load_config(None))


# -- politeness and failures -------------------------------------------------------------------
def test_rate_limiter_spaces_requests():
    now, slept = [100.0], []

    def sleep(seconds: float) -> None:      # a clock that moves only when slept on
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(0.5, clock=lambda: now[0], sleep=sleep)
    limiter.wait()
    limiter.wait()                      # at once after the first: waits the whole interval
    now[0] += 0.2
    limiter.wait()                      # 0.2 s after the second: waits the rest
    now[0] += 5
    limiter.wait()                      # long after: no wait
    assert slept == pytest.approx([0.5, 0.3])


def test_adapter_requests_go_through_the_limiter(tmp_path, httpserver):
    httpserver.expect_request("/w/api.php").respond_with_json({"search": [], "success": 1})
    cfg = tmp_path / "erfgoed.toml"
    cfg.write_text(f'[authorities]\nwikidata_url = "{httpserver.url_for("/w/api.php")}"\n'
                   'min_interval = { wikidata = 3.0 }\n', "utf-8")
    wd = authority("wikidata", load_config(cfg))
    assert wd.client.limiter.interval == 3.0
    slept = []
    # the same limiter with a clock that stands still (the shared one is left alone)
    wd.client.limiter = RateLimiter(wd.client.limiter.interval, clock=lambda: 7.0, sleep=slept.append)
    wd.search("Gent")
    wd.search("Antwerpen")
    assert slept == [3.0] and len(httpserver.log) == 2


def _aat(tmp_path, url: str, retries: int = 2, timeout: float = 5):
    cfg = tmp_path / "erfgoed.toml"
    cfg.write_text(f'[authorities]\naat_url = "{url}"\nretries = {retries}\ntimeout_seconds = {timeout}\n'
                   'min_interval = { aat = 0 }\n', "utf-8")
    aat = authority("aat", load_config(cfg))
    aat.sleeps = []
    aat.client.fetcher.sleep = aat.sleeps.append
    return aat


def test_busy_authority_retried_after_retry_after(tmp_path, httpserver):
    empty = '{"head":{"vars":["s","name"]},"results":{"bindings":[]}}'
    httpserver.expect_ordered_request("/sparql.json").respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "7"}))
    httpserver.expect_ordered_request("/sparql.json").respond_with_data(
        empty, content_type="application/sparql-results+json")
    aat = _aat(tmp_path, httpserver.url_for("/sparql.json"))
    assert aat.search("verf") == []
    assert aat.sleeps == [7.0]


def test_down_authority_is_unavailable_after_retries(tmp_path):
    aat = _aat(tmp_path, f"http://127.0.0.1:{free_port()}/sparql.json")    # nothing listens there
    with pytest.raises(AuthorityUnavailable) as err:
        aat.search("verf")
    assert err.value.name == "aat" and "no answer after 3 attempts" in err.value.reason
    assert aat.sleeps == [1.0, 2.0]                                        # backoff doubles
    assert str(err.value).startswith("aat is unavailable:")


def test_slow_authority_times_out(tmp_path, httpserver):
    httpserver.expect_request("/sparql.json").respond_with_handler(
        lambda request: (time.sleep(1.0), Response("late"))[1])
    aat = _aat(tmp_path, httpserver.url_for("/sparql.json"), retries=1, timeout=0.2)
    with pytest.raises(AuthorityUnavailable, match="ReadTimeout"):
        aat.search("verf")


def test_html_error_page_is_unavailable(tmp_path, httpserver):
    httpserver.expect_request("/w/api.php").respond_with_data("<html>maintenance</html>",
                                                              content_type="text/html")
    cfg = tmp_path / "erfgoed.toml"
    cfg.write_text(f'[authorities]\nwikidata_url = "{httpserver.url_for("/w/api.php")}"\n'
                   'min_interval = { wikidata = 0 }\n', "utf-8")
    with pytest.raises(AuthorityUnavailable, match="not JSON"):
        authority("wikidata", load_config(cfg)).search("Gent")


# -- mirrors -----------------------------------------------------------------------------------
def test_aat_mirror_reads_the_real_subsets():
    folder = needs_reference("authority-mirrors")
    nl = list(iter_aat_tsv(folder / "aat_subset_nl_lodlit.tsv"))
    assert len(nl) == 3283
    pedestals = next(e for e in nl if e.uri == "http://vocab.getty.edu/aat/300001744")
    assert pedestals.labels[0] == Label("postamenten", "nl", "pref")
    assert Label("piëdestal", "nl", "alt") in pedestals.labels
    assert pedestals.notes["nl"].startswith("Wordt gebruikt voor massieve")
    both = mirror_entries("aat", [folder / "aat_subset_nl_lodlit.tsv", folder / "aat_subset_en_lodlit.tsv"])
    merged = list(both)
    en_ids = {e.uri for e in iter_aat_tsv(folder / "aat_subset_en_lodlit.tsv")}
    assert len(merged) == len({e.uri for e in nl} | en_ids)
    two_langs = [e for e in merged if {lb.lang for lb in e.labels} == {"nl", "en"}]
    assert len(two_langs) == len({e.uri for e in nl} & en_ids)


def test_geonames_mirror_reads_the_real_cities():
    folder = needs_reference("authority-mirrors")
    places = list(iter_geonames_dump(folder / "geonames_cities15000_2013_BE_NL_LU.txt"))
    assert len(places) == 442 and {p.country for p in places} == {"BE", "NL", "LU"}
    zwijndrecht = places[0]
    assert zwijndrecht.uri == "https://sws.geonames.org/2783081/" and zwijndrecht.kind == "place"
    assert (zwijndrecht.lat, zwijndrecht.long) == (51.21979, 4.32664)
    assert zwijndrecht.types == ["populated place"] and Label("Zwyndrecht", "", "alt") in zwijndrecht.labels


def test_broken_mirror_files_name_file_and_line():
    with pytest.raises(InputError) as err:
        list(iter_geonames_dump(OWN / "geonames_short_row.txt"))
    assert err.value.line == 2 and "18 fields" in str(err.value)
    with pytest.raises(InputError, match="expected the columns aat_id"):
        list(iter_aat_tsv(OWN / "aat_bad_header.tsv"))
    with pytest.raises(UserError, match="mirror file not found"):
        list(iter_aat_tsv(OWN / "absent.tsv"))


def test_configured_mirrors_load_into_the_authority_graphs(tmp_path, store):
    folder = needs_reference("authority-mirrors")
    cfg = tmp_path / "erfgoed.toml"
    cfg.write_text(f'[authorities]\naat_mirror = ["{folder / "aat_subset_en_lodlit.tsv"}"]\n'
                   f'geonames_mirror = ["{folder / "geonames_cities15000_2013_BE_NL_LU.txt"}"]\n', "utf-8")
    m = Minter("http://kg.example.org")
    counts: dict[str, int] = {}
    quads = []
    for name, entry in mirror_records(load_config(cfg)):
        counts[name] = counts.get(name, 0) + 1
        quads += entry.to_quads(m.authority_graph(name))
    store.add(quads, bulk=True)
    assert counts == {"aat": 370, "geonames": 442}
    gent = [e for e in entries_from_triples(store.quads(m.authority_graph("geonames")), "geonames")
            if e.pref_label() == "Gent"]
    assert len(gent) == 1 and gent[0].country == "BE" and Label("Gand", "", "alt") in gent[0].labels
