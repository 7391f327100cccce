"""EDM records as RDF/XML in the form the EDM XSD demands.

One record per document; typed node elements at the top (edm:ProvidedCHO, ore:Aggregation, ...),
never rdf:Description; properties in the XSD's sequence order (EdmSchema.property_order);
IRIs as rdf:resource, literals as text with xml:lang. A property the XSD does not allow on a
class is an error naming both, not a silently different document.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox
from lxml import etree

from erfgoed.graph.edm_schema import CLASSES, NS, EdmSchema, clark

RDF_TYPE = NS["rdf"] + "type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CLASS_IRIS = {NS[c.split(":")[0]] + c.split(":")[1]: c for c in CLASSES}
_NSMAP = {p: NS[p] for p in ("rdf", "dc", "dcterms", "edm", "ore", "skos", "owl", "wgs84_pos", "rdaGr2")}


class EdmWriteError(ValueError):
    pass


def _clark_of(iri: str) -> str:
    for ns in sorted(NS.values(), key=len, reverse=True):
        if iri.startswith(ns) and "/" not in iri[len(ns) :] and "#" not in iri[len(ns) :]:
            return f"{{{ns}}}{iri[len(ns) :]}"
    raise EdmWriteError(f"{iri} is not in a namespace EDM knows")


class EdmWriter:
    def __init__(self, schema: EdmSchema):
        self.orders = {c: schema.property_order(c) for c in CLASSES}

    def element(self, triples: Iterable[ox.Triple]) -> etree._Element:
        """The rdf:RDF element of one record's triples."""
        types: dict[str, str] = {}
        props: dict[str, list[tuple[str, ox.NamedNode | ox.Literal]]] = defaultdict(list)
        for t in triples:
            s = t.subject.value
            if t.predicate.value == RDF_TYPE:
                cls = _CLASS_IRIS.get(t.object.value)
                if cls:
                    types[s] = cls
                continue
            props[s].append((t.predicate.value, t.object))
        root = etree.Element(clark("rdf:RDF"), nsmap=_NSMAP)
        for subject in sorted(types, key=lambda s: (CLASSES.index(types[s]), s)):
            cls = types[subject]
            order = self.orders[cls]
            node = etree.SubElement(root, clark(cls), {clark("rdf:about"): subject})
            items = []
            for pred, obj in props.get(subject, ()):
                name = _clark_of(pred)
                if name not in order:
                    raise EdmWriteError(f"{cls} <{subject}>: the EDM schema allows no {pred} here")
                items.append((order[name], name, isinstance(obj, ox.Literal), obj.value, obj))
            for _, name, _is_literal, _value, obj in sorted(items, key=lambda i: i[:4]):
                child = etree.SubElement(node, name)
                if isinstance(obj, ox.Literal):
                    child.text = obj.value
                    if obj.language:
                        child.set(XML_LANG, obj.language)
                else:
                    child.set(clark("rdf:resource"), obj.value)
        return root


def to_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
