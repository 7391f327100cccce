"""A dataset's changes as a Linked Data Event Stream (LDES 2.0 / TREE), from the version log.

- Members are versions: `<record graph>#v<seq>` with `dcterms:isVersionOf <entity>` and
  `prov:generatedAtTime` (both declared as ldes:versionOfPath / ldes:timestampPath), carrying the
  record graph's triples (the entity's own triples on the version; its `#fragment` nodes as they
  are). A removal is a tombstone version: `a as:Delete` (ActivityStreams), no other statements.
- Pages hold `ldes.page_size` consecutive entries of the log (page k: seq k*N .. k*N+N-1). A full
  page is immutable (Cache-Control: immutable) and links to the next with a
  tree:GreaterThanOrEqualToRelation on prov:generatedAtTime (value: its own last timestamp, known
  when it fills, so it never changes). The newest page is mutable and answers with an ETag.
- Retention: only the latest version of each entity is served (ldes:LatestVersionSubset, amount 1).
  The store keeps only the current content of a record, so a superseded version leaves its page;
  a client that read that page already has it, and gets the newer version from a later page.
"""

from __future__ import annotations

import pyoxigraph as ox

from erfgoed.graph import meta
from erfgoed.graph.namespaces import AS, DCTERMS, LDES, PROV, RDF, TREE, XSD
from erfgoed.graph.store import Store
from erfgoed.graph.uris import Minter


def stream(minter: Minter, dataset: str, view: str) -> list[ox.Triple]:
    """The EventStream itself: its paths, its view and the view's retention policy."""
    es = ox.NamedNode(minter.event_stream(dataset))
    desc, policy = ox.NamedNode(es.value + "#view"), ox.NamedNode(es.value + "#retention")
    v = ox.NamedNode(view)
    return [ox.Triple(es, RDF.type, LDES.EventStream),
            ox.Triple(es, LDES.versionOfPath, DCTERMS.isVersionOf),
            ox.Triple(es, LDES.timestampPath, PROV.generatedAtTime),
            ox.Triple(es, DCTERMS.isPartOf, ox.NamedNode(minter.dataset(dataset))),
            ox.Triple(es, TREE.view, v),
            ox.Triple(v, RDF.type, TREE.Node),
            ox.Triple(v, TREE.viewDescription, desc),
            ox.Triple(desc, LDES.retentionPolicy, policy),
            ox.Triple(policy, RDF.type, LDES.LatestVersionSubset),
            ox.Triple(policy, LDES.amount, ox.Literal("1", datatype=XSD.integer))]


def page(store: Store, minter: Minter, dataset: str, k: int, size: int, url: str,
         next_url: str) -> tuple[list[ox.Triple], bool] | None:
    """Page `k` (at `url`) as triples, and whether it is immutable; None when it does not exist."""
    total = meta.next_version_seq(store, minter, dataset)
    if k < 0 or k * size > total:
        return None
    entries = meta.versions(store, minter, dataset, k * size, (k + 1) * size)
    immutable = (k + 1) * size <= total
    es, node = ox.NamedNode(minter.event_stream(dataset)), ox.NamedNode(url)
    out = [ox.Triple(node, RDF.type, TREE.Node), ox.Triple(node, DCTERMS.isPartOf, es)]
    if immutable:
        rel = ox.BlankNode()
        out += [ox.Triple(node, TREE.relation, rel),
                ox.Triple(rel, RDF.type, TREE.GreaterThanOrEqualToRelation),
                ox.Triple(rel, TREE.node, ox.NamedNode(next_url)),
                ox.Triple(rel, TREE.path, PROV.generatedAtTime),
                ox.Triple(rel, TREE.value, ox.Literal(entries[-1].time, datatype=XSD.dateTime))]
    latest = meta.latest_versions(store, minter, sorted({e.graph for e in entries}))
    kept = [e for e in entries if latest.get(e.graph) == e.seq]
    content = _contents(store, [e.graph for e in kept if e.status == meta.PUBLISHED])
    for e in kept:
        v, entity = ox.NamedNode(e.node), ox.NamedNode(e.entity)
        out += [ox.Triple(es, TREE.member, v), ox.Triple(v, DCTERMS.isVersionOf, entity),
                ox.Triple(v, PROV.generatedAtTime, ox.Literal(e.time, datatype=XSD.dateTime))]
        if e.status == meta.REMOVED:
            out.append(ox.Triple(v, RDF.type, AS.Delete))
            continue
        for t in content.get(e.graph, []):
            out.append(ox.Triple(v, t.predicate, t.object) if t.subject == entity else t)
    return out, immutable


def _contents(store: Store, graphs: list[str]) -> dict[str, list[ox.Triple]]:
    if not graphs:
        return {}
    values = " ".join(f"<{g}>" for g in graphs)
    out: dict[str, list[ox.Triple]] = {}
    for s in store.query(f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}",
                         union=False):
        out.setdefault(s["g"].value, []).append(ox.Triple(s["s"], s["p"], s["o"]))
    return out
