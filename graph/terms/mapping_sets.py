"""A term list's curated mappings as an SSSOM mapping set, and SSSOM files loaded back as decisions.

Export holds the current decisions of a list (accepted, rejected as predicate_modifier Not, no match
as object sssom:NoTermFound with the authority in object_source); the history stays in the store.
`record_id` carries the record IRI, so export -> import into an empty store -> export gives the same
file, and importing a file twice changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from erfgoed.errors import InputError
from erfgoed.graph.terms.alignments import Alignments
from erfgoed.graph.terms.records import NEGATED, NO_TERM_FOUND, RELATIONS, Decision, curie_prefixes, labels_of
from erfgoed.graph.terms.sssom import MappingSet, Row, contract, read_sssom, write_sssom

CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"
_NO_TERM = "sssom:NoTermFound"


def mapping_set(alignments: Alignments, list_id: str, *, license: str = CC0,
                prefixes: dict[str, str] | None = None) -> MappingSet:
    """The current mappings of a list. `prefixes` adds curie_map entries for targets outside the
    authorities and this network (SSSOM writers refuse IRIs they cannot write as CURIEs)."""
    minter = alignments.minter
    curie_map = {**curie_prefixes(minter), **(prefixes or {})}
    rows = [decision_row(d, curie_map) for d in alignments.current_for_list(list_id)]
    metadata = {"sssom_version": "1.1", "mapping_set_id": minter.mapping_set(list_id), "license": license}
    title = labels_of(alignments.store, [minter.term_list(list_id)]).get(minter.term_list(list_id))
    if title:
        metadata["mapping_set_title"] = title
    return MappingSet(metadata, curie_map, rows)


def export_sssom(alignments: Alignments, list_id: str, out: TextIO, **options: object) -> int:
    """Write a list's mappings as SSSOM/TSV; returns the number of mappings written."""
    ms = mapping_set(alignments, list_id, **options)  # type: ignore[arg-type]
    write_sssom(ms, out)
    return len(ms.mappings)


def decision_row(d: Decision, curie_map: dict[str, str]) -> Row:
    def c(iri: str) -> str:
        return contract(iri, curie_map)

    row: Row = {"record_id": c(d.record), "subject_id": c(d.subject), "predicate_id": c(d.predicate),
                "object_id": _NO_TERM if d.object == NO_TERM_FOUND else c(d.object),
                "mapping_justification": c(d.justification)}
    optional = {"subject_label": d.subject_label, "object_label": d.object_label,
                "predicate_modifier": "Not" if d.modifier == NEGATED else "",
                "author_id": [c(a) for a in d.authors], "reviewer_id": [c(r) for r in d.reviewers],
                "mapping_date": d.date, "comment": d.comment,
                "confidence": "" if d.confidence is None else repr(d.confidence),
                "object_source": c(d.object_source) if d.object_source else ""}
    row.update({k: v for k, v in optional.items() if v})
    return row


@dataclass
class ImportResult:
    stored: list[Decision]        # new decisions (a record already in the store is skipped)
    rows: int
    ignored: list[str]            # unknown columns / metadata keys (SSSOM: discarded)


def import_sssom(alignments: Alignments, path: Path) -> ImportResult:
    """Load an SSSOM/TSV file as decisions, in one transaction; a later row for the same term and
    target replaces an earlier one, as a curator's later decision would."""
    ms = read_sssom(path)
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    decisions = [row_decision(alignments, ms, row, line, now)
                 for row, line in zip(ms.mappings, ms.lines, strict=True)]
    return ImportResult(alignments.record_all(decisions), len(decisions), ms.ignored)


def row_decision(alignments: Alignments, ms: MappingSet, row: Row, line: int, imported_at: str) -> Decision:
    def x(slot: str) -> str:
        return ms.expand(row[slot], line=line, column=slot)

    def fail(slot: str, why: str) -> InputError:
        return InputError(why, file=ms.source, line=line, column=slot)

    for side in ("subject_id", "object_id"):
        if side not in row:
            raise fail(side, "literal mappings (no id) cannot be stored: curated mappings link terms")
    predicate = x("predicate_id")
    if predicate not in RELATIONS.values():
        raise fail("predicate_id", f"{row['predicate_id']} is not a SKOS mapping relation; curated "
                   "mappings use skos:exactMatch, closeMatch, broadMatch, narrowMatch or relatedMatch")
    if row["subject_id"] == _NO_TERM:
        raise fail("subject_id", "sssom:NoTermFound as subject: a no-match is recorded on the term "
                   "(subject) for the vocabulary searched (object_source)")
    try:
        confidence = float(row["confidence"]) if "confidence" in row else None
    except ValueError:
        raise fail("confidence", f"{row['confidence']!r} is not a number") from None
    d = Decision(
        subject=x("subject_id"), predicate=predicate,
        object=NO_TERM_FOUND if row["object_id"] == _NO_TERM else x("object_id"),
        justification=x("mapping_justification"),
        modifier=NEGATED if row.get("predicate_modifier") == "Not" else "",
        authors=tuple(sorted(ms.expand(a, line=line, column="author_id") for a in row.get("author_id", []))),
        reviewers=tuple(sorted(ms.expand(r, line=line, column="reviewer_id")
                               for r in row.get("reviewer_id", []))),
        date=row.get("mapping_date", ""), confidence=confidence, comment=row.get("comment", ""),
        subject_label=row.get("subject_label", ""), object_label=row.get("object_label", ""),
        object_source=x("object_source") if "object_source" in row else "",
        time=imported_at)  # when it took effect here: orders it after the decisions it replaces
    # no record_id: an IRI from the row's content, so the same row imported twice is one record
    d.record = x("record_id") if "record_id" in row else alignments.mint(d, json.dumps(row, sort_keys=True))
    return d
