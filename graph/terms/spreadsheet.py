"""A term list from a spreadsheet (CSV in any usual encoding and delimiter, or XLSX) as SKOS triples.

Rows are read by harvesters/tabular.py; columns are recognised by graph/terms/columns.py. One row
is one concept. Rows the importer cannot use are skipped with a finding naming their line; the
rest of the list is imported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from erfgoed.errors import InputError
from erfgoed.graph.namespaces import PREFIXES, RDF
from erfgoed.graph.terms import columns as cols
from erfgoed.graph.terms.identity import Candidate, Identities, Parsed
from erfgoed.graph.terms.lists import StoredList, label_key
from erfgoed.graph.terms.quality import Finding
from erfgoed.graph.uris import Minter
from erfgoed.harvesters.tabular import Table

SKOS, SCHEMA, WGS84, XSD = (PREFIXES[p] for p in ("skos", "schema", "wgs84", "xsd"))
LABEL_PREDICATES = {"pref": "prefLabel", "alt": "altLabel", "hidden": "hiddenLabel",
                    "note": "scopeNote", "definition": "definition"}
SINGLE = ("uri", "id", "lang", "birth", "death", "lat", "long", "country")
INJECTION = "=+-@\t\r"


class TermSheet(Table):
    """tabular.Table without a fixed id column: term lists name their columns in many ways."""

    def __init__(self, path: Path):
        if not path.exists():
            raise InputError("file not found", file=str(path))
        if path.stat().st_size == 0:
            raise InputError("the file is empty", file=str(path))
        self.path, self.id_column, self.sheet = path, "", None
        self.kind = "xlsx" if path.suffix.lower() in (".xlsx", ".xlsm") else "csv"
        self.encoding = self.delimiter = None
        self.columns = self._read_header()


def unescape(cell: str) -> str:
    """Undo the exporter's guard against formula injection ("'=x" was written for "=x")."""
    return cell[1:] if len(cell) > 1 and cell[0] == "'" and cell[1] in INJECTION else cell


def _columns(sheet: TermSheet, findings: list[Finding]) -> list[cols.Column]:
    found: list[cols.Column] = []
    for name in sheet.columns:
        col = cols.recognise(name)
        if col is None:
            findings.append(Finding("unknown-column", "Info",
                                    f"De kolom '{name}' is onbekend en werd niet ingelezen.",
                                    f"The column '{name}' is not known and was not read.", value=name))
        else:
            found.append(col)
    if not any(c.role == "pref" for c in found):
        raise InputError(
            "no column holds the term; name it one of: " + ", ".join(repr(n) for n in cols.ROLES["pref"])
            + " (optionally with a language: 'term (en)'). The header has "
            + ", ".join(repr(c) for c in sheet.columns) + ".", file=str(sheet.path), line=1)
    seen: dict[tuple[str, str | None], str] = {}
    for c in found:
        key = (c.role, c.lang)
        if (c.role in SINGLE or c.role in ("pref", "note", "definition")) and key in seen:
            raise InputError(f"the columns '{seen[key]}' and '{c.name}' both hold the {c.role} "
                             "(of the same language); keep one", file=str(sheet.path), line=1,
                             column=c.name)
        seen[key] = c.name
    return found


LANGUAGE_NAMES = {"nederlands": "nl", "dutch": "nl", "vlaams": "nl", "engels": "en", "english": "en",
                  "frans": "fr", "français": "fr", "french": "fr", "duits": "de", "deutsch": "de",
                  "german": "de"}


def _language(value: str, default: str, line: int, findings: list[Finding]) -> str:
    """A language cell as a BCP 47 tag ('Nederlands' -> 'nl'); the default when empty or unknown."""
    value = value.strip()
    if not value:
        return default
    if value.lower() in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[value.lower()]
    if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", value):
        return value.lower()
    findings.append(Finding("bad-language", "Warning",
                            f"'{value}' is geen taalcode (nl, en, fr, ...): '{default}' gebruikt.",
                            f"'{value}' is not a language code (nl, en, fr, ...): used '{default}'.",
                            value=value, line=line))
    return default


def _decimal(text: str) -> str | None:
    text = text.replace(",", ".")
    return text if re.fullmatch(r"-?\d{1,3}(\.\d+)?", text) else None


def read_spreadsheet(path: Path, list_id: str, minter: Minter, stored: StoredList, *, lang: str,
                     progress: Callable[[int], None] | None = None) -> Parsed:
    sheet = TermSheet(path)
    findings: list[Finding] = []
    columns = _columns(sheet, findings)
    rows, candidates, ids_seen = [], [], {}
    for rec in sheet:
        if progress:
            progress(1)
        if rec.problem:
            findings.append(Finding("unreadable-row", "Violation", f"Rij overgeslagen: {rec.problem}",
                                    f"Row skipped: {rec.problem}", line=rec.line))
            continue
        cells = {c: unescape(rec.payload[c.name]) for c in columns if rec.payload[c.name]}
        row_lang = _language(next((v for c, v in cells.items() if c.role == "lang"), ""), lang,
                             rec.line, findings)
        row: dict[str, list] = {}
        for c, v in cells.items():
            values = cols.split_values(v) if c.role in cols.MULTI else [v]
            language = (c.lang or row_lang) if c.role in cols.LANGUAGED else None
            row.setdefault(c.role, []).extend((x, language) for x in values)
        if not row.get("pref"):
            findings.append(Finding("row-without-term", "Warning",
                                    "Rij zonder term: overgeslagen.", "Row without a term: skipped.",
                                    line=rec.line))
            continue
        local_id = row.get("id", [("", None)])[0][0]
        if local_id and local_id in ids_seen:
            findings.append(Finding(
                "duplicate-id", "Violation",
                f"Het nummer '{local_id}' staat ook op regel {ids_seen[local_id]}: deze rij is overgeslagen.",
                f"The id '{local_id}' is also on line {ids_seen[local_id]}: this row was skipped.",
                value=local_id, line=rec.line))
            continue
        if local_id:
            ids_seen[local_id] = rec.line
        given = row.get("uri", [("", None)])[0][0]
        if given and not cols.is_web_uri(given):
            findings.append(Finding("bad-uri", "Warning", f"'{given}' is geen webadres: genegeerd.",
                                    f"'{given}' is not a web address: ignored.", value=given,
                                    line=rec.line))
            given = ""
        rows.append((rec.line, row))
        candidates.append(Candidate(uri=given or None, notation=local_id or None,
                                    prefs=row.get("pref", []), alts=row.get("alt", [])))
    uris = Identities(minter, list_id, stored).assign(candidates)
    keep = [(line, row, uri) for (line, row), uri in zip(rows, uris, strict=True) if uri]
    for (line, _), uri in zip(rows, uris, strict=True):
        if not uri:
            findings.append(Finding("duplicate-uri", "Violation", "Deze URI staat al op een andere rij: "
                                    "overgeslagen.", "This URI is already on another row: skipped.",
                                    line=line))
    triples = []
    refs = _references(keep)
    for line, row, uri in keep:
        triples += _row_triples(ox.NamedNode(uri), row, refs, line, findings)
    return Parsed(triples, [u for _, _, u in keep], findings)


def _references(rows: list[tuple[int, dict, str]]) -> dict[str, list[str]]:
    """How a 'broader term' cell may name a concept of the list: URI, local id, preferred label."""
    refs: dict[str, list[str]] = {}
    for _, row, uri in rows:
        refs.setdefault(uri, []).append(uri)
        for value, _ in row.get("id", []):
            refs.setdefault(value, []).insert(0, uri)
    for _, row, uri in rows:
        for text, _ in row.get("pref", []):
            key = "label:" + label_key(text)
            if uri not in refs.get(key, []):
                refs.setdefault(key, []).append(uri)
    return refs


def _row_triples(c: ox.NamedNode, row: dict, refs: dict[str, list[str]], line: int,
                 findings: list[Finding]) -> list[ox.Triple]:
    def warn(check: str, nl: str, en: str, value: str) -> None:
        findings.append(Finding(check, "Warning", nl, en, concept=c.value, value=value, line=line,
                                label=row["pref"][0][0]))

    out = [ox.Triple(c, RDF.type, ox.NamedNode(SKOS + "Concept"))]
    for role, name in LABEL_PREDICATES.items():
        for text, language in row.get(role, []):
            out.append(ox.Triple(c, ox.NamedNode(SKOS + name),
                                 ox.Literal(text, language=language) if language else ox.Literal(text)))
    for value, _ in row.get("id", []):
        out.append(ox.Triple(c, ox.NamedNode(SKOS + "notation"), ox.Literal(value)))
    for value, _ in row.get("broader", []):
        found = refs.get(value) or refs.get("label:" + label_key(value))
        if found and len(found) > 1 and value not in refs:
            warn("broader-ambiguous", f"Bredere term '{value}': meerdere begrippen dragen die naam; "
                 "gebruik het nummer.", f"Broader term '{value}': several concepts have that label; "
                 "use the id.", value)
        elif found:
            out.append(ox.Triple(c, ox.NamedNode(SKOS + "broader"), ox.NamedNode(found[0])))
        elif cols.is_web_uri(value):  # a broader concept outside the list
            out.append(ox.Triple(c, ox.NamedNode(SKOS + "broader"), ox.NamedNode(value)))
        else:
            warn("broader-not-found", f"Bredere term '{value}' staat niet in de lijst: weggelaten.",
                 f"Broader term '{value}' is not in the list: left out.", value)
    for role in ("exact", "close", "broadmatch", "narrowmatch", "related", *cols.AUTHORITY_ROLES):
        predicate = ox.NamedNode(cols.MATCH_PREDICATES.get(role, SKOS + "exactMatch"))
        for value, _ in row.get(role, []):
            if role in cols.AUTHORITY_ROLES:
                uri = cols.authority_uri(role, value)
            else:
                uri = cols.canonical_uri(value) if cols.is_web_uri(value) else None
            if uri is None:
                warn("bad-external-id", f"'{value}' is geen {role}-id of webadres: weggelaten.",
                     f"'{value}' is not a {role} id or web address: left out.", value)
            else:
                out.append(ox.Triple(c, predicate, ox.NamedNode(uri)))
    for role, prop in (("birth", SCHEMA + "birthDate"), ("death", SCHEMA + "deathDate"),
                       ("country", SCHEMA + "addressCountry")):
        for value, _ in row.get(role, []):
            out.append(ox.Triple(c, ox.NamedNode(prop), ox.Literal(value)))
    for role, prop in (("lat", WGS84 + "lat"), ("long", WGS84 + "long")):
        for value, _ in row.get(role, []):
            number = _decimal(value)
            if number is None:
                warn("bad-coordinate", f"'{value}' is geen coördinaat in graden: weggelaten.",
                     f"'{value}' is not a coordinate in degrees: left out.", value)
            else:
                out.append(ox.Triple(c, ox.NamedNode(prop),
                                     ox.Literal(number, datatype=ox.NamedNode(XSD + "decimal"))))
    return out
