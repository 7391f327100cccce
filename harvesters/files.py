"""Files an institution submits -> Records, by the mapping's format (`erfgoed ingest FILE`).

- table: CSV / XLSX registers (tabular.py), one row a record.
- xml: every element the mapping names as `record` (lido:lido in a lido:lidoWrap export, or a
  single lido:lido file) is a record, read one at a time with iterparse, so a large export never
  sits in memory. The parser resolves no entities and fetches nothing (no DTDs, no network).
- json: an array of objects, a hydra collection (`member`), one object, or JSON Lines
  (.jsonl / .ndjson); the id is the mapping's `id` key (an `@id` IRI: its last segment).

A file is checked as a whole before anything is read into the store (well-formed XML, valid
JSON): a file cut off half-way is refused with its line, and nothing already stored changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from erfgoed.errors import InputError
from erfgoed.harvesters.record import Record
from erfgoed.harvesters.rest import item_id

XML_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}
DOCTYPE_REFUSED = ("the file has a DOCTYPE (DTD or entity declarations), which is not accepted for safety; "
                   "export it without one. Nothing was changed")


def read_records(path: Path, mapping, schema=None) -> Iterator[Record]:
    """The records of `path` as `mapping` reads them. `schema`: a function giving the SchemaCheck
    for xml records, called only once the file is known to be well-formed (loading an XSD may
    mean fetching it: a broken file is refused first, whatever the network does)."""
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    if path.stat().st_size == 0:
        raise InputError("the file is empty", file=str(path))
    if mapping.format == "xml":
        return _xml_records(path, mapping, schema)
    if mapping.format == "json":
        return _json_records(path, mapping)
    from erfgoed.harvesters.tabular import Table

    return iter(Table(path, id_column=mapping.id_column, required=mapping.required,
                      sheet=mapping.sheet))


# -- XML ------------------------------------------------------------------------------------------
def _clark(name: str, namespaces: dict[str, str]) -> str:
    prefix, _, local = name.rpartition(":")
    return f"{{{namespaces[prefix]}}}{local}" if prefix else local


def refuse_doctype(path: Path) -> None:
    """Entity bombs and XXE start with a DOCTYPE: refuse an XML file that has one (file ingest, and
    RDF/XML term lists). A file that is not well-formed passes: its own parser says where."""
    with path.open("rb") as f:
        head = f.read(1 << 16)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise InputError(DOCTYPE_REFUSED, file=str(path))
    try:  # a DOCTYPE may follow a long comment, past the head read above: read up to the root element
        for _, element in etree.iterparse(str(path), events=("start",), **XML_OPTIONS):
            if element.getroottree().docinfo.doctype:
                raise InputError(DOCTYPE_REFUSED, file=str(path), line=element.sourceline)
            return
    except etree.XMLSyntaxError:
        return


def _xml_check(path: Path) -> None:
    refuse_doctype(path)
    try:
        for _ in etree.iterparse(str(path), **XML_OPTIONS):
            pass
    except etree.XMLSyntaxError as exc:
        line, column = (exc.position if exc.position else (None, None))
        raise InputError(f"not well-formed XML ({exc.msg}); nothing was changed",
                         file=str(path), line=line, column=column) from None


def _xml_records(path: Path, mapping, schema) -> Iterator[Record]:
    if not mapping.record:
        raise InputError(f"mapping '{mapping.name}' does not say which element is one record "
                         "(key 'record'), so it cannot read files", file=str(path))
    _xml_check(path)
    schema = schema() if schema else None
    tag = _clark(mapping.record, mapping.namespaces)
    id_path = etree.XPath(mapping.id_column, namespaces=mapping.namespaces)
    found = 0
    for _, element in etree.iterparse(str(path), events=("end",), tag=tag, **XML_OPTIONS):
        found += 1
        hits = id_path(element)
        local = " ".join("".join(hits[0].itertext()).split()) if hits and hasattr(hits[0], "itertext") \
            else (str(hits[0]).strip() if hits else "")
        line = element.sourceline
        if not local:
            yield Record(path.name, f"{path.name}:{line}", None, line=line,
                         problem=f"record at line {line} has no id ({mapping.id_column}).")
        else:
            warnings = tuple(schema.errors(element)) if schema else ()
            yield Record(path.name, local, etree.tostring(element, encoding="unicode"),
                         media_type="application/xml", line=line, warnings=warnings)
        element.clear()  # keep memory flat: drop what has been read
        while element.getprevious() is not None:
            del element.getparent()[0]
    if not found:
        raise InputError(f"no <{mapping.record}> element found: is this a {mapping.title or mapping.name} "
                         "file?", file=str(path))


# -- JSON -----------------------------------------------------------------------------------------
def _json_items(path: Path) -> list[tuple[int | None, object]]:
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 (byte {exc.start}): JSON files must be UTF-8", file=str(path)) from None
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        items = []
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    items.append((n, json.loads(line)))
                except ValueError as exc:
                    raise InputError(f"not valid JSON ({exc.msg}); nothing was changed", file=str(path),
                                     line=n, column=exc.colno) from None
        return items
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg}); nothing was changed", file=str(path),
                         line=exc.lineno, column=exc.colno) from None
    if isinstance(data, dict):
        data = data.get("member", data.get("hydra:member", [data]))
    if not isinstance(data, list):
        raise InputError("expected a JSON array of records, a collection with 'member', or one object",
                         file=str(path))
    return [(None, item) for item in data]


def _json_records(path: Path, mapping) -> Iterator[Record]:
    for n, (line, item) in enumerate(_json_items(path), 1):
        where = f"line {line}" if line else f"item {n}"
        if not isinstance(item, dict):
            yield Record(path.name, f"{path.name}#{n}", None, line=line,
                         problem=f"{where} is not a JSON object.")
            continue
        raw = item.get(mapping.id_column)
        local = item_id({"@id": raw}) if isinstance(raw, str) and "/" in raw else \
            (str(raw).strip() if raw not in (None, "") else "")
        if not local:
            yield Record(path.name, f"{path.name}#{n}", None, line=line,
                         problem=f"{where} has no '{mapping.id_column}'.")
            continue
        yield Record(path.name, local, json.dumps(item, ensure_ascii=False),
                     media_type="application/json", line=line)


def estimate_records(path: Path, mapping) -> int | None:
    """Rough number of records, for a progress bar (None if unknown)."""
    if mapping.format == "xml" and mapping.record:
        opening = re.compile(rb"<" + re.escape(mapping.record.encode()) + rb"[\s>]")
        try:
            with path.open("rb") as fh:  # chunks overlap by a tag's length, so none is cut in two
                count, tail = 0, b""
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    data = tail + chunk
                    count += len(opening.findall(data))
                    tail = data[-len(mapping.record) - 2:]
                    count -= len(opening.findall(tail))
                return count or None
        except OSError:
            return None
    if mapping.format == "table":
        from erfgoed.harvesters.tabular import estimate_rows

        return estimate_rows(path)
    return None
