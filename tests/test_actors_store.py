"""`erfgoed actors resolve` on a store loaded through the real mappings: canonical actors with
owl:sameAs, stable URIs across runs, curators' decisions that persist and undo, and productions
that arrive from two sources becoming one."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from erfgoed.api.cli import main
from erfgoed.config import load_config
from erfgoed.graph.actors import views
from erfgoed.graph.actors.databank import resolve_store
from erfgoed.graph.actors.decisions import ActorDecisions
from erfgoed.graph.store import open_store
from erfgoed.graph.uris import Minter

from .conftest import FIXTURES, write_harvest_config

DATA = FIXTURES / "actor-databank"
BASE = "http://kg.example.org"
ACTOR = f"{BASE}/id/actor/"
LOADS = [
    ("register-a.csv", "museum-a", "museum-register"),
    ("register-b.csv", "museum-b", "museum-register"),
    ("actors.csv", "actoren", "actor-register"),
    ("events-a.json", "uit-a", "uitdatabank-event"),
    ("events-b.json", "uit-b", "uitdatabank-event"),
]


@pytest.fixture
def loaded(tmp_path):
    cfg = write_harvest_config(tmp_path, "")
    runner = CliRunner()
    for file, dataset, mapping in LOADS:
        r = runner.invoke(
            main,
            ["ingest", str(DATA / file), "--dataset", dataset, "--mapping", mapping, "--config", str(cfg)],
        )
        assert r.exit_code == 0 and " 0 quarantined" in r.output, r.output
    return cfg


def _run(cfg, *args):
    r = CliRunner().invoke(main, ["actors", "resolve", "--config", str(cfg), *args])
    assert r.exit_code == 0, r.output
    return r.output


def _clusters(store) -> dict[str, set[str]]:
    q = (
        f"SELECT ?a ?m WHERE {{ GRAPH <{BASE}/graph/actors> {{ "
        "?a a <https://w3id.org/erfgoed-kg/ns#CanonicalActor> ; <http://www.w3.org/2002/07/owl#sameAs> ?m } }"
    )
    out: dict[str, set[str]] = {}
    for row in store.query(q):
        out.setdefault(row["a"].value, set()).add(row["m"].value)
    return out


def _agent_of(clusters, member: str) -> str:
    return next(a for a, ms in clusters.items() if member in ms)


def _open(cfg):
    config = load_config(cfg)
    return open_store(str(config.resolve(config["store.location"])))


def test_rubens_from_three_sources_is_one_actor_with_his_authorities(loaded):
    out = _run(loaded)
    assert "proposals to review" in out and "1 productions" in out
    with _open(loaded) as store:
        clusters = _clusters(store)
    rubens = _agent_of(clusters, ACTOR + "actoren/R1")
    members = clusters[rubens]
    assert {
        ACTOR + "museum-a/peter-paul-rubens",
        ACTOR + "museum-a/pieter-paul-rubens-1577-1640",
        ACTOR + "museum-b/rubens-peter-paul",
        "http://viaf.org/viaf/54343141",
        "http://www.wikidata.org/entity/Q5599",
    } <= members
    assert ACTOR + "museum-a/p-p-rubens" not in members  # initials only: proposed, not merged
    assert not any(m.endswith("/onbekend") for ms in clusters.values() for m in ms)
    # namesakes with other life dates stay two actors
    assert _agent_of(clusters, ACTOR + "actoren/R2") != _agent_of(clusters, ACTOR + "actoren/R3")


def test_agent_uris_are_stable_across_runs_and_source_records_untouched(loaded):
    _run(loaded)
    with _open(loaded) as store:
        first = _clusters(store)
        before = store.count()
        source = store.count() - sum(1 for _ in store.quads(f"{BASE}/graph/actors"))
    _run(loaded)
    with _open(loaded) as store:
        assert _clusters(store) == first and store.count() == before
        assert store.count() - sum(1 for _ in store.quads(f"{BASE}/graph/actors")) == source


def test_a_merge_survives_re_runs_and_undo_takes_it_back(loaded):
    _run(loaded)
    pp, rubens = ACTOR + "museum-a/p-p-rubens", ACTOR + "actoren/R1"
    with _open(loaded) as store:
        minter = Minter(BASE)
        key = _agent_of(_clusters(store), rubens)
        d = ActorDecisions(store, minter).merge(pp, rubens, author="Anna Curator", comment="zelfde signatuur")
        resolve_store(store, minter)
        resolve_store(store, minter)
        clusters = _clusters(store)
        assert _agent_of(clusters, pp) == key  # joined, under Rubens's URI
        ActorDecisions(store, minter).undo(d.record, by="Anna Curator")
        resolve_store(store, minter)
        clusters = _clusters(store)
        assert _agent_of(clusters, pp) != key and _agent_of(clusters, rubens) == key
        history = ActorDecisions(store, minter).all()
        assert [h.status for h in history] == ["retracted"] and history[0].comment == "zelfde signatuur"


def test_kept_apart_is_never_merged_again_and_a_split_keeps_the_rest_under_its_uri(loaded):
    _run(loaded)
    minter = Minter(BASE)
    a, b = ACTOR + "museum-a/peter-paul-rubens", ACTOR + "museum-b/rubens-peter-paul"
    with _open(loaded) as store:
        key = _agent_of(_clusters(store), a)
        ActorDecisions(store, minter).split(b, sorted(_clusters(store)[key]), author="Anna Curator")
        resolve_store(store, minter)
        resolve_store(store, minter)
        clusters = _clusters(store)
        assert _agent_of(clusters, b) != key and _agent_of(clusters, a) == key


def test_a_retired_agent_uri_points_to_the_actor_it_became(loaded):
    _run(loaded)
    minter = Minter(BASE)
    pp, rubens = ACTOR + "museum-a/p-p-rubens", ACTOR + "actoren/R1"
    with _open(loaded) as store:
        old = _agent_of(_clusters(store), pp)
        ActorDecisions(store, minter).merge(pp, rubens, author="Anna Curator")
        resolve_store(store, minter)
        new = _agent_of(_clusters(store), pp)
        rows = list(store.query(f"SELECT ?n WHERE {{ <{old}> <http://purl.org/dc/terms/isReplacedBy> ?n }}"))
        assert old != new and [r["n"].value for r in rows] == [new]


def test_one_production_from_two_agendas_with_its_events_and_performer(loaded):
    _run(loaded)
    with _open(loaded) as store:
        rows = list(
            store.query(
                "SELECT ?p ?src ?e ?perf WHERE { ?p a <https://w3id.org/erfgoed-kg/ns#CanonicalProduction> ; "
                "<http://www.w3.org/2002/07/owl#sameAs> ?src ; "
                "<http://www.cidoc-crm.org/cidoc-crm/P9_consists_of> ?e ;"
                " <https://schema.org/performer> ?perf }"
            )
        )
    assert {r["p"].value for r in rows} == {f"{BASE}/id/production/prod-1"}
    assert {r["src"].value for r in rows} == {
        f"{BASE}/id/production/uit-a/prod-1",
        f"{BASE}/id/production/uit-b/prod-1",
    }
    assert len({r["e"].value for r in rows}) == 2
    # "Ensemble Leie" and "ensemble Leie" of the two agendas are one canonical performer
    assert len({r["perf"].value for r in rows}) == 1 and rows[0]["perf"].value.startswith(f"{BASE}/id/agent/")


def test_every_automatic_merge_says_why_on_the_actor(loaded):
    _run(loaded)
    minter = Minter(BASE)
    with _open(loaded) as store:
        clusters = _clusters(store)
        rubens = _agent_of(clusters, ACTOR + "actoren/R1")
        view = views.actor_view(store, minter, minter.agent_key(rubens), public=False)
    why = view["merged_because"]
    records = {m for m in clusters[rubens] if m.startswith(ACTOR)}
    # a spanning set of links: every record of the cluster is reached by one, each with its reasons
    assert len(why) == len(records) - 1 and {u for w in why for u in (w["a"], w["b"])} == records
    assert all(w["score"] >= 0.85 and w["reasons"] for w in why)
    assert any("1577" in r for w in why for r in w["reasons"])
