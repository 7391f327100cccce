"""The object profile against a real OSLO Cultureel Erfgoed record (MSK Gent's example in the
OSLO repository): genuine OSLO data must not be rejected by shapes said to derive from OSLO."""

import json

import pyoxigraph as ox
import rdflib

from erfgoed.graph.validation import Validator

from .conftest import needs_reference

S = "https://w3id.org/erfgoed-kg/shapes/object#"


def oslo_example_quads() -> list[ox.Quad]:
    folder = needs_reference("oslo/cultureel-erfgoed")
    doc = json.loads((folder / "example-museaal-object-theo-van-rysselberghe.jsonld").read_text("utf-8"))
    context = json.loads((folder / "cultureel-erfgoed-basisregistratie-context.jsonld")
                         .read_text("utf-8"))["@context"]
    # the remote context URL, answered from the local copy: nothing is fetched
    doc["@context"] = [context if isinstance(c, str) else c for c in doc["@context"]]
    graph = rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")
    triples = ox.parse(graph.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES)
    return [ox.Quad(t.subject, t.predicate, t.object) for t in triples]


def test_the_oslo_example_record_is_publishable():
    quads = oslo_example_quads()
    assert len(quads) == 84  # as SOURCES.md says it expands
    [problems] = Validator("object").validate([quads], ["1979-C"])
    assert [p for p in problems if p.severity == "Violation"] == []
    # its dimension uses a term its own context does not define, so none reaches the graph:
    assert {(p.shape, p.severity) for p in problems} >= {(S + "Object-dimension", "Warning")}


def test_an_oslo_person_without_any_name_is_still_caught():
    quads = [q for q in oslo_example_quads()
             if not (q.subject.value == "https://rkd.nl/explore/artists/69144"
                     and "xmlns.com/foaf" in q.predicate.value)]
    [problems] = Validator("object").validate([quads], ["1979-C"])
    assert any(p.shape == S + "Agent" and p.focus == "https://rkd.nl/explore/artists/69144"
               and p.message_en == "The maker has no name." for p in problems)
