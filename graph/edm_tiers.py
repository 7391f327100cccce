"""Europeana's tiers for one EDM record: the metadata tier (0, A, B, C) and the ceiling of the
content tier (0-4), as Europeana's publishing framework computes them (Metis, metis-indexing
`tiers`; rules in ../shared/reference/europeana/SOURCES.md), with what holds the record back.

Metadata tier = the lowest of three criteria, read on the ProvidedCHO (Metis' provider proxy):
- language: of the property kinds the CHO fills (dc:title, dc:description, dc:type, dc:subject,
  dcterms:medium, dcterms:spatial, ...), the share with a language-tagged value or a link to a
  place/concept/time span whose prefLabel has a language tag: <25% 0, <50% A, <75% B, else C;
- enabling elements: distinct elements among dcterms:created/issued/temporal, dc:format/type,
  dcterms:medium, dc:creator/contributor/publisher, dcterms:spatial, edm:currentLocation (and
  dc:subject, edm:hasMet when they link to a contextual entity), and the groups they fall in
  (temporal, conceptual, personal, geographical): >=4 in >=2 groups C, >=3 in >=2 B, >=1 A, else 0;
- contextual classes: how many kinds of linked entity have one complete instance (agent: label +
  life dates, begin/end or profession; concept: label + note, broader/narrower, exact/close match or
  related; place: label + lat + long; time span: begin + end): >=2 C, 1 B, else A.
Content tier: Metis measures the media it downloads (image size, PDF); here only its ceiling is
known: the licence caps it (open: PDM, CC0, BY, BY-SA -> 4; restricted: NC/ND variants, InC-EDU,
NoC-NC, NoC-OKLR -> 3; other statements -> 2), an IMAGE without media is 0, a TEXT without media
is 1 (its landing page). Europeana publishes records of content tier >= 1 and metadata tier >= A.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from erfgoed.graph.edm_schema import NS
from erfgoed.graph.edm_xml import EdmTriple

TIERS = ("0", "A", "B", "C")
DC, DCT, EDM, SKOS = NS["dc"], NS["dcterms"], NS["edm"], NS["skos"]
RDF_TYPE = NS["rdf"] + "type"
AGENT, CONCEPT, PLACE, TIMESPAN = EDM + "Agent", SKOS + "Concept", EDM + "Place", EDM + "TimeSpan"
GROUP_OF = {TIMESPAN: "temporal", CONCEPT: "conceptual", AGENT: "personal", PLACE: "geographical"}

# LanguageClassifier's property kinds (Metis PropertyType)
LANGUAGE_PROPERTIES = {DC + p for p in ("coverage", "description", "format", "relation", "rights",
                                        "source", "subject", "title", "type")} | {
    DCT + p for p in ("alternative", "hasPart", "isPartOf", "isReferencedBy", "medium", "provenance",
                      "references", "spatial", "tableOfContents", "temporal")} | {
    EDM + p for p in ("currentLocation", "hasType", "isRelatedTo")}
# EnablingElement: fixed group, or (dc:subject, edm:hasMet) the group of the linked entity
ENABLING_FIXED = {
    DCT + "created": "temporal", DCT + "issued": "temporal", DCT + "temporal": "temporal",
    DC + "format": "conceptual", DC + "type": "conceptual", DCT + "medium": "conceptual",
    DC + "creator": "personal", DC + "contributor": "personal", DC + "publisher": "personal",
    DCT + "spatial": "geographical", EDM + "currentLocation": "geographical",
}
ENABLING_LINKED = {DC + "subject": ("conceptual", "personal", "geographical"),
                   EDM + "hasMet": ("temporal", "personal")}
# LicenseType via Europeana's RightReusabilityCategorizer (URL prefixes)
OPEN_RIGHTS = ("http://creativecommons.org/publicdomain/mark/", "http://creativecommons.org/publicdomain/zero/",
               "http://creativecommons.org/licenses/by/", "http://creativecommons.org/licenses/by-sa/")
RESTRICTED_RIGHTS = tuple(f"http://creativecommons.org/licenses/{c}/" for c in
                          ("by-nc", "by-nc-sa", "by-nc-nd", "by-nd")) + tuple(
    f"http://rightsstatements.org/vocab/{c}/" for c in ("InC-EDU", "NoC-NC", "NoC-OKLR"))


@dataclass
class Reason:
    criterion: str   # language | enabling | contextual | media | licence | publication
    detail: str      # what was found, in plain words (English; the page translates the criterion)
    add: str         # what to add to climb (English)
    missing: tuple[str, ...] = ()  # codes the page translates: property names, groups, entity kinds


@dataclass
class Tiering:
    metadata: str
    content: int
    language: str
    enabling: str
    contextual: str
    licence: str
    reasons: list[Reason] = field(default_factory=list)

    @property
    def published(self) -> bool:
        return self.metadata != "0" and self.content >= 1


def _short(iri: str) -> str:
    for prefix, ns in NS.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def licence_type(rights: str | None) -> str:
    """'open', 'restricted' or 'closed' (any other statement, or none)."""
    if rights and rights.startswith(OPEN_RIGHTS):
        return "open"
    if rights and rights.startswith(RESTRICTED_RIGHTS):
        return "restricted"
    return "closed"


LICENCE_CEILING = {"open": 4, "restricted": 3, "closed": 2}


def tier_of(triples: Iterable[EdmTriple], cho: str) -> Tiering:
    """The tiers of one record (its EDM triples; `cho` is the ProvidedCHO's URI)."""
    props: dict[str, list[EdmTriple]] = defaultdict(list)
    types: dict[str, set[str]] = defaultdict(set)
    for t in triples:
        if t.p == RDF_TYPE:
            types[t.s].add(t.o)
        else:
            props[t.s].append(t)
    own = props.get(cho, [])
    reasons: list[Reason] = []
    language = _language(own, props, types, reasons)
    enabling = _enabling(own, types, reasons)
    contextual = _contextual(own, props, types, reasons)
    metadata = min(language, enabling, contextual, key=TIERS.index)
    content, licence = _content(cho, own, props, reasons)
    tiering = Tiering(metadata, content, language, enabling, contextual, licence, reasons)
    if not tiering.published:
        reasons.append(Reason("publication", f"metadata tier {metadata}, content tier {content}",
                              "Europeana publishes records of metadata tier A and content tier 1 or higher",
                              tuple(k for k, low in (("metadata", metadata == "0"), ("content", content < 1))
                                    if low)))
    return tiering


def _lang_tagged_entity(iri: str, props: dict, types: dict) -> bool:
    if not types.get(iri, set()) & {PLACE, TIMESPAN, CONCEPT}:  # agents do not count (Metis)
        return False
    return any(t.p == SKOS + "prefLabel" and t.lang and t.o.strip() for t in props.get(iri, ()))


def _language(own: list[EdmTriple], props: dict, types: dict, reasons: list[Reason]) -> str:
    filled, tagged = set(), set()
    for t in own:
        if t.p not in LANGUAGE_PROPERTIES or not t.o.strip():
            continue
        filled.add(t.p)
        if (t.lang if t.lang is not None else _lang_tagged_entity(t.o, props, types)):
            tagged.add(t.p)
    ratio = len(tagged) / len(filled) if filled else 0.0
    tier = "0" if ratio < 0.25 else "A" if ratio < 0.5 else "B" if ratio < 0.75 else "C"
    if tier != "C":
        missing = tuple(sorted(_short(p) for p in filled - tagged))
        reasons.append(Reason("language", f"{len(tagged)} of {len(filled)} kinds of property have a "
                              f"language ({ratio:.0%}; C needs 75%); without: {', '.join(missing) or '-'}",
                              "language tags on these values, or links to concepts/places/time spans "
                              "with a language-tagged prefLabel", missing))
    return tier


def _enabling(own: list[EdmTriple], types: dict, reasons: list[Reason]) -> str:
    elements, groups = set(), set()
    for t in own:
        if t.p in ENABLING_FIXED and t.o.strip():
            elements.add(t.p)
            groups.add(ENABLING_FIXED[t.p])
        elif t.p in ENABLING_LINKED and t.lang is None:
            linked = {GROUP_OF[c] for c in types.get(t.o, ()) if c in GROUP_OF}
            found = linked & set(ENABLING_LINKED[t.p])
            if found:
                elements.add(t.p)
                groups |= found
    n, g = len(elements), len(groups)
    tier = "C" if g >= 2 and n >= 4 else "B" if g >= 2 and n >= 3 else "A" if n >= 1 else "0"
    if tier != "C":
        absent = sorted({"temporal", "conceptual", "personal", "geographical"} - groups)
        reasons.append(Reason("enabling", f"{n} enabling element(s) in {g} group(s) "
                              f"({', '.join(sorted(groups)) or 'none'}); C needs 4 in 2 groups",
                              "more of: " + "; ".join(_GROUP_HINT[a] for a in absent)
                              if absent else "more distinct elements (e.g. dc:format, dcterms:temporal)",
                              tuple(absent)))
    return tier


_GROUP_HINT = {
    "temporal": "a date (dcterms:created, dcterms:temporal)",
    "conceptual": "a type, material or technique (dc:type, dcterms:medium, dc:format)",
    "personal": "a maker (dc:creator, dc:contributor)",
    "geographical": "a place (dcterms:spatial, edm:currentLocation)",
}


def _complete(iri: str, cls: str, props: dict) -> bool:
    have = {t.p for t in props.get(iri, ()) if t.o.strip()}
    label = SKOS + "prefLabel" in have
    if cls == AGENT:
        return label and bool(have & {EDM + "begin", EDM + "end", NS["rdaGr2"] + "dateOfBirth",
                                      NS["rdaGr2"] + "dateOfDeath", NS["rdaGr2"] + "placeOfBirth",
                                      NS["rdaGr2"] + "placeOfDeath",
                                      NS["rdaGr2"] + "professionOrOccupation"})
    if cls == CONCEPT:
        return label and bool(have & {SKOS + p for p in ("note", "broader", "narrower", "exactMatch",
                                                         "closeMatch", "related")})
    if cls == PLACE:
        return label and {NS["wgs84_pos"] + "lat", NS["wgs84_pos"] + "long"} <= have
    return {EDM + "begin", EDM + "end"} <= have  # time span


def _contextual(own: list[EdmTriple], props: dict, types: dict, reasons: list[Reason]) -> str:
    linked = {t.o for t in own if t.lang is None}
    complete = {cls for iri in linked for cls in types.get(iri, ()) if cls in GROUP_OF
                and _complete(iri, cls, props)}
    tier = "C" if len(complete) > 1 else "B" if complete else "A"
    if tier != "C":
        wanted = [c for c in (AGENT, CONCEPT, PLACE, TIMESPAN) if c not in complete]
        reasons.append(Reason("contextual", f"{len(complete)} kind(s) of linked entity complete "
                              f"({', '.join(sorted(GROUP_OF[c] for c in complete)) or 'none'}); C needs 2",
                              "one of: " + "; ".join(_ENTITY_HINT[c] for c in wanted),
                              tuple(_ENTITY_CODE[c] for c in wanted)))
    return tier


_ENTITY_CODE = {AGENT: "agent", CONCEPT: "concept", PLACE: "place", TIMESPAN: "timespan"}
_ENTITY_HINT = {
    AGENT: "a maker with life dates (align it to VIAF/Wikidata in a term list)",
    CONCEPT: "a concept with a mapping or scope note (align the term to AAT)",
    PLACE: "a place with coordinates (align it to GeoNames)",
    TIMESPAN: "a dating with begin and end",
}


def _content(cho: str, own: list[EdmTriple], props: dict, reasons: list[Reason]) -> tuple[int, str]:
    agg = props.get(cho + "#aggregation", [])
    edm_type = next((t.o for t in own if t.p == EDM + "type"), "")
    rights = next((t.o for t in agg if t.p == EDM + "rights"), None)
    media = [t.o for t in agg if t.p in (EDM + "isShownBy", EDM + "hasView") and t.lang is None]
    has_page = any(t.p == EDM + "isShownAt" for t in agg)
    licence = licence_type(rights)
    # a web resource's own edm:rights overrides the record's (Metis); the best resource counts
    ceilings = [LICENCE_CEILING[licence_type(next((t.o for t in props.get(m, ()) if t.p == EDM + "rights"),
                                                  rights))] for m in media]
    if media:
        content = max(ceilings)
    elif edm_type == "TEXT" and has_page:
        content = 1
    else:
        content = 0
    if not media:
        reasons.append(Reason("media", f"no digital object ({edm_type or 'no edm:type'}): content tier "
                              f"{content}", "an image or file URL (edm:isShownBy), e.g. a photograph "
                              "of at least 0.95 megapixel for tier 4", (edm_type or "-",)))
    elif content < 4:
        reasons.append(Reason("licence", f"rights {rights or 'none'} ({licence}) cap the content tier at "
                              f"{content}", "an open licence or mark (PDM, CC0, CC BY, CC BY-SA) allows "
                              "tier 4; restricted ones (NC, ND, InC-EDU, NoC-NC) tier 3", (licence,)))
    return content, licence
