"""Term lists out: SKOS in four syntaxes and CSV; every export reads back as the same list."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from erfgoed.config import load_config
from erfgoed.graph.store import open_store
from erfgoed.graph.terms.export import export_list
from erfgoed.graph.terms.importer import import_list
from erfgoed.graph.uris import Minter

from .conftest import FIXTURES

TERMS = FIXTURES / "terms"
BASE = "http://kg.example.org"
MODIFIED = "<http://purl.org/dc/terms/modified>"


def stored(store, list_id: str) -> set[str]:
    """The list as N-Triples lines, without its time of last change."""
    return {f"{q.subject} {q.predicate} {q.object}" for q in store.quads(Minter(BASE).terms_graph(list_id))
            if str(q.predicate) != MODIFIED}


@pytest.fixture
def other_store(tmp_path: Path):
    """A second, empty deployment with the same base URI."""
    folder = tmp_path / "other"
    folder.mkdir()
    (folder / "erfgoed.toml").write_text(f'[site]\nbase_uri = "{BASE}"\ndata_dir = "data"\n'
                                         '[store]\nlocation = "store"\n', "utf-8")
    config = load_config(folder / "erfgoed.toml")
    with open_store(str(config.resolve("store"))) as s:
        yield config, s


@pytest.mark.parametrize("fmt", ["ttl", "rdf", "jsonld", "nt"])
def test_skos_export_imports_back_as_the_same_list(store, config, other_store, tmp_path, fmt):
    import_list(store, config, TERMS / "materialen.ttl", "materialen")
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(export_list(store, Minter(BASE), "materialen", fmt))
    other_config, other = other_store
    result = import_list(other, other_config, path, "materialen")
    assert stored(other, "materialen") == stored(store, "materialen")
    assert result.report.findings == [] and result.concepts == 3


def test_large_lists_export_as_expanded_jsonld_that_imports_back(store, config, other_store, tmp_path,
                                                                 monkeypatch):
    from erfgoed.graph.terms import export

    monkeypatch.setattr(export, "COMPACT_LIMIT", 10)  # as if the list were large
    import_list(store, config, TERMS / "materialen.ttl", "materialen")
    body = export_list(store, Minter(BASE), "materialen", "jsonld")
    assert b"@context" not in body
    (tmp_path / "export.jsonld").write_bytes(body)
    other_config, other = other_store
    import_list(other, other_config, tmp_path / "export.jsonld", "materialen")
    assert stored(other, "materialen") == stored(store, "materialen")


def test_csv_export_imports_back_as_the_same_list(store, config, other_store, tmp_path):
    import_list(store, config, TERMS / "objectnamen-cp1252.csv", "objectnamen", title="Objectnamen")
    path = tmp_path / "objectnamen.csv"
    path.write_bytes(export_list(store, Minter(BASE), "objectnamen", "csv"))
    other_config, other = other_store
    import_list(other, other_config, path, "objectnamen", title="Objectnamen")
    assert stored(other, "objectnamen") == stored(store, "objectnamen")
    # and into the same store, it changes nothing - not even the list's time of last change
    before = {str(q) for q in store.quads(Minter(BASE).terms_graph("objectnamen"))}
    again = import_list(store, config, path, "objectnamen")
    assert (again.new, again.changed, again.unchanged) == (0, 0, 6)
    assert {str(q) for q in store.quads(Minter(BASE).terms_graph("objectnamen"))} == before


def test_the_csv_has_the_columns_the_importer_reads(store, config):
    import_list(store, config, TERMS / "materialen.ttl", "materialen")
    text = export_list(store, Minter(BASE), "materialen", "csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    olie = next(r for r in rows if r["term"] == "olieverf")
    assert olie["uri"] == "https://data.museum.example.be/materiaal/olieverf"
    assert olie["id"] == "V.1" and olie["broader term"] == "V" and olie["language"] == "nl"
    assert olie["alternative terms"] == "olieverven" and olie["term (en)"] == "oil paint"
    assert olie["scope note (en)"] == "Paint with a drying oil as binder."
    assert set(olie["exact match"].split(" | ")) == {"http://vocab.getty.edu/aat/300015050",
                                                     "http://www.wikidata.org/entity/Q296955"}
    assert [r["term"] for r in rows] == ["olieverf", "tempera", "verf"]  # by term


def test_csv_cells_cannot_be_run_as_formulas(store, config, tmp_path):
    src = tmp_path / "lijst.csv"
    src.write_text('term;toelichting\n"=HYPERLINK(""http://evil.example"",""klik"")";-2 graden\n'
                   "@SUM(A1);+32 9 123 45 67\n", "utf-8")
    import_list(store, config, src, "gevaar")
    text = export_list(store, Minter(BASE), "gevaar", "csv").decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text), delimiter=";") for c in row]
    assert "'=HYPERLINK(\"http://evil.example\",\"klik\")" in cells
    assert {"'-2 graden", "'@SUM(A1)", "'+32 9 123 45 67"} <= set(cells)
    assert not any(c[:1] in "=+-@" for c in cells if c)
    # reading the export back restores the values as they were
    back = tmp_path / "terug.csv"
    back.write_text(text, "utf-8")
    before = stored(store, "gevaar")
    result = import_list(store, config, back, "gevaar")
    assert stored(store, "gevaar") == before and result.changed == 0


def test_exporting_an_unknown_list_is_a_plain_error(store):
    from erfgoed.errors import UserError

    with pytest.raises(UserError, match="no term list 'nergens'"):
        export_list(store, Minter(BASE), "nergens", "ttl")
