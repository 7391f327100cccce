"""IRIs of the vocabularies we write, in one place (prefixes for queries and serialisers too)."""

from __future__ import annotations

import pyoxigraph as ox

PREFIXES: dict[str, str] = {
    "crm": "http://www.cidoc-crm.org/cidoc-crm/",
    "cest": "https://data.vlaanderen.be/ns/cultureel-erfgoed#",
    "adms": "http://www.w3.org/ns/adms#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "edtfo": "https://periodo.github.io/edtf-ontology/edtfo.ttl#",
    "erf": "https://w3id.org/erfgoed-kg/ns#",
    "sh": "http://www.w3.org/ns/shacl#",
    # the term network (term lists, authority records)
    "schema": "http://schema.org/",
    "wgs84": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "void": "http://rdfs.org/ns/void#",
    # curated mappings: SSSOM's RDF terms (graph/terms/alignments.py)
    "sssom": "https://w3id.org/sssom/",
    "semapv": "https://w3id.org/semapv/vocab/",
    "pav": "http://purl.org/pav/",
    # linked-data publication: the LDES out (graph/ldes_out.py), DCAT-AP descriptions (graph/void.py)
    "tree": "https://w3id.org/tree#",
    "ldes": "https://w3id.org/ldes#",
    "as": "https://www.w3.org/ns/activitystreams#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
}


class _NS:
    def __init__(self, base: str):
        self._base = base

    def __getattr__(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self._base + name)

    def __getitem__(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self._base + name)


CRM = _NS(PREFIXES["crm"])
SKOS = _NS(PREFIXES["skos"])
DCTERMS = _NS(PREFIXES["dcterms"])
PROV = _NS(PREFIXES["prov"])
RDF = _NS(PREFIXES["rdf"])
RDFS = _NS(PREFIXES["rdfs"])
XSD = _NS(PREFIXES["xsd"])
ERF = _NS(PREFIXES["erf"])
DCAT = _NS(PREFIXES["dcat"])
SCHEMA = _NS(PREFIXES["schema"])
WGS84 = _NS(PREFIXES["wgs84"])
OWL = _NS(PREFIXES["owl"])
VOID = _NS(PREFIXES["void"])
SSSOM = _NS(PREFIXES["sssom"])
SEMAPV = _NS(PREFIXES["semapv"])
PAV = _NS(PREFIXES["pav"])
TREE = _NS(PREFIXES["tree"])
LDES = _NS(PREFIXES["ldes"])
AS = _NS(PREFIXES["as"])
FOAF = _NS(PREFIXES["foaf"])

EDTF_DATATYPE = ox.NamedNode("http://id.loc.gov/datatypes/edtf/EDTF")
RDF_TYPE = PREFIXES["rdf"] + "type"  # the IRI as text, to compare with a term's .value (RDF.type: the node)


def sparql_prologue(*names: str) -> str:
    """PREFIX lines for the given prefixes (all when none are named)."""
    chosen = names or tuple(PREFIXES)
    return "".join(f"PREFIX {n}: <{PREFIXES[n]}>\n" for n in chosen)
