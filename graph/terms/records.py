"""Mapping records: one curator decision about a term, written in SSSOM's own RDF terms.

SSSOM/RDF (mapping-commons/sssom `src/docs/spec-formats-rdf.md`, LinkML schema
`src/sssom_schema/schema/sssom_schema.yaml`): a Mapping is an `owl:Axiom` reifying the mapping triple
(subject_id = owl:annotatedSource, predicate_id = owl:annotatedProperty, object_id = owl:annotatedTarget);
slots with a `slot_uri` use it (author_id = pav:authoredBy, mapping_date = dcterms:created as xsd:date,
comment = rdfs:comment), the others are `sssom:<slot name>`; enum values with a `meaning` are IRIs
(predicate_modifier Not = sssom:NegatedPredicate); `record_id` is the record's own IRI.

Three kinds of decision share that shape: accept (the SKOS triple holds), reject (predicate_modifier
Not: never propose this candidate again) and no match (object sssom:NoTermFound, object_source = the
authority searched). History is ours, as PROV/Dublin Core: a record stops being current when a later
decision replaces it (dcterms:isReplacedBy, and dcterms:replaces on the new one) or when a curator
retracts it (erf:retractedBy); both stamp prov:invalidatedAtTime. Records are never deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import pyoxigraph as ox

from erfgoed.graph.namespaces import (
    DCTERMS,
    ERF,
    OWL,
    PAV,
    PROV,
    RDF,
    RDFS,
    SEMAPV,
    SKOS,
    SSSOM,
    XSD,
    sparql_prologue,
)
from erfgoed.graph.store import Store
from erfgoed.graph.uris import Minter

RELATIONS: dict[str, str] = {name: SKOS[f"{name}Match"].value
                             for name in ("exact", "close", "broad", "narrow", "related")}
# The 13 justifications of the schema's mapping_justification slot; "manual"/"lexical" are our short names.
SEMAPV_JUSTIFICATIONS = (
    "LexicalMatching", "LogicalReasoning", "CompositeMatching", "UnspecifiedMatching",
    "SemanticSimilarityThresholdMatching", "LexicalSimilarityThresholdMatching", "MappingChaining",
    "MappingReview", "ManualMappingCuration", "MappingInversion", "StructuralMatching",
    "InstanceBasedMatching", "BackgroundKnowledgeBasedMatching")
MANUAL = SEMAPV.ManualMappingCuration.value
LEXICAL = SEMAPV.LexicalMatching.value
NO_TERM_FOUND = SSSOM.NoTermFound.value
NEGATED = SSSOM.NegatedPredicate.value

# Where each authority's URIs live (Entry.source names).
AUTHORITY_NAMESPACES: dict[str, tuple[str, ...]] = {
    "aat": ("http://vocab.getty.edu/aat/",),
    "wikidata": ("http://www.wikidata.org/entity/", "https://www.wikidata.org/entity/"),
    "viaf": ("http://viaf.org/viaf/", "https://viaf.org/viaf/"),
    "geonames": ("https://sws.geonames.org/", "http://sws.geonames.org/"),
}



def curie_prefixes(minter: Minter) -> dict[str, str]:
    """Prefixes of the SSSOM curie_map and the SKOS export: the authorities and our own `<base>/id/`."""
    return {"aat": AUTHORITY_NAMESPACES["aat"][0], "wd": AUTHORITY_NAMESPACES["wikidata"][0],
            "viaf": AUTHORITY_NAMESPACES["viaf"][0], "gn": AUTHORITY_NAMESPACES["geonames"][0],
            "orcid": "https://orcid.org/", "kg": f"{minter.base}/id/"}


# Decision field -> property. Single-valued fields are str ("" = absent), multi-valued are tuples.
_PROPS: dict[str, ox.NamedNode] = {
    "subject": OWL.annotatedSource, "predicate": OWL.annotatedProperty, "object": OWL.annotatedTarget,
    "modifier": SSSOM.predicate_modifier, "justification": SSSOM.mapping_justification,
    "authors": PAV.authoredBy, "reviewers": SSSOM.reviewer_id, "date": DCTERMS.created,
    "time": PROV.generatedAtTime, "confidence": SSSOM.confidence, "comment": RDFS.comment,
    "subject_label": SSSOM.subject_label, "object_label": SSSOM.object_label,
    "object_source": SSSOM.object_source, "replaces": DCTERMS.replaces,
    "replaced_by": DCTERMS.isReplacedBy, "invalidated_at": PROV.invalidatedAtTime,
    "retracted_by": ERF.retractedBy,
}
_FIELD_OF = {p.value: name for name, p in _PROPS.items()}
_IRI_FIELDS = {"subject", "predicate", "object", "modifier", "justification", "authors", "reviewers",
               "object_source", "replaces", "replaced_by", "retracted_by"}
_TYPED = {"date": XSD.date, "time": XSD.dateTime, "invalidated_at": XSD.dateTime, "confidence": XSD.double}


@dataclass
class Decision:
    """One mapping record. `record` is its IRI (SSSOM record_id)."""

    subject: str
    predicate: str
    object: str                       # the target, or NO_TERM_FOUND
    justification: str = MANUAL
    modifier: str = ""                # NEGATED for a rejected candidate
    authors: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    date: str = ""                    # SSSOM mapping_date (ISO date)
    time: str = ""                    # when it was decided (ISO date-time, UTC): orders the history
    confidence: float | None = None
    comment: str = ""
    subject_label: str = ""
    object_label: str = ""
    object_source: str = ""           # the vocabulary searched: required for a no-match
    record: str = ""
    replaces: tuple[str, ...] = ()
    replaced_by: str = ""
    invalidated_at: str = ""
    retracted_by: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False)   # not ours: kept for display

    @property
    def kind(self) -> str:
        """accept | reject | no-match"""
        if self.object == NO_TERM_FOUND:
            return "no-match"
        return "reject" if self.modifier == NEGATED else "accept"

    @property
    def status(self) -> str:
        """current | replaced | retracted"""
        if self.replaced_by:
            return "replaced"
        return "retracted" if self.invalidated_at else "current"

    @property
    def relation(self) -> str:
        """exact | close | broad | narrow | related (or the predicate IRI when it is not SKOS)."""
        return next((k for k, v in RELATIONS.items() if v == self.predicate), self.predicate)

    def sort_key(self) -> tuple[datetime, str]:
        """Decision time (the store writes 09:00:00Z, not 09:00:00.000000+00:00: compare instants)."""
        stamp = self.time or self.date or "0001-01-01"
        try:
            instant = datetime.fromisoformat(stamp)
        except ValueError:
            instant = datetime.min
        return (instant if instant.tzinfo else instant.replace(tzinfo=UTC), self.record)


def authority_of(uri: str, minter: Minter) -> str:
    """aat | wikidata | viaf | geonames | list:<id> for a target or an object_source; "" if unknown."""
    for name, namespaces in AUTHORITY_NAMESPACES.items():
        if uri.startswith(namespaces):
            return name
    if list_id := minter.list_of_term(uri) or _tail(uri, minter.term_list("")):
        return f"list:{list_id}"
    name = _tail(uri, minter.authority(""))
    return name if name in AUTHORITY_NAMESPACES else ""


def _tail(uri: str, prefix: str) -> str:
    rest = uri[len(prefix):] if uri.startswith(prefix) else ""
    return "" if "/" in rest else rest


def authority_source(name: str, minter: Minter) -> str:
    """The object_source IRI of an authority name (inverse of authority_of)."""
    if name.startswith("list:") and len(name) > 5:
        return minter.term_list(name[5:])
    if name in AUTHORITY_NAMESPACES:
        return minter.authority(name)
    known = ", ".join([*AUTHORITY_NAMESPACES, "list:<id>"])
    raise ValueError(f"unknown authority {name!r} (known: {known})")


def decision_authority(d: Decision, minter: Minter) -> str:
    return authority_of(d.object_source, minter) if d.object_source else authority_of(d.object, minter)


def record_quads(d: Decision, graph: str) -> list[ox.Quad]:
    g, rec = ox.NamedNode(graph), ox.NamedNode(d.record)
    quads = [ox.Quad(rec, RDF.type, OWL.Axiom, g)]
    for name, prop in _PROPS.items():
        value = getattr(d, name)
        values = value if isinstance(value, tuple) else (value,)
        for v in values:
            if v is None or v == "":
                continue
            if name in _IRI_FIELDS:
                obj: ox.NamedNode | ox.Literal = ox.NamedNode(v)
            elif name in _TYPED:
                obj = ox.Literal(repr(float(v)) if name == "confidence" else v, datatype=_TYPED[name])
            else:
                obj = ox.Literal(v)
            quads.append(ox.Quad(rec, prop, obj, g))
    return quads


def decision_from(record: str, pairs: Iterable[tuple[ox.NamedNode, ox.Term]]) -> Decision:
    values: dict[str, list[str]] = {}
    extra: dict[str, str] = {}
    for p, o in pairs:
        name = _FIELD_OF.get(p.value)
        if name:
            values.setdefault(name, []).append(o.value)
        elif p != RDF.type:
            extra[p.value] = o.value
    one = {k: v[0] for k, v in values.items() if k not in ("authors", "reviewers", "replaces")}
    many = {k: tuple(sorted(v)) for k, v in values.items() if k in ("authors", "reviewers", "replaces")}
    conf = one.pop("confidence", None)
    return Decision(**{"subject": "", "predicate": "", "object": "", **one, **many}, record=record,
                    confidence=float(conf) if conf is not None else None, extra=extra)


def read_records(store: Store, graph: str, *, subjects: Iterable[str] | None = None,
                 prefix: str | None = None, records: Iterable[str] | None = None) -> list[Decision]:
    """Mapping records (every status) about `subjects`, about subjects starting with `prefix`, or by IRI."""
    if records is not None:
        where = f"VALUES ?r {{ {_iris(records)} }}"
    elif subjects is not None:
        where = f"VALUES ?s {{ {_iris(subjects)} }} ?r owl:annotatedSource ?s ."
    elif prefix is not None:
        where = f"?r owl:annotatedSource ?s . FILTER(STRSTARTS(STR(?s), {ox.Literal(prefix)}))"
    else:
        where = "?r owl:annotatedSource ?s ."
    sparql = sparql_prologue("owl") + (
        f"SELECT ?r ?p ?o WHERE {{ GRAPH <{graph}> {{ {where} ?r a owl:Axiom ; ?p ?o }} }}")
    by_record: dict[str, list[tuple[ox.NamedNode, ox.Term]]] = {}
    for row in store.query(sparql):
        by_record.setdefault(row["r"].value, []).append((row["p"], row["o"]))
    return sorted((decision_from(r, pairs) for r, pairs in by_record.items()), key=Decision.sort_key)


def labels_of(store: Store, uris: Iterable[str], langs: tuple[str, ...] = ("nl", "en")) -> dict[str, str]:
    """skos:prefLabel of each IRI from any graph (term lists, cached authority records): nl -> en -> any."""
    uris = sorted(set(uris))
    if not uris:
        return {}
    sparql = f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {_iris(uris)} }} ?s {SKOS.prefLabel} ?l }}"
    found: dict[str, list[ox.Literal]] = {}
    for row in store.query(sparql):
        found.setdefault(row["s"].value, []).append(row["l"])
    out = {}
    for uri, labels in found.items():
        ranked = sorted(labels, key=lambda lb: (_lang_rank(lb.language or "", langs), lb.value))
        out[uri] = ranked[0].value
    return out


def _iris(uris: Iterable[str]) -> str:
    """IRIs for a VALUES block; NamedNode refuses anything that is not an IRI (no query injection)."""
    return " ".join(str(ox.NamedNode(u)) for u in uris)


def _lang_rank(lang: str, langs: tuple[str, ...]) -> int:
    base = lang.split("-")[0].lower()
    return langs.index(base) if base in langs else len(langs)


def restored(d: Decision) -> Decision:
    """The record as it was before a later decision replaced it (that decision was undone)."""
    return replace(d, replaced_by="", invalidated_at="")
