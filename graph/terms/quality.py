"""Quality checks of a term list, qSKOS-style: SHACL shapes plus SPARQL for what SHACL core cannot say.

shapes/term-list.ttl holds one property shape per check SHACL can express (no prefLabel, two
prefLabels in one language, prefLabel also an altLabel, label without language, stray whitespace),
validated by the project's validator (graph/validation.py, Rust `shacl`). The checks that compare
concepts with each other or follow chains - broader cycles, one label on two concepts, notation
clashes, orphans - are SPARQL queries over the list in an in-memory store. Nothing here blocks an
import: a list is published as its institution keeps it, and the report says what to fix.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from erfgoed.graph.namespaces import PREFIXES
from erfgoed.graph.terms.lists import pref_labels

SKOS = PREFIXES["skos"]
SHAPES_NS = "https://w3id.org/erfgoed-kg/shapes/term-list#"
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass
class Finding:
    check: str                    # the check's id (a shape's local name, or a SPARQL check below)
    severity: str                 # Violation | Warning | Info
    message_nl: str
    message_en: str
    concept: str | None = None    # the concept's URI
    label: str | None = None      # its label, to find it in the institution's own system
    value: str | None = None      # the offending value (a label, a notation)
    line: int | None = None       # spreadsheet line, for findings of the import itself

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class Report:
    list_id: str
    findings: list[Finding]

    def counts(self) -> dict[str, int]:
        return dict(Counter(f.check for f in self.findings).most_common())

    def to_json(self) -> dict:
        return {"list": self.list_id, "findings": len(self.findings), "by_check": self.counts(),
                "by_severity": dict(Counter(f.severity for f in self.findings)),
                "items": [f.to_dict() for f in self.sorted()]}

    def sorted(self) -> list[Finding]:
        return sorted(self.findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.check,
                                                     f.line or 0, f.label or "", f.concept or ""))

    def summary(self, limit: int = 10) -> str:
        """A few lines for a terminal: counts per check, then the first findings."""
        if not self.findings:
            return "no quality findings"
        lines = [", ".join(f"{n} {check}" for check, n in self.counts().items())]
        for f in self.sorted()[:limit]:
            where = f"line {f.line}" if f.line else (f.label or f.concept)
            value = f.value if f.value is None or len(f.value) <= 60 else f.value[:57] + "..."
            shown = f" [{value!r}]" if value and f.value not in f.message_en else ""
            lines.append(f"  {f.severity.lower()}: " + (f"{where}: " if where else "") + f.message_en + shown)
        if len(self.findings) > limit:
            lines.append(f"  ... and {len(self.findings) - limit} more (see the JSON report)")
        return "\n".join(lines)


# -- SPARQL checks ---------------------------------------------------------------------------------
# Comparisons between concepts are GROUP BY queries (one pass over the labels), never pairwise
# joins: those are quadratic, minutes on a list of 20,000 terms. Members of a group come back as
# GROUP_CONCAT text, separated by ASCII unit/record separators that no label contains.
_P = f"PREFIX skos: <{SKOS}>\n"
US, RS = "\u001f", "\u001e"
CYCLES = _P + "SELECT DISTINCT ?c WHERE { ?c a skos:Concept ; skos:broader+ ?c }"
HAS_HIERARCHY = _P + "ASK { ?c a skos:Concept ; skos:broader ?b }"
ORPHANS = _P + """SELECT ?c WHERE { ?c a skos:Concept .
    FILTER NOT EXISTS { ?c skos:broader ?b } FILTER NOT EXISTS { ?n skos:broader ?c } }"""
SAME_LABEL = _P + f"""SELECT (GROUP_CONCAT(DISTINCT CONCAT(STR(?c), "{US}", STR(?l)); separator="{RS}") AS ?m)
    WHERE {{ ?c a skos:Concept ; ?p ?l . VALUES ?p {{ skos:prefLabel skos:altLabel }}
             BIND(LCASE(STR(?l)) AS ?k) BIND(LANG(?l) AS ?lg) }}
    GROUP BY ?k ?lg HAVING (COUNT(DISTINCT ?c) > 1)"""
SAME_NOTATION = _P + f"""SELECT
    (GROUP_CONCAT(DISTINCT CONCAT(STR(?c), "{US}", STR(?n)); separator="{RS}") AS ?m)
    WHERE {{ ?c a skos:Concept ; skos:notation ?n }} GROUP BY (STR(?n)) HAVING (COUNT(DISTINCT ?c) > 1)"""
LABEL_OR_NOTATION = _P + f"""SELECT (GROUP_CONCAT(DISTINCT CONCAT(?role, "{US}", STR(?c), "{US}", ?text);
                                     separator="{RS}") AS ?m)
    WHERE {{ {{ ?c a skos:Concept ; ?p ?l . VALUES ?p {{ skos:prefLabel skos:altLabel }}
               BIND("label" AS ?role) BIND(STR(?l) AS ?text) }}
             UNION {{ ?c a skos:Concept ; skos:notation ?n . BIND("id" AS ?role) BIND(STR(?n) AS ?text) }}
             BIND(LCASE(?text) AS ?k) }}
    GROUP BY ?k HAVING (COUNT(DISTINCT ?role) > 1)"""

# check -> severity, message nl, message en ({value}: the label or id; {other}: the other concept)
MESSAGES = {
    "broader-cycle": (
        "Violation",
        "Deze term is via bredere termen zijn eigen bredere term (een kringloop in de hiërarchie).",
        "This term is its own broader term through a chain of broader terms (a cycle in the hierarchy)."),
    "duplicate-label": (
        "Warning",
        "De term '{value}' staat ook bij een ander begrip van de lijst ('{other}').",
        "The label '{value}' is also a label of another concept of the list ('{other}')."),
    "notation-clash": (
        "Violation",
        "Het nummer '{value}' is ook het nummer van een ander begrip ('{other}').",
        "The id '{value}' is also the id of another concept ('{other}')."),
    "label-notation-clash": (
        "Warning",
        "De term '{value}' is het nummer van een ander begrip ('{other}'): wie op nummer zoekt, vindt het "
        "verkeerde.",
        "The label '{value}' is the id of another concept ('{other}'): a look-up by id finds the wrong one."),
    "orphan": (
        "Info",
        "Deze term hangt los: de lijst heeft een hiërarchie, maar deze term heeft geen bredere of "
        "smallere term.",
        "This term stands alone: the list has a hierarchy, but this term has no broader or narrower term."),
}


def _groups(graph: ox.Store, query: str) -> list[list[list[str]]]:
    return [[member.split(US) for member in row["m"].value.split(RS)] for row in graph.query(query)]


def _sparql_hits(graph: ox.Store) -> list[tuple[str, str, str | None, str | None]]:
    """(check, concept, value, other concept) for every check SHACL core cannot express."""
    hits = [("broader-cycle", row["c"].value, None, None) for row in graph.query(CYCLES)]
    if graph.query(HAS_HIERARCHY):
        hits += [("orphan", row["c"].value, None, None) for row in graph.query(ORPHANS)]
    for check, query in (("duplicate-label", SAME_LABEL), ("notation-clash", SAME_NOTATION)):
        for members in _groups(graph, query):
            for c, text in members:
                other = next(o for o, _ in members if o != c)
                hits.append((check, c, text, other))
    for members in _groups(graph, LABEL_OR_NOTATION):
        ids = [c for role, c, _ in members if role == "id"]
        for role, c, text in members:
            other = next((o for o in ids if o != c), None)
            if role == "label" and other:
                hits.append(("label-notation-clash", c, text, other))
    return hits


def _shacl_findings(triples: list[ox.Triple], labels: dict[str, str]) -> list[Finding]:
    from erfgoed.graph.validation import SHAPES_DIR, Validator

    validator = Validator(SHAPES_DIR / "term-list.ttl", context=())
    quads = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
    out = []
    for p in validator.validate([quads], ["list"])[0]:
        check = (p.shape or "").removeprefix(SHAPES_NS) or (p.component or "shacl")
        out.append(Finding(check=check, severity=p.severity, message_nl=p.message_nl,
                           message_en=p.message_en, concept=p.focus, label=labels.get(p.focus or ""),
                           value=p.value or None))
    return out


def _sparql_findings(triples: list[ox.Triple], labels: dict[str, str]) -> list[Finding]:
    graph = ox.Store()
    graph.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    out, seen = [], set()
    for check, c, value, other in _sparql_hits(graph):
        if (check, c, value) in seen:
            continue
        seen.add((check, c, value))
        severity, nl, en = MESSAGES[check]
        fill = {"value": value or "", "other": labels.get(other or "", other or "")}
        out.append(Finding(check=check, severity=severity, message_nl=nl.format(**fill),
                           message_en=en.format(**fill), concept=c, label=labels.get(c), value=value))
    return out


def check(list_id: str, triples: list[ox.Triple]) -> Report:
    """Every quality check over one list (its scheme and concepts, as triples)."""
    labels = pref_labels(triples)
    return Report(list_id, _shacl_findings(triples, labels) + _sparql_findings(triples, labels))


def report_path(config, list_id: str) -> Path:
    """Where the last import's report of a list is kept: <data_dir>/reports/termlist-<id>.json."""
    return config.resolve(config["site.data_dir"]) / "reports" / f"termlist-{list_id}.json"


def write_report(config, report: Report) -> Path:
    path = report_path(config, report.list_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1), "utf-8")
    return path


def read_report(config, list_id: str) -> dict | None:
    path = report_path(config, list_id)
    return json.loads(path.read_text("utf-8")) if path.is_file() else None
