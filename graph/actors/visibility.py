"""Where canonical statements go so that a dataset the public may not see leaks nothing through them.

Actors are resolved over every dataset (a curator sees one identity), but each statement is written
to the graph its sources allow: what the public datasets' records alone say (names, dates, ids,
`owl:sameAs` to their records) goes to the public `Minter.actors_graph`; whatever a hidden dataset's
records add goes to `Minter.dataset_actors_graph(<that dataset>)`, which sits under the dataset's
graph prefix and is therefore hidden wherever the dataset is (public SPARQL union, LD pages).
A cluster made of hidden records only has no public statement at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

import pyoxigraph as ox

from erfgoed.graph.publication import PUBLIC, policies
from erfgoed.graph.store import Store
from erfgoed.graph.uris import Minter

M = TypeVar("M")


def hidden_datasets(store: Store, minter: Minter) -> set[str]:
    return {d for d, e in policies(store, minter).items() if PUBLIC not in e["targets"]}


def actor_graphs(store: Store, minter: Minter) -> list[str]:
    """Every graph canonical statements may live in: the public one and one per dataset (a dataset
    made public since the last run still has its old graph, which a rebuild must drop)."""
    return [minter.actors_graph] + [minter.dataset_actors_graph(d) for d in sorted(policies(store, minter))]


def place(
    minter: Minter,
    members: list[M],
    dataset: Callable[[M], str],
    hidden: set[str],
    build: Callable[[list[M]], list[ox.Quad]],
) -> list[ox.Quad]:
    """`build`'s statements about one cluster, each in the graph its sources allow: built from the
    public members into the public graph; what each hidden dataset's members add, into its graph."""
    public = [m for m in members if dataset(m) not in hidden]
    out = build(public) if public else []
    seen = {(q.subject, q.predicate, q.object) for q in out}
    for d in sorted({dataset(m) for m in members} & hidden):
        g = ox.NamedNode(minter.dataset_actors_graph(d))
        extra = build(public + [m for m in members if dataset(m) == d])
        out += [ox.Quad(q.subject, q.predicate, q.object, g) for q in extra
                if (q.subject, q.predicate, q.object) not in seen]
    return out


def iris(uris: Iterable[str]) -> str:
    """IRIs for a VALUES block; NamedNode refuses anything that is not an IRI (no query injection)."""
    return " ".join(str(ox.NamedNode(u)) for u in uris)


def values(graphs: Iterable[str]) -> str:
    """A SPARQL `VALUES ?g { ... }` over these graphs."""
    return "VALUES ?g { " + " ".join(f"<{g}>" for g in graphs) + " }"
