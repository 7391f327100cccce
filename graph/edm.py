"""OSLO objects -> EDM records: CONSTRUCT (sparql/edm.rq + sparql/term-links.rq) per batch,
one RDF/XML document per object, checked against the EDM XSD and Europeana's Schematron rules.

A record that fails either check comes back with its problems and no document: callers report
it and never deliver it. Records that are not objects (actors, events) have no EDM form and are
left out.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

import pyoxigraph as ox
from lxml import etree

from erfgoed.graph import edm_rules
from erfgoed.graph.edm_schema import NS, EdmSchema
from erfgoed.graph.edm_xml import PARSER, EdmTriple, EdmWriteError, EdmWriter
from erfgoed.graph.meta import PUBLISHED
from erfgoed.graph.namespaces import ERF, sparql_prologue
from erfgoed.graph.publication import normalise_rights, policies
from erfgoed.graph.store import Store
from erfgoed.graph.uris import Minter

QUERIES = Path(__file__).resolve().parent.parent / "sparql"
_VALUES = re.compile(r"VALUES (\?object|\(\?thing \?kind \?label\)) \{ \}")
RDF_TYPE, PREF_LABEL = NS["rdf"] + "type", NS["skos"] + "prefLabel"
_CONTEXT_KINDS = {
    NS["skos"] + "Concept": "concept",
    NS["edm"] + "Agent": "agent",
    NS["edm"] + "Place": "place",
}
CHO, AGGREGATION = NS["edm"] + "ProvidedCHO", NS["edm"] + "aggregatedCHO"
BATCH = 1000  # records per CONSTRUCT: larger batches amortise the query, memory stays ~flat


@dataclass
class EdmRecord:
    local_id: str
    uri: str
    xml: bytes | None = None
    problems: list[str] = field(default_factory=list)
    triples: list[EdmTriple] = field(default_factory=list, repr=False)

    @property
    def valid(self) -> bool:
        return self.xml is not None


def _rights(term: ox.Literal) -> ox.NamedNode | None:
    text = normalise_rights(term.value)
    return ox.NamedNode(text) if text else None


def _date(term: ox.Literal) -> ox.Literal:
    return ox.Literal(term.value)  # EDM dates are plain literals: "1638", "1650-01-01"


FUNCTIONS = {ERF["edm-rights"]: _rights, ERF["edm-date"]: _date}


def _filled(query: str, values: str) -> str:
    return _VALUES.sub(lambda m: f"VALUES {m.group(1)} {{ {values} }}", query, count=1)


class EdmBuilder:
    """Builds the EDM records of one dataset (whose policy and publisher come from the store)."""

    def __init__(self, store: Store, config, dataset: str, schema: EdmSchema | None = None):
        self.store, self.dataset = store, dataset
        self.minter = Minter(config.base_uri)
        self.schema = schema or EdmSchema.from_config(config)
        self.term_prefix = self.minter.base + "/id/term/"
        self.assembler = EdmAssembler(self.schema, self._terms_store, self.term_prefix)
        self.writer = self.assembler.writer
        self._shared: dict[str, list[ox.Quad]] = {}
        self._owner: dict[str, str | None] = {}  # object IRI -> its shared graph (None: not shared)
        self._id_prefix = self.minter.base + "/id/"
        # the things of this dataset the batch points at but does not describe (makers, terms)
        self._refs_query = (
            "SELECT DISTINCT ?o WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{self._id_prefix}")) '
            "FILTER NOT EXISTS { GRAPH ?h { ?o ?x ?y } } }"
        )
        self.edm_query = (QUERIES / "edm.rq").read_text("utf-8")
        policy = policies(store, self.minter).get(dataset, {})
        # the query's parameters, as one VALUES row (pyoxigraph substitutes projected variables only)
        rights = ox.NamedNode(policy["rights"]) if policy.get("rights") else "UNDEF"
        self.params = (
            f"VALUES (?providerName ?institution ?defaultRights ?lang) {{ ("
            f"{ox.Literal(config['europeana.provider'])} {ox.Literal(self._publisher() or dataset)}"
            f' {rights} "nl") }}'
        )

    def _publisher(self) -> str:
        q = (
            sparql_prologue("dcterms")
            + f"""SELECT ?p WHERE {{ GRAPH <{self.minter.meta_graph}> {{
            <{self.minter.dataset(self.dataset)}> dcterms:publisher ?p }} }}"""
        )
        return next((s["p"].value for s in self.store.query(q, union=False)), "")

    def published_ids(self) -> list[str]:
        """The local ids of the dataset's published records, sorted: ~70 bytes per record, where
        the record index (graph/meta.py) holds ~1.2 kB, and an ORDER BY keeps more in Oxigraph."""
        q = sparql_prologue("erf", "dcterms") + f"""SELECT ?id WHERE {{
        GRAPH <{self.minter.meta_graph}> {{ ?g dcterms:isPartOf <{self.minter.dataset(self.dataset)}> ;
          erf:status erf:{PUBLISHED} ; dcterms:identifier ?id ; erf:contentHash [] }} }}"""
        return sorted({sol[0].value for sol in self.store.query(q, union=False)})

    def records(self, local_ids: list[str] | None = None, batch: int = BATCH) -> Iterator[EdmRecord]:
        for _, records in self.batches(local_ids, batch):
            yield from records

    def batches(
        self, local_ids: list[str] | None = None, batch: int = BATCH, keep_triples: bool = True
    ) -> Iterator[tuple[int, list[EdmRecord]]]:
        """(ids done, their records) per batch of these ids (default: every published record).
        Exports of several batches run their second half in a second process (graph/edm_worker.py);
        `keep_triples=False` leaves EdmRecord.triples empty there (less to send back)."""
        from erfgoed.graph import edm_worker

        ids = iter(self.published_ids() if local_ids is None else local_ids)
        chunks = iter(lambda: list(islice(ids, batch)), [])
        head = list(islice(chunks, edm_worker.MIN_BATCHES))
        if len(head) == edm_worker.MIN_BATCHES and len(head[-1]) == batch and (os.cpu_count() or 1) > 1:
            yield from edm_worker.pipelined(self, chain(head, chunks), keep_triples)
            return
        for chunk in chain(head, chunks):
            yield len(chunk), self.build(chunk)

    def build(self, local_ids: list[str]) -> list[EdmRecord]:
        """EDM records of these objects (those that are no objects are left out)."""
        uris = self._uris(local_ids)
        return self.assembler.assemble(uris, self._construct(uris))

    def _uris(self, local_ids: list[str]) -> dict[str, str]:
        return {self.minter.entity("object", self.dataset, i): i for i in local_ids}

    def _construct(self, uris: dict[str, str]) -> ox.QueryTriples:
        """edm.rq over the batch: the triples of every record, lazily (Oxigraph evaluates as read)."""
        values = " ".join(f"<{u}>" for u in uris)
        return self._batch_store(list(uris.values())).query(
            _filled(self.edm_query, values).replace("# graph/edm.py puts the batch here", self.params),
            use_default_graph_as_union=True,
            custom_functions=FUNCTIONS,
        )

    def _terms_store(self) -> ox.Store:
        """The term lists and curated mappings, in memory (read once per builder): term-links.rq
        joins on labels, which is cheap on these few graphs and slow on the whole store."""
        q = (
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a "
            "<http://www.w3.org/2004/02/skos/core#ConceptScheme> } "
            f'FILTER(STRSTARTS(STR(?g), "{self.minter.base}/graph/terms/")) }}'
        )
        graphs = [s["g"].value for s in self.store.query(q, union=False)] + [self.minter.alignments_graph]
        terms = ox.Store()
        for g in graphs:
            terms.bulk_extend(self.store.quads(g))
        return terms

    def _batch_store(self, local_ids: list[str]) -> ox.Store:
        """The batch's record graphs and the shared graphs they point at, in memory.

        edm.rq runs there, not on the store: Oxigraph evaluates its UNION of branches with
        BIND/EXISTS store-wide (a hash join), which costs seconds per batch on a large store and
        nothing on a batch. The quads are copied as read (no per-quad Python work: that was a
        third of the export's time); the shared things they point at are found by one query."""
        quads: list[ox.Quad] = []
        for local_id in local_ids:
            quads.extend(self.store.quads(self.minter.record_graph(self.dataset, local_id)))
        mem = ox.Store()
        mem.extend(quads)
        shared: list[ox.Quad] = []
        for sol in mem.query(self._refs_query, use_default_graph_as_union=True):
            iri = sol[0].value
            if iri not in self._owner:
                if len(self._owner) > 100_000:  # other records' IRIs recur little: keep it bounded
                    self._owner.clear()
                self._owner[iri] = self._shared_graph(iri)
            g = self._owner[iri]
            if g:  # makers and terms recur from batch to batch: read each once
                if g not in self._shared:
                    if len(self._shared) > 20_000:
                        self._shared.clear()
                    self._shared[g] = list(self.store.quads(g))
                shared.extend(self._shared[g])
        mem.extend(shared)
        return mem

    def _shared_graph(self, iri: str) -> str | None:
        """The graph of a shared thing of this dataset (<base>/id/actor/<dataset>/x ->
        <base>/graph/<dataset>/actor/x); None for the record's own things and anything else."""
        if not iri.startswith(self._id_prefix):
            return None
        parts = iri[len(self._id_prefix) :].split("#", 1)[0].split("/")
        if len(parts) == 3 and parts[1] == self.dataset and parts[0] != "object":
            return self.minter.shared_graph(self.dataset, parts[0], parts[2])
        return None


class EdmAssembler:
    """CONSTRUCT output -> records: groups the triples by record, adds what the term network
    knows (sparql/term-links.rq), writes RDF/XML and runs the checks. It needs no store, only
    the term lists (a callable, read on first use), so graph/edm_worker.py runs it in a second
    process while the builder's process reads and CONSTRUCTs the next batch."""

    def __init__(self, schema: EdmSchema, terms: Callable[[], ox.Store], term_prefix: str):
        self.schema, self.writer = schema, EdmWriter(schema)
        self._terms_of, self._terms = terms, None
        self._link_cache: dict[str, list[EdmTriple]] = {}
        self.links_query = _filled((QUERIES / "term-links.rq").read_text("utf-8"), "{rows}").replace(
            "# graph/edm.py puts the batch's", f'VALUES ?termPrefix {{ "{term_prefix}" }} #'
        )

    def assemble(self, uris: dict[str, str], triples: Iterable[ox.Triple]) -> list[EdmRecord]:
        """The records of a batch (object IRI -> local id, in output order) from its triples."""
        by_subject: dict[str, list[EdmTriple]] = defaultdict(list)
        things: dict[str, str] = {}
        labels: list[EdmTriple] = []
        for t in triples:  # pyoxigraph terms -> plain strings, once
            s, p, o = t.subject.value, t.predicate.value, t.object
            if type(o) is ox.Literal:
                row = EdmTriple(s, p, o.value, o.language or "")
                if p == PREF_LABEL:
                    labels.append(row)
            else:
                row = EdmTriple(s, p, o.value, None)
                if p == RDF_TYPE and row.o in _CONTEXT_KINDS:
                    things[s] = _CONTEXT_KINDS[row.o]
            by_subject[s].append(row)
        for row in self._links(things, labels):
            by_subject[row.s].append(row)
        out = []
        for uri, local_id in uris.items():
            own = by_subject.get(uri)
            if own and any(t.p == RDF_TYPE and t.o == CHO for t in own):
                out.append(self._record(local_id, uri, by_subject))
        return out

    def _links(self, things: dict[str, str], labels: list[EdmTriple]) -> list[EdmTriple]:
        """What the term network adds to the batch's contextual entities (sparql/term-links.rq).

        Makers and terms recur from batch to batch: each thing is looked up once per assembler."""
        todo = [t for t in labels if t.s in things and t.s not in self._link_cache]
        if todo:
            found: dict[str, list[EdmTriple]] = {t.s: [] for t in todo}
            rows = " ".join(
                f'(<{t.s}> "{things[t.s]}" {ox.Literal(t.o, language=t.lang) if t.lang else ox.Literal(t.o)})'
                for t in todo
            )
            if self._terms is None:
                self._terms = self._terms_of()
            query = self.links_query.replace("VALUES (?thing ?kind ?label) { {rows} }",
                                             f"VALUES (?thing ?kind ?label) {{ {rows} }}", 1)
            for t in self._terms.query(query, use_default_graph_as_union=True):
                o = t.object
                lang = (o.language or "") if type(o) is ox.Literal else None
                found[t.subject.value].append(EdmTriple(t.subject.value, t.predicate.value, o.value, lang))
            if len(self._link_cache) > 50_000:
                self._link_cache.clear()
            self._link_cache.update(found)
        return [row for s in things for row in self._link_cache.get(s, ())]

    def _record(self, local_id: str, uri: str, by_subject: dict[str, list[EdmTriple]]) -> EdmRecord:
        record = EdmRecord(local_id, uri)
        nodes = [uri, uri + "#aggregation"]
        seen = set(nodes)
        for node in list(nodes):  # CHO and aggregation, then everything they point at (one hop)
            for t in by_subject.get(node, ()):
                if t.lang is None and t.o not in seen and t.o in by_subject:
                    seen.add(t.o)
                    nodes.append(t.o)
        record.triples = [t for n in nodes for t in by_subject.get(n, ())]
        try:
            xml = self.writer.document(record.triples)
            root = etree.fromstring(xml, PARSER)
        except EdmWriteError as exc:
            record.problems.append(f"EDM form: {exc}")
            return record
        except etree.XMLSyntaxError as exc:  # text XML cannot carry (control characters)
            record.problems.append(f"EDM form: a value is not valid XML text ({exc})")
            return record
        record.problems += [f"EDM schema: {e}" for e in self.schema.errors(root)]
        record.problems += [f"Europeana rule {f}" for f in edm_rules.check(root)]
        if not record.problems:
            record.xml = xml
        return record
