"""`erfgoed terms import FILE --list ID`: a term list from a spreadsheet or a SKOS file into the network.

The RDF contract every reader of term lists relies on (the matcher, the API, the alignments):
- the list is graph `Minter.terms_graph(id)` holding `<Minter.term_list(id)> a skos:ConceptScheme`
  with `dcterms:identifier` (the id), `dcterms:title`, `dcterms:modified` (xsd:dateTime, changed
  only when the list changed), `void:entities` (the number of concepts), `erf:kind`
  (concept | person | organisation | place) and `skos:hasTopConcept` for concepts with no broader
  concept in the list;
- each concept: `a skos:Concept` (+ `schema:Person` / `schema:Organization` / `schema:Place` for
  those kinds), `skos:inScheme` the list, `skos:prefLabel` / `altLabel` / `hiddenLabel` and
  `skos:scopeNote` / `definition` with language tags, `skos:notation` (the local id),
  `skos:broader` (never `skos:narrower`), `skos:exactMatch|closeMatch|...` for authority ids,
  `schema:birthDate` / `deathDate`, `wgs84:lat` / `long` (xsd:decimal), `schema:addressCountry`.

The whole list is replaced in one store transaction, so a failed import leaves the old list as it
was, and a re-import keeps every concept's URI (graph/terms/identity.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from erfgoed.config import Config
from erfgoed.errors import InputError, UserError
from erfgoed.graph.namespaces import PREFIXES, RDF
from erfgoed.graph.terms import quality
from erfgoed.graph.terms.lists import check_list_id, stored_list
from erfgoed.graph.terms.skosfile import FORMATS, no_web, read_skos
from erfgoed.graph.terms.spreadsheet import read_spreadsheet
from erfgoed.graph.uris import Minter
from erfgoed.harvesters.authorities.base import KINDS
from erfgoed.harvesters.resources import Resources

SKOS, DCT, ERF, VOID, XSD, SCHEMA = (PREFIXES[p] for p in ("skos", "dcterms", "erf", "void", "xsd", "schema"))
KIND_TYPES = {"person": SCHEMA + "Person", "organisation": SCHEMA + "Organization",
              "place": SCHEMA + "Place"}
SPREADSHEETS = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")


@dataclass
class ImportResult:
    list_id: str
    uri: str
    concepts: int
    new: int
    changed: int
    unchanged: int
    removed: int
    report: quality.Report

    def summary(self) -> str:
        return (f"list {self.list_id}: {self.concepts} concepts ({self.new} new, {self.changed} changed, "
                f"{self.unchanged} unchanged), {len(self.report.findings)} quality findings")


def import_list(store, config: Config, path: Path, list_id: str, *, title: str | None = None,
                lang: str = "nl", kind: str | None = None,
                progress: Callable[[int], None] | None = None) -> ImportResult:
    """Read FILE as list `list_id`, replace the stored list with it, and check its quality."""
    check_list_id(list_id)
    if kind is not None and kind not in KINDS:
        raise UserError(f"kind '{kind}' is not one of {', '.join(KINDS)}.")
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    minter = Minter(config.base_uri)
    stored = stored_list(store, minter, list_id)
    suffix = path.suffix.lower()
    if suffix in SPREADSHEETS:
        parsed = read_spreadsheet(path, list_id, minter, stored, lang=lang, progress=progress)
    elif suffix in FORMATS:
        # JSON-LD contexts from the local map or the cache only: importing never goes to the web
        parsed = read_skos(path, list_id, minter, stored, lang=lang,
                           resources=Resources.from_config(config, fetch=no_web))
    else:
        raise InputError(f"unknown file type '{suffix}': a term list is a spreadsheet "
                         f"({', '.join(SPREADSHEETS)}) or SKOS ({', '.join(sorted(FORMATS))})",
                         file=str(path))
    kind = kind or parsed.kind or stored.kind or "concept"
    scheme = ox.NamedNode(minter.term_list(list_id))
    triples = list(parsed.triples)
    for uri in parsed.concepts:
        c = ox.NamedNode(uri)
        triples.append(ox.Triple(c, ox.NamedNode(SKOS + "inScheme"), scheme))
        if kind in KIND_TYPES:
            triples.append(ox.Triple(c, RDF.type, ox.NamedNode(KIND_TYPES[kind])))
    triples = list(dict.fromkeys(triples))

    new, changed, unchanged = _compare(triples, parsed.concepts, stored.concepts)
    removed = len(set(stored.concepts) - set(parsed.concepts))
    name = ox.Literal(title) if title else parsed.title or stored.title or ox.Literal(list_id)
    same = (stored.exists and not (new or changed or removed) and name == stored.title
            and kind == stored.kind and stored.modified is not None)
    modified = stored.modified if same else ox.Literal(
        dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        datatype=ox.NamedNode(XSD + "dateTime"))
    triples += _scheme_triples(scheme, list_id, name, modified, kind, triples, parsed.concepts)

    report = quality.check(list_id, triples)
    report.findings[:0] = parsed.findings
    graph = ox.NamedNode(minter.terms_graph(list_id))
    store.replace(drop_graphs=[graph.value],
                  insert=[ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples])
    return ImportResult(list_id, scheme.value, len(parsed.concepts), new, changed, unchanged, removed,
                        report)


def _compare(triples: list[ox.Triple], concepts: list[str],
             before: dict[str, frozenset[str]]) -> tuple[int, int, int]:
    """(new, changed, unchanged) concepts, judged by everything said about each concept."""
    now: dict[str, set[str]] = {c: set() for c in concepts}
    for t in triples:
        if t.subject.value in now:
            now[t.subject.value].add(f"{t.subject} {t.predicate} {t.object}")
    new = sum(1 for c in concepts if c not in before)
    unchanged = sum(1 for c in concepts if c in before and before[c] == frozenset(now[c]))
    return new, len(concepts) - new - unchanged, unchanged


def _scheme_triples(scheme: ox.NamedNode, list_id: str, title: ox.Literal, modified: ox.Literal,
                    kind: str, triples: list[ox.Triple], concepts: list[str]) -> list[ox.Triple]:
    inside = set(concepts)
    has_broader = {t.subject.value for t in triples
                   if t.predicate.value == SKOS + "broader" and t.object.value in inside}
    out = [
        ox.Triple(scheme, RDF.type, ox.NamedNode(SKOS + "ConceptScheme")),
        ox.Triple(scheme, ox.NamedNode(DCT + "identifier"), ox.Literal(list_id)),
        ox.Triple(scheme, ox.NamedNode(DCT + "title"), title),
        ox.Triple(scheme, ox.NamedNode(DCT + "modified"), modified),
        ox.Triple(scheme, ox.NamedNode(VOID + "entities"),
                  ox.Literal(str(len(concepts)), datatype=ox.NamedNode(XSD + "integer"))),
        ox.Triple(scheme, ox.NamedNode(ERF + "kind"), ox.Literal(kind)),
    ]
    out += [ox.Triple(scheme, ox.NamedNode(SKOS + "hasTopConcept"), ox.NamedNode(c))
            for c in concepts if c not in has_broader]
    return out
