"""Canonical actors and a dataset the public may not see, curator decisions applied to the clusters
they touch only, and the review queue in pages sorted by score."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from erfgoed.api.app import create_app
from erfgoed.api.auth import Tokens
from erfgoed.api.cli import main
from erfgoed.config import load_config
from erfgoed.graph.actors import views
from erfgoed.graph.actors.canonical import proposal_quads
from erfgoed.graph.actors.databank import resolve_store
from erfgoed.graph.actors.decisions import ActorDecisions
from erfgoed.graph.actors.incremental import apply_decisions
from erfgoed.graph.actors.resolve import Link
from erfgoed.graph.actors.visibility import actor_graphs
from erfgoed.graph.store import open_store
from erfgoed.graph.uris import Minter

from .conftest import write_harvest_config
from .test_actors_store import ACTOR, BASE, DATA, LOADS  # the same five sources
from .ui_site import login

SECRET = ACTOR + "museum-b/rubens-peter-paul"  # Rubens as the hidden dataset writes him
SECRET_ONLY = ACTOR + "museum-b/jan-brueghel"  # an actor only the hidden dataset knows
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"


def _load(tmp_path, hidden: str = "museum-b"):
    cfg = write_harvest_config(tmp_path, f"[datasets.{hidden}]\npublish = []\n" if hidden else "")
    for file, dataset, mapping in LOADS:
        args = ["ingest", str(DATA / file), "--dataset", dataset, "--mapping", mapping, "--config", str(cfg)]
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 0, r.output
    config = load_config(cfg)
    with open_store(str(config.resolve(config["store.location"]))) as store:
        resolve_store(store, Minter(BASE))
    return config


@pytest.fixture(scope="module")
def hidden_site(tmp_path_factory):
    return _load(tmp_path_factory.mktemp("hidden"))


def _agent_of(store, member: str) -> str:
    graphs = " ".join(f"<{g}>" for g in actor_graphs(store, Minter(BASE)))
    q = f"SELECT ?a WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?a <{SAME_AS}> <{member}> }} }}"
    return next(iter(store.query(q)))["a"].value


def test_a_hidden_datasets_records_stay_out_of_public_actor_pages_rdf_and_sparql(hidden_site):
    with TestClient(create_app(hidden_site)) as client:
        store, minter = client.app.state.store, Minter(BASE)
        rubens, secret_only = _agent_of(store, SECRET), _agent_of(store, SECRET_ONLY)
        assert rubens == _agent_of(store, ACTOR + "actoren/R1")  # still one identity for curators
        key = minter.agent_key(rubens)
        public = [q for q in store.quads(minter.actors_graph)]
        assert public and not any("museum-b" in str(q) or q.subject.value == secret_only for q in public)
        page = client.get(f"/ui/actors/{key}")
        assert page.status_code == 200 and "Peter Paul Rubens" in page.text and "museum-a" in page.text
        assert "museum-b" not in page.text and "Hoofd van een oude man" not in page.text
        for accept in ("text/turtle", "application/n-triples"):
            rdf = client.get(f"/ui/actors/{key}", headers={"Accept": accept}).text
            assert "museum-a" in rdf and "museum-b" not in rdf
        ld = client.get(f"/id/agent/{key}", headers={"Accept": "text/turtle"})
        assert ld.status_code == 200 and "museum-a" in ld.text and "museum-b" not in ld.text
        assert client.get(f"/ui/actors/{minter.agent_key(secret_only)}").status_code == 404
        assert client.get(f"/id/agent/{minter.agent_key(secret_only)}").status_code == 404
        r = client.get(
            "/sparql",
            params={"query": f"SELECT * WHERE {{ ?a <{SAME_AS}> ?m FILTER(CONTAINS(STR(?m), 'museum-b')) }}"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert r.status_code == 200 and r.json()["results"]["bindings"] == []
        # the curator's view of the same actor has the hidden record, and its proposals
        full = views.actor_view(store, minter, key, public=False)
        assert SECRET in {m.uri for m in full["members"]}
        queue = views.proposals(store, minter)
        assert any(SECRET_ONLY in (p.a.uri, p.b.uri) for p in queue)


def test_a_public_dataset_is_linked_publicly(tmp_path):
    """The same data with every dataset public: the record is in the public graph (the test above
    could not pass by writing nothing)."""
    config = _load(tmp_path, hidden="")
    with open_store(str(config.resolve(config["store.location"]))) as store:
        assert any(SECRET in str(q) for q in store.quads(Minter(BASE).actors_graph))


def _snapshot(store) -> set[tuple[str, str, str, str]]:
    return {
        (q.graph_name.value, q.subject.value, q.predicate.value, str(q.object))
        for g in actor_graphs(store, Minter(BASE))
        for q in store.quads(g)
    }


def test_a_decision_rewrites_only_the_clusters_it_touches(tmp_path):
    config = _load(tmp_path, hidden="")
    pp, r1 = ACTOR + "museum-a/p-p-rubens", ACTOR + "actoren/R1"
    with open_store(str(config.resolve(config["store.location"]))) as store:
        minter = Minter(BASE)
        before = _snapshot(store)
        old = {_agent_of(store, pp), _agent_of(store, r1)}
        ActorDecisions(store, minter).merge(pp, r1, author="Anna Curator")
        change = apply_decisions(store, minter, [pp, r1])
        after = _snapshot(store)
        assert _agent_of(store, pp) == _agent_of(store, r1)
        assert change.retired == old and len(change.agents) == 1
        members = change.members
        touched = {s for _, s, _, _ in before ^ after}
        assert touched  # something changed ...
        for s in touched:  # ... and only the two clusters, their proposals and redirects
            about = {o for _, s2, _, o in before | after if s2 == s}
            assert s in old | change.agents or about & {f"<{m}>" for m in members}, s
        untouched = {x for x in before if x[1] not in touched}
        assert untouched and untouched <= after
        # a full run over the whole store afterwards agrees with the incremental one
        resolve_store(store, minter)
        assert _snapshot(store) == after


def test_undo_and_split_apply_incrementally_too(tmp_path):
    config = _load(tmp_path, hidden="")
    a, b = ACTOR + "museum-a/peter-paul-rubens", ACTOR + "museum-b/rubens-peter-paul"
    with open_store(str(config.resolve(config["store.location"]))) as store:
        minter = Minter(BASE)
        decisions = ActorDecisions(store, minter)
        key = _agent_of(store, a)
        members = [m for m in views.actor_view(store, minter, minter.agent_key(key))["members"]]
        done = decisions.split(b, [m.uri for m in members], author="Anna Curator")
        apply_decisions(store, minter, [m.uri for m in members])
        assert _agent_of(store, b) != key and _agent_of(store, a) == key
        for d in done:
            decisions.undo(d.record, by="Anna Curator")
        apply_decisions(store, minter, [done[0].subject, done[0].object])
        assert _agent_of(store, b) == key


def test_the_queue_pages_by_fifty_highest_score_first(tmp_path):
    config = _load(tmp_path, hidden="")
    minter = Minter(BASE)
    token = Tokens(tmp_path / "data" / "tokens.json").add("Anna Curator", "curator")
    with TestClient(create_app(config)) as client:
        store = client.app.state.store
        existing = views.count_proposals(store, minter)
        links = [
            Link(f"{ACTOR}x/a{i:03}", f"{ACTOR}x/b{i:03}", round(0.6 + (i % 25) / 100, 3), (f"case {i}",))
            for i in range(120)
        ]
        store.add(proposal_quads(minter, links))
        first = views.proposals(store, minter, offset=0, limit=views.PAGE_SIZE)
        second = views.proposals(store, minter, offset=views.PAGE_SIZE, limit=views.PAGE_SIZE)
        scores = [p.score for p in first + second]
        assert len(first) == len(second) == 50 and scores == sorted(scores, reverse=True)
        assert {p.node for p in first}.isdisjoint({p.node for p in second})
        total = existing + 120
        assert views.count_proposals(store, minter) == total
        login(client, token)
        pages = [client.get(f"/ui/actors?n={n}").text for n in (1, 2, 3)]
        rows = [html.count('href="/ui/actors/proposal?') for html in pages]
        assert rows == [50, 50, total - 100]
        shown = [re.findall(r"case \d+", html) for html in pages]
        assert len({c for s in shown for c in s}) == 120  # every proposal on exactly one page
        assert 'rel="next"' in pages[0] and 'rel="prev"' in pages[2] and 'rel="next"' not in pages[2]
        assert f"({total} " in pages[0]


def test_a_split_performer_is_relinked_in_its_production_as_a_full_run_would(tmp_path):
    config = _load(tmp_path, hidden="")
    perf = "https://schema.org/performer"
    with open_store(str(config.resolve(config["store.location"]))) as store:
        minter = Minter(BASE)
        q = f"SELECT ?p ?a WHERE {{ GRAPH <{minter.actors_graph}> {{ ?p <{perf}> ?a }} }}"
        (row,) = list(store.query(q))
        view = views.actor_view(store, minter, minter.agent_key(row["a"].value))
        members = [m.uri for m in view["members"]]
        assert len(members) == 2  # "Ensemble Leie" of both agendas
        ActorDecisions(store, minter).split(members[1], members, author="Anna Curator")
        apply_decisions(store, minter, members)
        after = _snapshot(store)
        linked = {r["a"].value for r in store.query(q)}
        assert linked == {_agent_of(store, m) for m in members} and len(linked) == 2
        resolve_store(store, minter)
        assert _snapshot(store) == after
