"""System facts in the meta graph: datasets, records and ingest runs (PROV-O).

A record's entry is keyed by its graph IRI: local id, source datestamp, content hash, status.
The meta graph is public provenance; quarantined content lives outside the store
(graph/quarantine.py), so nothing here reveals what an institution has not published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pyoxigraph as ox

from erfgoed.graph.namespaces import DCAT, DCTERMS, ERF, PROV, RDF, RDFS, XSD, sparql_prologue
from erfgoed.graph.store import Store
from erfgoed.graph.uris import Minter

PUBLISHED, REMOVED = "published", "removed"


@dataclass
class RecordState:
    graph: str
    content_hash: str
    status: str
    datestamp: str | None = None   # the source's date of the version we hold


@dataclass
class RunCounts:
    loaded: int = 0        # new or changed, valid: published
    unchanged: int = 0
    removed: int = 0       # gone from the source (full re-ingest) or deleted by it
    quarantined: int = 0   # invalid: kept aside with a report, not published
    warnings: int = 0      # published, with warnings
    problems: list = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in ("loaded", "unchanged", "removed", "quarantined",
                                                "warnings")}


def now() -> ox.Literal:
    return ox.Literal(dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), datatype=XSD.dateTime)


def record_index(store: Store, minter: Minter, dataset: str) -> dict[str, RecordState]:
    """What the store knows about a dataset's records, by local id."""
    q = sparql_prologue("erf", "dcterms") + f"""
    SELECT ?g ?id ?hash ?status ?date WHERE {{ GRAPH <{minter.meta_graph}> {{
      ?g dcterms:isPartOf <{minter.dataset(dataset)}> ; dcterms:identifier ?id ;
         erf:contentHash ?hash ; erf:status ?status
      OPTIONAL {{ ?g erf:sourceDatestamp ?date }} }} }}"""
    return {sol["id"].value: RecordState(sol["g"].value, sol["hash"].value,
                                         sol["status"].value.rsplit("#", 1)[-1],
                                         sol["date"].value if sol["date"] else None)
            for sol in store.query(q, union=False)}


def record_quads(minter: Minter, dataset: str, local_id: str, content_hash: str, status: str,
                 run: str, datestamp: str | None = None) -> list[ox.Quad]:
    g, meta = ox.NamedNode(minter.record_graph(dataset, local_id)), ox.NamedNode(minter.meta_graph)
    quads = [
        ox.Quad(g, RDF.type, ERF.Record, meta),
        ox.Quad(g, DCTERMS.isPartOf, ox.NamedNode(minter.dataset(dataset)), meta),
        ox.Quad(g, DCTERMS.identifier, ox.Literal(local_id), meta),
        ox.Quad(g, ERF.contentHash, ox.Literal(content_hash), meta),
        ox.Quad(g, ERF.status, ERF[status], meta),
        ox.Quad(g, PROV.wasGeneratedBy, ox.NamedNode(run), meta),
    ]
    if datestamp:
        quads.append(ox.Quad(g, ERF.sourceDatestamp, ox.Literal(datestamp), meta))
    return quads


def dataset_quads(minter: Minter, dataset: str, title: str, institution: str) -> list[ox.Quad]:
    d, meta = ox.NamedNode(minter.dataset(dataset)), ox.NamedNode(minter.meta_graph)
    quads = [ox.Quad(d, RDF.type, DCAT.Dataset, meta),
             ox.Quad(d, DCTERMS.identifier, ox.Literal(dataset), meta),
             ox.Quad(d, DCTERMS.title, ox.Literal(title or dataset), meta)]
    if institution:
        quads.append(ox.Quad(d, DCTERMS.publisher, ox.Literal(institution), meta))
    return quads


def run_quads(minter: Minter, dataset: str, run: str, started: ox.Literal, source: str,
              counts: RunCounts) -> list[ox.Quad]:
    r, meta = ox.NamedNode(run), ox.NamedNode(minter.meta_graph)
    quads = [ox.Quad(r, RDF.type, PROV.Activity, meta),
             ox.Quad(r, RDFS.label, ox.Literal(f"ingest of {source}"), meta),
             ox.Quad(r, PROV.used, ox.Literal(source), meta),
             ox.Quad(r, ERF.dataset, ox.NamedNode(minter.dataset(dataset)), meta),
             ox.Quad(r, PROV.startedAtTime, started, meta),
             ox.Quad(r, PROV.endedAtTime, now(), meta)]
    quads += [ox.Quad(r, ERF[k], ox.Literal(str(v), datatype=XSD.integer), meta)
              for k, v in counts.as_dict().items()]
    return quads


def runs(store: Store, minter: Minter, dataset: str | None = None) -> list[dict]:
    """Ingest runs, newest first."""
    where = f"?run erf:dataset <{minter.dataset(dataset)}> ." if dataset else "?run erf:dataset ?d ."
    q = sparql_prologue("erf", "prov") + f"""
    SELECT ?run ?start ?end ?source ?loaded ?unchanged ?removed ?quarantined ?warnings
    WHERE {{ GRAPH <{minter.meta_graph}> {{ {where}
      ?run prov:startedAtTime ?start ; prov:endedAtTime ?end ; prov:used ?source ;
        erf:loaded ?loaded ; erf:unchanged ?unchanged ; erf:removed ?removed ;
        erf:quarantined ?quarantined ; erf:warnings ?warnings }} }} ORDER BY DESC(?start)"""
    out = []
    for sol in store.query(q, union=False):
        row = {k: sol[k].value for k in ("run", "start", "end", "source")}
        row.update({k: int(sol[k].value) for k in ("loaded", "unchanged", "removed",
                                                     "quarantined", "warnings")})
        out.append(row)
    return out


def status_counts(store: Store, minter: Minter, dataset: str) -> dict[str, int]:
    counts = {PUBLISHED: 0, REMOVED: 0}
    for state in record_index(store, minter, dataset).values():
        counts[state.status] = counts.get(state.status, 0) + 1
    return counts
