"""OSLO objects -> EDM records: CONSTRUCT (sparql/edm.rq + sparql/term-links.rq) per batch,
one RDF/XML document per object, checked against the EDM XSD and Europeana's Schematron rules.

A record that fails either check comes back with its problems and no document: callers report
it and never deliver it. Records that are not objects (actors, events) have no EDM form and are
left out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from erfgoed.graph import edm_rules
from erfgoed.graph.edm_schema import NS, EdmSchema
from erfgoed.graph.edm_xml import EdmWriteError, EdmWriter, to_bytes
from erfgoed.graph.meta import PUBLISHED, record_index
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


@dataclass
class EdmRecord:
    local_id: str
    uri: str
    xml: bytes | None = None
    problems: list[str] = field(default_factory=list)
    triples: list[ox.Triple] = field(default_factory=list, repr=False)

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
        self.writer = EdmWriter(self.schema)
        self._shared: dict[str, list[ox.Quad]] = {}
        self._terms: ox.Store | None = None
        self.edm_query = (QUERIES / "edm.rq").read_text("utf-8")
        self.links_query = (QUERIES / "term-links.rq").read_text("utf-8")
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
        return sorted(
            k for k, s in record_index(self.store, self.minter, self.dataset).items() if s.status == PUBLISHED
        )

    def records(self, local_ids: list[str] | None = None, batch: int = 500) -> Iterator[EdmRecord]:
        ids = self.published_ids() if local_ids is None else local_ids
        for i in range(0, len(ids), batch):
            yield from self.build(ids[i : i + batch])

    def build(self, local_ids: list[str]) -> list[EdmRecord]:
        """EDM records of these objects (those that are no objects are left out)."""
        uris = {self.minter.entity("object", self.dataset, i): i for i in local_ids}
        values = " ".join(f"<{u}>" for u in uris)
        triples = list(
            self._batch_store(local_ids).query(
                _filled(self.edm_query, values).replace("# graph/edm.py puts the batch here", self.params),
                use_default_graph_as_union=True,
                custom_functions=FUNCTIONS,
            )
        )
        by_subject: dict[str, list[ox.Triple]] = defaultdict(list)
        for t in triples:
            by_subject[t.subject.value].append(t)
        things = {
            t.subject.value: _CONTEXT_KINDS[t.object.value]
            for t in triples
            if t.predicate.value == RDF_TYPE and t.object.value in _CONTEXT_KINDS
        }
        rows = [
            f'(<{t.subject.value}> "{things[t.subject.value]}" {t.object})'
            for t in triples
            if t.predicate.value == PREF_LABEL and t.subject.value in things
        ]
        if rows:
            pairs = " ".join(rows)
            links = self._terms_store().query(
                _filled(self.links_query, pairs).replace(
                    "# graph/edm.py puts the batch's",
                    f'VALUES ?termPrefix {{ "{self.minter.base}/id/term/" }} #',
                ),
                use_default_graph_as_union=True,
            )
            for t in links:
                by_subject[t.subject.value].append(t)
        out = []
        for uri, local_id in uris.items():
            own = by_subject.get(uri)
            if not own or not any(t.predicate.value == RDF_TYPE and t.object.value == CHO for t in own):
                continue
            out.append(self._record(local_id, uri, by_subject))
        return out

    def _terms_store(self) -> ox.Store:
        """The term lists and curated mappings, in memory (read once per builder): term-links.rq
        joins on labels, which is cheap on these few graphs and slow on the whole store."""
        if self._terms is None:
            q = (
                "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a "
                "<http://www.w3.org/2004/02/skos/core#ConceptScheme> } "
                f'FILTER(STRSTARTS(STR(?g), "{self.minter.base}/graph/terms/")) }}'
            )
            graphs = [s["g"].value for s in self.store.query(q, union=False)] + [self.minter.alignments_graph]
            self._terms = ox.Store()
            for g in graphs:
                self._terms.bulk_extend(self.store.quads(g))
        return self._terms

    def _batch_store(self, local_ids: list[str]) -> ox.Store:
        """The batch's record graphs and the shared graphs they point at, in memory.

        edm.rq runs there, not on the store: Oxigraph evaluates its UNION of branches with
        BIND/EXISTS store-wide (a hash join), which costs seconds per batch on a large store and
        nothing on a batch."""
        quads: list[ox.Quad] = []
        shared: set[str] = set()
        prefix = self.minter.base + "/id/"
        for local_id in local_ids:
            own = self.minter.record_graph(self.dataset, local_id)
            for q in self.store.quads(own):
                quads.append(q)
                o = q.object
                if isinstance(o, ox.NamedNode) and o.value.startswith(prefix):
                    g = self.minter.owner_graph(o.value, self.dataset, local_id)
                    if g != own:
                        shared.add(g)
        for g in shared:  # makers and terms recur from batch to batch: read each once
            if g not in self._shared:
                if len(self._shared) > 20_000:
                    self._shared.clear()
                self._shared[g] = list(self.store.quads(g))
            quads.extend(self._shared[g])
        mem = ox.Store()
        mem.bulk_extend(quads)
        return mem

    def _record(self, local_id: str, uri: str, by_subject: dict[str, list[ox.Triple]]) -> EdmRecord:
        record = EdmRecord(local_id, uri)
        nodes = [uri, uri + "#aggregation"]
        seen = set(nodes)
        for node in list(nodes):  # CHO and aggregation, then everything they point at (one hop)
            for t in by_subject.get(node, ()):
                o = t.object
                if isinstance(o, ox.NamedNode) and o.value in by_subject and o.value not in seen:
                    seen.add(o.value)
                    nodes.append(o.value)
        record.triples = [t for n in nodes for t in by_subject.get(n, ())]
        try:
            root = self.writer.element(record.triples)
        except EdmWriteError as exc:
            record.problems.append(f"EDM form: {exc}")
            return record
        record.problems += [f"EDM schema: {e}" for e in self.schema.errors(root)]
        record.problems += [f"Europeana rule {f}" for f in edm_rules.check(root)]
        if not record.problems:
            record.xml = to_bytes(root)
        return record
