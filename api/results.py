"""SPARQL result formats, written row by row so a result cap and a deadline can apply.

SELECT/ASK: JSON, XML, CSV, TSV (SPARQL 1.1 Query Results formats). Graphs: via pyoxigraph.
"""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from erfgoed.graph.namespaces import PREFIXES

XSD_STRING = PREFIXES["xsd"] + "string"
RDF_LANGSTRING = PREFIXES["rdf"] + "langString"

TABLE_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "turtle": ("text/turtle", ox.RdfFormat.TURTLE),
    "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}
ALIASES = {  # Accept media types and `format=` values -> our names
    "application/sparql-results+json": "json", "application/json": "json", "json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "xml": "xml", "text/csv": "csv", "csv": "csv", "text/tab-separated-values": "tsv",
    "tsv": "tsv", "text/turtle": "turtle", "application/x-turtle": "turtle", "turtle": "turtle",
    "ttl": "turtle", "n3": "turtle", "text/n3": "turtle", "application/n-triples": "ntriples",
    "text/plain": "ntriples", "nt": "ntriples", "ntriples": "ntriples",
    "application/ld+json": "jsonld", "json-ld": "jsonld", "jsonld": "jsonld",
    "application/rdf+xml": "rdfxml", "rdf": "rdfxml", "rdfxml": "rdfxml", "rdf+xml": "rdfxml",
}


def _json_term(t: object) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    d = {"type": "literal", "value": t.value}
    if t.language:
        d["xml:lang"] = t.language
    elif t.datatype.value != XSD_STRING:
        d["datatype"] = t.datatype.value
    return d


def _xml_term(t: object) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    attr = ""
    if t.language:
        attr = f" xml:lang={quoteattr(t.language)}"
    elif t.datatype.value != XSD_STRING:
        attr = f" datatype={quoteattr(t.datatype.value)}"
    return f"<literal{attr}>{escape(t.value)}</literal>"


def _plain(t: object) -> str:
    if t is None:
        return ""
    return f"_:{t.value}" if isinstance(t, ox.BlankNode) else t.value


def write_boolean(value: bool, fmt: str) -> bytes:
    if fmt == "xml":
        return (f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{str(value).lower()}</boolean></sparql>").encode()
    if fmt in ("csv", "tsv"):
        return (("_askResult\n" if fmt == "csv" else "?_askResult\n") + str(value).lower() + "\n").encode()
    return json.dumps({"head": {}, "boolean": value}).encode()


def write_table(variables: list[str], rows: list[list], fmt: str) -> bytes:
    if fmt == "json":
        bindings = [{v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
                    for row in rows]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                          ensure_ascii=False).encode()
    if fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
               "<head>", *[f"<variable name={quoteattr(v)}/>" for v in variables], "</head>",
               "<results>"]
        for row in rows:
            out.append("<result>" + "".join(
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(variables, row, strict=True) if t is not None) + "</result>")
        out.append("</results></sparql>")
        return "\n".join(out).encode()
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(variables)
        w.writerows([_plain(t) for t in row] for row in rows)
        return buf.getvalue().encode()
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def write_graph(triples: list[ox.Triple], fmt: str) -> bytes:
    from erfgoed.graph.namespaces import PREFIXES

    rdf_format = GRAPH_TYPES[fmt][1]
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        return ox.serialize(triples, format=rdf_format, prefixes=PREFIXES)
    return ox.serialize(triples, format=rdf_format)
