"""The W3C SHACL core test suite against the validator we ship (the `shacl` package that
graph/validation.py uses). Compares sh:conforms and every result's focus node, severity,
constraint component, source shape and value; blank nodes compare as blank."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import rdflib
import shacl
from rdflib.namespace import RDF

from .conftest import REFERENCE

SUITE = REFERENCE / "shacl-test-suite" / "tests"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def _entries() -> list[tuple[str, Path, Path, Path, rdflib.Graph, rdflib.term.Node]]:
    if not SUITE.exists():
        return []
    out, todo, seen = [], [SUITE / "core" / "manifest.ttl"], set()
    normalize, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False  # keep lexical forms
    try:
        _walk(todo, seen, out)
    finally:
        rdflib.NORMALIZE_LITERALS = normalize
    return sorted(out, key=lambda e: e[0])


def _walk(todo: list[Path], seen: set[Path], out: list) -> None:
    while todo:
        manifest = todo.pop()
        if manifest in seen:
            continue
        seen.add(manifest)
        g = rdflib.Graph().parse(manifest, publicID=manifest.as_uri())
        todo += [Path(str(i).removeprefix("file://")) for i in g.objects(None, MF.include)]
        for entry in g.subjects(RDF.type, SHT.Validate):
            action = g.value(entry, MF.action)
            data = Path(str(g.value(action, SHT.dataGraph)).removeprefix("file://"))
            shapes = Path(str(g.value(action, SHT.shapesGraph)).removeprefix("file://"))
            name = str(entry).removeprefix((SUITE / "core").as_uri() + "/")
            out.append((name, manifest, data, shapes, g, g.value(entry, MF.result)))


ENTRIES = _entries()


def _nt(term) -> str:
    if term is None:
        return "-"
    return "_:" if isinstance(term, rdflib.BNode) else term.n3()


def _plain(text: str | None) -> str:
    return "-" if text is None else "_:" if text.startswith("_:") else text


def _expected(g: rdflib.Graph, report) -> tuple[bool, Counter]:
    conforms = g.value(report, SH.conforms).toPython()
    results = Counter()
    for r in g.objects(report, SH.result):
        results[(_nt(g.value(r, SH.focusNode)), _nt(g.value(r, SH.resultSeverity)),
                 _nt(g.value(r, SH.sourceConstraintComponent)), _nt(g.value(r, SH.sourceShape)),
                 _nt(g.value(r, SH.value)))] += 1
    return conforms, results


@pytest.mark.skipif(not SUITE.exists(), reason=f"{SUITE} is absent (CI has ../shared/reference)")
@pytest.mark.parametrize("name,manifest,data,shapes,graph,report", ENTRIES or [pytest.param(
    *[None] * 6, marks=pytest.mark.skip(reason="suite absent"))], ids=[e[0] for e in ENTRIES] or ["-"])
def test_w3c_core(name, manifest, data, shapes, graph, report):
    compiled = shacl.Shapes.from_text(shapes.read_text("utf-8"), "turtle", base=shapes.as_uri())
    got = compiled.validate_text(data.read_text("utf-8"), "turtle", base=data.as_uri())
    conforms, expected = _expected(graph, report)
    actual = Counter((_plain(r.focus_node), f"<{r.severity_iri}>", f"<{r.component_iri}>",
                      _plain(r.source_shape), _plain(r.value)) for r in got.results)
    assert got.conforms == conforms
    assert actual == expected


def test_the_suite_is_all_there():
    if not SUITE.exists():
        pytest.skip(f"{SUITE} is absent (CI has ../shared/reference)")
    assert len(ENTRIES) == 98
