"""A curator's decision applied to the clusters it touches only, not to the whole store.

A merge, keep-apart, split or undo names a few source actors. Their current clusters (every member
of every canonical actor that is `owl:sameAs` one of them) are read back, resolved again among
themselves with the decisions, given keys the way a full run would (graph/actors/canonical.py), and
only their statements are rewritten: those agents, the proposals between their members, redirects
into their keys, and the performer/organiser links of the canonical productions that point at them.
Everything else in the canonical graphs stays as it was. A later full `erfgoed actors resolve`
writes the same result, except where a name's ambiguity is judged from the whole store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from erfgoed.graph.actors import canonical
from erfgoed.graph.actors.candidates import normalise_id, read_candidates
from erfgoed.graph.actors.databank import cluster_quads, proposal_quads
from erfgoed.graph.actors.decisions import ActorDecisions
from erfgoed.graph.actors.productions import CANONICAL as PRODUCTION
from erfgoed.graph.actors.resolve import MERGE_THRESHOLD, REVIEW_THRESHOLD, resolution
from erfgoed.graph.actors.visibility import actor_graphs, hidden_datasets, iris, values
from erfgoed.graph.namespaces import CRM, OWL
from erfgoed.graph.store import Store
from erfgoed.graph.uris import Minter

PERFORMER = "https://schema.org/performer"


@dataclass
class Change:
    members: set[str] = field(default_factory=set)  # source actors re-resolved
    retired: set[str] = field(default_factory=set)  # agent URIs rewritten or gone
    agents: set[str] = field(default_factory=set)  # agent URIs written now


def affected(store: Store, minter: Minter, uris: Iterable[str]) -> tuple[set[str], set[str]]:
    """(the agents holding any of `uris`, every source actor of those agents plus `uris`)."""
    uris = set(uris)
    graphs = values(actor_graphs(store, minter))
    q = (
        f"SELECT ?a ?m WHERE {{ {graphs} VALUES ?x {{ {iris(uris)} }} "
        f"GRAPH ?g {{ ?a a {canonical.CANONICAL} ; {OWL.sameAs} ?x }} GRAPH ?h {{ ?a {OWL.sameAs} ?m }} }}"
    )
    agents, members = set(), set(uris)
    for row in store.query(q):
        agents.add(row["a"].value)
        if normalise_id(row["m"].value) is None:  # authorities are no records
            members.add(row["m"].value)
    return agents, members


def apply_decisions(
    store: Store,
    minter: Minter,
    uris: Iterable[str],
    *,
    merge: float = MERGE_THRESHOLD,
    review: float = REVIEW_THRESHOLD,
) -> Change:
    """Re-resolve the clusters of `uris` (the two sides of a decision) and rewrite only them."""
    old_agents, members = affected(store, minter, uris)
    named = [c for c in read_candidates(store, minter, only=members) if not c.unknown]
    inside = {c.uri for c in named}
    merged, apart = ActorDecisions(store, minter).pairs()
    found = resolution(
        named,
        merge=merge,
        review=review,
        merged_pairs=[p for p in merged if set(p) <= inside],
        apart_pairs=[p for p in apart if set(p) <= inside],
    )
    clusters, proposals = found.clusters, found.proposals
    previous = canonical.read_previous(store, minter)
    old_keys = {minter.agent_key(a) for a in old_agents}
    chains = {o: n for o, n in previous.redirects.items() if n in old_keys}
    local = canonical.Previous(
        {m: k for m, k in previous.key_of.items() if m in inside}, previous.used, chains
    )
    keys, redirects = canonical.assign_keys(clusters, local)
    by_uri = {c.uri: c for c in named}
    hidden = hidden_datasets(store, minter)
    quads, agent_of = cluster_quads(minter, keys, clusters, by_uri, hidden)
    quads += canonical.redirect_quads(minter, redirects)
    quads += proposal_quads(minter, proposals, by_uri, hidden, found.merges)
    graphs = actor_graphs(store, minter)
    deletes = [(g, a) for g in graphs for a in old_agents]
    deletes += [(minter.actors_graph, minter.agent(o)) for o in chains]
    deletes += [(g, p) for g, p in _proposals_within(store, graphs, inside)]
    prod_deletes, prod_quads = _production_links(store, graphs, old_agents, agent_of)
    store.replace(delete_subjects=deletes + prod_deletes, insert=quads + prod_quads)
    return Change(inside, old_agents, {minter.agent(k) for k in keys})


def _proposals_within(store: Store, graphs: list[str], inside: set[str]) -> list[tuple[str, str]]:
    """Proposals and automatic-merge records between two of the re-resolved actors (those reaching
    outside stay)."""
    if not inside:
        return []
    q = (
        f"SELECT ?g ?p WHERE {{ {values(graphs)} VALUES ?a {{ {iris(inside)} }} "
        f"VALUES ?b {{ {iris(inside)} }} VALUES ?t {{ {canonical.PROPOSAL} {canonical.MERGE} }} "
        f"GRAPH ?g {{ ?p a ?t ; {OWL.annotatedSource} ?a ; {OWL.annotatedTarget} ?b }} }}"
    )
    return [(r["g"].value, r["p"].value) for r in store.query(q)]


def _production_links(
    store: Store, graphs: list[str], old_agents: set[str], agent_of: dict[str, str]
) -> tuple[list[tuple[str, str]], list[ox.Quad]]:
    """Canonical productions naming an agent that changed: their statements again, the agent links
    now pointing at the agent each source performer/organiser belongs to. Two queries however many
    productions: their statements, then the performers/organisers of their source productions."""
    if not old_agents:
        return [], []
    q = (
        f"SELECT DISTINCT ?g ?p ?pp ?o WHERE {{ {values(graphs)} VALUES ?a {{ {iris(old_agents)} }} "
        f"GRAPH ?g {{ ?p a {PRODUCTION} ; <{PERFORMER}>|{CRM.P14_carried_out_by} ?a . ?p ?pp ?o }} }}"
    )
    found: set[tuple[str, str]] = set()
    quads = []
    for row in store.query(q):
        g, p, pp, o = row["g"].value, row["p"].value, row["pp"], row["o"]
        found.add((g, p))
        if pp.value in (PERFORMER, CRM.P14_carried_out_by.value) and o.value in old_agents:
            continue
        quads.append(ox.Quad(ox.NamedNode(p), pp, o, ox.NamedNode(g)))
    for g, p, prop, source in _source_links(store, found):
        if source in agent_of:
            quads.append(
                ox.Quad(ox.NamedNode(p), ox.NamedNode(prop), ox.NamedNode(agent_of[source]), ox.NamedNode(g))
            )
    return sorted(found), quads


def _source_links(store: Store, productions: set[tuple[str, str]]) -> set[tuple[str, str, str, str]]:
    """(graph, production, property, source actor) of the events of the source productions each
    canonical production is `owl:sameAs` in its graph (so a public graph never gains a hidden
    dataset's performer)."""
    if not productions:
        return set()
    pairs = " ".join(f"(<{g}> <{p}>)" for g, p in sorted(productions))
    q = (
        f"SELECT ?g ?p ?prop ?x WHERE {{ VALUES (?g ?p) {{ {pairs} }} GRAPH ?g {{ ?p {OWL.sameAs} ?src }} "
        f"{{ ?src {CRM.P9_consists_of}/<{PERFORMER}> ?x BIND(<{PERFORMER}> AS ?prop) }} UNION "
        f"{{ ?src {CRM.P9_consists_of}/{CRM.P14_carried_out_by} ?x "
        f"BIND({CRM.P14_carried_out_by} AS ?prop) }} }}"
    )
    return {(r["g"].value, r["p"].value, r["prop"].value, r["x"].value) for r in store.query(q)}
