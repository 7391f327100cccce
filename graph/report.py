"""Dataset reports: every current problem of a dataset, per record, for people and for machines.

The problem log (<data_dir>/reports/<dataset>.problems.json) is updated by each run - changed
records replace their entries, removed ones drop them - so it always describes the dataset as it
is now, not only the last run. `summary()` groups it for the HTML page and the JSON API;
`shacl_report()` gives the same findings as a standard SHACL validation report (Turtle).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from erfgoed.graph.validation import Problem

SH = "http://www.w3.org/ns/shacl#"


class ProblemLog:
    def __init__(self, data_dir: Path, dataset: str):
        self.path = data_dir / "reports" / f"{dataset}.problems.json"
        self.problems: dict[str, list[Problem]] = {}
        self.dirty = not self.path.exists()
        if self.path.exists():
            raw = json.loads(self.path.read_text("utf-8"))
            self.problems = {k: [Problem(**p) for p in v] for k, v in raw.items()}

    def set(self, key: str, problems: list[Problem]) -> None:
        if problems:
            if self.problems.get(key) != problems:
                self.problems[key], self.dirty = problems, True
        elif self.problems.pop(key, None) is not None:
            self.dirty = True

    def save(self) -> None:
        if not self.dirty:  # a no-op re-harvest of 100k records need not rewrite 80 MB of JSON
            return
        self.dirty = False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({k: [p.to_dict() for p in v] for k, v in
                                   sorted(self.problems.items())}, ensure_ascii=False), "utf-8")
        os.replace(tmp, self.path)


def summary(log: ProblemLog, limit_per_kind: int = 200) -> dict:
    """Problems grouped by kind (same message), most frequent first, with their records."""
    kinds: dict[tuple[str, str], dict] = {}
    severity = Counter()
    records_by_severity: dict[str, set[str]] = {"Violation": set(), "Warning": set()}
    for key, problems in log.problems.items():
        for p in problems:
            severity[p.severity] += 1
            records_by_severity.setdefault(p.severity, set()).add(key)
            k = (p.severity, p.message_en)
            kind = kinds.setdefault(k, {"severity": p.severity, "message_nl": p.message_nl,
                                        "message_en": p.message_en, "field": p.field,
                                        "column": p.column, "count": 0, "problems": []})
            kind["count"] += 1
            if len(kind["problems"]) < limit_per_kind:
                kind["problems"].append({"record": p.record, "line": p.line, "value": p.value,
                                         "column": p.column})
    ordered = sorted(kinds.values(), key=lambda k: (k["severity"] != "Violation", -k["count"]))
    return {"problems": sum(severity.values()), "by_severity": dict(severity),
            "records_rejected": len(records_by_severity["Violation"]),
            "records_with_warnings": len(records_by_severity["Warning"]
                                         - records_by_severity["Violation"]),
            "kinds": ordered}


def shacl_report(log: ProblemLog) -> str:
    """The problems as a sh:ValidationReport in Turtle."""
    def nn(local: str) -> ox.NamedNode:
        return ox.NamedNode(SH + local)

    report = ox.BlankNode()
    triples = [ox.Triple(report, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                         nn("ValidationReport")),
               ox.Triple(report, nn("conforms"), ox.Literal(str(not any(
                   p.severity == "Violation" for ps in log.problems.values() for p in ps)).lower(),
                   datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")))]
    for problems in log.problems.values():
        for p in problems:
            r = ox.BlankNode()
            triples += [ox.Triple(report, nn("result"), r),
                        ox.Triple(r, nn("resultSeverity"), nn(p.severity)),
                        ox.Triple(r, nn("resultMessage"), ox.Literal(p.message_nl, language="nl")),
                        ox.Triple(r, nn("resultMessage"), ox.Literal(p.message_en, language="en"))]
            if p.focus:
                triples.append(ox.Triple(r, nn("focusNode"), ox.NamedNode(p.focus)))
            if p.shape:
                triples.append(ox.Triple(r, nn("sourceShape"), ox.NamedNode(p.shape)))
            if p.component:
                triples.append(ox.Triple(r, nn("sourceConstraintComponent"), nn(p.component)))
            if p.value is not None:
                triples.append(ox.Triple(r, nn("value"), ox.Literal(p.value)))
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE,
                        prefixes={"sh": SH}).decode()
