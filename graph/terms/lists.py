"""Term lists as the store holds them: what a re-import must keep, summaries, one list's triples.

A list is one named graph (`Minter.terms_graph(id)`) holding its skos:ConceptScheme
(`Minter.term_list(id)`) and its concepts; see the RDF contract in graph/terms/importer.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from erfgoed.errors import UserError
from erfgoed.graph.namespaces import PREFIXES, RDF_TYPE
from erfgoed.graph.uris import Minter

SKOS, DCT, ERF, VOID = (PREFIXES[p] for p in ("skos", "dcterms", "erf", "void"))
CONCEPT = SKOS + "Concept"
LIST_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


def check_list_id(list_id: str) -> str:
    """List ids appear in URIs and graph names: lowercase letters, digits and hyphens."""
    if not LIST_ID.fullmatch(list_id or ""):
        raise UserError(f"list id '{list_id}' must be lowercase letters, digits and hyphens "
                        "(it becomes part of the URI of the list and of every concept in it).")
    return list_id


def label_key(text: str) -> str:
    """Labels compared for identity: case and runs of whitespace do not count."""
    return " ".join(text.split()).casefold()


@dataclass
class StoredList:
    """What a re-import needs from the list already in the store."""
    list_id: str
    exists: bool = False
    by_notation: dict[str, str] = field(default_factory=dict)          # notation -> concept URI
    by_label: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # key -> [(lang, URI)]
    concepts: dict[str, frozenset[str]] = field(default_factory=dict)  # URI -> its triples (N-Triples)
    title: ox.Literal | None = None
    kind: str | None = None
    modified: ox.Literal | None = None


def stored_list(store, minter: Minter, list_id: str) -> StoredList:
    graph = minter.terms_graph(list_id)
    out = StoredList(list_id)
    if not store.has_graph(graph):
        return out
    out.exists = True
    scheme = ox.NamedNode(minter.term_list(list_id))
    concepts: set[ox.NamedNode] = set()
    by_subject: dict[ox.NamedNode, set[str]] = {}
    for q in store.quads(graph):
        s, p, o = q.subject, q.predicate.value, q.object
        if s == scheme:
            if p == DCT + "title":
                out.title = o
            elif p == ERF + "kind":
                out.kind = o.value
            elif p == DCT + "modified":
                out.modified = o
            continue
        by_subject.setdefault(s, set()).add(f"{s} {q.predicate} {o}")
        if p == RDF_TYPE and o.value == CONCEPT:
            concepts.add(s)
        elif p == SKOS + "notation":
            out.by_notation.setdefault(o.value, s.value)
        elif p == SKOS + "prefLabel":
            out.by_label.setdefault(label_key(o.value), []).append((o.language or "", s.value))
    out.concepts = {c.value: frozenset(by_subject.get(c, ())) for c in concepts}
    out.by_notation = {n: u for n, u in out.by_notation.items() if u in out.concepts}
    out.by_label = {k: [(lg, u) for lg, u in v if u in out.concepts] for k, v in out.by_label.items()}
    return out


def summaries(store, minter: Minter, *, only: str | None = None) -> list[dict]:
    """Every term list (or the list `only`): id, URI, title, size, kind, last change. A list is the
    skos:ConceptScheme at `Minter.term_list(id)` in its graph (a SKOS file's own scheme beside it is not)."""
    prefix = minter.terms_graph("")
    graphs = (f"VALUES ?g {{ <{minter.terms_graph(only)}> }}" if only is not None
              else f'FILTER(STRSTARTS(STR(?g), "{prefix}"))')
    q = f"""PREFIX skos: <{SKOS}> PREFIX dcterms: <{DCT}> PREFIX void: <{VOID}> PREFIX erf: <{ERF}>
    SELECT ?g ?s ?title ?size ?kind ?modified WHERE {{ GRAPH ?g {{ ?s a skos:ConceptScheme .
        OPTIONAL {{ ?s dcterms:title ?title }}
        OPTIONAL {{ ?s void:entities ?size }} OPTIONAL {{ ?s erf:kind ?kind }}
        OPTIONAL {{ ?s dcterms:modified ?modified }} }}
      {graphs} }}"""
    out: dict[str, dict] = {}
    for row in store.query(q, union=False):
        list_id = row["g"].value[len(prefix):]
        if row["s"].value != minter.term_list(list_id) or list_id in out:
            continue
        out[list_id] = {
            "id": list_id, "uri": row["s"].value,
            "title": row["title"].value if row["title"] else list_id,
            "size": int(row["size"].value) if row["size"] else 0,
            "kind": row["kind"].value if row["kind"] else "concept",
            "modified": row["modified"].value if row["modified"] else None,
        }
    return [out[k] for k in sorted(out)]


def summary(store, minter: Minter, list_id: str) -> dict | None:
    """One term list's summary (as in `summaries`), or None when there is no such list."""
    if not LIST_ID.fullmatch(list_id or ""):  # no such list, and kept out of the query text
        return None
    found = summaries(store, minter, only=list_id)
    return found[0] if found else None


def list_triples(store, minter: Minter, list_id: str) -> list[ox.Triple]:
    """The whole list (scheme and concepts) as triples; UserError when there is no such list."""
    graph = minter.terms_graph(list_id)
    if not store.has_graph(graph):
        raise UserError(f"no term list '{list_id}'.")
    return [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(graph)]


def pref_labels(triples: list[ox.Triple], langs: tuple[str, ...] = ("nl", "en")) -> dict[str, str]:
    """URI -> the label to show: prefLabel in nl, en, any language (skosprovider's fallback)."""
    found: dict[str, dict[str, str]] = {}
    for t in triples:
        if t.predicate.value == SKOS + "prefLabel" and isinstance(t.object, ox.Literal):
            found.setdefault(t.subject.value, {}).setdefault(t.object.language or "", t.object.value)
    out = {}
    for uri, by_lang in found.items():
        out[uri] = next((by_lang[lg] for lg in langs if lg in by_lang), None) or \
            next((v for lg, v in sorted(by_lang.items()) if lg.split("-")[0] in langs), None) or \
            sorted(by_lang.items())[0][1]
    return out


def describe(store, minter: Minter, list_id: str, uri: str) -> list[ox.Triple]:
    """What the list says about one concept (or the list itself), with its broader terms' labels."""
    q = f"""PREFIX skos: <{SKOS}> CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{minter.terms_graph(list_id)}> {{
        {{ BIND(<{uri}> AS ?s) ?s ?p ?o }}
        UNION {{ <{uri}> skos:broader ?s . ?s skos:prefLabel ?o BIND(skos:prefLabel AS ?p) }} }} }}"""
    return list(store.query(q, union=False))


def neighbours(store, minter: Minter, list_id: str, uri: str, predicate: str,
               inverse: bool = False) -> list[tuple[str, str]]:
    """(URI, label) of the concepts `uri` points at with `predicate` (or that point at it)."""
    pattern = f"?n <{predicate}> <{uri}>" if inverse else f"<{uri}> <{predicate}> ?n"
    q = f"""PREFIX skos: <{SKOS}> SELECT ?n ?l WHERE {{
        GRAPH <{minter.terms_graph(list_id)}> {{ {pattern} OPTIONAL {{ ?n skos:prefLabel ?l }} }} }}"""
    found, labels = set(), []
    for r in store.query(q, union=False):
        found.add(r["n"].value)
        if r["l"] is not None:
            labels.append(ox.Triple(r["n"], ox.NamedNode(SKOS + "prefLabel"), r["l"]))
    shown = pref_labels(labels)
    return sorted(((n, shown.get(n, n)) for n in found), key=lambda r: label_key(r[1]))


def entries_of(triples: list[ox.Triple], list_id: str) -> list:
    """Concepts among `triples` as `Entry`s (harvesters/authorities/base.py), source 'list:<id>'."""
    from erfgoed.harvesters.authorities.base import entries_from_triples

    return entries_from_triples(triples, f"list:{list_id}")


def entries(store, minter: Minter, list_id: str) -> list:
    """A stored list's concepts as `Entry`s: what the matcher and the API read."""
    return entries_of(list_triples(store, minter, list_id), list_id)
