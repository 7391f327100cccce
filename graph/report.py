"""Dataset reports: every current problem of a dataset, per record, for people and for machines.

The problem log (<data_dir>/reports/<dataset>.problems.sqlite) is updated by each run - changed
records replace their entries, removed ones drop them - so it always describes the dataset as it
is now, not only the last run. It lives on disk, not in memory: a harvest of 100k records that
each carry a schema warning keeps its memory flat, and the dataset page groups the findings with
one query. `summary()` groups it for the HTML page and the JSON API; `shacl_report()` gives the
same findings as a standard SHACL validation report (Turtle).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

import pyoxigraph as ox

from erfgoed.errors import UserError
from erfgoed.graph.validation import Problem

SH = "http://www.w3.org/ns/shacl#"
COLUMNS = tuple(f.name for f in fields(Problem))  # record, severity, message_nl, message_en, ...
_COLS = ", ".join(f'"{c}"' for c in COLUMNS)  # quoted: "column" is an SQL keyword
_SCHEMA = f"""CREATE TABLE IF NOT EXISTS problem (key TEXT NOT NULL, n INTEGER NOT NULL,
  {_COLS}, PRIMARY KEY (key, n)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS problem_kind ON problem (severity, message_en)"""


class ProblemLog:
    """The problems of one dataset's records, by record key, in a SQLite file.

    Writers call `set()` per record and `save()` to commit (the ingest commits before each store
    write, so a killed run never has records in the store whose problems are not logged). Readers
    that find no file see an empty log; nothing is created until something is written."""

    def __init__(self, data_dir: Path, dataset: str):
        self.path = data_dir / "reports" / f"{dataset}.problems.sqlite"
        self._legacy = data_dir / "reports" / f"{dataset}.problems.json"  # before the log moved to SQLite
        self._db: sqlite3.Connection | None = None
        if self.path.exists() or self._legacy.exists():
            self._open()

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                db = sqlite3.connect(self.path, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")  # the dataset page reads while a harvest writes
                db.execute("PRAGMA synchronous=NORMAL")
                db.executescript(_SCHEMA)
            except sqlite3.DatabaseError as exc:
                raise UserError(f"{self.path}: the problem log cannot be read ({exc}); move it aside "
                                "and run the dataset again with --full to rebuild it.") from None
            self._db = db
            if self._legacy.exists():
                try:
                    raw = json.loads(self._legacy.read_text("utf-8"))
                    rows = {key: [Problem(**p) for p in problems] for key, problems in raw.items()}
                except (ValueError, TypeError, AttributeError) as exc:
                    raise UserError(f"{self._legacy}: the old problem log is not readable ({exc}); "
                                    "move it aside to start a new log.") from None
                for key, problems in rows.items():
                    self.set(key, problems)
                self.save()
                os.unlink(self._legacy)
        return self._db

    def set(self, key: str, problems: list[Problem]) -> None:
        """The record's problems from now on (none: it has none)."""
        if not problems and self._db is None:
            return  # no log yet, nothing to remove from it
        db = self._open()
        db.execute("DELETE FROM problem WHERE key = ?", (key,))
        if problems:
            db.executemany(f"INSERT INTO problem VALUES ({', '.join('?' * (len(COLUMNS) + 2))})",
                           [(key, n, *(getattr(p, c) for c in COLUMNS)) for n, p in enumerate(problems)])

    def save(self) -> None:
        if self._db is not None and self._db.in_transaction:
            self._db.commit()

    def close(self) -> None:
        if self._db is not None:
            self.save()
            self._db.close()
            self._db = None

    def _rows(self, sql: str, args: tuple = ()) -> Iterator[tuple]:
        if self._db is None:
            return iter(())
        return self._db.execute(sql, args)

    def items(self) -> Iterator[tuple[str, list[Problem]]]:
        """(record key, its problems) for every record that has any, in key order."""
        key, current = None, []
        for row in self._rows(f"SELECT key, {_COLS} FROM problem ORDER BY key, n"):
            if row[0] != key and current:
                yield key, current
                current = []
            key = row[0]
            current.append(Problem(*row[1:]))
        if current:
            yield key, current

    def all(self) -> list[Problem]:
        return [p for _, ps in self.items() for p in ps]

    def get(self, key: str) -> list[Problem]:
        return [Problem(*row) for row in self._rows(
            f"SELECT {_COLS} FROM problem WHERE key = ? ORDER BY n", (key,))]

    @property
    def problems(self) -> dict[str, list[Problem]]:
        """Everything, in memory (small logs and tests; large readers use items() or summary())."""
        return dict(self.items())




def summary(log: ProblemLog, limit_per_kind: int = 200) -> dict:
    """Problems grouped by kind (same severity and message), most frequent first, with (up to
    `limit_per_kind` of) their records, in record order."""
    kinds: dict[tuple[str, str], dict] = {}
    severity: dict[str, int] = {}
    # a kind shows the Dutch message, field and column of its first problem
    for sev, en, nl, fld, col, count in log._rows(
            'SELECT severity, message_en, message_nl, field, "column", COUNT(*) FROM problem '
            "GROUP BY severity, message_en"):
        kinds[(sev, en)] = {"severity": sev, "message_nl": nl, "message_en": en, "field": fld,
                            "column": col, "count": count, "problems": []}
        severity[sev] = severity.get(sev, 0) + count
    for sev, en, nl, fld, col, record, line, value in log._rows(
            'SELECT severity, message_en, message_nl, field, "column", record, line, value FROM '
            '(SELECT *, ROW_NUMBER() OVER (PARTITION BY severity, message_en ORDER BY key, n) AS k '
            "FROM problem) WHERE k <= ? ORDER BY key, n", (limit_per_kind,)):
        kind = kinds[(sev, en)]
        if not kind["problems"]:
            kind.update(message_nl=nl, field=fld, column=col)
        kind["problems"].append({"record": record, "line": line, "value": value, "column": col})
    rejected, warned = next(iter(log._rows(
        "SELECT COUNT(DISTINCT CASE WHEN severity = 'Violation' THEN key END), "
        "COUNT(DISTINCT CASE WHEN severity = 'Warning' AND key NOT IN "
        "(SELECT key FROM problem WHERE severity = 'Violation') THEN key END) FROM problem")), (0, 0))
    ordered = sorted(kinds.values(), key=lambda k: (k["severity"] != "Violation", -k["count"]))
    return {"problems": sum(severity.values()), "by_severity": severity,
            "records_rejected": rejected, "records_with_warnings": warned, "kinds": ordered}


def shacl_report(log: ProblemLog) -> str:
    """The problems as a sh:ValidationReport in Turtle."""
    def nn(local: str) -> ox.NamedNode:
        return ox.NamedNode(SH + local)

    violations = next(iter(log._rows("SELECT COUNT(*) FROM problem WHERE severity = 'Violation'")), (0,))[0]
    report = ox.BlankNode()
    triples = [ox.Triple(report, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                         nn("ValidationReport")),
               ox.Triple(report, nn("conforms"), ox.Literal(str(not violations).lower(),
                         datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")))]
    for _, problems in log.items():
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
