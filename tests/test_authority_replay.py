"""The four authority adapters against their recorded real responses, replayed on loopback.

Each test serves a recorded answer (../shared/reference/authorities, see its SOURCES.md) or, where
no recording exists, a constructed one of the same shape (tests/fixtures/authorities), and checks
the Entries a curator would see: URIs, labels and languages, kinds, notes, dates, coordinates.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from werkzeug import Request, Response

from erfgoed.config import load_config
from erfgoed.harvesters.authorities import AuthorityError, AuthorityUnavailable, Label, authority

from .recorded import OWN, body, by_param, cassette, own

AAT = "http://vocab.getty.edu/aat/"
WD = "http://www.wikidata.org/entity/"


@pytest.fixture
def make(tmp_path, httpserver, monkeypatch):
    """An adapter whose endpoint is the loopback server; its retries do not wait."""
    monkeypatch.delenv("ERFGOED_GEONAMES_USERNAME", raising=False)

    def make(name: str, *, path: str = "/", settings: str = 'geonames_username = "tester"\n'):
        cfg = tmp_path / "erfgoed.toml"
        cfg.write_text(f'[authorities]\n{name}_url = "{httpserver.url_for(path)}"\nretries = 1\n'
                       f'timeout_seconds = 5\nmin_interval = {{ {name} = 0 }}\n{settings}', "utf-8")
        adapter = authority(name, load_config(cfg))
        adapter.client.fetcher.sleep = make.sleeps.append
        return adapter

    make.sleeps = []
    return make


def labels(entry, kind=None):
    return [(lb.text, lb.lang) for lb in entry.labels if kind is None or lb.kind == kind]


# -- Getty AAT ---------------------------------------------------------------------------------
def test_aat_search_keeps_getty_ranking_and_languages(make, httpserver):
    httpserver.expect_request("/sparql.json").respond_with_response(
        cassette("aat/authoritex_aat_search_dollars.cassette.json"))
    found = make("aat", path="/sparql.json").search("dollars", lang="en")
    assert [e.uri.removeprefix(AAT) for e in found[:3]] == ["300265149", "300037280", "300191680"]
    assert len(found) == 7
    first = found[0]
    assert labels(first, "pref") == [("dollars (paper money)", "en")]
    assert first.source == "aat" and first.kind == "concept"
    assert first.page == "http://vocab.getty.edu/page/aat/300265149" and first.scheme == AAT
    request, _ = httpserver.log[0]
    query = request.args["query"]
    # network-of-terms' filters: full-text index, nl/en language concepts, no guide terms
    assert 'luc:term "dollars"' in query and "aat:300388256" in query and "aat:300388277" in query
    assert "gvp:GuideTerm" in query and "LIMIT 10" in query
    assert "sparql-results+json" in request.headers["Accept"]
    assert "erfgoed-kg" in request.headers["User-Agent"]


def test_aat_search_reads_regional_language_tags_and_json_results(make, httpserver):
    httpserver.expect_request("/sparql.json").respond_with_response(
        cassette("aat/authoritex_aat_search_paint_2024.cassette.json"))
    found = make("aat", path="/sparql.json").search("paint", limit=50)
    assert len(found) == 50
    by_uri = {e.uri: e for e in found}
    assert labels(by_uri[AAT + "300266812"]) == [("paint by number", "en-us")]

    httpserver.clear()
    httpserver.expect_request("/sparql.json").respond_with_response(
        body("aat/qa_aat_search_photo.sparql-results.json", content_type="application/sparql-results+json"))
    found = make("aat", path="/sparql.json").search("photo")
    assert len(found) == 9        # ten rows, one concept with a US and a British spelling
    both = next(e for e in found if e.uri == AAT + "300191635")
    assert labels(both) == [("photoelasticity", "en-us"), ("photo-elasticity", "en-gb")]


def test_aat_empty_search_and_unknown_id(make, httpserver):
    httpserver.expect_request("/sparql.json").respond_with_response(
        cassette("aat/authoritex_aat_search_empty.cassette.json"))
    aat = make("aat", path="/sparql.json")
    assert aat.search("M1551ng") == []
    assert aat.search("paint", kind="person") == []      # AAT serves concepts only: no request
    assert aat.search("((*))") == []                     # nothing left to search for: no request
    assert len(httpserver.log) == 1
    httpserver.clear()
    httpserver.expect_request("/sparql.json").respond_with_response(
        cassette("aat/authoritex_aat_fetch_wrong-id.cassette.json"))
    assert aat.fetch("wrong-id") is None
    with pytest.raises(AuthorityError, match="not an AAT id"):
        aat.fetch("300> } DROP ALL {")


def _aat_by_uri(answers: dict[str, Response]):
    def handler(request: Request) -> Response:
        for uri, resp in answers.items():
            if f"<{uri}>" in request.args["query"]:
                return resp
        return Response("unexpected", status=599)
    return handler


def test_aat_fetch_and_obsolete_id_followed(make, httpserver):
    httpserver.expect_request("/sparql.json").respond_with_handler(_aat_by_uri({
        AAT + "300999999": own("aat_fetch_obsolete_constructed.json",
                               content_type="application/sparql-results+json"),
        AAT + "300265149": cassette("aat/authoritex_aat_fetch_300265149.cassette.json"),
    }))
    aat = make("aat", path="/sparql.json")
    entry = aat.fetch("http://vocab.getty.edu/aat/300265149")
    assert labels(entry, "pref") == [("dollars (paper money)", "en")]
    assert labels(entry, "alt") == [("dollar (paper money)", ""), ("dollar bills", ""), ("dollar bill", ""),
                                    ("Dollars", "")]
    replaced = aat.fetch("300999999")
    assert replaced.uri == AAT + "300265149" and replaced.pref_label() == "dollars (paper money)"


def test_aat_server_error_is_unavailable_after_retries(make, httpserver):
    httpserver.expect_request("/sparql.json").respond_with_response(
        body("aat/qa_getty_sparql_error_500.json", status=500))
    aat = make("aat", path="/sparql.json")
    with pytest.raises(AuthorityUnavailable) as err:
        aat.search("Panathenaic amphorae")
    assert err.value.name == "aat" and "HTTP 500" in err.value.reason
    assert len(httpserver.log) == 2 and make.sleeps == [1.0]    # one retry, after the backoff


def test_aat_queries_on_an_aat_shaped_graph(make, httpserver):
    """Our own .rq files, run by pyoxigraph on a small graph modelled as Getty models AAT."""
    store = ox.Store()
    store.load(path=str(OWN / "aat_sample.ttl"), format=ox.RdfFormat.TURTLE)

    def run(request: Request) -> Response:
        results = store.query(request.args["query"])
        return Response(results.serialize(format=ox.QueryResultsFormat.JSON),
                        content_type="application/sparql-results+json")

    httpserver.expect_request("/sparql.json").respond_with_handler(run)
    aat = make("aat", path="/sparql.json")
    found = aat.search("postamenten")
    # the exact label before the prefix match; the guide term not at all
    assert [e.uri.removeprefix(AAT) for e in found] == ["300001744", "300003915"]
    best = found[0]
    assert set(labels(best)) == {("postamenten", "nl"), ("pedestals", "en"), ("postament", "nl")}
    assert Label("postament", "nl", "alt") in best.labels                  # no French "piédestaux"
    assert best.notes["nl"].startswith("Wordt gebruikt voor massieve")
    assert best.broader == [(AAT + "300241583", "dragers")]
    assert aat.search("postamenten", lang="en")[0].broader == [(AAT + "300241583", "supports")]
    assert aat.fetch("300999999").uri == AAT + "300001744"                 # obsolete id followed
    assert aat.fetch("300999998") is None                                  # a guide term is no concept


# -- Wikidata ----------------------------------------------------------------------------------
def test_wikidata_search_hits_in_wikidata_order(make, httpserver):
    log: list[Request] = []
    httpserver.expect_request("/w/api.php").respond_with_handler(by_param("action", {
        "wbsearchentities": body("wikidata/wdtk_wbsearchentities_abc_2017.json"),
        # a real wbgetentities answer that does not describe these hits: the hits speak for themselves
        "wbgetentities": body("wikidata/wdtk_wbgetentities_Q6-Q42-P31_2015.json"),
    }, log))
    found = make("wikidata", path="/w/api.php").search("abc", lang="en")
    assert [e.uri.removeprefix(WD) for e in found] == ["Q169889", "Q286874", "Q781365", "Q287076", "Q304330",
                                                      "Q1057802", "Q26298"]
    abc = found[0]
    assert labels(abc) == [("American Broadcasting Company", "en"), ("ABC", "en")]
    assert abc.notes == {"en": "American broadcast television network"}
    assert abc.page == "https://www.wikidata.org/wiki/Q169889"
    search, get = log[0].args, log[1].args
    assert search["language"] == "en" and search["type"] == "item" and search["search"] == "abc"
    assert get["ids"].startswith("Q169889|Q286874") and get["languages"] == "nl|en|mul"


def test_wikidata_kind_filter_by_instance_of(make, httpserver):
    httpserver.expect_request("/w/api.php").respond_with_handler(by_param("action", {
        "wbsearchentities": own("wikidata_wbsearchentities_douglas-adams_constructed.json"),
        "wbgetentities": body("wikidata/wdtk_wbgetentities_Q6-Q42-P31_2015.json"),
    }))
    wd = make("wikidata", path="/w/api.php")
    people = wd.search("Douglas Adams", kind="person")
    assert [e.uri for e in people] == [WD + "Q42"]           # Q6 is missing from Wikidata now
    adams = people[0]
    assert adams.kind == "person" and adams.types == ["Q5 human"]
    assert {("Douglas Adams", "nl"), ("Douglas Adams", "en")} <= set(labels(adams, "pref"))
    assert adams.notes["nl"] == "Engels sciencefictionschrijver"
    assert (adams.birth, adams.death) == ("1952-03-11", "2001-05-11")
    assert ("exactMatch", "http://viaf.org/viaf/113230702") in adams.matches
    assert ("exactMatch", "http://id.loc.gov/authorities/names/n80076765") in adams.matches
    assert wd.search("Douglas Adams", kind="place") == []


def test_wikidata_fetch_known_missing_and_unlabelled(make, httpserver):
    answers = {"Q42": "wikidata/wdtk_wbgetentities_Q6-Q42-P31_2015.json",
               "Q6": "wikidata/wdtk_wbgetentities_Q6-Q42-P31_2015.json",
               "Q20145": "wikidata/dahlia_EntityData_Q20145_2017.json",   # same `entities` JSON
               "Q3235026": "wikidata/wikibase-sdk_wbgetentities_Q3235026.json",
               "Q1234567890": "wikidata/wdtk_wbgetentities_site-title_missing_2015.json"}
    httpserver.expect_request("/w/api.php").respond_with_handler(
        by_param("ids", {k: body(v) for k, v in answers.items()}))
    wd = make("wikidata", path="/w/api.php")
    iu = wd.fetch("https://www.wikidata.org/wiki/Q20145")
    assert iu.uri == WD + "Q20145" and iu.kind == "person" and iu.birth == "1993-05-16"
    assert iu.notes == {"en": "South Korean singer and actress", "nl": "zangeres"}
    assert ("Lee Ji-eun", "en") in labels(iu, "alt")
    assert ("exactMatch", "http://viaf.org/viaf/313304414") in iu.matches
    assert wd.fetch("Q42").pref_label() == "Douglas Adams"
    assert wd.fetch("Q6") is None and wd.fetch("Q1234567890") is None
    bare = wd.fetch(WD + "Q3235026")
    assert bare.labels == [] and bare.types == ["Q14406742"] and bare.kind == "concept"
    with pytest.raises(AuthorityError, match="not a Wikidata id"):
        wd.fetch("Rubens")


def test_wikidata_empty_search_makes_one_request(make, httpserver):
    httpserver.expect_request("/w/api.php").respond_with_handler(by_param("action", {
        "wbsearchentities": body("wikidata/wdtk_wbsearchentities_empty_2017.json")}))
    assert make("wikidata", path="/w/api.php").search("some search string with no results") == []
    assert len(httpserver.log) == 1


def test_wikidata_error_inside_200(make, httpserver):
    error = {"error": {"code": "maxlag", "info": "Waiting for a database server: 6 seconds lagged."}}
    httpserver.expect_request("/w/api.php").respond_with_json(error)
    with pytest.raises(AuthorityUnavailable, match="maxlag"):
        make("wikidata", path="/w/api.php").search("Gent")


# -- VIAF --------------------------------------------------------------------------------------
def test_viaf_search_reads_the_2025_cluster_records(make, httpserver):
    httpserver.expect_request("/api/search", method="POST").respond_with_response(
        body("viaf/viapy_search_personalNames_stephen-benet_2025.json"))
    found = make("viaf", path="/api").search("stephen benet", kind="person")
    assert [e.uri.removeprefix("http://viaf.org/viaf/") for e in found] == [
        "100260717", "45096102", "20475479", "376863", "100260729", "167233446", "47514839", "54942070"]
    benet = found[0]
    assert benet.kind == "person" and benet.types == ["Personal"]
    assert labels(benet, "pref") == [("Bénet, Stephen Vincent, 1898-1943", "")]
    assert ("Stephen Vincent Benét", "") in labels(benet, "alt")
    assert (benet.birth, benet.death) == ("1898-07-22", "1943-03-13")
    assert found[-1].birth == "" and found[-1].death == ""          # VIAF's 0: not known
    assert ("exactMatch", "http://www.wikidata.org/entity/Q465594") in found[2].matches
    request, _ = httpserver.log[0]
    sent = json.loads(request.data)
    assert sent["reqValues"] == {"field": "local.personalNames", "index": "VIAF",
                                 "searchTerms": "stephen benet"}


def test_viaf_search_envelope_and_kind(make, httpserver):
    httpserver.expect_request("/api/search", method="POST").respond_with_response(
        own("viaf_api-search_constructed.json"))
    viaf = make("viaf", path="/api")
    [manske] = viaf.search("Magnus Manske")
    assert manske.uri == "http://viaf.org/viaf/30701597" and manske.pref_label() == "Magnus Manske"
    assert viaf.search("Magnus Manske", kind="organisation") == []   # a person is not an organisation
    assert json.loads(httpserver.log[-1][0].data)["reqValues"]["field"] == "local.corporateNames"
    assert viaf.search("Manske", kind="place") == []


def test_viaf_fetch_cluster_record(make, httpserver):
    def handler(request: Request) -> Response:
        record_id = json.loads(request.data)["reqValues"]["recordId"]
        if record_id == "30701597":
            return body("viaf/auth2wd_api-cluster-record_sourceId_DNB-132539691_2026.json")
        return own("viaf_cluster-record_unknown_constructed.json")

    httpserver.expect_request("/api/cluster-record", method="POST").respond_with_handler(handler)
    viaf = make("viaf", path="/api")
    manske = viaf.fetch("http://viaf.org/viaf/30701597")
    assert manske.kind == "person" and manske.pref_label() == "Magnus Manske"
    assert ("Manske, Magnus 1974-", "") in labels(manske, "alt")
    assert (manske.birth, manske.death) == ("1974-05-24", "")
    assert set(manske.matches) >= {("exactMatch", "http://www.wikidata.org/entity/Q13520818"),
                                   ("exactMatch", "https://d-nb.info/gnd/132539691"),
                                   ("exactMatch", "https://isni.org/isni/0000000022760482")}
    assert viaf.fetch("99999999999") is None
    with pytest.raises(AuthorityError, match="not a VIAF cluster id"):
        viaf.fetch("Rubens")


# -- GeoNames ----------------------------------------------------------------------------------
GN = "https://sws.geonames.org/"
FILTERS = 'geonames_username = "tester"\ngeonames_countries = ["BE", "NL"]\n'


def test_geonames_search_with_filters(make, httpserver):
    httpserver.expect_request("/searchJSON").respond_with_response(
        cassette("geonames/authoritex_geonames_search_results.cassette.json"))
    found = make("geonames", settings=FILTERS).search("Kentucky", limit=30)
    assert len(found) == 30
    ky = found[0]
    assert ky.uri == GN + "6254925/" and ky.kind == "place" and ky.pref_label() == "Kentucky"
    assert ky.types == ["first-order administrative division"] and ky.country == "US"
    assert (ky.lat, ky.long) == (38.20042, -84.87762)
    assert ky.broader == [(GN + "6252001/", "United States")]
    request, _ = httpserver.log[0]
    assert request.args.getlist("country") == ["BE", "NL"]
    assert request.args.getlist("featureClass") == ["A", "P"]
    assert request.args["username"] == "tester" and request.args["maxRows"] == "30"


def test_geonames_other_recorded_searches(make, httpserver):
    httpserver.expect_request("/searchJSON").respond_with_response(body("geonames/qa_geonames_searchJSON.json"))
    found = make("geonames").search("Port")
    assert found[0].pref_label() == "Port Moresby" and found[0].types == ["capital of a political entity"]
    httpserver.clear()
    httpserver.expect_request("/searchJSON").respond_with_response(
        body("geonames/geocoder_searchJSON_fuzzy_featureClassA.json"))
    [ottawa] = make("geonames").search("Ottawa, Ontario")
    assert ottawa.uri == GN + "8581623/" and ottawa.types == ["second-order administrative division"]
    httpserver.clear()
    httpserver.expect_request("/searchJSON").respond_with_response(
        cassette("geonames/authoritex_geonames_search_results_empty.cassette.json"))
    assert make("geonames").search("M1551ng") == []


def test_geonames_fetch(make, httpserver):
    answers = {"4299276": cassette("geonames/authoritex_geonames_fetch_success.cassette.json"),
               "42992769": cassette("geonames/authoritex_geonames_fetch_failure.cassette.json"),
               "11887750": cassette("geonames/authoritex_geonames_custom_hint.cassette.json"),
               "6094817": body("geonames/geocoder_getJSON_6094817_style-full.json"),
               "2088122": body("geonames/qa_geonames_getJSON_2088122.json")}
    httpserver.expect_request("/getJSON").respond_with_handler(by_param("geonameId", answers))
    gn = make("geonames")
    louisville = gn.fetch("https://sws.geonames.org/4299276/")
    assert louisville.pref_label() == "Louisville" and louisville.types == ["seat of a second-order "
                                                                           "administrative division"]
    assert all(lb.lang in ("", "nl", "en", "fr", "de") for lb in louisville.labels)   # no ko, no postcodes
    assert louisville.broader == [(GN + "6254925/", "Kentucky"), (GN + "6252001/", "United States")]
    assert (louisville.lat, louisville.long, louisville.country) == (38.25424, -85.75941, "US")
    assert gn.fetch("42992769") is None                  # HTTP 404, status 11: does not exist
    midwest = gn.fetch("11887750")
    assert midwest.types == ["region"] and midwest.broader == [(GN + "6252001/", "United States")]
    ottawa = gn.fetch("6094817")
    assert ("Ottawa", "fr") in labels(ottawa) and not any(lb.text.startswith("http") for lb in ottawa.labels)
    assert gn.fetch("2088122").pref_label() == "Port Moresby"


def test_geonames_status_inside_200_said_plainly(make, httpserver):
    httpserver.expect_request("/getJSON").respond_with_response(
        cassette("geonames/authoritex_geonames_invalid_parameter.cassette.json"))
    gn = make("geonames")
    with pytest.raises(AuthorityError) as err:
        gn.fetch("wrong")
    assert not isinstance(err.value, AuthorityUnavailable)
    assert 'status 14: For input string: "wrong"' in str(err.value)
    httpserver.clear()
    httpserver.expect_request("/searchJSON").respond_with_response(
        body("geonames/page_geonames_error_missing-username_status10.json"))
    with pytest.raises(AuthorityUnavailable) as err:
        gn.search("Gent")
    assert "Please add a username" in err.value.reason and "ERFGOED_GEONAMES_USERNAME" in err.value.reason


def test_geonames_without_username_asks_nothing(make, httpserver, monkeypatch):
    gn = make("geonames", settings="")
    with pytest.raises(AuthorityUnavailable, match="no GeoNames username configured"):
        gn.search("Gent")
    assert httpserver.log == []
    monkeypatch.setenv("ERFGOED_GEONAMES_USERNAME", "from-env")
    httpserver.expect_request("/searchJSON").respond_with_response(
        cassette("geonames/authoritex_geonames_search_results_empty.cassette.json"))
    assert make("geonames", settings='geonames_username = "in-file"\n').search("Gent") == []
    assert httpserver.log[0][0].args["username"] == "from-env"
