"""EDM records as RDF/XML in the form the EDM XSD demands.

One record per document; typed node elements at the top (edm:ProvidedCHO, ore:Aggregation, ...),
never rdf:Description; properties in the XSD's sequence order (EdmSchema.property_order);
IRIs as rdf:resource, literals as text with xml:lang. A property the XSD does not allow on a
class is an error naming both, not a silently different document.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from lxml import etree

from erfgoed.graph.edm_schema import CLASSES, NS, EdmSchema

RDF_TYPE = NS["rdf"] + "type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CLASS_IRIS = {NS[c.split(":")[0]] + c.split(":")[1]: c for c in CLASSES}
_NSMAP = {p: NS[p] for p in ("rdf", "dc", "dcterms", "edm", "ore", "skos", "owl", "wgs84_pos", "rdaGr2")}
_XMLNS = "".join(f' xmlns:{p}="{u}"' for p, u in _NSMAP.items())
_PREFIX_OF = {u: p for p, u in NS.items()}
PARSER = etree.XMLParser(no_network=True, resolve_entities=False, remove_blank_text=False)


class EdmWriteError(ValueError):
    pass


class EdmTriple(NamedTuple):
    """One statement of a record as plain strings (cheaper than pyoxigraph terms to sort and group).
    `lang` is None for an IRI object, "" for a literal without language tag, else the tag."""

    s: str
    p: str
    o: str
    lang: str | None


def _clark_of(iri: str) -> str:
    for ns in sorted(NS.values(), key=len, reverse=True):
        if iri.startswith(ns) and "/" not in iri[len(ns) :] and "#" not in iri[len(ns) :]:
            return f"{{{ns}}}{iri[len(ns) :]}"
    raise EdmWriteError(f"{iri} is not in a namespace EDM knows")


class EdmWriter:
    def __init__(self, schema: EdmSchema):
        self.orders = {c: schema.property_order(c) for c in CLASSES}
        self._names: dict[str, str] = {}  # property IRI -> Clark name, filled as met
        self._qnames: dict[str, str] = {}  # Clark name -> prefixed name

    def _name(self, iri: str) -> str:
        name = self._names.get(iri)
        if name is None:
            name = self._names[iri] = _clark_of(iri)
        return name

    def element(self, triples: Iterable[EdmTriple]) -> etree._Element:
        """The rdf:RDF element of one record's triples."""
        return etree.fromstring(self.document(triples), PARSER)

    def document(self, triples: Iterable[EdmTriple]) -> bytes:
        """One record's triples as an RDF/XML document (UTF-8, indented as lxml would).

        Written as text, not through lxml's element API: three times cheaper per record, and the
        export parses it once anyway for the XSD check. Text that XML cannot hold (control
        characters) fails that parse, which the caller reports as an EdmWriteError."""
        types: dict[str, str] = {}
        props: dict[str, list[EdmTriple]] = defaultdict(list)
        for t in triples:
            if t.p == RDF_TYPE:
                cls = _CLASS_IRIS.get(t.o)
                if cls:
                    types[t.s] = cls
                continue
            props[t.s].append(t)
        used: set[str] = set()
        lines = []
        for subject in sorted(types, key=lambda s: (CLASSES.index(types[s]), s)):
            cls = types[subject]
            order = self.orders[cls]
            items = []
            for t in props.get(subject, ()):
                name = self._name(t.p)
                position = order.get(name)
                if position is None:
                    raise EdmWriteError(f"{cls} <{subject}>: the EDM schema allows no {t.p} here")
                items.append((position, name, t.lang is not None, t.o, t.lang))
            if not items:
                lines.append(f'  <{cls} rdf:about="{_attr(subject)}"/>')
                continue
            items.sort(key=lambda i: i[:4])
            lines.append(f'  <{cls} rdf:about="{_attr(subject)}">')
            for _, name, is_literal, value, lang in items:
                qname = self._qnames.get(name) or self._qname(name)
                used.add(qname.partition(":")[0])
                if not is_literal:
                    lines.append(f'    <{qname} rdf:resource="{_attr(value)}"/>')
                elif not value:
                    lines.append(f'    <{qname}{_lang(lang)}/>')
                else:
                    lines.append(f"    <{qname}{_lang(lang)}>{_text(value)}</{qname}>")
            lines.append(f"  </{cls}>")
        extra = "".join(f' xmlns:{p}="{NS[p]}"' for p in sorted(used - _NSMAP.keys()))
        head = f"<?xml version='1.0' encoding='UTF-8'?>\n<rdf:RDF{_XMLNS}{extra}"
        if not lines:
            return (head + "/>\n").encode()
        return (head + ">\n" + "\n".join(lines) + "\n</rdf:RDF>\n").encode()

    def _qname(self, clark_name: str) -> str:
        ns, _, local = clark_name[1:].partition("}")
        qname = self._qnames[clark_name] = f"{_PREFIX_OF[ns]}:{local}"
        return qname


def _attr(text: str) -> str:
    if any(c in text for c in '&<"\n\r\t'):
        text = (text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
                .replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;"))
    return text


def _text(text: str) -> str:
    if "&" in text or "<" in text or ">" in text or "\r" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return text


def _lang(lang: str | None) -> str:
    return f' xml:lang="{_attr(lang)}"' if lang else ""
