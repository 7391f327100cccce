"""`erfgoed actors resolve`: read every actor, cluster, write canonical actors and productions.

The actors graph (`Minter.actors_graph`) is rebuilt as a whole in one transaction; the curators'
decisions (`Minter.actor_decisions_graph`) are read, never rewritten; source records are untouched.
Running it twice on the same store writes the same graph (keys are a persisted assignment).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from erfgoed.graph.actors import canonical, productions
from erfgoed.graph.actors.candidates import read_candidates
from erfgoed.graph.actors.decisions import ActorDecisions
from erfgoed.graph.actors.resolve import MERGE_THRESHOLD, REVIEW_THRESHOLD, resolve
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

    def line(self) -> str:
        return (
            f"{self.records} source actors -> {self.actors} actors ({self.merged} merged from several "
            f"records), {self.proposals} proposals to review, {self.skipped} unnamed skipped; "
            f"{self.productions} productions."
        )


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
    say("clustering")
    clusters, proposals = resolve(
        named, merge=merge, review=review, merged_pairs=merged_pairs, apart_pairs=apart_pairs
    )
    say("assigning URIs")
    previous = canonical.read_previous(store, minter)
    keys, redirects = canonical.assign_keys(clusters, previous)
    by_uri = {c.uri: c for c in named}
    quads, agent_of = [], {}
    for key, members in zip(keys, clusters, strict=True):
        quads += canonical.agent_quads(minter, key, [by_uri[m] for m in members])
        agent_of.update({m: minter.agent(key) for m in members})
    quads += canonical.redirect_quads(minter, redirects)
    quads += canonical.proposal_quads(minter, proposals)
    say("productions")
    prods = productions.group(productions.read_productions(store, minter))
    quads += productions.production_quads(minter, prods, agent_of)
    say("writing")
    store.replace(drop_graphs=[minter.actors_graph], insert=quads)
    return Summary(
        len(candidates),
        len(clusters),
        sum(1 for c in clusters if len(c) > 1),
        len(proposals),
        len(candidates) - len(named),
        len(prods),
        len(redirects),
    )
