"""The term-list quality report: each qSKOS-style problem found where it is, and nowhere else."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from erfgoed.graph.terms.importer import import_list
from erfgoed.graph.terms.quality import check
from erfgoed.graph.validation import SHAPES_DIR

from .conftest import FIXTURES

TERMS = FIXTURES / "terms"
EX = "https://thesaurus.example.be/materiaal/"


def triples_of(turtle: str) -> list[ox.Triple]:
    prefix = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n@prefix ex: <http://x/> .\n"
    return [ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse((prefix + turtle).encode(), format=ox.RdfFormat.TURTLE)]


@pytest.fixture
def problems(store, config):
    return import_list(store, config, TERMS / "problemen.ttl", "problemen").report


def found(report, check_id: str) -> set[str]:
    return {f.concept.removeprefix(EX) for f in report.findings if f.check == check_id}


def test_each_problem_is_found_on_its_concept(problems):
    assert found(problems, "broader-cycle") == {"2", "3", "4"}
    assert found(problems, "no-preflabel") == {"5"}
    assert found(problems, "duplicate-label") == {"2", "6"}  # 'brons' and 'Brons'
    assert found(problems, "stray-whitespace") == {"7"}
    assert found(problems, "two-preflabels-one-language") == {"8"}
    assert found(problems, "label-notation-clash") == {"9"}  # its label '1' is ex:1's id
    assert found(problems, "orphan") == {"1"}
    whitespace = {f.value for f in problems.findings if f.check == "stray-whitespace"}
    assert whitespace == {"  hout", "eiken  hout"}
    assert sum(problems.counts().values()) == len(problems.findings) == 11


def test_findings_speak_dutch_and_english_and_name_the_concept(problems):
    dup = next(f for f in problems.findings if f.check == "duplicate-label" and f.concept == EX + "6")
    assert dup.label == "Brons" and dup.severity == "Warning"
    assert "'Brons'" in dup.message_en and "'brons'" in dup.message_en  # names the other concept
    assert "ander begrip" in dup.message_nl
    missing = next(f for f in problems.findings if f.check == "no-preflabel")
    assert missing.severity == "Violation"
    assert missing.message_nl == "Het begrip heeft geen voorkeursterm."
    assert missing.message_en == "The concept has no preferred term."


def test_the_report_has_a_json_form_and_a_short_summary(problems):
    data = problems.to_json()
    assert data["list"] == "problemen" and data["findings"] == 11
    assert data["by_check"]["broader-cycle"] == 3 and data["by_severity"]["Violation"] >= 5
    first = data["items"][0]
    assert first["severity"] == "Violation" and {"check", "message_nl", "message_en", "concept"} <= set(first)
    text = problems.summary(limit=3)
    assert text.splitlines()[0].startswith("3 broader-cycle")
    assert "... and 8 more" in text and len(text.splitlines()) == 5


def test_a_clean_list_has_no_findings(store, config):
    assert import_list(store, config, TERMS / "materialen.ttl", "materialen").report.findings == []


def test_labels_shared_within_a_concept_and_notation_clashes():
    report = check("x", triples_of("""
        ex:a a skos:Concept ; skos:prefLabel "ets"@nl ; skos:altLabel "ets"@nl ; skos:notation "7" .
        ex:b a skos:Concept ; skos:prefLabel "gravure"@nl ; skos:hiddenLabel "gravure"@nl ;
            skos:notation "7" .
        ex:c a skos:Concept ; skos:prefLabel "ets"@en ; skos:notation "8" ."""))
    by_check = {(f.check, f.concept.removeprefix("http://x/")) for f in report.findings}
    assert by_check == {("pref-alt-overlap", "a"), ("pref-hidden-overlap", "b"),
                        ("notation-clash", "a"), ("notation-clash", "b")}
    # 'ets'@nl and 'ets'@en are not one label on two concepts: their languages differ


def test_a_flat_list_has_no_orphans_and_language_less_labels_are_warned():
    report = check("x", triples_of("""
        ex:a a skos:Concept ; skos:prefLabel "ets" ; skos:scopeNote "zuur in koper" .
        ex:b a skos:Concept ; skos:prefLabel "gravure"@nl ."""))
    assert {(f.check, f.severity) for f in report.findings} == {("label-without-language", "Warning"),
                                                                 ("note-without-language", "Info")}


def test_the_shapes_find_what_pyshacl_finds():
    """pyshacl is the reference validator: the Rust validator must report the same focus nodes."""
    from pyshacl import validate
    from rdflib import Graph, Namespace

    data = Graph().parse(TERMS / "problemen.ttl")
    shapes = Graph().parse(SHAPES_DIR / "term-list.ttl")
    _, results, _ = validate(data, shacl_graph=shapes)
    sh = Namespace("http://www.w3.org/ns/shacl#")
    reference = {(str(results.value(r, sh.focusNode)), str(results.value(r, sh.sourceShape)).rsplit("#")[-1])
                 for r in results.subjects(sh.resultSeverity, None)}
    triples = [ox.Triple(q.subject, q.predicate, q.object)
               for q in ox.parse(path=str(TERMS / "problemen.ttl"), format=ox.RdfFormat.TURTLE)]
    shape_ids = {str(s).rsplit("#")[-1] for s in shapes.subjects(sh.path, None)}
    ours = {(f.concept, f.check) for f in check("p", triples).findings if f.check in shape_ids}
    assert ours == reference == {(EX + "5", "no-preflabel"), (EX + "7", "stray-whitespace"),
                                 (EX + "8", "two-preflabels-one-language")}
