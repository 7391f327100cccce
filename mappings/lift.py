"""Lifts: a record's payload -> `?row f:<field> value` triples the mapping query reads.

Every lift is generic and lossless for what the mapping file asks for; all source-specific
meaning lives in the mapping file and its query. One lift per payload kind:
- rows (CSV/XLSX): column -> field, cells split on separators, paired fields as sub-nodes;
- XML (LIDO, oai_dc): field -> XPath; a *group* is a repeated structure (an actor with its ids,
  names and role) lifted as one sub-node per match, its fields relative to it. Text keeps the
  language of the nearest xml:lang as a language tag;
- JSON: the whole tree, objects as nodes, keys as fields, arrays as repeated values.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from lxml import etree

from erfgoed.graph.namespaces import XSD
from erfgoed.graph.uris import slug

FIELD = "https://w3id.org/erfgoed-kg/field#"
ROW = "urn:erfgoed:row:"
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
_IRIS: dict[str, ox.NamedNode] = {}


def field_iri(name: str) -> ox.NamedNode:
    """`f:<name>` for a query field; names with spaces, accents or '@' are slugged."""
    iri = _IRIS.get(name)
    if iri is None:
        ok = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name)
        iri = _IRIS[name] = ox.NamedNode(FIELD + (name if ok else slug(name)))
    return iri


# -- rows ---------------------------------------------------------------------------------------
@dataclass
class RowLift:
    columns: dict[str, str] = field(default_factory=dict)
    split: dict[str, str] = field(default_factory=dict)
    pairs: dict[str, list[str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)

    def _values(self, field_name: str, cell: str) -> list[str]:
        sep = self.split.get(field_name)
        parts = cell.split(sep) if sep else [cell]
        return [p.strip() for p in parts if p.strip()]

    def __call__(self, row: ox.NamedNode, payload: dict) -> list[ox.Quad]:
        quads: list[ox.Quad] = []
        values: dict[str, list[str]] = {}
        for column, cell in payload.items():
            name = self.columns.get(column, column)
            if cell:
                values[name] = self._values(name, str(cell))
        for name, default in self.defaults.items():
            values.setdefault(name, [default])
        for name, vs in values.items():
            iri = field_iri(name)
            quads.extend(ox.Quad(row, iri, ox.Literal(v)) for v in vs)
        for lead, followers in self.pairs.items():
            for i, lead_value in enumerate(values.get(lead, [])):
                pair = ox.NamedNode(f"{row.value}:{lead}:{i}")
                quads.append(ox.Quad(row, field_iri("pair-" + lead), pair))
                quads.append(ox.Quad(pair, field_iri(lead), ox.Literal(lead_value)))
                for f in followers:
                    fv = values.get(f, [])
                    if i < len(fv):
                        quads.append(ox.Quad(pair, field_iri(f), ox.Literal(fv[i])))
        return quads


# -- XML ----------------------------------------------------------------------------------------
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
INDEX = field_iri("_index")


def _lang(node: etree._Element | None) -> str | None:
    """The nearest xml:lang of `node` or an ancestor: walked up in Python, as an XPath call per
    value costs more (bench/README.md, harvest_bench)."""
    while node is not None:
        lang = node.get(XML_LANG)
        if lang is not None:
            return lang
        node = node.getparent()
    return None


def _literal(text: str, lang: str | None) -> ox.Literal:
    if lang:
        try:
            return ox.Literal(text, language=lang)
        except ValueError:  # not a valid language tag: keep the text
            pass
    return ox.Literal(text)


@dataclass
class XmlLift:
    namespaces: dict[str, str]
    fields: dict[str, str]
    groups: dict[str, dict[str, str]]   # group -> {"path": xpath, field: xpath relative to it}

    def __post_init__(self) -> None:
        ns = self.namespaces
        self._fields = [(field_iri(k), etree.XPath(v, namespaces=ns)) for k, v in self.fields.items()]
        self._groups = [
            (field_iri(name), name, etree.XPath(spec["path"], namespaces=ns),
             [(field_iri(k), etree.XPath(v, namespaces=ns)) for k, v in spec.items() if k != "path"])
            for name, spec in self.groups.items()]

    @staticmethod
    def _values(xpath: etree.XPath, node) -> list[ox.Literal]:
        out = []
        for hit in xpath(node):
            if isinstance(hit, etree._Element):  # a leaf's text needs no itertext()
                text = " ".join(("".join(hit.itertext()) if len(hit) else hit.text or "").split())
                lang = _lang(hit) if text else None
            else:  # attribute value or text(): the language of its element
                text = " ".join(str(hit).split())
                lang = _lang(hit.getparent()) if text and hasattr(hit, "getparent") else None
            if text:
                out.append(_literal(text, lang))
        return out

    def parse(self, payload: str) -> etree._Element:
        return etree.fromstring(payload.encode(), parser=XML_PARSER)

    def __call__(self, row: ox.NamedNode, payload: str) -> list[ox.Quad]:
        root = self.parse(payload)
        quads = [ox.Quad(row, p, v) for p, xp in self._fields for v in self._values(xp, root)]
        for p, name, path, subfields in self._groups:
            for i, node in enumerate(path(root)):
                g = ox.NamedNode(f"{row.value}:{name}:{i}")
                quads.append(ox.Quad(row, p, g))
                quads.append(ox.Quad(g, INDEX, ox.Literal(str(i), datatype=XSD.integer)))
                quads += [ox.Quad(g, sp, v) for sp, xp in subfields for v in self._values(xp, node)]
        return quads


# -- JSON ---------------------------------------------------------------------------------------
def _json_literal(value: object) -> ox.Literal:
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=XSD.boolean)
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=XSD.integer)
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=XSD.decimal)
    return ox.Literal(str(value))


class JsonLift:
    """Objects become nodes (`<row>/key/i`), keys become fields ('@' keys as f:at-id,
    f:at-type), array items are repeated values; object items carry f:_index and f:_key.
    `rename`: top-level keys read as another field (the mapping's `columns`)."""

    def __init__(self, rename: dict[str, str] | None = None):
        self.rename = dict(rename or {})

    def __call__(self, row: ox.NamedNode, payload: str | dict) -> list[ox.Quad]:
        data = json.loads(payload) if isinstance(payload, str) else payload
        quads: list[ox.Quad] = []
        self._object(row, data, quads, self.rename)
        return quads

    def _object(self, node: ox.NamedNode, data: dict, quads: list[ox.Quad],
                rename: dict[str, str] | None = None) -> None:
        for key, value in data.items():
            key = rename.get(key, key) if rename else key
            p = field_iri("at-" + key[1:] if key.startswith("@") else key)
            items = value if isinstance(value, list) else [value]
            for i, item in enumerate(items):
                if item is None:
                    continue
                if isinstance(item, dict):
                    child = ox.NamedNode(f"{node.value}/{slug(key)}/{i}")
                    quads.append(ox.Quad(node, p, child))
                    quads.append(ox.Quad(child, field_iri("_index"),
                                         ox.Literal(str(i), datatype=XSD.integer)))
                    quads.append(ox.Quad(child, field_iri("_key"), ox.Literal(key)))
                    self._object(child, item, quads)
                elif isinstance(item, list):
                    continue  # arrays of arrays do not occur in the APIs we read
                else:
                    quads.append(ox.Quad(node, p, _json_literal(item)))
