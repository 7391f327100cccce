"""`erfgoed ingest FILE` for the file kinds beyond registers: LIDO XML exports, actor registers
(CSV) and actor JSON - mapped, validated and loaded, with bad files refused before anything is
stored and bad records kept aside."""

from __future__ import annotations

from pathlib import Path

import pytest

from erfgoed.config import load_config
from erfgoed.errors import InputError
from erfgoed.graph import meta
from erfgoed.graph.ingest import ingest_file
from erfgoed.graph.store import open_store
from erfgoed.graph.uris import Minter
from erfgoed.mappings.engine import load_mapping
from tests.conftest import FIXTURES, needs_reference
from tests.test_harvest_oai import lido, write_config

BASE = "http://kg.example.org"
WRAP = '<?xml version="1.0" encoding="UTF-8"?>\n<lido:lidoWrap xmlns:lido="http://www.lido-schema.org">{}</lido:lidoWrap>'


def ingest(tmp_path: Path, path: Path, mapping: str, dataset: str = "testmuseum"):
    config = load_config(write_config(tmp_path, "http://127.0.0.1:1/oai"))
    with open_store(str(config.resolve(config["store.location"]))) as store:
        result = ingest_file(store, config, dataset, path, load_mapping(mapping))
        index = meta.record_index(store, Minter(BASE), dataset)
        solutions = store.query("""
            PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
            PREFIX foaf: <http://xmlns.com/foaf/0.1/>
            PREFIX persoon: <https://data.vlaanderen.be/ns/persoon#>
            PREFIX time: <http://www.w3.org/2006/time#>
            SELECT ?a ?type ?family ?given ?full ?org ?match ?born WHERE {
              ?a a ?type FILTER(?type IN (<http://www.w3.org/ns/person#Person>,
                                          <http://www.w3.org/ns/org#Organization>))
              OPTIONAL { ?a foaf:familyName ?family } OPTIONAL { ?a foaf:givenName ?given }
              OPTIONAL { ?a persoon:volledigeNaam ?full } OPTIONAL { ?a skos:prefLabel ?org }
              OPTIONAL { ?a skos:exactMatch ?match }
              OPTIONAL { ?a <https://data.vlaanderen.be/ns/persoon#/Geboortedatum>
                            /(time:inXSDDate|time:inXSDgYear) ?born }
            }""")
        names = [v.value for v in solutions.variables]
        rows = [{k: v.value for k, v in zip(names, r, strict=True) if v is not None} for r in solutions]
        del solutions  # a live result keeps the store (and its lock) open
        count = store.count()
    return result, index, rows, count


def test_lido_export_file_one_record_per_lido_element(tmp_path):
    path = tmp_path / "export.xml"
    path.write_text(WRAP.format("".join(lido(i) for i in range(5))), "utf-8")
    result, index, _, _ = ingest(tmp_path, path, "lido")
    assert result.counts.loaded == 5
    assert sorted(index) == [f"o{i}" for i in range(5)]


def test_real_lido_records_as_one_file(tmp_path):
    folder = needs_reference("oslo/lido/records")
    bodies = []
    for p in sorted(folder.glob("*-LIDO.xml")) + sorted(folder.glob("*_lido.xml")):
        text = p.read_text("utf-8")
        bodies.append(text[text.index("<lido:lido"):] if "<lido:lidoWrap" not in text else
                      text[text.index("<lido:lido "):text.rindex("</lido:lidoWrap>")])
    path = tmp_path / "datahub.xml"
    path.write_text(WRAP.format("".join(bodies)), "utf-8")
    result, index, _, _ = ingest(tmp_path, path, "lido")
    assert not any("LIDO schema" in p.message_en for p in result.problems)  # all XSD-valid
    assert "groeningemuseum-0000_GRO1561_I-LIDO" in index or result.counts.loaded >= 1


@pytest.mark.parametrize("body, says", [
    (WRAP.format(lido(1))[:-40], "not well-formed XML"),
    ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
     '<lido:lidoWrap xmlns:lido="http://www.lido-schema.org">&e;</lido:lidoWrap>', "DOCTYPE"),
    ('<?xml version="1.0"?><dc xmlns="http://purl.org/dc/elements/1.1/"/>', "no <lido:lido> element"),
])
def test_bad_xml_files_change_nothing(tmp_path, body, says):
    good = tmp_path / "good.xml"
    good.write_text(WRAP.format(lido(1) + lido(2)), "utf-8")
    _, _, _, before = ingest(tmp_path, good, "lido")
    bad = tmp_path / "bad.xml"
    bad.write_text(body, "utf-8")
    with pytest.raises(InputError, match=says) as err:
        ingest(tmp_path, bad, "lido")
    assert "bad.xml" in str(err.value)
    config = load_config(tmp_path / "erfgoed.toml")
    with open_store(str(config.resolve(config["store.location"]))) as store:
        assert sorted(meta.record_index(store, Minter(BASE), "testmuseum")) == ["o1", "o2"]
        assert store.count() == before


def test_actor_register_to_oslo_persons_and_organisations(tmp_path):
    result, index, rows, _ = ingest(tmp_path, FIXTURES / "actors" / "actors.csv", "actor-register", "actors")
    by_id = {r["a"].rsplit("/", 1)[1]: r for r in rows}
    born = {(r["a"].rsplit("/", 1)[1], r.get("born")) for r in rows}
    assert by_id["A1"]["family"] == "Rubens" and by_id["A1"]["given"] == "Peter Paul"
    assert by_id["A1"]["full"] == "Peter Paul Rubens"
    assert {("A1", "1577-06-28"), ("A1", "1577"), ("A2", "1460")} <= born
    assert {r["match"] for r in rows if r["a"].endswith("/A1") and "match" in r} == {
        "http://viaf.org/viaf/54343141", "http://www.wikidata.org/entity/Q5599",
        "http://vocab.getty.edu/ulan/500011051"}
    assert by_id["A2"]["full"] == "Meester van Frankfurt"
    assert by_id["A3"]["type"].endswith("#Organization") and by_id["A3"]["org"] == "Museum aan de Leie"
    # A4 has no name at all (required column empty) -> kept aside; A5's VIAF id is malformed -> warned
    assert "A4" not in index and result.counts.quarantined == 1
    assert any(p.record == "A5" and p.severity == "Warning" for p in result.problems)


def test_actor_json_to_oslo(tmp_path):
    result, index, rows, _ = ingest(tmp_path, FIXTURES / "actors" / "actors.json", "actor-json", "actors")
    by_id = {r["a"].rsplit("/", 1)[1]: r for r in rows}
    assert by_id["p-1"]["family"] == "Spilliaert" and by_id["p-1"]["given"] == "Léon"
    assert by_id["p-1"]["match"] == "http://www.wikidata.org/entity/Q1338421"
    assert by_id["o-1"]["org"] == "Kunstmuseum aan Zee"
    assert by_id["p-2"]["family"] == "Permeke"
    assert result.counts.loaded == 3 and result.counts.quarantined == 2  # a string, an object without id
    messages = " ".join(p.message_en for p in result.problems)
    assert "item 4 is not a JSON object" in messages and "item 5 has no 'id'" in messages


def test_json_that_is_not_json_names_the_line(tmp_path):
    bad = tmp_path / "actors.json"
    bad.write_text('[{"id": "a"},\n {"id": "b",]\n', "utf-8")
    with pytest.raises(InputError, match="not valid JSON") as err:
        ingest(tmp_path, bad, "actor-json", "actors")
    assert "line 2" in str(err.value)
