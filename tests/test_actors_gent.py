"""Ghent's real LDES pages through the actor and production databank: `adlib personen` merged with
an actor register by a shared ULAN id, and `dmg tentoonstellingen` as productions with the Ghent
objects they showed. Pages served on loopback from ../shared/reference (skipped where absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from erfgoed.api.app import create_app
from erfgoed.api.cli import main
from erfgoed.config import load_config
from erfgoed.graph import meta
from erfgoed.graph.actors.databank import resolve_store
from erfgoed.graph.harvest import harvest
from erfgoed.graph.store import open_store
from erfgoed.graph.uris import Minter
from erfgoed.harvesters.http import Fetcher

from .conftest import FIXTURES, needs_reference, write_harvest_config
from .servers import FileServer

GENT = "https://apidg.gent.be/opendata/adlib2eventstream/v1/"
STREAMS = ("adlib-personen", "dmg-tentoonstellingen", "dmg-objecten")
BASE = "http://kg.example.org"
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
DELVAUX = "https://stad.gent/id/agent/470000084"


def _pages(stream: str) -> list[Path]:
    return sorted(needs_reference("oslo/ldes/gent-adlib2eventstream").glob(f"{stream}-page*.jsonld"))


@pytest.fixture(scope="module")
def gent(tmp_path_factory):
    contexts = needs_reference("oslo/contexts-gent")
    tmp = tmp_path_factory.mktemp("gent")
    files = {json.loads(p.read_text())["@id"].replace(GENT, ""): p for s in STREAMS for p in _pages(s)}
    rewrite = {f"{GENT}{s.split('-')[0]}/": "{url}/" + s.split("-")[0] + "/" for s in STREAMS}
    with FileServer(files, rewrite=rewrite) as server:
        body = f'[resources.local]\n"{GENT}context/" = "{contexts}/"\n'
        for s in STREAMS:
            first = next(p for p in _pages(s) if json.loads(p.read_text()).get("viewOf"))
            key = json.loads(first.read_text())["@id"].replace(GENT, "")
            body += f'\n[sources.{s}]\ntype = "ldes"\nurl = "{server.url}/{key}"\n'
        cfg = write_harvest_config(tmp, body)
        config = load_config(cfg)
        with open_store(str(config.resolve(config["store.location"]))) as store:
            for s in STREAMS:
                result = harvest(store, config, config.sources[s], fetcher=Fetcher())
                assert result.counts.loaded > 0 and result.counts.quarantined == 0
    register = FIXTURES / "actor-databank" / "gent-register.csv"
    r = CliRunner().invoke(main, ["ingest", str(register), "--dataset", "register", "--mapping",
                                  "actor-register", "--config", str(cfg)])
    assert r.exit_code == 0, r.output
    with open_store(str(config.resolve(config["store.location"]))) as store:
        summary = resolve_store(store, Minter(BASE))
    return config, summary


def _agents(store) -> dict[str, set[str]]:
    q = (f"SELECT ?a ?m WHERE {{ GRAPH <{BASE}/graph/actors> {{ ?a a "
         f"<https://w3id.org/erfgoed-kg/ns#CanonicalActor> ; <{SAME_AS}> ?m }} }}")
    out: dict[str, set[str]] = {}
    for row in store.query(q):
        out.setdefault(row["a"].value, set()).add(row["m"].value)
    return out


def test_a_ghent_person_and_a_register_row_with_one_ulan_id_are_one_actor(gent):
    config, _ = gent
    with TestClient(create_app(config)) as client:
        agents = _agents(client.app.state.store)
        delvaux = next(a for a, ms in agents.items() if DELVAUX in ms)
        ids = {"http://vocab.getty.edu/ulan/500002211", "http://www.wikidata.org/entity/Q510315",
               "https://rkd.nl/explore/artists/21847"}
        assert {f"{BASE}/id/actor/register/G1"} | ids <= agents[delvaux]
        # a namesake family without a shared id stays apart; "onbekend" is never an actor
        arnold = next(a for a, ms in agents.items() if "https://stad.gent/id/agent/470000026" in ms)
        assert f"{BASE}/id/actor/register/G2" not in agents[arnold]
        assert not any("https://stad.gent/id/agent/470000019" in ms for ms in agents.values())
        page = client.get("/ui/actors/" + delvaux.rsplit("/", 1)[1])
        assert page.status_code == 200 and "Laurent Delvaux" in page.text
        assert "adlib-personen" in page.text and "register" in page.text and "1696" in page.text


def test_ghent_exhibitions_are_productions_linked_to_the_objects_they_showed(gent):
    config, _ = gent
    shown: dict[str, set[str]] = {}
    for page in _pages("dmg-tentoonstellingen"):
        for m in json.loads(page.read_text())["@included"]:
            used = m.get("Activiteit.gebruiktObject", [])
            shown.setdefault(m["dcterms:isVersionOf"], set()).update(
                o["@id"] for o in (used if isinstance(used, list) else [used]) if "@id" in o)
    shown = {k: v for k, v in shown.items() if v}
    assert shown  # the real pages do list objects
    with open_store(str(config.resolve(config["store.location"]))) as store:
        q = (f"SELECT ?p ?src ?obj ?title ?first WHERE {{ GRAPH <{BASE}/graph/actors> {{ "
             "?p a <https://w3id.org/erfgoed-kg/ns#CanonicalProduction> ; "
             f"<{SAME_AS}> ?src ; <http://www.cidoc-crm.org/cidoc-crm/P16_used_specific_object> ?obj "
             "OPTIONAL { ?p <http://purl.org/dc/terms/title> ?title } "
             "OPTIONAL { ?p <https://w3id.org/erfgoed-kg/ns#firstDate> ?first } } }")
        rows = list(store.query(q))
        objects = meta.record_index(store, Minter(BASE), "dmg-objecten")
    linked: dict[str, set[str]] = {}
    for r in rows:
        linked.setdefault(r["src"].value, set()).add(r["obj"].value)
    assert linked == shown  # every exhibition, once, with exactly the objects it showed
    blondeel = next(r for r in rows if r["src"].value == "https://stad.gent/id/tentoonstelling/530000105")
    assert blondeel["title"].value == "Glasramen van Armand Blondeel"
    assert blondeel["first"].value == "1979-12-14"
    # objects shown are named as the dmg objecten stream names its objects
    assert all(k.startswith("https://stad.gent/id/mensgemaaktobject/") for k in objects)
    assert all(o.startswith("https://stad.gent/id/mensgemaaktobject/") for v in linked.values() for o in v)
