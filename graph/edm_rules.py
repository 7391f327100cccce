"""Europeana's Schematron rules for EDM-EXTERNAL, in Python.

The rules are `<sch:pattern>`s in the XSDs' appinfo (RDF.xsd, ORE.xsd, EDM-EXTERNAL-MAIN.xsd,
EDM-COMMON-MAIN.xsd, CONTEXTS.xsd); Metis runs them compiled to XSLT 2.0
(metis-schema src/main/resources/schema_xsds/schematron/schematron.xsl, which also adds the
usage-area, digital-source-type and one-CHO rules). lxml has XSLT 1.0 only, and no maintained
Python Schematron engine runs XPath 2.0 `exists()`/`matches()` and the XSLT functions the
rights rule calls, so each assertion is a function here, named by the compiled pattern's mode:

| id | context | assertion |
|---|---|---|
| M15 | any element | no empty rdf:resource (RDF.xsd ResourceType) |
| M16 | any element | not both rdf:resource and text (RDF.xsd ResourceOrLiteralType) |
| RDF-about | any element | no empty rdf:about (RDF.xsd AboutType; not in the compiled XSLT) |
| M18 | ore:Aggregation | edm:isShownAt or edm:isShownBy with rdf:resource |
| M19 / M23 | ore:Aggregation | edm:dataProvider present / not empty |
| M20 / M22 | ore:Aggregation | edm:provider present / not empty |
| M21 | ore:Aggregation | edm:rights with rdf:resource |
| M24 / M26 | ore:Aggregation/edm:rights, edm:WebResource/edm:rights | an allowed rights URI |
|  |  | (or a cc:License inheriting one) |
| M25 | any element | no empty xml:lang (RDF.xsd LiteralType) |
| M27 | edm:WebResource | no literal dcterms:hasPart |
| M35a-b | edm:ProvidedCHO | one of dc:subject/dc:type/dcterms:temporal/dcterms:spatial, not empty |
| M35c | edm:ProvidedCHO | a non-empty dc:title or dc:description |
| M35d | edm:ProvidedCHO | dc:language when edm:type is TEXT |
| M45 | rdf:RDF | exactly one edm:ProvidedCHO and one ore:Aggregation |
| M46 | edm:WebResource/schema:digitalSourceType | one of three IPTC URIs |
| M47 | edm:WebResource/edm:intendedUsage | a Europeana usageArea URI |
Not implemented: M17 (ore:Proxy; EDM-INTERNAL only: providers deliver no proxies).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lxml import etree

from erfgoed.graph.edm_schema import NS, clark

RDF_RESOURCE, RDF_ABOUT = clark("rdf:resource"), clark("rdf:about")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# EDM-EXTERNAL-MAIN.xsd, xsl:variable license_patterns (CC 1.0-4.0 with ports, PDM/CC0, RS.org)
RIGHTS_PATTERNS = [
    re.compile(p)
    for p in (
        r"^http[:]//creativecommons[.]org/licenses/(by|by-sa|by-nd|by-nc|by-nc-sa|by-nc-nd|by-nd-nc)/1[.]0/((fi|il|nl)/)?$",
        r"^http[:]//creativecommons[.]org/licenses/(by|by-sa|by-nd|by-nc|by-nc-sa|by-nc-nd)/2[.]0/"
        r"((au|at|be|br|ca|cl|hr|uk|fr|de|it|jp|nl|pl|kr|es|tw)/)?$",
        r"^http[:]//creativecommons[.]org/licenses/(by|by-sa|by-nd|by-nc|by-nc-sa|by-nc-nd)/2[.]1/((au|es|jp)/)$",
        r"^http[:]//creativecommons[.]org/licenses/(by|by-sa|by-nd|by-nc|by-nc-sa|by-nc-nd)/2[.]5/((ar|au|br|bg|ca|"
        r"cn|co|hr|dk|hu|in|il|it|mk|my|mt|mx|nl|pe|pl|pt|scotland|si|za|es|se|ch|tw)/)?$",
        r"^http[:]//creativecommons[.]org/licenses/(by|by-sa|by-nd|by-nc|by-nc-sa|by-nc-nd)/3[.]0/((au|at|br|cl|cn|"
        r"cr|hr|cz|ec|eg|ee|fr|de|gr|gt|hk|igo|ie|it|lu|nl|nz|no|ph|pl|pt|pr|ro|rs|sg|za|es|ch|tw|th|ug|us|ve|vn)/)?$",
        r"^http[:]//creativecommons[.]org/licenses/(by|by-sa|by-nd|by-nc|by-nc-sa|by-nc-nd)/4[.]0/$",
        r"^http[:]//creativecommons[.]org/publicdomain/(zero|mark)/1[.]0/$",
        r"^http[:]//rightsstatements[.]org/vocab/(NoC-NC|NoC-OKLR|InC|InC-EDU|InC-OW-EU|CNE)/1[.]0/$",
    )
]
DIGITAL_SOURCE_TYPES = {
    f"https://cv.iptc.org/newscodes/digitalsourcetype/{t}"
    for t in ("digitalCapture", "dataDrivenMedia", "digitalCreation")
}
USAGE_AREAS = {
    f"http://data.europeana.eu/vocabulary/usageArea/{t}"
    for t in (
        "Knowledge",
        "Research",
        "Education",
        "Infotainment",
        "Tourism",
        "Gaming",
        "Exhibition",
        "Creativity",
        "Design",
        "Art",
        "Curation",
        "Maintenance",
        "Restoration",
        "Documentation",
    )
}


@dataclass(frozen=True)
class Finding:
    rule: str
    about: str  # rdf:about of the node, or the element's name
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.about}: {self.message}"


def valid_rights(uri: str | None) -> bool:
    return bool(uri) and any(p.match(uri) for p in RIGHTS_PATTERNS)


_NAMES: dict[str, str] = {}  # Clark tag -> prefixed name; the same few dozen tags recur
_CLARK: dict[str, str] = {}


def _name(el: etree._Element) -> str:
    tag = el.tag
    name = _NAMES.get(tag)
    if name is None:
        qn = etree.QName(el)
        prefix = next((p for p, u in NS.items() if u == qn.namespace), qn.namespace)
        name = _NAMES[tag] = f"{prefix}:{qn.localname}"
    return name


def _text(el: etree._Element) -> str:
    return (el.text or "").strip()


def _filled(el: etree._Element) -> bool:
    return bool(el.get(RDF_RESOURCE)) or bool(_text(el))


def _children(node: etree._Element, qname: str) -> list[etree._Element]:
    tag = _CLARK.get(qname) or _CLARK.setdefault(qname, clark(qname))
    return list(node.iterchildren(tag))


def _any_element(root: etree._Element) -> Iterator[Finding]:
    for el in root.iter(etree.Element):
        attrib = el.attrib
        if not attrib:
            continue  # every rule here is about an attribute
        resource = attrib.get(RDF_RESOURCE)
        if resource is not None:
            if resource == "":
                name = _name(el)
                yield Finding("M15", name, f"Empty rdf:resource attribute is not allowed for {name} element.")
            if _text(el):
                name = _name(el)
                yield Finding("M16", name,
                              f"Element {name} should not have both rdf:resource attribute and text value "
                              "populated.")
        if attrib.get(RDF_ABOUT) == "":
            name = _name(el)
            yield Finding("RDF-about", name, f"Empty rdf:about attribute is not allowed for {name} element.")
        if attrib.get(XML_LANG) == "":
            name = _name(el)
            yield Finding("M25", name, f"Empty xml:lang attribute is not allowed for {name} element.")


def _rights_ok(el: etree._Element, licences: dict[str, etree._Element]) -> bool:
    uri = el.get(RDF_RESOURCE)
    if valid_rights(uri):
        return True
    lic = licences.get(uri or "")  # a cc:License of the record that inherits an allowed URI
    return lic is not None and any(
        valid_rights(i.get(RDF_RESOURCE)) for i in lic.findall("{http://www.w3.org/ns/odrl/2/}inheritFrom")
    )


def _aggregation(agg: etree._Element, licences: dict) -> Iterator[Finding]:
    about = agg.get(RDF_ABOUT, "ore:Aggregation")
    if not any(
        e.get(RDF_RESOURCE) is not None for q in ("edm:isShownAt", "edm:isShownBy") for e in _children(agg, q)
    ):
        yield Finding("M18", about, "An ore:Aggregation must have either edm:isShownAt or edm:isShownBy.")
    for rule_present, rule_filled, q in (("M19", "M23", "edm:dataProvider"), ("M20", "M22", "edm:provider")):
        found = _children(agg, q)
        if not found:
            yield Finding(rule_present, about, f"An ore:Aggregation must have at least one instance of {q}.")
        elif not all(_filled(e) for e in found):
            yield Finding(rule_filled, about, f"An ore:Aggregation must have a non empty {q}.")
    rights = _children(agg, "edm:rights")
    if not any(e.get(RDF_RESOURCE) is not None for e in rights):
        yield Finding("M21", about, "An ore:Aggregation must have at least one instance of edm:rights.")
    for e in rights:
        if not _rights_ok(e, licences):
            yield Finding(
                "M24",
                about,
                f"Not a valid rights statement: {e.get(RDF_RESOURCE)!r} (allowed: "
                "rightsstatements.org and Creative Commons URIs, http://, trailing slash).",
            )


def _cho(cho: etree._Element) -> Iterator[Finding]:
    about = cho.get(RDF_ABOUT, "edm:ProvidedCHO")
    what = [
        e for q in ("dc:subject", "dc:type", "dcterms:temporal", "dcterms:spatial") for e in _children(cho, q)
    ]
    if not what:
        yield Finding(
            "M35a",
            about,
            "A ProvidedCHO must have a dc:subject or dc:type or dcterms:temporal or dcterms:spatial.",
        )
    elif not any(_filled(e) for e in what):
        yield Finding(
            "M35b",
            about,
            "A ProvidedCHO must have at least one of dc:subject, dc:type, "
            "dcterms:temporal or dcterms:spatial that is not empty.",
        )
    if not (
        any(_text(e) for e in _children(cho, "dc:title"))
        or any(_filled(e) for e in _children(cho, "dc:description"))
    ):
        yield Finding(
            "M35c", about, "A ProvidedCHO must have a non empty dc:title or a non empty dc:description."
        )
    if any(_text(e) == "TEXT" for e in _children(cho, "edm:type")) and not _children(cho, "dc:language"):
        yield Finding(
            "M35d",
            about,
            "Within a ProvidedCHO context, dc:language is mandatory when edm:type has the value 'TEXT'.",
        )


def _web_resource(wr: etree._Element, licences: dict) -> Iterator[Finding]:
    about = wr.get(RDF_ABOUT, "edm:WebResource")
    if any(_text(e) for e in _children(wr, "dcterms:hasPart")):
        yield Finding(
            "M27",
            about,
            "dcterms:hasPart should not have a literal value in an edm:WebResource; "
            "use an rdf:resource instead.",
        )
    for e in _children(wr, "edm:rights"):
        if not _rights_ok(e, licences):
            yield Finding("M26", about, f"Not a valid rights statement: {e.get(RDF_RESOURCE)!r}.")
    for e in _children(wr, "schema:digitalSourceType"):
        if e.get(RDF_RESOURCE) not in DIGITAL_SOURCE_TYPES:
            yield Finding(
                "M46",
                about,
                "schema:digitalSourceType must be one of " + ", ".join(sorted(DIGITAL_SOURCE_TYPES)) + ".",
            )
    for e in _children(wr, "edm:intendedUsage"):
        if e.get(RDF_RESOURCE) not in USAGE_AREAS:
            yield Finding(
                "M47",
                about,
                "edm:intendedUsage must be one of the Europeana usageArea URIs "
                "(http://data.europeana.eu/vocabulary/usageArea/...).",
            )


def check(doc: etree._Element | etree._ElementTree) -> list[Finding]:
    """Every Schematron finding of one EDM record (an rdf:RDF document)."""
    root = doc.getroot() if isinstance(doc, etree._ElementTree) else doc
    licences = {e.get(RDF_ABOUT, ""): e for e in _children(root, "cc:License")}
    out = list(_any_element(root))
    chos, aggs = _children(root, "edm:ProvidedCHO"), _children(root, "ore:Aggregation")
    if len(chos) != 1 or len(aggs) != 1:
        out.append(
            Finding(
                "M45",
                "rdf:RDF",
                f"A record must have exactly one edm:ProvidedCHO and one "
                f"ore:Aggregation (has {len(chos)} and {len(aggs)}).",
            )
        )
    checks: list[tuple[list, Callable]] = [
        (aggs, lambda n: _aggregation(n, licences)),
        (chos, _cho),
        (_children(root, "edm:WebResource"), lambda n: _web_resource(n, licences)),
    ]
    for nodes, fn in checks:
        for node in nodes:
            out.extend(fn(node))
    return out
