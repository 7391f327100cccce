"""`erfgoed actors resolve`: read every actor, cluster, write canonical actors and productions.

The canonical graphs (`Minter.actors_graph`, and one per hidden dataset: graph/actors/visibility.py)
are rebuilt as a whole in one transaction; the curators' decisions (`Minter.actor_decisions_graph`)
are read, never rewritten; source records are untouched. Running it twice on the same store writes
the same graphs (keys are a persisted assignment). A single curator decision does not come here:
graph/actors/incremental.py re-resolves only the clusters it touches.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from erfgoed.graph.actors import canonical, productions
from erfgoed.graph.actors.candidates import read_candidates
from erfgoed.graph.actors.decisions import ActorDecisions
from erfgoed.graph.actors.resolve import MERGE_THRESHOLD, REVIEW_THRESHOLD, Candidate, Link, resolution
from erfgoed.graph.actors.visibility import actor_graphs, hidden_datasets, place
from erfgoed.graph.store import Store
from erfgoed.graph.uris import Minter

STEPS = ("reading actors", "clustering", "assigning URIs", "productions", "writing")


@dataclass
class Summary:
    records: int  # source actors read
    actors: int  # canonical actors (clusters)
    merged: int  # clusters of two or more source actors
    proposals: int  # pairs waiting for a curator
    skipped: int  # "Onbekend", "anonymous": never resolved
    productions: int  # canonical productions
    retired: int  # agent keys now replaced by another
    automatic: int = 0  # links that merged two clusters automatically (each kept with its reasons)

    def line(self) -> str:
        return (
            f"{self.records} source actors -> {self.actors} actors ({self.merged} merged from several "
            f"records), {self.proposals} proposals to review, {self.skipped} unnamed skipped; "
            f"{self.productions} productions."
        )


def cluster_quads(
    minter: Minter,
    keys: list[str],
    clusters: list[list[str]],
    by_uri: dict[str, Candidate],
    hidden: set[str],
) -> tuple[list[ox.Quad], dict[str, str]]:
    """Each cluster's canonical statements, each in the graph its sources allow; and member -> agent."""
    quads: list[ox.Quad] = []
    agent_of: dict[str, str] = {}
    for key, members in zip(keys, clusters, strict=True):
        quads += place(
            minter,
            [by_uri[m] for m in members],
            lambda c: c.dataset,
            hidden,
            lambda ms, key=key: canonical.agent_quads(minter, key, ms),
        )
        agent_of.update({m: minter.agent(key) for m in members})
    return quads, agent_of


def proposal_quads(
    minter: Minter,
    proposals: list[Link],
    by_uri: dict[str, Candidate],
    hidden: set[str],
    merges: Sequence[Link] = (),
) -> list[ox.Quad]:
    """Proposals, and the provenance of automatic merges; one naming a hidden dataset's record lives
    in that dataset's graph (curators see it)."""
    out: list[ox.Quad] = []
    jobs = [(p, canonical.proposal_quads) for p in proposals] + [(m, canonical.merge_quads) for m in merges]
    for p, write in jobs:
        quads = write(minter, [p])
        secret = sorted({by_uri[u].dataset for u in (p.a, p.b) if u in by_uri} & hidden)
        if not secret:
            out += quads
        for d in secret:
            g = ox.NamedNode(minter.dataset_actors_graph(d))
            out += [ox.Quad(q.subject, q.predicate, q.object, g) for q in quads]
    return out


def production_quads(
    minter: Minter,
    groups: list[list[productions.SourceProduction]],
    agent_of: dict[str, str],
    hidden: set[str],
) -> list[ox.Quad]:
    out: list[ox.Quad] = []
    for members in groups:
        key = productions.production_key(members)
        out += place(
            minter,
            members,
            lambda sp: sp.dataset,
            hidden,
            lambda part, key=key: productions.production_quads(minter, [part], agent_of, key=key),
        )
    return out


def resolve_store(
    store: Store,
    minter: Minter,
    *,
    merge: float = MERGE_THRESHOLD,
    review: float = REVIEW_THRESHOLD,
    progress: Callable[[str], None] | None = None,
) -> Summary:
    say = progress or (lambda _step: None)
    say("reading actors")
    candidates = read_candidates(store, minter)
    named = [c for c in candidates if not c.unknown]
    merged_pairs, apart_pairs = ActorDecisions(store, minter).pairs()
    hidden = hidden_datasets(store, minter)
    say("clustering")
    found = resolution(named, merge=merge, review=review, merged_pairs=merged_pairs, apart_pairs=apart_pairs)
    clusters, proposals = found.clusters, found.proposals
    say("assigning URIs")
    previous = canonical.read_previous(store, minter)
    keys, redirects = canonical.assign_keys(clusters, previous)
    by_uri = {c.uri: c for c in named}
    quads, agent_of = cluster_quads(minter, keys, clusters, by_uri, hidden)
    quads += canonical.redirect_quads(minter, redirects)
    quads += proposal_quads(minter, proposals, by_uri, hidden, found.merges)
    say("productions")
    prods = productions.group(productions.read_productions(store, minter))
    quads += production_quads(minter, prods, agent_of, hidden)
    say("writing")
    store.replace(drop_graphs=actor_graphs(store, minter), insert=quads)
    return Summary(
        len(candidates),
        len(clusters),
        sum(1 for c in clusters if len(c) > 1),
        len(proposals),
        len(candidates) - len(named),
        len(prods),
        len(redirects),
        len(found.merges),
    )
