"""How each kind of SPARQL server is spoken to: the standards, and where a server departs from them.

`RemoteStore` (graph/remote.py) speaks the SPARQL 1.1 Protocol, Update and Graph Store HTTP
Protocol; everything a particular server does differently lives here, one small class each, so a
quirk is handled in exactly one place (graph/README.md, "Store backends", lists them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from erfgoed.errors import UserError
from erfgoed.graph.store import delete_ops as standard_deletes
from erfgoed.graph.store import insert_ops as standard_inserts

JSON = ("application/sparql-results+json", ox.QueryResultsFormat.JSON)
XML = ("application/sparql-results+xml", ox.QueryResultsFormat.XML)


def has_blank_node(q: ox.Quad) -> bool:
    return isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)


def by_graph(quads: Iterable[ox.Quad]) -> dict[str, list[ox.Quad]]:
    """Quads grouped per graph, in first-seen order (`str` of the graph name, '' = default graph)."""
    out: dict[str, list[ox.Quad]] = {}
    for q in quads:
        g = "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
        out.setdefault(g, []).append(q)
    return out


def triples_text(quads: Iterable[ox.Quad]) -> str:
    return " ".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)


class GenericSparql:
    """Any SPARQL 1.1 server (Fuseki, GraphDB, QLever for reads, ...), standards only.

    The default graph is whatever the server makes it: `union=True` queries need a server whose
    default graph is the union of the named graphs (Fuseki `unionDefaultGraph`, GraphDB by default).
    Bulk adds POST N-Quads to the Graph Store URL when one is configured, else INSERT DATA batches.
    """

    name = "sparql"
    results = JSON
    graph_format = ("application/n-triples", ox.RdfFormat.N_TRIPLES)
    max_triples_per_request = 10_000   # one INSERT DATA request
    page_size = 10_000                 # rows per SELECT page when reading whole graphs
    nquads_upload = True               # the graph store accepts N-Quads for the whole dataset
    dataset_download = False           # ... and answers GET with the whole dataset as N-Quads
    separate_default_graph = False     # quads outside named graphs are counted and dumped
    system: tuple[str, ...] = ()       # the server's own graphs, set by RemoteStore from system_graphs()

    def __init__(self, query_url: str, update_url: str = "", graph_store_url: str = ""):
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.graph_store_url = graph_store_url

    def auth(self, user: str, password: str) -> AuthBase:
        return HTTPBasicAuth(user, password)

    def query_params(self, union: bool) -> dict[str, str]:
        return {}

    def bulk_params(self) -> dict[str, str]:
        return {}

    def query_text(self, sparql: str, union: bool) -> str:
        return sparql

    def fix_results(self, body: bytes) -> bytes:
        return body

    def fix_graph(self, body: bytes) -> bytes:
        return body

    def system_graphs(self, store) -> set[str]:
        """Graphs the server keeps for itself: never counted, dumped or dropped."""
        return set()

    def delete_ops(self, drop_graphs: list[str], delete_subjects: list[tuple[str, str]]) -> list[str]:
        """SPARQL Update operations dropping whole graphs and every triple of (graph, subject)."""
        return standard_deletes(drop_graphs, delete_subjects)

    def insert_ops(self, quads: list[ox.Quad]) -> Iterator[str]:
        """SPARQL Update operations inserting `quads` (each graph's quads kept together)."""
        yield from standard_inserts(quads)

    def check_quads(self, quads: list[ox.Quad]) -> None:
        """Refuse, with a plain message, what this server cannot store."""


class OxigraphServer(GenericSparql):
    """`oxigraph serve`: /query, /update, /store; N-Quads in and out of /store in one request."""

    name = "oxigraph"
    dataset_download = True
    separate_default_graph = True

    def __init__(self, base: str):
        base = base.rstrip("/")
        super().__init__(f"{base}/query", f"{base}/update", f"{base}/store")

    def query_params(self, union: bool) -> dict[str, str]:
        return {"union-default-graph": ""} if union else {}

    def bulk_params(self) -> dict[str, str]:
        return {"no_transaction": ""}  # Oxigraph's bulk loader: fast, not atomic (as `add(bulk=True)`)


# Virtuoso names blank nodes `nodeID://b123` in results, as IRIs or as blank nodes.
_NODE_ID = re.compile(rb"<(uri|bnode)>nodeID://([A-Za-z0-9_]+)</(?:uri|bnode)>")
_NODE_ID_NT = re.compile(rb"<nodeID://([A-Za-z0-9_]+)>")
# Virtuoso answers ASK with a table `__ASK_RETVAL` (one row 1, or no row) instead of <boolean>.
_ASK = re.compile(rb'<variable name="__ASK_RETVAL"/>')
_ASK_TRUE = re.compile(rb'<binding name="__ASK_RETVAL"><literal[^>]*>1</literal>')


# pyoxigraph's XML results reader trims a literal's leading/trailing whitespace (character
# references survive), and XML is what Virtuoso must be read in.
_LITERAL = re.compile(rb"(<literal[^>]*>)(.*?)(</literal>)", re.DOTALL)


def _keep_edges(m: re.Match) -> bytes:
    text = m.group(2)
    core = text.strip()
    if core == text:
        return m.group(0)
    start = text.index(core) if core else len(text)
    head, tail = text[:start], text[start + len(core):]
    def refs(ws: bytes) -> bytes:
        return b"".join(b"&#%d;" % c for c in ws)
    return m.group(1) + refs(head) + core + refs(tail) + m.group(3)


_NAMED_GRAPH = re.compile(r"\bGRAPH\s*<", re.IGNORECASE)


class Virtuoso(GenericSparql):
    """Virtuoso 7 (Debian `virtuoso-opensource`): /sparql (or /sparql-auth with digest credentials)
    and /sparql-graph-crud(-auth). What differs from the standards, and what we do about it:

    - its default graph is always the union of all graphs, its own system graphs included (RDF
      view metadata, LDP, service description: ~2,500 triples), so `union=False` cannot hide it.
      Queries get `DEFINE input:default-graph-exclude` / `named-graph-exclude` pragmas for the
      system graphs, except queries naming a graph (`GRAPH <iri>`), which match nothing under any
      dataset pragma; counts, dumps and graph lists filter the system graphs out themselves;
    - JSON results write booleans as 1/0 (`typed-literal`): XML results are asked for instead
      (and a literal's edge whitespace kept through pyoxigraph's XML reader as character references);
      ASK comes back as a table (`__ASK_RETVAL`) and blank nodes as `nodeID://...`: both rewritten;
    - INSERT DATA refuses blank nodes: graphs holding some go in as `INSERT {...} WHERE {}`;
    - its SPARQL compiler fails ("memory exhausted") on ~5,000 triples in one block: triples go in
      blocks of at most 1,000; the GSP endpoint only takes one graph per request; ~800 DROP or
      DELETE operations in one request are "too large" (SQ156): graphs and subjects are deleted
      1,000 at a time by one `DELETE ... WHERE { VALUES ... }` operation each;
    - a multi-operation update is not one transaction (operations before a failing one stay);
    - it has no separate default graph to store quads in, and refuses ill-typed numbers/booleans
      ("abc"^^xsd:integer) where Oxigraph keeps them as given.
    """

    name = "virtuoso"
    results = XML
    block_size = 1_000
    nquads_upload = False

    def __init__(self, base: str, authenticated: bool = False):
        base = base.rstrip("/")
        suffix = "-auth" if authenticated else ""
        super().__init__(f"{base}/sparql{suffix}", f"{base}/sparql{suffix}",
                         f"{base}/sparql-graph-crud{suffix}")

    def auth(self, user: str, password: str) -> AuthBase:
        return HTTPDigestAuth(user, password)  # what /sparql-auth asks for

    def query_text(self, sparql: str, union: bool) -> str:
        if _NAMED_GRAPH.search(sparql):
            return sparql
        return "".join(f"DEFINE input:default-graph-exclude <{g}> DEFINE input:named-graph-exclude <{g}>\n"
                       for g in self.system) + sparql

    def fix_results(self, body: bytes) -> bytes:
        if _ASK.search(body):
            value = b"true" if _ASK_TRUE.search(body) else b"false"
            return (b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                    b"<head/><boolean>" + value + b"</boolean></sparql>")
        return _LITERAL.sub(_keep_edges, _NODE_ID.sub(rb"<bnode>\2</bnode>", body))

    def fix_graph(self, body: bytes) -> bytes:
        return _NODE_ID_NT.sub(rb"_:\1", body)

    def system_graphs(self, store) -> set[str]:
        # its RDF-view metadata, LDP vocabulary and SPARQL service description (named after the
        # server's DefaultHost, hence looked up rather than listed)
        rows = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a "
                           "<http://www.w3.org/ns/sparql-service-description#Service> } }")
        found = {r["g"].value for r in rows}
        return found | {"http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#"}

    def delete_ops(self, drop_graphs: list[str], delete_subjects: list[tuple[str, str]]) -> list[str]:
        # one operation per 1,000 graphs: a request of ~800 DROP/DELETE operations is "too large"
        # for its compiler (SQ156), and compiling a few hundred already takes a second
        ops = []
        for i in range(0, len(drop_graphs), 1000):
            values = " ".join(f"<{g}>" for g in drop_graphs[i:i + 1000])
            ops.append(f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ VALUES ?g {{ {values} }} "
                       "GRAPH ?g { ?s ?p ?o } }")
        for i in range(0, len(delete_subjects), 1000):
            values = " ".join(f"(<{g}> <{s}>)" for g, s in delete_subjects[i:i + 1000])
            ops.append(f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ VALUES (?g ?s) {{ {values} }} "
                       "GRAPH ?g { ?s ?p ?o } }")
        return ops

    def insert_ops(self, quads: list[ox.Quad]) -> Iterator[str]:
        plain: list[str] = []
        for g, qs in by_graph(quads).items():
            blocks = [qs[i:i + self.block_size] for i in range(0, len(qs), self.block_size)]
            if any(has_blank_node(q) for q in qs):
                # blank nodes are allowed in a template; one operation keeps them one node
                yield "INSERT { " + " ".join(f"GRAPH <{g}> {{ {triples_text(b)} }}"
                                             for b in blocks) + " } WHERE { }"
            else:
                plain += [f"GRAPH <{g}> {{ {triples_text(b)} }}" for b in blocks]
        if plain:
            yield "INSERT DATA { " + " ".join(plain) + " }"

    def check_quads(self, quads: list[ox.Quad]) -> None:
        for q in quads:
            if isinstance(q.graph_name, ox.DefaultGraph):
                raise UserError(f"Virtuoso has no separate default graph; put {q.subject} "
                                 f"{q.predicate} {q.object} in a named graph")
