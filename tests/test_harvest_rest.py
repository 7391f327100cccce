"""REST harvesting (UiTdatabank Search API v3 style) against real HTTP servers on loopback: the
Search API's own example response, and paged collections of our own (hydra `view.next` and
start/limit paging), incremental runs, bad pages and bad items."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from erfgoed.config import load_config
from erfgoed.errors import UserError
from erfgoed.graph import meta
from erfgoed.graph.harvest import harvest
from erfgoed.graph.store import open_store
from erfgoed.graph.uris import Minter
from erfgoed.harvesters.http import Fetcher
from tests.conftest import needs_reference, write_harvest_config
from tests.servers import FileServer

BASE = "http://kg.example.org"
UDB = "https://io.uitdatabank.be/event/"


def event(n: int, *, production: str | None = None, performers=(), modified="2026-01-0{n}T10:00:00+00:00"):
    """A Search API v3 event in the shape of the documented example (fields trimmed)."""
    item = {
        "@id": f"{UDB}00000000-0000-4000-8000-00000000010{n}", "@type": "Event",
        "mainLanguage": "nl", "name": {"nl": f"Voorstelling {n}", "en": f"Performance {n}"},
        "location": {"@id": "https://io.uitdatabank.be/place/00000000-0000-4000-8000-000000000201"},
        "organizer": {"@id": "https://io.uitdatabank.be/organizers/00000000-0000-4000-8000-000000000301"},
        "terms": [{"id": "0.55.0.0.0", "label": "Theatervoorstelling", "domain": "eventtype"}],
        "calendarType": "single", "startDate": f"2026-03-0{n}T20:00:00+01:00",
        "endDate": f"2026-03-0{n}T22:00:00+01:00", "created": "2025-12-01T09:00:00+00:00",
        "modified": modified.format(n=n), "workflowStatus": "APPROVED",
    }
    if production:
        item["production"] = {"id": production, "title": "Kommil Foo - OOGST", "otherEvents": []}
    if performers:
        item["performer"] = [{"name": p} for p in performers]
    return item


def page(tmp: Path, name: str, members: list, next_url: str | None = None, **extra) -> Path:
    body = {"@context": "http://www.w3.org/ns/hydra/context.jsonld", "@type": "PagedCollection",
            "itemsPerPage": 2, "totalItems": 3, "member": members, **extra}
    if next_url:
        body["view"] = {"@type": "PartialCollectionView", "next": next_url}
    path = tmp / name
    path.write_text(json.dumps(body), "utf-8")
    return path


def run(cfg: Path, full: bool = False):
    config = load_config(cfg)
    with open_store(str(config.resolve(config["store.location"]))) as store:
        result = harvest(store, config, config.sources["uit"], full=full, fetcher=Fetcher(retries=0))
        index = meta.record_index(store, Minter(BASE), "uit")
        titles = {r["e"].value: r["t"].value for r in store.query(
            "SELECT ?e ?t WHERE { ?e a <http://www.cidoc-crm.org/cidoc-crm/E7_Activity> ; "
            "<http://purl.org/dc/terms/title> ?t FILTER(lang(?t) = 'nl') }")}
        count = store.count()
    return result, index, titles, count


def config_for(tmp: Path, url: str) -> Path:
    return write_harvest_config(tmp, f'[sources.uit]\ntype = "rest"\nurl = "{url}"\ndataset = "uit"\n')


def test_search_api_example_response_is_harvested(tmp_path):
    example = needs_reference("oslo/uitdatabank") / "searchapi-v3-example-response-event.json"
    with FileServer({"events": example}) as server:
        result, index, titles, _ = run(config_for(tmp_path, server.url + "/events"))
    assert (result.counts.loaded, result.counts.quarantined) == (1, 0)
    event_iri = json.loads(example.read_text())["member"][0]["@id"]
    assert event_iri in titles  # the event keeps its UiTdatabank IRI
    assert "f5db5ff3-6010-4fbb-9eeb-fb70da9fdfce" in index


def test_pages_followed_production_shared_and_incremental(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    shared = "10ce7cb1-7bc9-4ce4-a256-460f56c49965"
    first = [event(1, production=shared, performers=["Kommil Foo"]), event(2, production=shared)]
    files = {"events": page(pages, "p1.json", first, next_url="{url}/events?page=2"),
             "events?page=2": page(pages, "p2.json", [event(3)])}
    with FileServer(files, rewrite={"{url}": "{url}"}) as server:
        cfg = config_for(tmp_path, server.url + "/events")
        result, index, titles, _ = run(cfg)
        assert (result.counts.loaded, result.counts.warnings) == (3, 0) and len(index) == 3
        assert titles[f"{BASE}/id/production/uit/{shared}"] == "Kommil Foo - OOGST"
        config = load_config(cfg)
        with open_store(str(config.resolve(config["store.location"]))) as store:
            parts = [r["n"].value for r in store.query(
                "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e "
                "<http://www.cidoc-crm.org/cidoc-crm/P9i_forms_part_of> ?p }")]
            assert parts == ["2"]  # both events, one production
            assert bool(store.query("ASK { ?e <https://schema.org/performer> ?a . "
                                    "?a <http://xmlns.com/foaf/0.1/name> 'Kommil Foo' }"))
        # second run: asks from the newest `modified` seen; one event changed
        server.requests.clear()
        changed = copy.deepcopy(first)
        changed[1]["name"]["nl"] = "Voorstelling 2 (herneming)"
        changed[1]["modified"] = "2026-02-01T10:00:00+00:00"
        server.files["events?modified%5Bfrom%5D=2026-01-03T10%3A00%3A00%2B00%3A00"] = page(
            pages, "since.json", [changed[1]], totalItems=1)
        result, _, titles, _ = run(cfg)
    assert server.requests == ["/events?modified%5Bfrom%5D=2026-01-03T10%3A00%3A00%2B00%3A00"]
    assert (result.counts.loaded, result.counts.unchanged) == (1, 0)
    assert titles[f"{UDB}00000000-0000-4000-8000-000000000102"] == "Voorstelling 2 (herneming)"


def test_start_limit_paging_when_no_next_link(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    files = {"events": page(pages, "a.json", [event(1), event(2)]),
             "events?start=2": page(pages, "b.json", [event(3)])}
    with FileServer(files) as server:
        result, index, _, _ = run(config_for(tmp_path, server.url + "/events"))
    assert result.counts.loaded == 3
    assert server.requests == ["/events", "/events?start=2"]


def test_item_without_id_is_quarantined_and_the_harvest_goes_on(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    broken = event(2)
    del broken["@id"]
    one_page = page(pages, "a.json", [event(1), broken, event(3)], itemsPerPage=3)
    with FileServer({"events": one_page}) as server:
        result, index, _, _ = run(config_for(tmp_path, server.url + "/events"))
    assert (result.counts.loaded, result.counts.quarantined) == (2, 1)


def test_a_page_that_is_not_json_stops_the_run_and_keeps_the_store(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    good = page(pages, "a.json", [event(1), event(2)], totalItems=2)
    with FileServer({"events": good}) as server:
        cfg = config_for(tmp_path, server.url + "/events")
        _, _, _, before = run(cfg)
        bad = pages / "bad.json"
        bad.write_text('{"member": [ {"@id": "x"', "utf-8")
        server.files["events"] = bad
        with pytest.raises(UserError, match="not JSON"):
            run(cfg, full=True)
    config = load_config(cfg)
    with open_store(str(config.resolve(config["store.location"]))) as store:
        index = meta.record_index(store, Minter(BASE), "uit")
        assert sorted(index) == ["00000000-0000-4000-8000-000000000101",
                                 "00000000-0000-4000-8000-000000000102"]
        assert store.count() >= before  # nothing published was lost (the failed run's provenance only adds)
