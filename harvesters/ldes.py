"""Linked Data Event Streams (LDES / TREE): follow a view's pages, take members, keep the latest
version of each entity, and next time fetch only what is new.

- Pages are Turtle or JSON-LD. JSON-LD contexts come from Resources (a local map, or fetched
  once and cached), never from lxml/pyoxigraph going to the network: remote context references
  are replaced by the context documents before parsing.
- Members: `?collection tree:member ?m` (JSON-LD servers such as Ghent's put them in @included
  with a reverse `memberOf`, which is the same triple). A member's triples are those reachable
  from it through nodes the page describes, without entering other members or the tree itself.
- Versions: ldes:versionOfPath / ldes:timestampPath when the stream declares them, else
  dcterms:isVersionOf + prov:generatedAtTime. A version is stored under its entity's IRI (the
  version IRI is replaced by the entity's), with the timestamp as the record's datestamp; the
  ingest keeps the newest.
- State: pages marked immutable (Cache-Control: immutable) whose members are all stored are
  never fetched again; other pages are asked again with their ETag (304: only their links are
  followed, from memory).
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator
from urllib.parse import urldefrag

import pyoxigraph as ox

from erfgoed.errors import UserError
from erfgoed.harvesters.http import Fetcher, HarvestError
from erfgoed.harvesters.record import Record
from erfgoed.harvesters.resources import Resources

TREE = "https://w3id.org/tree#"
LDES = "https://w3id.org/ldes#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
MEMBER = ox.NamedNode(TREE + "member")
RELATION, NODE, VIEW = (ox.NamedNode(TREE + n) for n in ("relation", "node", "view"))
VERSION_OF = ox.NamedNode("http://purl.org/dc/terms/isVersionOf")
GENERATED = ox.NamedNode("http://www.w3.org/ns/prov#generatedAtTime")
STRUCTURE = {TREE + "Node", TREE + "Relation", LDES + "EventStream"}
# a member typed so is a tombstone: its entity was deleted (erfgoed-kg's own LDES writes as:Delete)
DELETIONS = {"https://www.w3.org/ns/activitystreams#Delete", LDES + "Deletion"}


def inline_contexts(doc: object, resources: Resources, depth: int = 0) -> object:
    """Replace every remote `@context` reference in a JSON-LD document by the context itself."""
    if depth > 8:
        raise UserError("JSON-LD contexts nest too deeply (a context loop?).")

    def resolve(ctx: object) -> object:
        if isinstance(ctx, str):
            try:
                loaded = json.loads(resources.read(ctx))
            except ValueError as exc:
                raise UserError(f"JSON-LD context {ctx} is not JSON: {exc}") from None
            return inline_contexts(loaded.get("@context", {}), resources, depth + 1)
        if isinstance(ctx, list):
            return [resolve(c) for c in ctx]
        return ctx

    if isinstance(doc, dict):
        return {k: resolve(v) if k == "@context" else inline_contexts(v, resources, depth)
                for k, v in doc.items()}
    if isinstance(doc, list):
        return [inline_contexts(v, resources, depth) for v in doc]
    return doc


def parse_page(body: bytes, content_type: str, url: str, resources: Resources) -> list[ox.Triple]:
    base = urldefrag(url)[0]
    try:
        if "json" in content_type or body.lstrip()[:1] in (b"{", b"["):
            doc = inline_contexts(json.loads(body), resources)
            quads = ox.parse(json.dumps(doc).encode(), format=ox.RdfFormat.JSON_LD, base_iri=base)
        else:
            quads = ox.parse(body, format=ox.RdfFormat.TURTLE, base_iri=base)
        return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    except (SyntaxError, ValueError) as exc:
        raise HarvestError(f"{url}: the page cannot be read as RDF ({exc}).") from None


class LdesHarvester:
    def __init__(self, url: str, *, fetcher: Fetcher | None = None,
                 resources: Resources | None = None, state: dict | None = None,
                 full: bool = False):
        self.url, self.fetcher = url, fetcher or Fetcher()
        self.resources = resources or Resources()
        self.state = dict(state or {})
        self.full = full
        self.state.setdefault("done", [])      # immutable pages fully stored
        self.state.setdefault("etags", {})     # page -> ETag of the version fully stored
        self.state.setdefault("links", {})     # page -> pages it links to (for 304s)
        if full:
            self.state.update(done=[], etags={})
        self._order: list[tuple[str, bool, str | None]] = []  # pages yielded: url, immutable, etag
        self.done = False

    # -- pages --------------------------------------------------------------------------------
    def records(self) -> Iterator[Record]:
        queue, seen = deque([self.url]), {self.url}
        done = set(self.state["done"])
        version_path = timestamp_path = None
        while queue:
            page = queue.popleft()
            if page in done:
                links = self.state["links"].get(page, [])
            else:
                resp = self.fetcher.get(page, etag=self.state["etags"].get(page),
                                        headers={"Accept": "text/turtle;q=1, application/ld+json;q=0.9"})
                immutable = "immutable" in resp.headers.get("Cache-Control", "")
                etag = resp.headers.get("ETag")
                if resp.status_code == 304:
                    links = self.state["links"].get(page, [])
                    self._order.append((page, immutable, etag))
                else:
                    triples = parse_page(resp.content, resp.headers.get("Content-Type", ""),
                                         page, self.resources)
                    graph = _Graph(triples)
                    version_path = graph.one(None, ox.NamedNode(LDES + "versionOfPath")) or version_path
                    timestamp_path = graph.one(None, ox.NamedNode(LDES + "timestampPath")) or timestamp_path
                    polling = graph.one(None, ox.NamedNode(LDES + "pollingInterval"))
                    if polling is not None and polling.value.isdigit():
                        self.state["polling_seconds"] = int(polling.value)  # for `harvest --due`
                    links = sorted({n.value for r in graph.objects(None, RELATION)
                                    for n in graph.objects(r, NODE) if isinstance(n, ox.NamedNode)}
                                   | {v.value for v in graph.objects(None, VIEW)
                                      if isinstance(v, ox.NamedNode)})
                    self.state["links"][page] = links
                    self._order.append((page, immutable, etag))
                    yield from self._members(graph, page, version_path or VERSION_OF,
                                             timestamp_path or GENERATED)
            for link in links:
                if link not in seen:
                    seen.add(link)
                    queue.append(link)
        self.done = True
        self._mark_done(len(self._order))

    def commit(self, record: Record) -> None:
        """All records up to `record` are stored: every page before its page is complete."""
        if self.done:
            return
        position = next((i for i, (url, _, _) in enumerate(self._order) if url == record.cursor), 0)
        self._mark_done(position)

    def _mark_done(self, upto: int) -> None:
        for url, immutable, etag in self._order[:upto]:
            if immutable and url not in self.state["done"]:
                self.state["done"].append(url)
            if etag:
                self.state["etags"][url] = etag

    # -- members ------------------------------------------------------------------------------
    def _members(self, graph: _Graph, page: str, version_of: ox.NamedNode,
                 timestamp: ox.NamedNode) -> Iterator[Record]:
        members = [m for m in graph.objects(None, MEMBER)]
        member_set = set(members)
        for m in members:
            entity = graph.one(m, version_of)
            if any(t.value in DELETIONS for t in graph.objects(m, RDF_TYPE)):
                stamp = graph.one(m, timestamp)
                yield Record(page, (entity or m).value, None, deleted=True, cursor=page,
                             datestamp=stamp.value if stamp is not None else None)
                continue
            # the entity's #fragment nodes belong to its document, also those only pointing at it
            fragments = graph.fragments(entity) if isinstance(entity, ox.NamedNode) else []
            triples = graph.describe(m, stop=member_set, extra=fragments)
            stamp = graph.one(m, timestamp)
            target = entity if isinstance(entity, ox.NamedNode) else m
            out = []
            for t in triples:
                if t.subject == m and t.predicate == version_of:
                    continue
                s = target if t.subject == m else t.subject
                o = target if t.object == m else _repair(t.object)
                out.append(ox.Triple(s, t.predicate, o))
            text = ox.serialize(out, format=ox.RdfFormat.N_TRIPLES).decode()
            body = "".join(sorted(line + "\n" for line in text.splitlines() if line))
            if not out:
                yield Record(page, target.value, None, cursor=page,
                             problem=f"member {m} has no statements on page {page}.")
                continue
            yield Record(page, target.value, body, media_type="application/n-triples",
                         datestamp=stamp.value if stamp is not None else None, cursor=page)


LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _repair(term):
    """JSON-LD contexts typing a value as rdf:langString without a language (Ghent's exhibition
    context does) yield a literal no RDF syntax can write: keep it as a plain string."""
    if isinstance(term, ox.Literal) and term.datatype.value == LANG_STRING and not term.language:
        return ox.Literal(term.value)
    return term


class _Graph:
    """A page's triples, indexed by subject, with the few look-ups the harvester needs."""

    def __init__(self, triples: list[ox.Triple]):
        self.by_subject: dict[object, list[ox.Triple]] = {}
        for t in triples:
            self.by_subject.setdefault(t.subject, []).append(t)
        self.triples = triples

    def objects(self, s, p) -> list:
        source = self.by_subject.get(s, []) if s is not None else self.triples
        return [t.object for t in source if t.predicate == p]

    def one(self, s, p):
        found = self.objects(s, p)
        return found[0] if found else None

    def fragments(self, entity: ox.NamedNode) -> list:
        prefix = entity.value + "#"
        return [s for s in self.by_subject if isinstance(s, ox.NamedNode) and s.value.startswith(prefix)]

    def describe(self, node, stop: set, extra: list = ()) -> list[ox.Triple]:
        """Triples about `node` (and `extra` nodes) and, recursively, about the nodes they point to
        that the page describes - but not other members or the tree's own nodes."""
        out, todo, visited = [], [node, *extra], {node, *extra}
        while todo:
            current = todo.pop()
            for t in self.by_subject.get(current, []):
                out.append(t)
                o = t.object
                if (o in self.by_subject and o not in visited and o not in stop
                        and not self._structural(o)):
                    visited.add(o)
                    todo.append(o)
        return out

    def _structural(self, node) -> bool:
        return any(t.predicate == RDF_TYPE and t.object.value in STRUCTURE
                   for t in self.by_subject.get(node, []))
