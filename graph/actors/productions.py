"""Productions as one entity across sources, linked to their events and to canonical actors.

A production arrives as `crm:E7_Activity` that its events are `crm:P9_consists_of` (the UiTdatabank
mapping mints `<base>/id/production/<dataset>/<production id>`). Two sources' productions are one when
they carry the same production id, or else when their titles are the same once normalised, their
event dates overlap and they share an organiser. The canonical production
(`Minter.canonical_production`) has `owl:sameAs` to each source production, its events, the
organisers and the performers - performers as their canonical actor (graph/actors/canonical.py).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from erfgoed.graph.actors.candidates import dataset_of
from erfgoed.graph.namespaces import CRM, DCTERMS, ERF, OWL, RDF, XSD
from erfgoed.graph.store import Store
from erfgoed.graph.terms.normalise import fold
from erfgoed.graph.uris import Minter, decode_id

CANONICAL = ERF.CanonicalProduction
SCHEMA_ORG = "https://schema.org/"  # UiTdatabank writes https://schema.org/performer
QUERY = """PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX cp: <https://data.vlaanderen.be/ns/cultuurparticipatie#>
PREFIX m8g: <http://data.europa.eu/m8g/>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?p ?g ?title ?e ?start ?end ?org ?perf ?place WHERE {
  GRAPH ?g { ?p a crm:E7_Activity ; crm:P9_consists_of ?e . OPTIONAL { ?p dcterms:title ?title } }
  OPTIONAL { ?e cp:ruimtetijd/crm:P160_has_temporal_projection ?t . ?t m8g:startTime ?start .
             OPTIONAL { ?t m8g:endTime ?end } }
  OPTIONAL { ?e crm:P14_carried_out_by ?org }
  OPTIONAL { ?e <https://schema.org/performer> ?perf }
  OPTIONAL { ?e cp:ruimtetijd/crm:P161_has_spatial_projection|prov:atLocation ?place }
}"""


@dataclass
class SourceProduction:
    uri: str
    dataset: str
    local_id: str
    titles: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    organisers: set[str] = field(default_factory=set)
    performers: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)
    objects: set[str] = field(default_factory=set)  # objects shown, for exhibitions
    first: str = ""
    last: str = ""

    def overlaps(self, other: SourceProduction) -> bool:
        if not (self.first and other.first):
            return False
        return (
            self.first[:10] <= (other.last or other.first)[:10]
            and other.first[:10] <= (self.last or self.first)[:10]
        )


# An exhibition as OSLO LDES sources serve it (Ghent's `tentoonstellingen`): an activity with the
# objects it showed, a title as an appellation and an EDTF interval ("1979-12-14/1980-02-10").
EXHIBITIONS = """PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
SELECT ?p ?g ?title ?span ?obj ?place WHERE { GRAPH ?g {
  ?p crm:P16_used_specific_object ?obj . FILTER(isIRI(?p) && isIRI(?obj))
  OPTIONAL { ?p crm:P1_is_identified_by/crm:P190_has_symbolic_content ?title }
  OPTIONAL { ?p crm:P4_has_time-span ?span FILTER(isLiteral(?span)) }
  OPTIONAL { ?p crm:P7_took_place_at/<https://linked.art/ns/terms/equivalent> ?place FILTER(isIRI(?place)) }
} }"""


def read_productions(store: Store, minter: Minter) -> list[SourceProduction]:
    found = _read_performances(store, minter)
    for row in store.query(EXHIBITIONS):
        dataset = dataset_of(row["g"].value, minter)
        if dataset is None:
            continue
        p = row["p"].value
        sp = found.setdefault(p, SourceProduction(p, dataset, p))
        sp.objects.add(row["obj"].value)
        if row["title"] is not None:
            sp.titles.add(row["title"].value)
        if row["place"] is not None:
            sp.places.add(row["place"].value)
        if row["span"] is not None:
            first, _, last = row["span"].value.partition("/")
            if first[:4].isdigit():
                sp.first = min(sp.first or first, first)
                sp.last = max(sp.last, last if last[:4].isdigit() else first)
    return sorted(found.values(), key=lambda s: s.uri)


def _read_performances(store: Store, minter: Minter) -> dict[str, SourceProduction]:
    found: dict[str, SourceProduction] = {}
    prefix = f"{minter.base}/id/production/"
    for row in store.query(QUERY):
        dataset = dataset_of(row["g"].value, minter)
        p = row["p"].value
        if dataset is None:
            continue
        local = decode_id(p.rsplit("/", 1)[1]) if p.startswith(prefix) else p
        sp = found.setdefault(p, SourceProduction(p, dataset, local))
        sp.events.add(row["e"].value)
        for var, bucket in (
            ("title", sp.titles),
            ("org", sp.organisers),
            ("perf", sp.performers),
            ("place", sp.places),
        ):
            if row[var] is not None:
                bucket.add(row[var].value)
        for var in ("start", "end"):
            if row[var] is not None:
                v = row[var].value
                sp.first = min(sp.first, v) if sp.first else v
                sp.last = max(sp.last, v)
    return found


def group(productions: list[SourceProduction]) -> list[list[SourceProduction]]:
    """Same production id -> one; then same normalised title + overlapping dates + a shared organiser."""
    by_id: dict[str, list[SourceProduction]] = defaultdict(list)
    for sp in productions:
        by_id[sp.local_id].append(sp)
    groups = list(by_id.values())
    by_title: dict[str, list[int]] = defaultdict(list)
    for i, g in enumerate(groups):
        for t in {fold(t) for sp in g for t in sp.titles}:
            by_title[t].append(i)
    parent = list(range(len(groups)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for idx in by_title.values():
        for x in idx:
            for y in idx:
                if x < y and any(
                    a.overlaps(b) and a.organisers & b.organisers for a in groups[x] for b in groups[y]
                ):
                    parent[find(y)] = find(x)
    merged: dict[int, list[SourceProduction]] = defaultdict(list)
    for i, g in enumerate(groups):
        merged[find(i)].extend(g)
    return list(merged.values())


def production_key(members: list[SourceProduction]) -> str:
    ids = sorted({sp.local_id for sp in members})
    return ids[0] if len(ids) == 1 and "/" not in ids[0] else hashlib.sha1(min(ids).encode()).hexdigest()[:10]


def production_quads(
    minter: Minter, groups: list[list[SourceProduction]], agent_of: dict[str, str], key: str = ""
) -> list[ox.Quad]:
    """Statements of canonical productions; `key` fixes the URI when `groups` is one production's
    part (its public members only, graph/actors/visibility.py), whose key must stay the whole's."""
    return [q for ms in groups if ms for q in _quads(minter, ms, agent_of, key or production_key(ms))]


def _quads(
    minter: Minter, members: list[SourceProduction], agent_of: dict[str, str], key: str
) -> list[ox.Quad]:
    g, p = ox.NamedNode(minter.actors_graph), ox.NamedNode(minter.canonical_production(key))
    out = [ox.Quad(p, RDF.type, CANONICAL, g), ox.Quad(p, RDF.type, CRM.E7_Activity, g)]
    out += [ox.Quad(p, OWL.sameAs, ox.NamedNode(sp.uri), g) for sp in members]
    titles = sorted({t for sp in members for t in sp.titles})
    out += [ox.Quad(p, DCTERMS.title, ox.Literal(t), g) for t in titles[:1]]
    events = sorted({e for sp in members for e in sp.events})
    out += [ox.Quad(p, CRM.P9_consists_of, ox.NamedNode(e), g) for e in events]
    for o in sorted({agent_of.get(o, o) for sp in members for o in sp.organisers}):
        out.append(ox.Quad(p, CRM.P14_carried_out_by, ox.NamedNode(o), g))
    for perf in sorted({agent_of.get(x, x) for sp in members for x in sp.performers}):
        out.append(ox.Quad(p, ox.NamedNode(SCHEMA_ORG + "performer"), ox.NamedNode(perf), g))
    for pl in sorted({x for sp in members for x in sp.places}):
        out.append(ox.Quad(p, CRM.P7_took_place_at, ox.NamedNode(pl), g))
    for obj in sorted({x for sp in members for x in sp.objects}):  # objects shown (exhibitions)
        out.append(ox.Quad(p, CRM.P16_used_specific_object, ox.NamedNode(obj), g))
    firsts = [sp.first for sp in members if sp.first]
    lasts = [sp.last or sp.first for sp in members if sp.first]
    if firsts:
        out.append(ox.Quad(p, ERF.firstDate, _when(min(firsts)), g))
        out.append(ox.Quad(p, ERF.lastDate, _when(max(lasts)), g))
    return out


def _when(value: str) -> ox.Literal:
    """A date-time as agendas give it, or a day (EDTF intervals of exhibitions) as xsd:date."""
    if "T" in value:
        return ox.Literal(value, datatype=XSD.dateTime)
    return ox.Literal(value, datatype=XSD.date) if len(value) == 10 else ox.Literal(value)
