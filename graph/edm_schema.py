"""The EDM-EXTERNAL XSD: where it comes from, what order it demands, and the check against it.

The schema location is configuration (`europeana.schema`: Metis' schema zip, or a folder URL
ending in '/'); `resources.local` maps it to a local zip or folder, otherwise the zip is fetched
once into <data_dir>/cache and unpacked there. lxml parses it with `no_network=True`: every
import is a relative file next to EDM.xsd, and any absolute URL is answered by Resources.

`property_order` reads each class's element sequence from the XSD files themselves (types,
extension bases, sequences and choices), so the writer's order is never a hand-made copy.
"""

from __future__ import annotations

import hashlib
import zipfile
from functools import cached_property
from pathlib import Path

from lxml import etree

from erfgoed.errors import UserError
from erfgoed.harvesters.resources import Resources
from erfgoed.harvesters.xmlschema import OfflineResolver

XS = "{http://www.w3.org/2001/XMLSchema}"
NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "edm": "http://www.europeana.eu/schemas/edm/",
    "ore": "http://www.openarchives.org/ore/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "wgs84_pos": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "rdaGr2": "http://rdvocab.info/ElementsGr2/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "cc": "http://creativecommons.org/ns#",
    "odrl": "http://www.w3.org/ns/odrl/2/",
    "ebucore": "http://www.ebu.ch/metadata/ontologies/ebucore/ebucore#",
    "svcs": "http://rdfs.org/sioc/services#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
}
# The classes our records use, in the order their node elements are written (the XSD's rdf:RDF
# is an unbounded choice: any order is valid; this one reads best).
CLASSES = (
    "edm:ProvidedCHO",
    "ore:Aggregation",
    "edm:WebResource",
    "edm:Agent",
    "edm:Place",
    "edm:TimeSpan",
    "skos:Concept",
)


def clark(qname: str) -> str:
    prefix, local = qname.split(":")
    return f"{{{NS[prefix]}}}{local}"


def locate(url: str, resources: Resources) -> Path:
    """EDM.xsd of the configured schema set, on local disk."""
    local = resources.local_path(url)
    if local is not None and local.is_dir():
        folder = local
    elif url.endswith("/"):
        return resources.path(url + "EDM.xsd")
    else:
        archive = local if local is not None else resources.path(url)
        if not archive.is_file():
            raise UserError(f"europeana.schema {url} is mapped to {archive}, which does not exist.")
        folder = _unpack(archive, resources)
    found = sorted(folder.rglob("EDM.xsd"), key=lambda p: len(p.parts))
    if not found:
        raise UserError(f"no EDM.xsd in {folder} (setting europeana.schema = {url}).")
    return found[0]


def _unpack(archive: Path, resources: Resources) -> Path:
    digest = hashlib.sha1(archive.read_bytes()).hexdigest()[:12]
    base = resources.cache_dir or archive.parent
    target = base / "edm-schema" / digest
    if not target.is_dir():
        try:
            with zipfile.ZipFile(archive) as zf:
                tmp = target.with_name(digest + ".part")
                zf.extractall(tmp)
                tmp.replace(target)
        except zipfile.BadZipFile:
            raise UserError(f"{archive} (setting europeana.schema) is not a zip file.") from None
    return target


class EdmSchema:
    """The EDM-EXTERNAL schema: XSD validation and the element order of each class."""

    def __init__(self, path: Path, resources: Resources | None = None):
        self.path, self.resources = path, resources or Resources()
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        parser.resolvers.add(OfflineResolver(self.resources))
        try:
            self.schema = etree.XMLSchema(etree.parse(str(path), parser))
        except (etree.XMLSchemaParseError, etree.XMLSyntaxError, OSError) as exc:
            raise UserError(f"the EDM schema {path} cannot be used: {exc}") from None

    @classmethod
    def from_config(cls, config) -> EdmSchema:
        resources = Resources.from_config(config)
        return cls(locate(config["europeana.schema"], resources), resources)

    def errors(self, doc: etree._Element | etree._ElementTree, limit: int = 10) -> list[str]:
        """XSD errors as plain lines ('line 12: Element dc:type: This element is not expected.')."""
        if self.schema.validate(doc):
            return []
        out = []
        for e in list(self.schema.error_log)[:limit]:
            message = e.message
            for prefix, uri in NS.items():
                message = message.replace("{" + uri + "}", prefix + ":")
            out.append(f"line {e.line}: {message}")
        return out

    # -- the element order, read from the XSD files ------------------------------------------------
    @cached_property
    def _definitions(self) -> tuple[dict, dict]:
        """(complex types, global elements) of every file EDM.xsd reaches, by Clark name."""
        types: dict[str, etree._Element] = {}
        elements: dict[str, etree._Element] = {}
        seen: set[Path] = set()
        todo = [self.path.resolve()]
        while todo:
            path = todo.pop()
            if path in seen or not path.is_file():
                continue
            seen.add(path)
            root = etree.parse(str(path), etree.XMLParser(no_network=True)).getroot()
            tns = root.get("targetNamespace", "")
            for child in root:
                name = child.get("name")
                if child.tag == f"{XS}complexType" and name:
                    types.setdefault(f"{{{tns}}}{name}", child)
                elif child.tag == f"{XS}element" and name:
                    elements.setdefault(f"{{{tns}}}{name}", child)
                elif child.tag in (f"{XS}import", f"{XS}include") and child.get("schemaLocation"):
                    location = child.get("schemaLocation")
                    if "://" not in location:
                        todo.append((path.parent / location).resolve())
        return types, elements

    def _qname(self, node: etree._Element, value: str) -> str:
        prefix, _, local = value.rpartition(":")
        return f"{{{node.nsmap.get(prefix or None, '')}}}{local}"

    def property_order(self, cls: str) -> dict[str, int]:
        """{property Clark name: position} for class `cls` ('edm:ProvidedCHO'); properties of one
        xs:choice share a position (any order among them)."""
        types, elements = self._definitions
        name = clark(cls)
        if name in elements:  # ore:Aggregation, skos:Concept: a global element
            node = elements[name]
            typ = node.find(f"{XS}complexType")
            if typ is None:
                typ = types[self._qname(node, node.get("type"))]
        else:  # edm:ProvidedCHO etc.: a local element of rdf:RDF typed edm:<Name>Type
            typ = types[name + "Type"]
        order: dict[str, int] = {}
        self._walk_type(typ, order, [0])
        return order

    def _walk_type(self, typ: etree._Element, order: dict, counter: list[int]) -> None:
        for ext in typ.iter(f"{XS}extension"):
            base = self._qname(ext, ext.get("base"))
            if base in self._definitions[0]:
                self._walk_type(self._definitions[0][base], order, counter)
            for part in ext:
                self._walk(part, order, counter)
            return
        for part in typ:
            self._walk(part, order, counter)

    def _walk(self, node: etree._Element, order: dict, counter: list[int]) -> None:
        tag = node.tag
        if tag == f"{XS}sequence":
            for part in node:
                self._walk(part, order, counter)
        elif tag == f"{XS}choice":
            start = counter[0]
            for part in node:
                counter[0] = start
                self._walk(part, order, counter)
            counter[0] = start + 1
        elif tag == f"{XS}element":
            ref = node.get("ref")
            if ref:
                key = self._qname(node, ref)
            else:
                tns = node.getroottree().getroot().get("targetNamespace", "")
                key = f"{{{tns}}}{node.get('name')}"
            order.setdefault(key, counter[0])
            counter[0] += 1
