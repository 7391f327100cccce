"""Canonical actors: one URI per cluster, stable across runs, written to `Minter.actors_graph`.

Keys are a persisted assignment, not recomputed: a cluster keeps the key most of its members had in
the previous run; a new cluster gets a short hash of its smallest member URI (suffixed if that key
was ever used). A key whose cluster was merged into another stays resolvable as
`<old> dcterms:isReplacedBy <new>`, so once minted an agent URI never changes meaning or disappears.
Source records are never touched: a canonical actor points to them with `owl:sameAs`.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from erfgoed.graph.actors.resolve import Candidate, Link
from erfgoed.graph.actors.visibility import actor_graphs, values
from erfgoed.graph.namespaces import DCTERMS, ERF, OWL, RDF, RDFS, SCHEMA, SKOS, SSSOM, XSD
from erfgoed.graph.store import Store
from erfgoed.graph.terms.normalise import direct_order, split_dates
from erfgoed.graph.terms.records import LEXICAL
from erfgoed.graph.uris import Minter

CANONICAL = ERF.CanonicalActor
PROPOSAL = ERF.ActorProposal
MERGE = ERF.ActorMerge  # an automatic merge with its reasons (provenance), rebuilt with the clusters
LEXICAL_MATCHING = ox.NamedNode(LEXICAL)


@dataclass
class Previous:
    """What the actors graph held before this run."""

    key_of: dict[str, str]  # member URI -> agent key
    used: set[str]  # every key ever minted (current and retired)
    redirects: dict[str, str]  # retired key -> key it was replaced by


def read_previous(store: Store, minter: Minter) -> Previous:
    graphs = values(actor_graphs(store, minter))  # hidden datasets' members too
    key_of, used, redirects = {}, set(), {}
    q = f"SELECT ?a ?m WHERE {{ {graphs} GRAPH ?g {{ ?a a {CANONICAL} OPTIONAL {{ ?a {OWL.sameAs} ?m }} }} }}"
    for row in store.query(q):
        key = minter.agent_key(row["a"].value)
        if key is None:
            continue
        used.add(key)
        if row["m"] is not None:
            key_of[row["m"].value] = key
    for row in store.query(f"SELECT ?a ?b WHERE {{ {graphs} GRAPH ?g {{ ?a {DCTERMS.isReplacedBy} ?b }} }}"):
        old, new = minter.agent_key(row["a"].value), minter.agent_key(row["b"].value)
        if old and new:
            used.add(old)
            redirects[old] = new
    return Previous(key_of, used, redirects)


def assign_keys(clusters: list[list[str]], previous: Previous) -> tuple[list[str], dict[str, str]]:
    """A key per cluster (same order) and the redirects of keys retired in this run."""
    votes = []
    for i, members in enumerate(clusters):
        for key, n in Counter(previous.key_of[m] for m in members if m in previous.key_of).items():
            votes.append((-n, key, i))
    keys: list[str | None] = [None] * len(clusters)
    taken: set[str] = set()
    for _, key, i in sorted(votes):
        if keys[i] is None and key not in taken:
            keys[i] = key
            taken.add(key)
    used = set(previous.used) | taken
    for i, members in enumerate(clusters):
        if keys[i] is None:
            base = hashlib.sha1(min(members).encode()).hexdigest()[:10]
            key, n = base, 1
            while key in used:
                n += 1
                key = f"{base}-{n}"
            keys[i] = key
            used.add(key)
    final = [k for k in keys if k is not None]
    redirects = dict(previous.redirects)
    now = dict(zip(final, final, strict=True))
    for old in previous.used - set(final):
        holders = Counter(
            final[i] for i, members in enumerate(clusters) for m in members if previous.key_of.get(m) == old
        )
        if holders:
            redirects[old] = holders.most_common(1)[0][0]
    for old, new in list(redirects.items()):  # follow chains: a -> b -> c becomes a -> c
        seen = {old}
        while new not in now and new in redirects and new not in seen:
            seen.add(new)
            new = redirects[new]
        redirects[old] = new
    return final, {o: n for o, n in redirects.items() if o not in now}


def preferred_name(members: Iterable[Candidate]) -> tuple[str, list[str]]:
    """(preferred name in direct order, every other name as written). Most sources win; among
    equals a name with full given names beats initials, and an actor register beats a maker label."""
    forms: Counter[str] = Counter()
    display: dict[str, tuple[int, int, str]] = {}
    others: list[str] = []
    for c in members:
        for text, parsed in zip(c.names, c.parsed, strict=True):
            if parsed.unknown:
                continue
            forms[parsed.direct] += 1
            shown = " ".join(direct_order(split_dates(text)[0]).split())
            rank = (0 if parsed.has_initials_only else 1, len(shown), 1 if c.kind else 0, shown)
            display[parsed.direct] = max(display.get(parsed.direct, rank), rank)
            others.append(text)
    if not forms:
        return "", []
    best = max(forms, key=lambda f: (forms[f], display[f][0], display[f][1], len(f)))
    name = display[best][3]
    return name, sorted({o for o in others if o != name})


def agent_quads(minter: Minter, key: str, members: list[Candidate]) -> list[ox.Quad]:
    g, a = ox.NamedNode(minter.actors_graph), ox.NamedNode(minter.agent(key))
    name, alt = preferred_name(members)
    quads = [
        ox.Quad(a, RDF.type, CANONICAL, g),
        ox.Quad(a, RDF.type, DCTERMS.Agent, g),
        ox.Quad(a, DCTERMS.identifier, ox.Literal(key), g),
    ]
    kinds = {c.kind for c in members if c.kind}
    if kinds == {"person"}:
        quads.append(ox.Quad(a, RDF.type, SCHEMA.Person, g))
    elif kinds == {"organisation"}:
        quads.append(ox.Quad(a, RDF.type, SCHEMA.Organization, g))
    if name:
        quads.append(ox.Quad(a, SKOS.prefLabel, ox.Literal(name), g))
    quads += [ox.Quad(a, SKOS.altLabel, ox.Literal(t), g) for t in alt]
    ids = sorted({i for c in members for i in c.ids})
    targets = sorted({c.uri for c in members}) + [i for i in ids if not i.startswith("kbo:")]
    quads += [ox.Quad(a, OWL.sameAs, ox.NamedNode(t), g) for t in targets]
    quads += [
        ox.Quad(
            a,
            SKOS.notation,
            ox.Literal(
                i[4:], datatype=ox.NamedNode("https://data.vlaanderen.be/id/identificatiesysteem/kbo-nummer")
            ),
            g,
        )
        for i in ids
        if i.startswith("kbo:")
    ]
    births = sorted(c.birth for c in members if c.birth is not None)
    deaths = sorted(c.death for c in members if c.death is not None)
    if births:
        quads.append(ox.Quad(a, SCHEMA.birthDate, ox.Literal(str(Counter(births).most_common(1)[0][0])), g))
    if deaths:
        quads.append(ox.Quad(a, SCHEMA.deathDate, ox.Literal(str(Counter(deaths).most_common(1)[0][0])), g))
    quads += [
        ox.Quad(a, DCTERMS.source, ox.NamedNode(minter.dataset(d)), g)
        for d in sorted({c.dataset for c in members})
    ]
    return quads


def redirect_quads(minter: Minter, redirects: dict[str, str]) -> list[ox.Quad]:
    g = ox.NamedNode(minter.actors_graph)
    return [
        ox.Quad(ox.NamedNode(minter.agent(o)), DCTERMS.isReplacedBy, ox.NamedNode(minter.agent(n)), g)
        for o, n in sorted(redirects.items())
    ]


def proposal_quads(minter: Minter, proposals: list[Link]) -> list[ox.Quad]:
    """Pairs scored between the review and merge thresholds, with their reasons, for the curator queue."""
    return _link_quads(minter, proposals, PROPOSAL, "proposal")


def merge_quads(minter: Minter, merges: list[Link]) -> list[ox.Quad]:
    """The provenance of automatic merges: per link that joined two clusters its score, reasons and
    `semapv:LexicalMatching`, so a page can say why records are one actor (a split undoes it)."""
    return _link_quads(minter, merges, MERGE, "merge", LEXICAL_MATCHING)


def _link_quads(
    minter: Minter, links: list[Link], kind: ox.NamedNode, prefix: str, how: ox.NamedNode | None = None
) -> list[ox.Quad]:
    g, out = ox.NamedNode(minter.actors_graph), []
    for p in links:
        key = f"{prefix}-" + hashlib.sha1(f"{p.a} {p.b}".encode()).hexdigest()[:16]
        node = ox.NamedNode(minter.actor_decision(key))
        out += [
            ox.Quad(node, RDF.type, kind, g),
            ox.Quad(node, OWL.annotatedSource, ox.NamedNode(p.a), g),
            ox.Quad(node, OWL.annotatedTarget, ox.NamedNode(p.b), g),
            ox.Quad(node, OWL.annotatedProperty, OWL.sameAs, g),
            ox.Quad(node, SSSOM.confidence, ox.Literal(repr(float(p.score)), datatype=XSD.double), g),
        ]
        out += [ox.Quad(node, RDFS.comment, ox.Literal(r), g) for r in p.reasons]
        if how is not None:
            out.append(ox.Quad(node, SSSOM.mapping_justification, how, g))
    return out
