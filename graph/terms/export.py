"""A term list for download: SKOS as Turtle, RDF/XML, JSON-LD, N-Triples, and a spreadsheet (CSV).

The CSV has the columns the importer reads (graph/terms/columns.py, first spelling of each
role), so `export -> erfgoed terms import` gives the same list back: the `uri` column keeps every
concept's URI, broader terms are named by id (else by URI). It holds what a spreadsheet can: labels,
notes, ids, hierarchy, mappings, person and place facts; other statements travel in the SKOS formats
only. Semicolon-separated, UTF-8 with a byte-order mark: what Excel in a Dutch or Belgian locale opens
as columns. Cells starting with = + - @ get a leading ' so no spreadsheet runs them as a formula
(OWASP "CSV injection"); the importer takes that quote off again.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

import pyoxigraph as ox

from erfgoed.graph.namespaces import PREFIXES, RDF_TYPE
from erfgoed.graph.terms.columns import MATCH_PREDICATES, ROLES
from erfgoed.graph.terms.lists import label_key, list_triples, pref_labels
from erfgoed.graph.terms.spreadsheet import INJECTION, LABEL_PREDICATES
from erfgoed.graph.uris import Minter

SKOS, SCHEMA, WGS84 = PREFIXES["skos"], PREFIXES["schema"], PREFIXES["wgs84"]
MEDIA_TYPES = {"ttl": "text/turtle", "rdf": "application/rdf+xml", "jsonld": "application/ld+json",
               "nt": "application/n-triples", "csv": "text/csv"}
FORMAT_NAMES = {"ttl": "Turtle", "rdf": "RDF/XML", "jsonld": "JSON-LD", "nt": "N-Triples", "csv": "CSV"}
FACTS = (("birth", SCHEMA + "birthDate"), ("death", SCHEMA + "deathDate"), ("lat", WGS84 + "lat"),
         ("long", WGS84 + "long"), ("country", SCHEMA + "addressCountry"))
_USED = ("skos", "dcterms", "schema", "wgs84", "owl", "void", "erf", "xsd", "rdfs")
CONTEXT = {p: PREFIXES[p] for p in _USED}
COMPACT_LIMIT = 50_000  # triples


def serialise(triples: list[ox.Triple], fmt: str, context: dict[str, str] | None = None) -> bytes:
    """Triples as ttl | rdf | jsonld | nt; `context`: prefixes for JSON-LD and Turtle (default: SKOS's)."""
    context = context or CONTEXT
    if fmt == "jsonld" and len(triples) <= COMPACT_LIMIT:
        # rdflib compacts with our prefixes (readable); pyoxigraph writes expanded JSON-LD only,
        # but ~6x faster, so it takes the large lists (160k triples: 12.7 s in rdflib).
        import rdflib

        g = rdflib.Graph()
        g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
        return g.serialize(format="json-ld", context=context, auto_compact=True).encode()
    rdf_format = {"ttl": ox.RdfFormat.TURTLE, "rdf": ox.RdfFormat.RDF_XML, "nt": ox.RdfFormat.N_TRIPLES,
                  "jsonld": ox.RdfFormat.JSON_LD}[fmt]
    if fmt in ("nt", "jsonld"):
        return ox.serialize(triples, format=rdf_format)
    iris = {term.value for t in triples for term in (t.predicate, t.object) if isinstance(term, ox.NamedNode)}
    used = {p: ns for p, ns in context.items() if any(i.startswith(ns) for i in iris)}
    return ox.serialize(triples, format=rdf_format, prefixes=used)


def export_list(store, minter: Minter, list_id: str, fmt: str) -> bytes:
    """One list in one of MEDIA_TYPES' formats (UserError when the list does not exist)."""
    triples = list_triples(store, minter, list_id)
    if fmt == "csv":
        return to_csv(triples, minter.term_list(list_id))
    return serialise(triples, fmt)


def guard(cell: str) -> str:
    return "'" + cell if cell[:1] and cell[0] in INJECTION else cell


def to_csv(triples: list[ox.Triple], scheme: str, lang: str | None = None) -> bytes:
    """The concepts of a list as rows; `lang` (default: the commonest prefLabel language) unsuffixed."""
    about: dict[str, dict[str, list]] = {}
    concepts: list[str] = []
    for t in triples:
        about.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object)
        if t.predicate.value == RDF_TYPE and t.object.value == SKOS + "Concept":
            concepts.append(t.subject.value)
    inside = set(concepts)
    labels = Counter(o.language for c in concepts for o in about[c].get(SKOS + "prefLabel", []))
    if not lang:  # the commonest; on a tie Dutch, then English
        lang = max(labels, key=lambda lg: (labels[lg], lg == "nl", lg == "en")) if labels else "nl"
        lang = lang or "nl"
    languages = sorted({o.language for c in concepts for p in LABEL_PREDICATES.values()
                        for o in about[c].get(SKOS + p, []) if o.language and o.language != lang})

    def notation(c: str) -> str:
        return " | ".join(o.value for o in about.get(c, {}).get(SKOS + "notation", []))

    pref_count = Counter(label_key(o.value) for c in concepts for o in about[c].get(SKOS + "prefLabel", []))

    def reference(b: str) -> str:  # how the broader cell names a concept: id, unique label, URI
        if b in inside and notation(b) and " | " not in notation(b):
            return notation(b)
        prefs = about.get(b, {}).get(SKOS + "prefLabel", [])
        if b in inside and len(prefs) == 1 and pref_count[label_key(prefs[0].value)] == 1:
            return prefs[0].value
        return b

    columns: list[tuple[str, object]] = [("uri", None), ("id", None)]
    for language in [lang, *languages]:
        for role, name in LABEL_PREDICATES.items():
            columns.append((role, (language, SKOS + name)))
    columns += [("broader", None)] + [(role, p) for role, p in MATCH_PREDICATES.items()]
    columns += list(FACTS)

    def cell(c: str, role: str, spec) -> str:
        if role == "uri":
            return c
        if role == "id":
            return notation(c)
        if role == "broader":
            return " | ".join(reference(o.value) for o in about[c].get(SKOS + "broader", []))
        if isinstance(spec, tuple):
            language, predicate = spec
            return " | ".join(o.value for o in about[c].get(predicate, [])
                              if (o.language or lang) == language)
        return " | ".join(o.value for o in about[c].get(spec, []))

    rows = [[cell(c, role, spec) for role, spec in columns] for c in concepts]
    keep = [i for i, (role, _) in enumerate(columns) if role in ("uri", "id", "pref")
            and (role != "pref" or columns[i][1][0] == lang) or any(r[i] for r in rows)]
    header = []
    for i in keep:
        role, spec = columns[i]
        name = ROLES[role][0]
        if isinstance(spec, tuple) and spec[0] != lang:
            name += f" ({spec[0]})"
        header.append(name)
    shown = pref_labels(triples, (lang, "nl", "en"))
    order = sorted(range(len(rows)), key=lambda r: (label_key(shown.get(rows[r][0], "")), rows[r][0]))
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow([*header, ROLES["lang"][0]])
    for r in order:
        writer.writerow([guard(rows[r][i]) for i in keep] + [lang])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
