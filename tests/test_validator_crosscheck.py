"""Our validator (Rust `shacl`, batch-wise) against pyshacl, the reference, on the same records:
the demo museum register, whose rows include every kind of problem the object shapes catch."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from pyshacl import validate

from erfgoed.graph.uris import Minter
from erfgoed.graph.validation import ONTOLOGY_DIR, SHAPES_DIR, Validator
from erfgoed.harvesters.tabular import Table
from erfgoed.mappings.engine import load_mapping

from .conftest import ROOT

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
S = "https://w3id.org/erfgoed-kg/shapes/object#"


@pytest.fixture(scope="module")
def mapped():
    mapping = load_mapping("museum-register")
    register = ROOT / "examples" / "registers" / "museum-aan-de-leie.csv"
    records = [r for r in Table(register, id_column=mapping.id_column) if r.local_id]
    records = list({r.local_id: r for r in records}.values())  # one record per id
    graphs = mapping.map_batch(records, Minter("http://kg.example.org"), "demo", "Museum aan de Leie")
    return records, graphs


def test_same_findings_as_pyshacl(mapped):
    records, graphs = mapped
    ours = {(p.focus, p.shape, p.severity)
            for problems in Validator("object").validate(graphs, [r.local_id for r in records])
            for p in problems}
    data = rdflib.Graph()
    data.parse(data=ox.serialize([q for g in graphs for q in g], format=ox.RdfFormat.N_QUADS).decode(),
               format="nt")
    for ttl in ONTOLOGY_DIR.glob("*.ttl"):
        data.parse(ttl)
    _, report, _ = validate(data, shacl_graph=str(SHAPES_DIR / "object.ttl"), inference="none")
    reference = {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.sourceShape)),
                  str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[1])
                 for r in report.subjects(rdflib.RDF.type, SH.ValidationResult)}
    assert ours == reference
    shapes_hit = {shape for _, shape, _ in ours}
    # not vacuous: the register's deliberate mistakes are all among the findings
    assert {S + "Object-title", S + "Object-image", S + "Dimension-value"} <= shapes_hit


def test_malformed_years_are_caught_though_sh_datatype_lets_them_pass():
    span = ox.NamedNode("http://ex/o#datering")
    crm = "http://www.cidoc-crm.org/cidoc-crm/"
    quads = [ox.Quad(ox.NamedNode("http://ex/p"), ox.NamedNode(crm + "P4_has_time-span"), span),
             ox.Quad(span, ox.NamedNode(crm + "P82a_begin_of_the_begin"),
                     ox.Literal("ca 1900", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")))]
    [problems] = Validator("object").validate([quads], ["x"])
    assert {(p.shape, p.value) for p in problems} >= {(S + "TimeSpan-begin", "ca 1900")}
