"""What every authority adapter (and every term list) hands to the matcher: `Entry`.

An Entry is one concept, person, organisation or place as an authority or a term list describes
it, flattened to what matching, previews and the Reconciliation API need. `to_quads` writes it
as SKOS (+ schema.org / WGS84 for dates and coordinates) so cached authority records live in the
store as RDF (`<base>/graph/authority/<name>`) and re-alignment works offline;
`entries_from_triples` reads that same contract back (cached records and term lists alike).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import pyoxigraph as ox

from erfgoed.graph.namespaces import _NS, DCTERMS, ERF, PREFIXES, RDF, SCHEMA, SKOS, WGS84, XSD

# The kinds of thing the network aligns; Reconciliation API type ids are these names.
KINDS = ("concept", "person", "organisation", "place")
# SKOS mapping relations an Entry may carry to other authorities (Wikidata's VIAF id, ...).
MATCH_RELATIONS = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")

FOAF = _NS(PREFIXES["foaf"])
KIND_CLASS = {"person": SCHEMA.Person, "organisation": SCHEMA.Organization, "place": SCHEMA.Place}
_CLASS_KIND = {cls.value: kind for kind, cls in KIND_CLASS.items()}
_LABEL_PRED = {"pref": SKOS.prefLabel, "alt": SKOS.altLabel, "hidden": SKOS.hiddenLabel}
_PRED_LABEL = {p.value: kind for kind, p in _LABEL_PRED.items()}


@dataclass(frozen=True, slots=True)
class Label:
    text: str
    lang: str = ""          # BCP 47 tag, "" when unknown
    kind: str = "pref"      # pref | alt | hidden


@dataclass(slots=True)  # slots: a 500k-entry index holds ~0.5M of them
class Entry:
    uri: str                               # the authority's own URI (e.g. http://vocab.getty.edu/aat/300015050)
    source: str                            # aat | wikidata | viaf | geonames | list:<list id>
    kind: str = "concept"                  # one of KINDS
    labels: list[Label] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)          # lang -> scope note / description
    broader: list[tuple[str, str]] = field(default_factory=list)  # (uri, label): hierarchy or place parents
    types: list[str] = field(default_factory=list)  # the authority's type labels ("city", "Q5 human")
    birth: str = ""                        # persons: ISO date or year, as given
    death: str = ""
    lat: float | None = None               # places
    long: float | None = None
    country: str = ""                      # places: ISO 3166 code
    replaced_by: str = ""                  # obsolete ids: the URI that replaces this one
    page: str = ""                         # human-readable page at the authority
    scheme: str = ""                       # skos:inScheme: the authority's scheme or our term list
    notation: str = ""                     # skos:notation: a term list's own id for the concept
    matches: list[tuple[str, str]] = field(default_factory=list)  # (relation in MATCH_RELATIONS, uri)

    def pref_label(self, langs: tuple[str, ...] = ("nl", "en")) -> str:
        """nl -> en -> any language (skosprovider's fallback), pref before alt."""
        prefs = [lb for lb in self.labels if lb.kind == "pref"] or self.labels
        for lang in langs:
            for lb in prefs:
                if lb.lang.split("-")[0] == lang:
                    return lb.text
        return prefs[0].text if prefs else self.uri

    def to_quads(self, graph: str) -> list[ox.Quad]:
        """This entry as SKOS in `graph` (the RDF contract of the term network)."""
        g = ox.NamedNode(graph)
        s = ox.NamedNode(self.uri)
        out = [ox.Quad(s, RDF.type, SKOS.Concept, g)]

        def add(pred: ox.NamedNode, obj: ox.NamedNode | ox.Literal, subject: ox.NamedNode = s) -> None:
            out.append(ox.Quad(subject, pred, obj, g))

        if self.kind in KIND_CLASS:
            add(RDF.type, KIND_CLASS[self.kind])
        for lb in self.labels:
            add(_LABEL_PRED[lb.kind], _text(lb.text, lb.lang))
        for lang, note in self.notes.items():
            add(SKOS.scopeNote, _text(note, lang))
        if self.notation:
            add(SKOS.notation, ox.Literal(self.notation))
        for uri, label in self.broader:
            add(SKOS.broader, ox.NamedNode(uri))
            if label:  # so the parent shows by name without another lookup
                add(SKOS.prefLabel, ox.Literal(label), ox.NamedNode(uri))
        if self.scheme:
            add(SKOS.inScheme, ox.NamedNode(self.scheme))
        for relation, uri in self.matches:
            if relation not in MATCH_RELATIONS:
                raise ValueError(f"{self.uri}: unknown mapping relation {relation!r}")
            add(SKOS[relation], ox.NamedNode(uri))
        for type_label in self.types:
            add(ERF.typeLabel, ox.Literal(type_label))
        if self.birth:
            add(SCHEMA.birthDate, ox.Literal(self.birth))
        if self.death:
            add(SCHEMA.deathDate, ox.Literal(self.death))
        if self.lat is not None and self.long is not None:
            add(WGS84.lat, _decimal(self.lat))
            add(WGS84.long, _decimal(self.long))
        if self.country:
            add(SCHEMA.addressCountry, ox.Literal(self.country))
        if self.replaced_by:
            add(DCTERMS.isReplacedBy, ox.NamedNode(self.replaced_by))
        if self.page:
            add(FOAF.page, ox.NamedNode(self.page))
        return out


def _text(text: str, lang: str) -> ox.Literal:
    return ox.Literal(text, language=lang) if lang else ox.Literal(text)


def _decimal(value: float) -> ox.Literal:
    # repr() is the shortest string that reads back as the same float; Decimal drops any exponent
    return ox.Literal(format(Decimal(repr(value)), "f"), datatype=XSD.decimal)


def entries_from_triples(triples: Iterable, source: str) -> list[Entry]:
    """Every `skos:Concept` in `triples` (Triples or Quads) as an Entry, in order of appearance.

    The reverse of `Entry.to_quads`: reads cached authority records and term lists alike.
    Nodes that are only named as a parent (`<b> skos:prefLabel "..."`) are not entries.
    """
    props: dict[str, list[tuple[str, ox.NamedNode | ox.Literal | ox.BlankNode]]] = {}
    concepts: list[str] = []
    for t in triples:
        if not isinstance(t.subject, ox.NamedNode):
            continue
        s = t.subject.value
        props.setdefault(s, []).append((t.predicate.value, t.object))
        if t.predicate == RDF.type and t.object == SKOS.Concept and s not in concepts:
            concepts.append(s)
    return [_entry(uri, props, source) for uri in concepts]


def _entry(uri: str, props: dict, source: str) -> Entry:
    e = Entry(uri=uri, source=source)
    for pred, obj in props[uri]:
        value = obj.value
        if pred == RDF.type.value and value in _CLASS_KIND:
            e.kind = _CLASS_KIND[value]
        elif pred in _PRED_LABEL:
            e.labels.append(Label(value, _lang(obj), _PRED_LABEL[pred]))
        elif pred == SKOS.scopeNote.value:
            e.notes[_lang(obj)] = value
        elif pred == SKOS.notation.value:
            e.notation = value
        elif pred == SKOS.broader.value:
            parent = Entry(uri=value, source=source,
                           labels=[Label(o.value, _lang(o)) for p, o in props.get(value, [])
                                   if p == SKOS.prefLabel.value])
            e.broader.append((value, parent.pref_label() if parent.labels else ""))
        elif pred == SKOS.inScheme.value:
            e.scheme = value
        elif pred.startswith(PREFIXES["skos"]) and pred[len(PREFIXES["skos"]):] in MATCH_RELATIONS:
            e.matches.append((pred[len(PREFIXES["skos"]):], value))
        elif pred == ERF.typeLabel.value:
            e.types.append(value)
        elif pred == SCHEMA.birthDate.value:
            e.birth = value
        elif pred == SCHEMA.deathDate.value:
            e.death = value
        elif pred == WGS84.lat.value:
            e.lat = _float(value)
        elif pred == WGS84.long.value:
            e.long = _float(value)
        elif pred == SCHEMA.addressCountry.value:
            e.country = value
        elif pred == DCTERMS.isReplacedBy.value:
            e.replaced_by = value
        elif pred == FOAF.page.value:
            e.page = value
    return e


def _float(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:  # a malformed coordinate in an imported list: no position rather than a crash
        return None


def _lang(obj) -> str:
    return (getattr(obj, "language", None) or "") if isinstance(obj, ox.Literal) else ""
