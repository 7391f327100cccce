"""A `Store` on a SPARQL server: SPARQL 1.1 Protocol (query), Update, and Graph Store HTTP Protocol.

Results come back as pyoxigraph objects, exactly as from the embedded store, so no caller can tell
the backends apart. What one server does differently is handled in graph/dialects.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import requests

from erfgoed.errors import UserError
from erfgoed.graph.dialects import GenericSparql, has_blank_node
from erfgoed.graph.store import QueryResult, Store


class RemoteStoreError(UserError):
    """The server could not be reached or refused a request (its message is kept)."""


class RemoteStore(Store):
    def __init__(self, location: str, dialect: GenericSparql, *, timeout: float = 60.0,
                 user: str = "", password: str = ""):
        self.location, self.dialect, self.timeout = location, dialect, timeout
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "erfgoed-kg"
        if user:
            self.session.auth = dialect.auth(user, password)
        self.query("ASK { }")  # fails here, plainly, when the server is not there
        system = dialect.system = tuple(sorted(dialect.system_graphs(self)))
        self._mine = f"FILTER (?g NOT IN ({', '.join(f'<{g}>' for g in system)})) " if system else ""

    # --- HTTP -------------------------------------------------------------------------------
    def _send(self, method: str, url: str, what: str, *, allow: tuple[int, ...] = (),
              **kw: Any) -> requests.Response:
        """One request; any answer but 2xx (and `allow`ed statuses) raises, with the server's words."""
        try:
            r = self.session.request(method, url, timeout=(10, self.timeout), **kw)
        except requests.Timeout:
            raise RemoteStoreError(f"store {self.location}: no answer to {what} within "
                                   f"{self.timeout:g} s (store.timeout_seconds)") from None
        except requests.ConnectionError as exc:
            raise RemoteStoreError(f"store {self.location}: cannot reach {url} ({exc.__class__.__name__})"
                                   "; is the server running?") from None
        r.encoding = r.encoding if "charset" in r.headers.get("Content-Type", "") else "utf-8"
        if r.status_code == 400 and what == "query":
            raise SyntaxError(f"{self.dialect.name} server: {r.text.strip()[:500]}")
        if r.status_code >= 400 and r.status_code not in allow:
            hint = (" (set ERFGOED_STORE_USER and ERFGOED_STORE_PASSWORD)"
                    if r.status_code in (401, 403) or "permission" in r.text.lower() else "")
            raise RemoteStoreError(f"store {self.location}: {what} refused, HTTP {r.status_code}"
                                   f"{hint}: {r.text.strip()[:500]}")
        return r

    def _update(self, text: str, what: str = "update") -> None:
        # form-encoded: the one request shape every server takes (Virtuoso waits forever on a
        # direct application/sparql-query body)
        self._send("POST", self.dialect.update_url, what, data={"update": text})

    # --- Store ------------------------------------------------------------------------------
    def query(self, sparql: str, *, substitutions: dict[ox.Variable, Any] | None = None,
              custom_functions: dict[ox.NamedNode, Callable[..., Any]] | None = None,
              union: bool = True) -> QueryResult:
        if custom_functions:
            raise UserError(f"store {self.location}: custom SPARQL functions run only in-process; "
                            "evaluate such a query in an in-memory pyoxigraph store")
        if substitutions:
            sparql = bind_values(sparql, substitutions)
        media, fmt = self.dialect.results
        graph_media, graph_fmt = self.dialect.graph_format
        table = query_form(sparql) in ("SELECT", "ASK")  # one Accept type: Virtuoso answers 406 to two
        r = self._send("POST", self.dialect.query_url, "query",
                       params=self.dialect.query_params(union),
                       data={"query": self.dialect.query_text(sparql, union)},
                       headers={"Accept": media if table else graph_media})
        if table:
            return ox.parse_query_results(self.dialect.fix_results(r.content), fmt)
        # CONSTRUCT/DESCRIBE: hand back a real QueryTriples, as the embedded store does
        graph = ox.Store()
        graph.bulk_extend(ox.parse(self.dialect.fix_graph(r.content), graph_fmt))
        return graph.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")

    def update(self, sparql: str) -> None:
        self._update(sparql)

    def add(self, quads: Iterable[ox.Quad], *, bulk: bool = False) -> None:
        if not bulk:  # one request = one transaction
            batch = list(quads)
            if batch:
                self.dialect.check_quads(batch)
                self._update(" ;\n".join(self.dialect.insert_ops(batch)), "insert")
            return
        for batch in _batches(quads, self.dialect.max_triples_per_request):
            self.dialect.check_quads(batch)
            if self.dialect.graph_store_url and self.dialect.nquads_upload:
                self._send("POST", self.dialect.graph_store_url, "bulk load",
                           params=self.dialect.bulk_params(),
                           data=ox.serialize(batch, format=ox.RdfFormat.N_QUADS),
                           headers={"Content-Type": "application/n-quads"})
            else:
                self._update(" ;\n".join(self.dialect.insert_ops(batch)), "bulk insert")

    def replace(self, *, drop_graphs: Iterable[str] = (),
                delete_subjects: Iterable[tuple[str, str]] = (),
                insert: Iterable[ox.Quad] = ()) -> None:
        quads = list(insert)
        self.dialect.check_quads(quads)
        ops = self.dialect.delete_ops(list(drop_graphs), list(delete_subjects))
        ops += self.dialect.insert_ops(quads)
        if ops:
            self._update(" ;\n".join(ops), "replace")

    def has_graph(self, graph: str) -> bool:
        return bool(self.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", union=False))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        if self.dialect.dataset_download:  # the Graph Store answers in one response
            params, media, fmt = (({"graph": graph}, "application/n-triples", ox.RdfFormat.N_TRIPLES)
                                  if graph else ({}, "application/n-quads", ox.RdfFormat.N_QUADS))
            r = self._send("GET", self.dialect.graph_store_url, "read", params=params,
                           headers={"Accept": media}, stream=True, allow=(404,))
            if r.status_code == 404:  # no such graph: nothing in it
                return
            r.raw.decode_content = True
            g = ox.NamedNode(graph) if graph else None
            for q in ox.parse(r.raw, fmt):
                yield ox.Quad(q.subject, q.predicate, q.object, g) if g else q
            return
        yield from self._paged_quads(graph)

    def _paged_quads(self, graph: str | None) -> Iterator[ox.Quad]:
        """Whole graphs read through SELECT pages (servers cap result sizes: Virtuoso at 10,000)."""
        sizes = self._graph_sizes(graph)
        if graph is None and sum(sizes.values()) != self.count():
            raise RemoteStoreError(f"store {self.location}: the graph list the server returned does not add "
                                   "up to its quad count (a result-size cap?); cannot read the store whole")
        page, small, held = self.dialect.page_size, [], 0
        for g, n in sorted(sizes.items()):
            if n > page:
                yield from self._big_graph(g, n, page)
                continue
            if held + n > page or len(small) >= 500:
                yield from self._select_graphs(small, held)
                small, held = [], 0
            small.append(g)
            held += n
        if small:
            yield from self._select_graphs(small, held)

    def _graph_sizes(self, graph: str | None = None) -> dict[str, int]:
        """Quads per named graph, listed in pages by graph name (servers cap result sizes)."""
        where = f"VALUES ?g {{ <{graph}> }} " if graph else ""
        sizes: dict[str, int] = {}
        after, page = "", self.dialect.page_size
        while True:
            rows = list(self.query(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ {where}GRAPH ?g {{ ?s ?p ?o }} "
                                   f"{self._mine}{after}}} GROUP BY ?g ORDER BY STR(?g) LIMIT {page}",
                                   union=False))
            sizes.update((r["g"].value, int(r["n"].value)) for r in rows)
            if len(rows) < page:
                return sizes
            after = f"FILTER (STR(?g) > {ox.Literal(rows[-1]['g'].value)}) "

    def _big_graph(self, graph: str, expected: int, page: int) -> Iterator[ox.Quad]:
        """A graph larger than a page, by subject ranges: OFFSET paging is no way out, as Virtuoso
        sorts at most 10,000 rows (offset included). A page's last subject is read again whole."""
        key, seen = None, 0
        while True:
            after = f"FILTER (?k >= {ox.Literal(key)}) " if key is not None else ""
            rows = list(self.query(f"SELECT ?s ?p ?o ?k WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} "
                                   f"BIND (STR(?s) AS ?k) {after}}} ORDER BY ?k LIMIT {page}", union=False))
            last = rows[-1]["k"].value if len(rows) == page else None
            keep = [r for r in rows if last is None or r["k"].value != last]
            if last is not None and not keep:
                raise RemoteStoreError(f"store {self.location}: {last} has more than {page} statements in "
                                       f"{graph}; cannot page through it")
            seen += len(keep)
            yield from (ox.Quad(r["s"], r["p"], r["o"], ox.NamedNode(graph)) for r in keep)
            if last is None:
                break
            key = last
        if seen != expected:
            raise RemoteStoreError(f"store {self.location}: read {seen} of {expected} statements of {graph}")

    def _select_graphs(self, graphs: list[str], expected: int) -> Iterator[ox.Quad]:
        values = " ".join(f"<{g}>" for g in graphs)
        yield from self._select(f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {values} }} "
                                "GRAPH ?g { ?s ?p ?o } }", expected, None)

    def _select(self, text: str, expected: int, graph: str | None) -> Iterator[ox.Quad]:
        rows = list(self.query(text, union=False))
        if len(rows) != expected:
            raise RemoteStoreError(f"store {self.location}: the server returned {len(rows)} of "
                                   f"{expected} rows (a result-size cap?); cannot read the store whole")
        for r in rows:
            yield ox.Quad(r["s"], r["p"], r["o"], ox.NamedNode(graph) if graph else r["g"])

    def count(self) -> int:
        default = " UNION { ?s ?p ?o }" if self.dialect.separate_default_graph else ""
        rows = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ GRAPH ?g {{ ?s ?p ?o }} {self._mine}}}"
                          f"{default} }}", union=False)
        return int(next(iter(rows))["n"].value)

    def dump(self, path: Path) -> int:
        n = 0
        with path.open("wb") as out:
            for batch in _batches(self.quads(), 10_000):
                out.write(ox.serialize(batch, format=ox.RdfFormat.N_QUADS))
                n += len(batch)
        return n

    def restore(self, path: Path) -> None:
        try:  # read it all first, so a broken file changes nothing
            sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
        except SyntaxError as exc:
            raise UserError(f"{path}: not a valid N-Quads file: {exc}") from None
        if self.dialect.graph_store_url and self.dialect.nquads_upload:
            with path.open("rb") as fh:
                self._send("POST", self.dialect.graph_store_url, "restore",
                           params=self.dialect.bulk_params(), data=fh,
                           headers={"Content-Type": "application/n-quads"})
        else:
            self.add(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS), bulk=True)

    def graphs(self) -> list[str]:
        """The named graphs holding data (the server's own excepted)."""
        return sorted(self._graph_sizes())

    def close(self) -> None:
        self.session.close()


def _batches(quads: Iterable[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    """Batches of about `size` quads. A blank node must stay within one request (each request
    scopes its own labels), so a batch is cut where the graph changes, or inside a graph larger
    than `size` (the meta graph of a big store) only while that graph has had no blank node."""
    batch: list[ox.Quad] = []
    current: ox.NamedNode | ox.BlankNode | ox.DefaultGraph | None = None
    blank = False  # the current graph has shown a blank node: no cut until it ends
    for q in quads:
        if q.graph_name != current:
            current, blank = q.graph_name, False
            if len(batch) >= size:
                yield batch
                batch = []
        elif len(batch) >= size and not blank:
            yield batch
            batch = []
        blank = blank or has_blank_node(q)
        batch.append(q)
    if batch:
        yield batch


_TOKEN = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
                    r'|[{}]|\b(?:SELECT|ASK|CONSTRUCT|DESCRIBE)\b', re.IGNORECASE | re.DOTALL)


_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside IRIs, strings, comments."""
    for m in _TOKEN.finditer(sparql):
        if m.group(0).upper() in _FORMS:
            return m.group(0).upper()
    return "SELECT"  # not a query: let the server say what is wrong with it


def bind_values(sparql: str, substitutions: dict[ox.Variable, Any]) -> str:
    """`substitutions` as a VALUES block opening the query's WHERE group (the server binds them
    before anything else there, as pyoxigraph's substitutions do)."""
    names = list(substitutions)
    for v in substitutions.values():
        if isinstance(v, ox.BlankNode):
            raise ValueError("a blank node cannot be sent to a SPARQL server as a binding")
    values = (f" VALUES ({' '.join(str(n) for n in names)}) "
              f"{{ ({' '.join(str(substitutions[n]) for n in names)}) }} ")
    form, depth, skip = None, 0, False
    for m in _TOKEN.finditer(sparql):
        tok = m.group(0)
        if form is None and tok.upper() in _FORMS:
            form = tok.upper()
            after = sparql[m.end():].lstrip()
            skip = form == "CONSTRUCT" and after.startswith("{")  # the template comes first
        elif form and tok == "{":
            if depth == 0 and not skip:
                return sparql[:m.end()] + values + sparql[m.end():]
            depth += 1
        elif form and tok == "}":
            depth -= 1
            if depth == 0:
                skip = False
    raise ValueError("substitutions need a query with a WHERE group")
