"""SSSOM/TSV files: read (with validation) and write (canonical), independent of the store.

Follows the SSSOM 1.1 specification (mapping-commons/sssom, `src/docs/spec-formats-tsv.md` and
`spec-model.md`) and its LinkML schema (`src/sssom_schema/schema/sssom_schema.yaml`; the JSON Schema
generated from it is in shared/reference/reconciliation/sssom and tests check our output against it).
A file is a YAML metadata block (every line starting with `#`) followed by a TSV mappings block.
Reading: CURIEs must use declared or built-in prefixes (spec: parsers MUST reject others), unknown
columns and keys are discarded (spec: MUST discard) and reported, propagatable set-level slots are
copied down to the mappings. Writing: only used columns, canonical column and row order, condensation.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import yaml

from erfgoed.errors import InputError, UserError
from erfgoed.graph.terms.sssom_slots import (
    BUILTIN_PREFIXES,
    DATES,
    DOUBLES,
    ENTITY_REFERENCES,
    ENUMS,
    JUSTIFICATION,
    MAPPING_SET_SLOTS,
    MAPPING_SLOTS,
    MULTIVALUED,
    PROPAGATABLE,
    REQUIRED_SET_SLOTS,
)

_PREFIX_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")

Row = dict[str, Any]     # slot -> str, or list[str] for multi-valued slots


@dataclass
class MappingSet:
    """One SSSOM mapping set: metadata (without curie_map), prefixes, mappings (propagated)."""

    metadata: dict[str, Any]
    curie_map: dict[str, str]
    mappings: list[Row]
    lines: list[int] = field(default_factory=list)       # file line of each mapping
    ignored: list[str] = field(default_factory=list)     # discarded unknown columns and keys
    source: str = ""

    def expand(self, curie: str, *, line: int | None = None, column: str | None = None) -> str:
        prefix, sep, local = curie.partition(":")
        prefixes = {**self.curie_map, **BUILTIN_PREFIXES}
        if not sep or prefix not in prefixes:
            raise InputError(f"{curie!r} has no declared prefix (curie_map has: "
                             f"{', '.join(sorted(self.curie_map)) or 'nothing'})",
                             file=self.source or None, line=line, column=column)
        return prefixes[prefix] + local


def contract(iri: str, curie_map: dict[str, str]) -> str:
    """The CURIE of an IRI (longest matching namespace); spec: writers SHOULD refuse what cannot be."""
    best = max(((p, ns) for p, ns in {**curie_map, **BUILTIN_PREFIXES}.items() if iri.startswith(ns)),
               key=lambda item: len(item[1]), default=None)
    if best is None:
        raise UserError(f"cannot write {iri} as a CURIE: no prefix in the curie_map covers it "
                        "(add one for its namespace)")
    return f"{best[0]}:{iri[len(best[1]):]}"


# -- reading -------------------------------------------------------------------------------------
def read_sssom(path: Path) -> MappingSet:
    """Parse and validate an SSSOM/TSV file; errors name the line and the column."""
    name = str(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise InputError("not UTF-8 (SSSOM/TSV files must be UTF-8)", file=name,
                         line=raw[:exc.start].count(b"\n") + 1) from None
    lines = text.splitlines(keepends=True)
    n_meta = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    meta_text = _strip_hashes([line.rstrip("\r\n") for line in lines[:n_meta]])
    external = path.with_name(path.name.removesuffix(".tsv").removesuffix(".sssom") + ".sssom.yml")
    if not n_meta and external.exists():       # external metadata mode
        name_meta, meta_text = str(external), external.read_text("utf-8")
    else:
        name_meta = name
    meta = _load_yaml(meta_text, name_meta)
    ms = _metadata(meta, name_meta)
    ms.source = name
    _read_rows(ms, "".join(lines[n_meta:]), n_meta, name)
    return ms


def _strip_hashes(lines: list[str]) -> str:
    """Drop the `#` and the spaces after it (the same number on every line, spec: metadata block)."""
    if not lines:
        return ""
    indent = len(lines[0][1:]) - len(lines[0][1:].lstrip(" "))
    return "\n".join(line[1:][indent:] if line[1:1 + indent] == " " * indent else line[1:]
                     for line in lines)


def _load_yaml(text: str, name: str) -> dict[str, Any]:
    try:
        meta = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"metadata block is not valid YAML: {getattr(exc, 'problem', exc)}", file=name,
                         line=mark.line + 1 if mark else None) from None
    if not isinstance(meta, dict):
        raise InputError("metadata block must be a YAML mapping of slot: value", file=name, line=1)
    return meta


def _metadata(meta: dict[str, Any], name: str) -> MappingSet:
    curie_map = meta.pop("curie_map", None) or {}
    if not isinstance(curie_map, dict):
        raise InputError("curie_map must map prefix names to IRI prefixes", file=name, column="curie_map")
    for prefix, ns in curie_map.items():
        if not isinstance(prefix, str) or not _PREFIX_NAME.match(prefix) or not isinstance(ns, str):
            raise InputError(f"curie_map entry {prefix!r}: {ns!r} is not a prefix name and IRI prefix",
                             file=name, column="curie_map")
        if prefix in BUILTIN_PREFIXES and ns != BUILTIN_PREFIXES[prefix]:
            raise InputError(f"curie_map redefines the built-in prefix {prefix!r} as {ns} (it is "
                             f"{BUILTIN_PREFIXES[prefix]})", file=name, column="curie_map")
    ms = MappingSet({}, dict(curie_map), [], source=name)
    for key, value in meta.items():
        if key not in MAPPING_SET_SLOTS:
            ms.ignored.append(f"metadata key {key!r}")
            continue
        if key == "extension_definitions":     # kept as given: we support no extension slots
            ms.metadata[key] = value
            continue
        if key in MULTIVALUED and not isinstance(value, list):
            value = [value]      # the scalar form of a one-value list: spec says parsers SHOULD accept it
        ms.metadata[key] = [str(v) for v in value] if isinstance(value, list) else str(value)
    for key in REQUIRED_SET_SLOTS:
        if not ms.metadata.get(key):
            raise InputError(f"the metadata block has no {key} (required for a mapping set)", file=name,
                             column=key)
    for key, value in ms.metadata.items():
        for v in value if isinstance(value, list) and key != "extension_definitions" else [value]:
            _check_value(ms, key, v, None)
    return ms


def _read_rows(ms: MappingSet, body: str, offset: int, name: str) -> None:
    reader = csv.reader(io.StringIO(body, newline=""), delimiter="\t", strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("no mappings block (header line of column names)", file=name,
                         line=offset + 1) from None
    except csv.Error as exc:
        raise InputError(f"header line: {exc}", file=name, line=offset + 1) from None
    columns = [c.strip() for c in header]
    twice = sorted({c for c in columns if columns.count(c) > 1})
    if twice:
        raise InputError("column appears twice in the header", file=name, line=offset + 1, column=twice[0])
    for c in columns:
        if c not in MAPPING_SLOTS:
            ms.ignored.append(f"column {c!r}")
    previous_end = reader.line_num
    try:
        for cells in reader:
            line = offset + previous_end + 1
            previous_end = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(columns):
                raise InputError(f"{len(cells)} cells where the header has {len(columns)} columns",
                                 file=name, line=line)
            row: Row = {}
            for col, cell in zip(columns, cells, strict=True):
                if col in MAPPING_SLOTS and cell.strip():
                    row[col] = _split(cell.strip()) if col in MULTIVALUED else cell.strip()
            ms.mappings.append(row)
            ms.lines.append(line)
    except csv.Error as exc:
        raise InputError(str(exc), file=name, line=offset + reader.line_num) from None
    _propagate(ms)
    seen: dict[str, int] = {}
    for row, line in zip(ms.mappings, ms.lines, strict=True):
        _check_row(ms, row, line)
        rid = row.get("record_id")
        if rid in seen:
            raise InputError(f"record_id {rid} is also on line {seen[rid]}", file=name, line=line,
                             column="record_id")
        if rid:
            seen[rid] = line


def _propagate(ms: MappingSet) -> None:
    """Copy set-level propagatable values down to every mapping (spec-model.md, Propagation)."""
    for slot in [s for s in ms.metadata if s in PROPAGATABLE]:
        if not any(slot in row for row in ms.mappings):
            for row in ms.mappings:
                row[slot] = ms.metadata[slot]
            del ms.metadata[slot]


def _check_row(ms: MappingSet, row: Row, line: int) -> None:
    for slot in ("predicate_id", "mapping_justification"):
        if slot not in row:
            raise InputError(f"{slot} is empty (required)", file=ms.source, line=line, column=slot)
    for side in ("subject", "object"):
        literal = row.get(f"{side}_type") == "rdfs literal"
        needed = f"{side}_label" if literal else f"{side}_id"
        if needed not in row:
            raise InputError(f"{needed} is empty (required{' for a literal' if literal else ''})",
                             file=ms.source, line=line, column=needed)
    if ("review_date" in row or "reviewer_agreement" in row) and not (
            "reviewer_id" in row or "reviewer_label" in row):
        slot = "review_date" if "review_date" in row else "reviewer_agreement"
        raise InputError(f"{slot} needs a reviewer_id or reviewer_label", file=ms.source, line=line,
                         column=slot)
    for slot, value in row.items():
        for v in value if isinstance(value, list) else [value]:
            _check_value(ms, slot, v, line)


def _check_value(ms: MappingSet, slot: str, value: str, line: int | None) -> None:
    def bad(why: str) -> InputError:
        return InputError(f"{value!r}: {why}", file=ms.source or None, line=line, column=slot)

    if slot == "mapping_justification" and not JUSTIFICATION.match(value):
        raise bad("not a SEMAPV mapping justification (e.g. semapv:ManualMappingCuration)")
    if slot in ENUMS and value not in ENUMS[slot]:
        raise bad(f"must be one of: {', '.join(ENUMS[slot])}")
    if slot in DOUBLES:
        low, high = DOUBLES[slot]
        try:
            number = float(value)
        except ValueError:
            raise bad("not a number") from None
        if not low <= number <= high:
            raise bad(f"must be between {low} and {high}")
    if slot in DATES:
        try:
            date.fromisoformat(value)
            ok = re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None
        except ValueError:
            ok = False
        if not ok:
            raise bad("not a date (YYYY-MM-DD)")
    if slot in ENTITY_REFERENCES:
        if "://" in value:
            raise bad("identifiers are CURIEs in SSSOM/TSV (declare a prefix in curie_map)")
        if value != "sssom:NoTermFound" or slot not in ("subject_id", "object_id"):
            ms.expand(value, line=line, column=slot)


def _split(cell: str) -> list[str]:
    """A multi-valued cell: `|` separates, `\\|` and `\\\\` are an escaped pipe and backslash."""
    values, current, i = [], [], 0
    while i < len(cell):
        ch = cell[i]
        if ch == "\\" and i + 1 < len(cell) and cell[i + 1] in "|\\":
            current.append(cell[i + 1])
            i += 2
            continue
        if ch == "|":
            values.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
        i += 1
    values.append("".join(current).strip())
    return [v for v in values if v]


# -- writing -------------------------------------------------------------------------------------
def write_sssom(ms: MappingSet, out: TextIO, *, condense: bool = True) -> None:
    """Write canonical SSSOM/TSV: used columns in schema order, sorted rows, condensed set slots."""
    rows = [dict(r) for r in ms.mappings]
    metadata = dict(ms.metadata)
    if condense and rows:
        for slot in sorted(PROPAGATABLE):
            values = [r.get(slot) for r in rows]
            same = values[0] and all(v == values[0] for v in values)
            if same and metadata.get(slot, values[0]) == values[0]:
                metadata[slot] = values[0]
                for r in rows:
                    del r[slot]
    used = {k.split(":", 1)[0] for r in rows for slot, v in r.items() if slot in ENTITY_REFERENCES
            for k in (v if isinstance(v, list) else [v])}
    used |= {k.split(":", 1)[0] for slot, v in metadata.items() if slot in ENTITY_REFERENCES
             for k in (v if isinstance(v, list) else [v])}
    curie_map = {p: ns for p, ns in sorted(ms.curie_map.items()) if p in used and p not in BUILTIN_PREFIXES}
    block = {"curie_map": curie_map, **metadata}
    for slot in MAPPING_SET_SLOTS:
        if slot in block and block[slot] not in ("", [], {}, None):
            out.write(_yaml_slot(slot, block[slot]))
    columns = [c for c in MAPPING_SLOTS if any(c in r for r in rows)]
    cells = [[_cell(r.get(c), c) for c in columns] for r in rows]
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    writer.writerows(sorted(cells))


def _cell(value: Any, slot: str) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(v.replace("\\", "\\\\").replace("|", "\\|") for v in value)
    if slot in DOUBLES:
        return f"{float(value):.3f}".rstrip("0").rstrip(".")
    return str(value)


def _yaml_slot(slot: str, value: Any) -> str:
    """One metadata slot: block sequences/mappings, plain scalars where YAML reads them back as the
    same string, else double-quoted (canonical rules of spec-formats-tsv.md)."""
    if isinstance(value, dict):
        return f"#{slot}:\n" + "".join(f"#  {k}: {_scalar(v)}\n" for k, v in value.items())
    if isinstance(value, list):
        return f"#{slot}:\n" + "".join(f"#  - {_scalar(v)}\n" for v in value)
    return f"#{slot}: {_scalar(value)}\n"


def _scalar(value: str) -> str:
    try:
        read = yaml.safe_load(f"k: {value}")["k"] if value == value.strip() else None
    except yaml.YAMLError:
        read = None
    # a YAML 1.1 timestamp is a plain string in YAML 1.2 (the spec's YAML); our reader reads it back
    if read == value or (isinstance(read, date) and str(read) == value):
        return value
    return json.dumps(value, ensure_ascii=False)
