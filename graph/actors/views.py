"""What the actor pages and the review queue show, read from the store (no HTML here).

One canonical actor: its names, life dates, the source records and authorities it is `owl:sameAs`,
its works in every institution (with the role it had), its productions, and the curators'
decisions about its records. One proposal: the two source actors side by side with the reasons.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from erfgoed.graph.actors.candidates import PREFIXES, dataset_of, normalise_id
from erfgoed.graph.actors.canonical import CANONICAL, MERGE, PROPOSAL
from erfgoed.graph.actors.decisions import ActorDecisions
from erfgoed.graph.actors.visibility import actor_graphs, iris, values
from erfgoed.graph.namespaces import CRM, DCTERMS, OWL, RDFS, SCHEMA, SKOS, SSSOM
from erfgoed.graph.publication import hidden_graph_prefixes
from erfgoed.graph.store import Store
from erfgoed.graph.terms.records import Decision
from erfgoed.graph.uris import Minter

WORKS = (
    PREFIXES
    + """SELECT ?m ?g ?object ?title ?inv ?role WHERE {
  VALUES ?m { %s }
  ?prod crm:P14_carried_out_by ?m ; crm:P108_has_produced ?object .
  GRAPH ?g { ?object a crm:E22_Human-Made_Object }
  OPTIONAL { ?object crm:P102_has_title ?title }
  OPTIONAL { ?object adms:identifier/skos:notation ?inv }
  OPTIONAL { ?r cest:Rol.agent ?m ; cest:Rol.activiteit ?prod ;
                crm:P14.1_in_the_role_of/skos:prefLabel ?role }
} ORDER BY ?g ?inv LIMIT 500"""
)
LABELS = (
    PREFIXES
    + """SELECT ?m ?g ?name WHERE { VALUES ?m { %s }
  GRAPH ?g { ?m skos:prefLabel|persoon:volledigeNaam|foaf:name|foaf:familyName ?name } }"""
)


@dataclass
class SourceActor:
    uri: str
    dataset: str = ""
    names: list[str] = field(default_factory=list)
    agent: str = ""  # the canonical actor it belongs to now


@dataclass
class Proposal:
    node: str
    a: SourceActor
    b: SourceActor
    score: float
    reasons: list[str]


def source_actors(
    store: Store, minter: Minter, uris: list[str], graphs: list[str] | None = None
) -> dict[str, SourceActor]:
    out = {u: SourceActor(u) for u in uris}
    if not uris:
        return out
    for row in store.query(LABELS % iris(uris)):
        sa = out[row["m"].value]
        sa.dataset = sa.dataset or (dataset_of(row["g"].value, minter) or "")
        if row["name"].value not in sa.names:
            sa.names.append(row["name"].value)
    q = (
        f"SELECT ?a ?m WHERE {{ VALUES ?m {{ {iris(uris)} }} "
        f"{values(graphs or actor_graphs(store, minter))} "
        f"GRAPH ?g {{ ?a a {CANONICAL} ; {OWL.sameAs} ?m }} }}"
    )
    for row in store.query(q):
        out[row["m"].value].agent = row["a"].value
    return out


PAGE_SIZE = 50  # proposals per page of the review queue


def proposals(
    store: Store,
    minter: Minter,
    *,
    offset: int = 0,
    limit: int | None = None,
    pair: tuple[str, str] | None = None,
) -> list[Proposal]:
    """The review queue, strongest score first; a page of it (`offset`, `limit`), or one `pair`."""
    graphs = values(actor_graphs(store, minter))
    chosen = ""
    if pair:
        chosen = f"VALUES (?a ?b) {{ (<{pair[0]}> <{pair[1]}>) (<{pair[1]}> <{pair[0]}>) }} "
    page = f"LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    q = (
        f"SELECT DISTINCT ?p ?a ?b ?s WHERE {{ {graphs} {chosen}GRAPH ?g {{ ?p a {PROPOSAL} ; "
        f"{OWL.annotatedSource} ?a ; {OWL.annotatedTarget} ?b ; {SSSOM.confidence} ?s }} }} "
        f"ORDER BY DESC(?s) ?a ?b {page}"
    )
    rows = {r["p"].value: (r["a"].value, r["b"].value, float(r["s"].value)) for r in store.query(q)}
    if not rows:
        return []
    reasons: dict[str, set[str]] = defaultdict(set)
    for r in store.query(f"SELECT ?p ?c WHERE {{ VALUES ?p {{ {iris(rows)} }} ?p {RDFS.comment} ?c }}"):
        reasons[r["p"].value].add(r["c"].value)
    actors = source_actors(store, minter, sorted({u for a, b, _ in rows.values() for u in (a, b)}))
    out = [Proposal(n, actors[a], actors[b], s, sorted(reasons[n])) for n, (a, b, s) in rows.items()]
    return sorted(out, key=lambda p: (-p.score, p.a.uri, p.b.uri))


def count_proposals(store: Store, minter: Minter) -> int:
    graphs = values(actor_graphs(store, minter))
    q = f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ {graphs} GRAPH ?g {{ ?p a {PROPOSAL} }} }}"
    return int(next(iter(store.query(q)))["n"].value)


def visible_graphs(store: Store, minter: Minter, public: bool) -> list[str]:
    """The canonical graphs a reader may see: the public one, or (curators) every one."""
    return [minter.actors_graph] if public else actor_graphs(store, minter)


def actor_view(store: Store, minter: Minter, key: str, *, public: bool = True) -> dict | None:
    """Everything the page of one canonical actor shows; {"replaced_by": uri} for a retired key.
    `public`: only what public datasets say (graph/actors/visibility.py); curators see all."""
    a, graphs = minter.agent(key), visible_graphs(store, minter, public)
    hidden = hidden_graph_prefixes(store, minter) if public else []
    facts: dict[str, list[ox.Term]] = defaultdict(list)
    for row in store.query(f"SELECT ?p ?o WHERE {{ {values(graphs)} GRAPH ?g {{ <{a}> ?p ?o }} }}"):
        facts[row["p"].value].append(row["o"])
    if not facts:
        return None
    types = {t.value for t in facts.get(RDF_TYPE, [])}
    if DCTERMS.isReplacedBy.value in facts and CANONICAL.value not in types:
        return {"replaced_by": facts[DCTERMS.isReplacedBy.value][0].value}
    same = sorted(t.value for t in facts.get(OWL.sameAs.value, []))
    ours = [u for u in same if normalise_id(u) is None]  # source records (Ghent's too), not authorities
    members = source_actors(store, minter, ours, graphs)
    works = []
    if ours:
        seen = set()
        for row in store.query(WORKS % iris(ours)):
            k = (row["object"].value, row["m"].value)
            if k in seen or row["g"].value.startswith(tuple(hidden) or "\0"):
                continue
            seen.add(k)
            works.append(
                {
                    "object": row["object"].value,
                    "dataset": dataset_of(row["g"].value, minter) or "",
                    "title": _v(row["title"]),
                    "inv": _v(row["inv"]),
                    "role": _v(row["role"]),
                    "as": members[row["m"].value].names[:1],
                }
            )
    prods = []
    q = (
        f"SELECT DISTINCT ?p ?t ?how WHERE {{ {values(graphs)} GRAPH ?g {{ "
        f"{{ ?p <https://schema.org/performer> <{a}> "
        f'BIND("performer" AS ?how) }} UNION {{ ?p {CRM.P14_carried_out_by} <{a}> '
        f'BIND("organiser" AS ?how) }} OPTIONAL {{ ?p {DCTERMS.title} ?t }} }} }}'
    )
    for row in store.query(q):
        prods.append({"uri": row["p"].value, "title": _v(row["t"]), "how": row["how"].value})
    return {
        "uri": a,
        "key": key,
        "name": _first(facts, SKOS.prefLabel.value),
        "alt": sorted(t.value for t in facts.get(SKOS.altLabel.value, [])),
        "birth": _first(facts, SCHEMA.birthDate.value),
        "death": _first(facts, SCHEMA.deathDate.value),
        "members": [members[u] for u in ours],
        "authorities": [u for u in same if u not in ours],
        "works": works,
        "productions": prods,
        "decisions": decisions_about(store, minter, ours),
        "merged_because": merges_of(store, minter, ours, graphs),
    }


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def decisions_about(store: Store, minter: Minter, uris: list[str]) -> list[Decision]:
    return ActorDecisions(store, minter).about(uris)


def merges_of(store: Store, minter: Minter, uris: list[str], graphs: list[str]) -> list[dict]:
    """Why these source actors are one: the automatic merges between them (score, reasons)."""
    if len(uris) < 2:
        return []
    q = (
        f"SELECT ?m ?a ?b ?s ?c WHERE {{ {values(graphs)} VALUES ?a {{ {iris(uris)} }} GRAPH ?g {{ "
        f"?m a {MERGE} ; {OWL.annotatedSource} ?a ; {OWL.annotatedTarget} ?b ; {SSSOM.confidence} ?s "
        f"OPTIONAL {{ ?m {RDFS.comment} ?c }} }} }}"
    )
    found: dict[str, dict] = {}
    for row in store.query(q):
        m = found.setdefault(
            row["m"].value,
            {"a": row["a"].value, "b": row["b"].value, "score": float(row["s"].value), "reasons": []},
        )
        if row["c"] is not None and row["c"].value not in m["reasons"]:
            m["reasons"].append(row["c"].value)
    return sorted(found.values(), key=lambda m: (-m["score"], m["a"], m["b"]))


def _v(term: ox.Term | None) -> str:
    return term.value if term is not None else ""


def _first(facts: dict[str, list[ox.Term]], prop: str) -> str:
    values = sorted(t.value for t in facts.get(prop, []))
    return values[0] if values else ""
