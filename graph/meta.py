"""System facts in the meta graph: datasets, records and ingest runs (PROV-O).

A record's entry is keyed by its graph IRI: local id, source datestamp, content hash, status.
The meta graph is public provenance; quarantined content lives outside the store
(graph/quarantine.py), so nothing here reveals what an institution has not published.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from erfgoed.graph.namespaces import DCAT, DCTERMS, ERF, PROV, RDF, RDFS, XSD, sparql_prologue
from erfgoed.graph.store import Store
from erfgoed.graph.uris import Minter, encode_id

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


def record_states(store: Store, minter: Minter, dataset: str, local_ids: list[str]) -> dict[str, RecordState]:
    """What the store knows about some of a dataset's records (one query for a whole batch, so an
    ingest never holds the index of the whole dataset)."""
    if not local_ids:
        return {}
    graphs = {minter.record_graph(dataset, i): i for i in local_ids}
    q = sparql_prologue("erf") + f"""
    SELECT ?g ?hash ?status ?date WHERE {{ GRAPH <{minter.meta_graph}> {{
      VALUES ?g {{ {" ".join(f"<{g}>" for g in graphs)} }}
      ?g erf:contentHash ?hash ; erf:status ?status OPTIONAL {{ ?g erf:sourceDatestamp ?date }} }} }}"""
    # (VALUES inside the GRAPH block: outside it, Oxigraph 0.5 scanned every record's hash per
    # batch, which made a 100k no-op re-harvest quadratic)
    return {graphs[sol["g"].value]: RecordState(sol["g"].value, sol["hash"].value,
                                                 sol["status"].value.rsplit("#", 1)[-1],
                                                 sol["date"].value if sol["date"] else None)
            for sol in store.query(q, union=False)}


def existing_graphs(store: Store, graphs: list[str]) -> set[str]:
    """Which of these graphs hold anything: one query per batch, not one request per record."""
    if not graphs:
        return set()
    q = f"""SELECT DISTINCT ?g WHERE {{ VALUES ?g {{ {" ".join(f"<{g}>" for g in graphs)} }}
      GRAPH ?g {{ ?s ?p ?o }} }}"""
    return {sol["g"].value for sol in store.query(q, union=False)}


def record_ids(store: Store, minter: Minter, dataset: str, status: str = PUBLISHED) -> Iterator[str]:
    """The local ids of a dataset's records with this status, streamed (not held in memory)."""
    q = sparql_prologue("erf", "dcterms") + f"""
    SELECT ?id WHERE {{ GRAPH <{minter.meta_graph}> {{
      ?g dcterms:isPartOf <{minter.dataset(dataset)}> ; dcterms:identifier ?id ;
         erf:status erf:{status} }} }}"""
    return (sol["id"].value for sol in store.query(q, union=False))


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


def runs(store: Store, minter: Minter, dataset: str | None = None, limit: int | None = None) -> list[dict]:
    """Ingest runs, newest first (the newest `limit` only, when given)."""
    where = f"?run erf:dataset <{minter.dataset(dataset)}> ." if dataset else "?run erf:dataset ?d ."
    q = sparql_prologue("erf", "prov") + f"""
    SELECT ?run ?start ?end ?source ?loaded ?unchanged ?removed ?quarantined ?warnings
    WHERE {{ GRAPH <{minter.meta_graph}> {{ {where}
      ?run prov:startedAtTime ?start ; prov:endedAtTime ?end ; prov:used ?source ;
        erf:loaded ?loaded ; erf:unchanged ?unchanged ; erf:removed ?removed ;
        erf:quarantined ?quarantined ; erf:warnings ?warnings }} }} ORDER BY DESC(?start)"""
    if limit is not None:
        q += f" LIMIT {int(limit)}"
    out = []
    for sol in store.query(q, union=False):
        row = {k: sol[k].value for k in ("run", "start", "end", "source")}
        row.update({k: int(sol[k].value) for k in ("loaded", "unchanged", "removed",
                                                     "quarantined", "warnings")})
        out.append(row)
    return out


def status_counts(store: Store, minter: Minter, dataset: str) -> dict[str, int]:
    counts = {PUBLISHED: 0, REMOVED: 0}
    q = sparql_prologue("erf", "dcterms") + f"""
    SELECT ?status (COUNT(*) AS ?n) WHERE {{ GRAPH <{minter.meta_graph}> {{
      ?g dcterms:isPartOf <{minter.dataset(dataset)}> ; a erf:Record ; erf:status ?status }} }}
    GROUP BY ?status"""
    for sol in store.query(q, union=False):
        counts[sol["status"].value.rsplit("#", 1)[-1]] = int(sol["n"].value)
    return counts


# -- the version log: one entry per change of a record (graph/ldes_out.py publishes it) ---------
@dataclass
class Version:
    node: str        # <record graph>#v<seq>: the LDES member IRI
    graph: str       # the record's graph
    seq: int         # per dataset, gapless, in the order the versions were written
    time: str        # xsd:dateTime the version was stored
    status: str      # published | removed (a tombstone)
    entity: str      # the record's own entity (<base>/id/<kind>/<dataset>/<id>)


def next_version_seq(store: Store, minter: Minter, dataset: str) -> int:
    q = sparql_prologue("erf", "dcterms") + f"""
    SELECT (MAX(?n) AS ?max) WHERE {{ GRAPH <{minter.meta_graph}> {{
      ?v a erf:Version ; dcterms:isPartOf <{minter.dataset(dataset)}> ; erf:seq ?n }} }}"""
    for sol in store.query(q, union=False):
        return int(sol["max"].value) + 1 if sol["max"] is not None else 0
    return 0


def version_quads(minter: Minter, dataset: str, graph: str, seq: int, time: ox.Literal,
                  status: str, entity: str) -> list[ox.Quad]:
    """One version of a record. Only the newest version's content exists (the record graph);
    older versions keep their place in the log, so stream pages stay where they are."""
    v, meta = ox.NamedNode(f"{graph}#v{seq}"), ox.NamedNode(minter.meta_graph)
    return [ox.Quad(v, RDF.type, ERF.Version, meta),
            ox.Quad(v, ERF.versionOf, ox.NamedNode(graph), meta),
            ox.Quad(v, DCTERMS.isPartOf, ox.NamedNode(minter.dataset(dataset)), meta),
            ox.Quad(v, ERF.seq, ox.Literal(str(seq), datatype=XSD.integer), meta),
            ox.Quad(v, PROV.generatedAtTime, time, meta),
            ox.Quad(v, ERF.status, ERF[status], meta),
            ox.Quad(v, ERF.entity, ox.NamedNode(entity), meta)]


def versions(store: Store, minter: Minter, dataset: str, first: int = 0,
             last: int | None = None) -> list[Version]:
    """The log entries with first <= seq < last, in order."""
    upper = f" && ?n < {int(last)}" if last is not None else ""
    q = sparql_prologue("erf", "dcterms", "prov") + f"""
    SELECT ?v ?g ?n ?t ?status ?e WHERE {{ GRAPH <{minter.meta_graph}> {{
      ?v a erf:Version ; dcterms:isPartOf <{minter.dataset(dataset)}> ; erf:seq ?n ;
         erf:versionOf ?g ; prov:generatedAtTime ?t ; erf:status ?status ; erf:entity ?e
      FILTER(?n >= {int(first)}{upper}) }} }} ORDER BY ?n"""
    return [Version(s["v"].value, s["g"].value, int(s["n"].value), s["t"].value,
                    s["status"].value.rsplit("#", 1)[-1], s["e"].value) for s in store.query(q, union=False)]


def latest_versions(store: Store, minter: Minter, graphs: list[str]) -> dict[str, int]:
    """The newest version's seq of each record graph (the retention policy keeps only those)."""
    if not graphs:
        return {}
    values = " ".join(f"<{g}>" for g in graphs)
    q = sparql_prologue("erf") + f"""
    SELECT ?g (MAX(?n) AS ?max) WHERE {{ VALUES ?g {{ {values} }} GRAPH <{minter.meta_graph}> {{
      ?v erf:versionOf ?g ; erf:seq ?n }} }} GROUP BY ?g"""
    return {s["g"].value: int(s["max"].value) for s in store.query(q, union=False)}


def version_log_complete(store: Store, minter: Minter, dataset: str) -> bool:
    """Has every record of the dataset entered its version log? (Set once the one-time start of
    the log is done, so later runs skip looking for unlogged records, a scan of the dataset.)"""
    q = f"ASK {{ GRAPH <{minter.meta_graph}> {{ <{minter.dataset(dataset)}> <{ERF.versionLog.value}> " \
        f"<{ERF.complete.value}> }} }}"
    return bool(store.query(q, union=False))


def version_log_quad(minter: Minter, dataset: str) -> ox.Quad:
    return ox.Quad(ox.NamedNode(minter.dataset(dataset)), ERF.versionLog, ERF.complete,
                   ox.NamedNode(minter.meta_graph))


def unlogged_records(store: Store, minter: Minter, dataset: str) -> list[RecordState]:
    """Records without any version (loaded before the log existed): the log starts them off."""
    q = sparql_prologue("erf", "dcterms") + f"""
    SELECT ?g WHERE {{ GRAPH <{minter.meta_graph}> {{
      ?g a erf:Record ; dcterms:isPartOf <{minter.dataset(dataset)}> ; erf:status erf:published
      FILTER NOT EXISTS {{ ?v erf:versionOf ?g }} }} }} ORDER BY ?g"""
    return [RecordState(s["g"].value, "", PUBLISHED) for s in store.query(q, union=False)]


def entities_of(store: Store, minter: Minter, graphs: list[str]) -> dict[str, str]:
    """The entity each record graph's versions are about (a removal's tombstone names it too)."""
    if not graphs:
        return {}
    values = " ".join(f"<{g}>" for g in graphs)
    q = sparql_prologue("erf") + f"""SELECT ?g ?e WHERE {{ GRAPH <{minter.meta_graph}> {{
      VALUES ?g {{ {values} }} ?v erf:versionOf ?g ; erf:entity ?e }} }}"""
    return {s["g"].value: s["e"].value for s in store.query(q, union=False)}


def record_entity(minter: Minter, dataset: str, local_id: str, nquads: bytes) -> str:
    """The entity minted from a record's own id (its subject `<base>/id/<kind>/<dataset>/<id>`)."""
    # plain byte searches: a regex built per record missed re's cache and cost ~0.5 ms each
    head, tail = f"<{minter.base}/id/".encode(), f"/{dataset}/{encode_id(local_id)}>".encode()
    start = nquads.find(head)
    while start != -1:
        kind_end = nquads.find(b"/", start + len(head))
        if (kind_end > start + len(head) and nquads[start + len(head):kind_end].isalpha()
                and nquads[start + len(head):kind_end].islower()
                and nquads.startswith(tail, kind_end)):
            return nquads[start + 1:kind_end + len(tail) - 1].decode()
        start = nquads.find(head, start + 1)
    return minter.record_graph(dataset, local_id)
