"""Curated mappings: a curator's decisions, their history, progress counts, SKOS and SSSOM exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pyoxigraph as ox
import pytest
import rdflib
import yaml

from erfgoed.errors import InputError, UserError
from erfgoed.graph.namespaces import RDF, SKOS
from erfgoed.graph.store import open_store
from erfgoed.graph.terms.alignments import Alignments
from erfgoed.graph.terms.mapping_sets import export_sssom, import_sssom
from erfgoed.graph.terms.sssom import read_sssom
from erfgoed.graph.terms.sssom_slots import MAPPING_SET_SLOTS, MAPPING_SLOTS
from erfgoed.graph.uris import Minter

from .conftest import needs_reference

BASE = "http://kg.example.org"
AAT = "http://vocab.getty.edu/aat/"
WD = "http://www.wikidata.org/entity/"
BRONZE, MARBLE, OIL_PAINT = AAT + "300010957", AAT + "300011443", AAT + "300015050"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def add_term_list(store, minter: Minter, list_id: str, labels: dict[str, str]) -> dict[str, str]:
    """A term list as the RDF contract says (skos:ConceptScheme + concepts in its own graph)."""
    g, scheme = ox.NamedNode(minter.terms_graph(list_id)), ox.NamedNode(minter.term_list(list_id))
    quads = [ox.Quad(scheme, RDF.type, SKOS.ConceptScheme, g),
             ox.Quad(scheme, SKOS.prefLabel, ox.Literal(f"Lijst {list_id}", language="nl"), g)]
    uris = {}
    for local, label in labels.items():
        t = ox.NamedNode(minter.term(list_id, local))
        uris[local] = t.value
        quads += [ox.Quad(t, RDF.type, SKOS.Concept, g),
                  ox.Quad(t, SKOS.prefLabel, ox.Literal(label, language="nl"), g),
                  ox.Quad(t, SKOS.inScheme, scheme, g)]
    store.add(quads)
    return uris


@pytest.fixture
def minter() -> Minter:
    return Minter(BASE)


@pytest.fixture
def terms(store, minter) -> dict[str, str]:
    uris = add_term_list(store, minter, "materialen",
                         {"brons": "brons", "marmer": "marmer", "olieverf": "olieverf", "zeep": "zeep"})
    cache = ox.NamedNode(minter.authority_graph("aat"))
    store.add([ox.Quad(ox.NamedNode(BRONZE), SKOS.prefLabel, ox.Literal("bronze", language="en"), cache),
               ox.Quad(ox.NamedNode(BRONZE), SKOS.prefLabel, ox.Literal("brons", language="nl"), cache),
               ox.Quad(ox.NamedNode(MARBLE), SKOS.prefLabel, ox.Literal("marble", language="en"), cache)])
    return uris


@pytest.fixture
def al(store, minter) -> Alignments:
    return Alignments(store, minter)


def skos_triples(store, minter) -> set[tuple[str, str, str]]:
    return {(q.subject.value, q.predicate.value.removeprefix(SKOS_NS), q.object.value)
            for q in store.quads(minter.alignments_graph) if q.predicate.value.startswith(SKOS_NS)}


# -- decisions -----------------------------------------------------------------------------------
def test_accept_writes_the_skos_triple_and_an_sssom_record(store, minter, terms, al):
    d = al.accept(terms["brons"], BRONZE, "exact", author="an", comment="zelfde materiaal", when=at(0))
    assert skos_triples(store, minter) == {(terms["brons"], "exactMatch", BRONZE)}
    assert d.record.startswith(f"{BASE}/id/mapping/materialen/")
    [cur] = al.current(terms["brons"])
    assert (cur.kind, cur.relation, cur.status) == ("accept", "exact", "current")
    assert cur.authors == (f"{BASE}/id/curator/an",)
    assert (cur.date, cur.comment) == ("2025-03-01", "zelfde materiaal")
    # labels as the curator saw them: the term's, and the authority's Dutch label before English
    assert (cur.subject_label, cur.object_label) == ("brons", "brons")
    # the record speaks SSSOM's RDF (owl:Axiom reification, slot URIs of the SSSOM schema)
    assert store.query(f"""PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX sssom: <https://w3id.org/sssom/>
        PREFIX semapv: <https://w3id.org/semapv/vocab/> PREFIX pav: <http://purl.org/pav/>
        PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        ASK {{ GRAPH <{minter.alignments_graph}> {{ <{d.record}> a owl:Axiom ;
            owl:annotatedSource <{terms['brons']}> ; owl:annotatedProperty <{SKOS_NS}exactMatch> ;
            owl:annotatedTarget <{BRONZE}> ; sssom:mapping_justification semapv:ManualMappingCuration ;
            pav:authoredBy <{BASE}/id/curator/an> ; dcterms:created "2025-03-01"^^xsd:date }} }}""")


def test_a_new_relation_replaces_the_old_one_and_keeps_history(store, minter, terms, al):
    first = al.accept(terms["brons"], BRONZE, "exact", author="an", when=at(0))
    second = al.accept(terms["brons"], BRONZE, "close", author="bo", when=at(5))
    assert skos_triples(store, minter) == {(terms["brons"], "closeMatch", BRONZE)}
    old, new = al.history(terms["brons"])
    assert (old.record, old.status, old.replaced_by) == (first.record, "replaced", second.record)
    assert (new.status, new.replaces) == ("current", (first.record,))
    assert [d.relation for d in al.current(terms["brons"])] == ["close"]


def test_reject_removes_the_mapping_and_remembers_the_candidate(store, minter, terms, al):
    al.accept(terms["marmer"], MARBLE, "exact", author="an", when=at(0))
    al.accept(terms["marmer"], WD + "Q40861", "exact", author="an", when=at(1))
    d = al.reject(terms["marmer"], MARBLE, author="bo", comment="ander gesteente", when=at(2))
    assert skos_triples(store, minter) == {(terms["marmer"], "exactMatch", WD + "Q40861")}
    assert al.rejected(terms["marmer"]) == {MARBLE}
    assert al.rejected_for_list("materialen") == {terms["marmer"]: {MARBLE}}
    assert d.kind == "reject"
    assert store.query(f"""ASK {{ <{d.record}> <https://w3id.org/sssom/predicate_modifier>
                                  <https://w3id.org/sssom/NegatedPredicate> }}""")


def test_no_match_and_a_later_accept_exclude_each_other(store, minter, terms, al):
    nm = al.no_match(terms["zeep"], "aat", author="an", when=at(0))
    assert (nm.kind, nm.object_source) == ("no-match", f"{BASE}/id/authority/aat")
    assert skos_triples(store, minter) == set()
    al.accept(terms["zeep"], AAT + "300014582", "close", author="bo", when=at(1))
    assert [d.kind for d in al.current(terms["zeep"])] == ["accept"]
    # a no-match for one authority leaves mappings to another authority alone
    al.accept(terms["zeep"], WD + "Q34396", "exact", author="bo", when=at(2))
    al.no_match(terms["zeep"], "aat", author="an", when=at(3))
    assert skos_triples(store, minter) == {(terms["zeep"], "exactMatch", WD + "Q34396")}
    assert sorted(d.kind for d in al.current(terms["zeep"])) == ["accept", "no-match"]
    with pytest.raises(UserError, match="unknown authority 'getty'"):
        al.no_match(terms["zeep"], "getty", author="an")


def test_undo_brings_back_what_the_decision_replaced(store, minter, terms, al):
    exact = al.accept(terms["brons"], BRONZE, "exact", author="an", when=at(0))
    close = al.accept(terms["brons"], BRONZE, "close", author="an", when=at(1))
    undone = al.undo(close.record, by="bo", when=at(2))
    assert (undone.status, undone.retracted_by) == ("retracted", f"{BASE}/id/curator/bo")
    assert skos_triples(store, minter) == {(terms["brons"], "exactMatch", BRONZE)}
    statuses = {d.record: d.status for d in al.history(terms["brons"])}
    assert statuses == {exact.record: "current", close.record: "retracted"}
    with pytest.raises(UserError, match="already retracted"):
        al.undo(close.record, by="bo")
    # undoing the only decision leaves the term unmapped, its history intact
    al.undo(exact.record, by="bo", when=at(3))
    assert skos_triples(store, minter) == set()
    assert [d.status for d in al.history(terms["brons"])] == ["retracted", "retracted"]


def test_undo_of_a_reject_or_a_no_match(store, minter, terms, al):
    rej = al.reject(terms["marmer"], MARBLE, author="an", when=at(0))
    al.undo(rej.record, by="an", when=at(1))
    assert al.rejected(terms["marmer"]) == set()          # the candidate may be proposed again
    nm = al.no_match(terms["zeep"], "wikidata", author="an", when=at(2))
    al.undo(nm.record, by="an", when=at(3))
    assert al.current(terms["zeep"]) == []
    with pytest.raises(UserError, match="no mapping record"):
        al.undo(f"{BASE}/id/mapping/materialen/nope", by="an")


def test_bulk_accept_is_one_transaction(store, minter, terms, al, monkeypatch):
    writes = []
    real_replace = store.replace
    monkeypatch.setattr(store, "replace", lambda **kw: (writes.append(kw), real_replace(**kw))[1])
    monkeypatch.setattr(store, "update", lambda *a: pytest.fail("decisions write through replace"))
    pairs = [(terms["brons"], BRONZE), (terms["marmer"], MARBLE, 0.8), (terms["olieverf"], OIL_PAINT)]
    stored = al.bulk_accept(pairs, "exact", author="an", confidence=0.95, when=at(0))
    assert len(writes) == 1
    assert skos_triples(store, minter) == {(t, "exactMatch", o) for t, o, *_ in pairs}
    assert [(d.justification.rsplit("/", 1)[1], d.confidence) for d in stored] == [
        ("LexicalMatching", 0.95), ("LexicalMatching", 0.8), ("LexicalMatching", 0.95)]
    # all or nothing: one bad pair and none of the bulk is stored
    with pytest.raises(UserError, match="not an IRI"):
        al.bulk_accept([(terms["zeep"], AAT + "300014582"), (terms["zeep"], "aat:300014582")], author="an")
    assert al.current(terms["zeep"]) == [] and len(writes) == 1


def test_bad_decisions_are_refused_with_a_plain_message(terms, al):
    with pytest.raises(UserError, match="unknown mapping relation 'same'"):
        al.accept(terms["brons"], BRONZE, "same", author="an")
    with pytest.raises(UserError, match="confidence must be between 0 and 1"):
        al.accept(terms["brons"], BRONZE, author="an", confidence=1.5)
    with pytest.raises(UserError, match="needs the curator"):
        al.accept(terms["brons"], BRONZE, author=" ")
    with pytest.raises(UserError, match="unknown mapping justification 'guess'"):
        al.accept(terms["brons"], BRONZE, author="an", justification="guess")


def test_history_lists_every_decision_in_order(terms, al):
    al.accept(terms["olieverf"], OIL_PAINT, "exact", author="an", when=at(0))
    al.reject(terms["olieverf"], OIL_PAINT, author="bo", when=at(1))
    al.accept(terms["olieverf"], OIL_PAINT, "broad", author="an", reviewer="https://orcid.org/0000-0002-1825-0097",
              when=at(2))
    history = al.history(terms["olieverf"])
    assert [(d.kind, d.relation, d.status) for d in history] == [
        ("accept", "exact", "replaced"), ("reject", "exact", "replaced"), ("accept", "broad", "current")]
    assert history[-1].reviewers == ("https://orcid.org/0000-0002-1825-0097",)
    assert history[0].time < history[1].time < history[2].time


def test_counts_per_authority_for_a_progress_bar(store, minter, terms, al):
    other = add_term_list(store, minter, "technieken", {"gieten": "gieten"})
    al.accept(terms["brons"], BRONZE, "exact", author="an")
    al.accept(terms["brons"], AAT + "300010900", "broad", author="an")     # two targets, one term aligned
    al.accept(terms["marmer"], MARBLE, "exact", author="an")
    al.reject(terms["olieverf"], OIL_PAINT, author="an")
    al.no_match(terms["zeep"], "aat", author="an")
    al.accept(terms["brons"], WD + "Q34095", "exact", author="an")
    al.accept(terms["brons"], other["gieten"], "related", author="an")
    al.accept(other["gieten"], AAT + "300053030", "exact", author="an")      # another list: not counted
    counts = al.counts("materialen")
    aat, wd, viaf = counts["aat"], counts["wikidata"], counts["viaf"]
    assert (aat.terms, aat.aligned, aat.no_match, aat.rejected, aat.open) == (4, 2, 1, 1, 1)
    assert (wd.aligned, wd.open) == (1, 3)
    assert (viaf.aligned, viaf.no_match, viaf.open) == (0, 0, 4)
    assert counts["list:technieken"].aligned == 1


def test_skos_export_holds_the_accepted_mappings_of_the_list(store, minter, terms, al):
    other = add_term_list(store, minter, "technieken", {"gieten": "gieten"})
    al.accept(terms["brons"], BRONZE, "exact", author="an")
    al.accept(terms["marmer"], MARBLE, "close", author="an")
    al.reject(terms["olieverf"], OIL_PAINT, author="an")
    al.accept(other["gieten"], AAT + "300053030", "exact", author="an")
    text = al.skos_turtle("materialen").decode()
    assert "@prefix aat: <http://vocab.getty.edu/aat/>" in text
    g = rdflib.Graph().parse(data=text, format="turtle")
    assert {(str(s), str(p).removeprefix(SKOS_NS), str(o)) for s, p, o in g} == {
        (terms["brons"], "exactMatch", BRONZE), (terms["marmer"], "closeMatch", MARBLE)}


# -- SSSOM ---------------------------------------------------------------------------------------
def curate(terms, al) -> None:
    al.accept(terms["brons"], BRONZE, "exact", author="an", comment='zie "brons"\tnotitie', when=at(0))
    al.accept(terms["brons"], WD + "Q34095", "close", author="https://orcid.org/0000-0002-1825-0097",
              reviewer="bo", confidence=0.9, when=at(1))
    al.reject(terms["marmer"], OIL_PAINT, author="an", when=at(2))
    al.no_match(terms["zeep"], "aat", author="an", when=at(3))
    al.bulk_accept([(terms["marmer"], MARBLE)], author="an", confidence=0.875, when=at(4))


def export_text(al, list_id="materialen") -> str:
    out = io.StringIO()
    export_sssom(al, list_id, out)
    return out.getvalue()


def split(text: str) -> tuple[dict, list[dict[str, str]]]:
    meta = "\n".join(line[1:] for line in text.splitlines() if line.startswith("#"))
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return yaml.safe_load(meta), list(csv.DictReader(io.StringIO(body), delimiter="\t"))


def test_sssom_export_has_the_metadata_block_and_one_row_per_decision(terms, al):
    curate(terms, al)
    text = export_text(al)
    assert text.startswith("#sssom_version: \"1.1\"\n#curie_map:\n")
    meta, rows = split(text)
    assert meta["mapping_set_id"] == f"{BASE}/id/mapping/materialen"
    assert meta["license"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert meta["mapping_set_title"] == "Lijst materialen"
    assert meta["curie_map"] == {"aat": AAT, "kg": f"{BASE}/id/", "orcid": "https://orcid.org/", "wd": WD}
    assert meta["mapping_date"] == date(2025, 3, 1)          # the same on every row: condensed
    by_object = {r["object_id"]: r for r in rows}
    assert set(by_object) == {"aat:300010957", "wd:Q34095", "aat:300015050", "sssom:NoTermFound",
                              "aat:300011443"}
    close = by_object["wd:Q34095"]
    assert (close["subject_id"], close["subject_label"], close["predicate_id"]) == (
        "kg:term/materialen/brons", "brons", "skos:closeMatch")
    assert (close["author_id"], close["reviewer_id"], close["confidence"]) == (
        "orcid:0000-0002-1825-0097", "kg:curator/bo", "0.9")
    assert by_object["aat:300015050"]["predicate_modifier"] == "Not"
    assert by_object["sssom:NoTermFound"]["object_source"] == "kg:authority/aat"
    assert by_object["aat:300011443"]["mapping_justification"] == "semapv:LexicalMatching"
    assert by_object["aat:300010957"]["comment"] == 'zie "brons"\tnotitie'   # quoted, read back whole
    assert list(rows[0]) == [c for c in MAPPING_SLOTS if c in rows[0]]       # canonical column order


def schema_problems(text: str, schema: dict) -> list[str]:
    """Check an SSSOM/TSV text against the SSSOM JSON Schema: slot names, required slots, enums,
    justification values, number ranges, date formats."""
    defs, problems = schema["$defs"], []
    meta, rows = split(text)
    set_props, map_props = defs["MappingSet"]["properties"], defs["Mapping"]["properties"]
    problems += [f"unknown set slot {k}" for k in meta if k not in set_props]
    problems += [f"set lacks {k}" for k in defs["MappingSet"]["required"] if not meta.get(k)]
    if meta.get("sssom_version") not in defs["SssomVersionEnum"]["enum"]:
        problems.append(f"sssom_version {meta.get('sssom_version')}")
    justifications = {c["const"] for c in map_props["mapping_justification"]["anyOf"]}
    for n, row in enumerate(rows, 1):
        values = {k: v for k, v in row.items() if v}
        problems += [f"row {n}: unknown column {k}" for k in row if k not in map_props]
        problems += [f"row {n}: lacks {k}" for k in (*defs["Mapping"]["required"], "subject_id", "object_id")
                     if k not in values]
        if values.get("mapping_justification") not in justifications:
            problems.append(f"row {n}: justification {values.get('mapping_justification')}")
        if "predicate_modifier" in values and values["predicate_modifier"] not in defs[
                "PredicateModifierEnum"]["enum"]:
            problems.append(f"row {n}: predicate_modifier {values['predicate_modifier']}")
        for k, v in values.items():
            spec = map_props.get(k, {})
            if "number" in spec.get("type", []) and not spec["minimum"] <= float(v) <= spec["maximum"]:
                problems.append(f"row {n}: {k} {v} out of range")
            if spec.get("format") == "date":
                date.fromisoformat(v)
    return problems


def test_sssom_export_conforms_to_the_sssom_schema(terms, al):
    folder = needs_reference("reconciliation/sssom/project/jsonschema")
    schema = json.loads((folder / "sssom_schema.schema.json").read_text("utf-8"))
    # our slot tables are the schema's
    assert set(MAPPING_SLOTS) == set(schema["$defs"]["Mapping"]["properties"])
    assert set(MAPPING_SET_SLOTS) | {"mappings"} == set(schema["$defs"]["MappingSet"]["properties"])
    curate(terms, al)
    text = export_text(al)
    assert schema_problems(text, schema) == []
    # and the checker does catch a broken file
    broken = text.replace("semapv:LexicalMatching", "semapv:Guessing").replace("\tNot\t", "\tNope\t")
    assert len(schema_problems(broken, schema)) == 2


def test_sssom_round_trip_through_an_empty_store(tmp_path, store, minter, terms, al):
    curate(terms, al)
    al.undo(al.current(terms["zeep"])[0].record, by="an", when=at(9))      # retracted: not exported
    first = export_text(al)
    path = tmp_path / "materialen.sssom.tsv"
    path.write_text(first, "utf-8")
    with open_store(str(tmp_path / "other-store")) as empty:
        other = Alignments(empty, minter)
        result = import_sssom(other, path)
        assert (len(result.stored), result.rows, result.ignored) == (4, 4, [])
        # the same file, but for the list's title: the empty store does not hold the list itself
        assert export_text(other) == first.replace("#mapping_set_title: Lijst materialen\n", "")
        assert other.skos_turtle("materialen") == al.skos_turtle("materialen")
        assert other.rejected(terms["marmer"]) == {OIL_PAINT}
        assert import_sssom(other, path).stored == []                      # twice: nothing new

        def summary(a: Alignments) -> list[tuple]:
            return sorted((d.record, d.kind, d.relation, d.object, d.authors, d.reviewers, d.confidence,
                           d.comment) for d in a.current_for_list("materialen"))
        assert summary(other) == summary(al) and len(summary(al)) == 4


def test_an_imported_row_replaces_the_current_decision(tmp_path, store, minter, terms, al):
    al.accept(terms["brons"], BRONZE, "exact", author="an", when=at(0))
    path = tmp_path / "review.sssom.tsv"
    path.write_text("#curie_map:\n#  aat: http://vocab.getty.edu/aat/\n#  kg: http://kg.example.org/id/\n"
                    "#mapping_set_id: https://example.org/review\n#license: https://example.org/licence\n"
                    "subject_id\tpredicate_id\tpredicate_modifier\tobject_id\tmapping_justification\tauthor_id\n"
                    "kg:term/materialen/brons\tskos:exactMatch\tNot\taat:300010957\tsemapv:MappingReview\t"
                    "kg:curator/bo\n", "utf-8")
    import_sssom(al, path)
    assert skos_triples(store, minter) == set()
    assert [(d.kind, d.status) for d in al.history(terms["brons"])] == [("accept", "replaced"),
                                                                       ("reject", "current")]


def test_the_sssom_reference_examples_parse(tmp_path, minter):
    folder = needs_reference("reconciliation/sssom/examples/schema")
    files = sorted(folder.glob("*.sssom.tsv"))
    assert files
    for path in files:
        ms = read_sssom(path)
        data_lines = [ln for ln in path.read_text("utf-8").splitlines()
                      if ln.strip() and not ln.startswith("#")]
        assert len(ms.mappings) == len(data_lines) - 1, path.name
        assert ms.metadata["mapping_set_id"] and ms.metadata["license"], path.name
        assert ms.ignored == [], path.name
    nt = read_sssom(folder / "no_term_found.sssom.tsv")
    assert nt.mappings[1]["object_id"] == "sssom:NoTermFound"
    assert nt.expand("HP:0000411") == "http://purl.obolibrary.org/obo/HP_0000411"
    assert read_sssom(folder / "reviewer_agreement.sssom.tsv").mappings[2]["reviewer_agreement"] == "-0.99"
    # the SKOS ones load as decisions; the store then exports them again
    with open_store(str(tmp_path / "store")) as store:
        al = Alignments(store, minter)
        result = import_sssom(al, folder / "reviewer_agreement.sssom.tsv")
        assert len(result.stored) == 3
        [d] = al.current("http://purl.obolibrary.org/obo/CHEBI_10001")
        assert (d.object, d.object_label) == ("http://id.nlm.nih.gov/mesh/C067604", "visnadin")
        assert import_sssom(al, folder / "no_term_found.sssom.tsv").rows == 2


HEADER = ("#curie_map:\n#  aat: http://vocab.getty.edu/aat/\n#  kg: http://kg.example.org/id/\n"
          "#mapping_set_id: https://example.org/set\n#license: https://example.org/licence\n")
ROW = "kg:term/materialen/brons\tskos:exactMatch\taat:300010957\tsemapv:ManualMappingCuration"
COLUMNS = "subject_id\tpredicate_id\tobject_id\tmapping_justification"


@pytest.mark.parametrize("text, line, column, message", [
    (HEADER + COLUMNS + "\n" + ROW.replace("aat:", "getty:") + "\n", 7, "object_id", "no declared prefix"),
    (HEADER + COLUMNS + "\n" + ROW + "\n" + ROW.replace("Manual", "Magic") + "\n", 8,
     "mapping_justification", "not a SEMAPV mapping justification"),
    (HEADER + COLUMNS + "\tconfidence\n" + ROW + "\t1.5\n", 7, "confidence", "between 0.0 and 1.0"),
    (HEADER + COLUMNS + "\tmapping_date\n" + ROW + "\t01/03/2025\n", 7, "mapping_date", "not a date"),
    (HEADER + COLUMNS + "\n" + ROW.replace("aat:300010957", "http://vocab.getty.edu/aat/300010957") + "\n",
     7, "object_id", "CURIEs"),
    (HEADER + COLUMNS + "\n" + ROW + "\textra\n", 7, None, "5 cells where the header has 4 columns"),
    (HEADER + COLUMNS + "\n" + ROW.replace("skos:exactMatch", "owl:sameAs") + "\n", 7, "predicate_id",
     "not a SKOS mapping relation"),
    (HEADER + COLUMNS + "\tpredicate_modifier\n" + ROW + "\tNiet\n", 7, "predicate_modifier", "one of: Not"),
    (HEADER.replace("#license: https://example.org/licence\n", "") + COLUMNS + "\n" + ROW + "\n", None,
     "license", "no license"),
    (HEADER + COLUMNS + "\tobject_id\n" + ROW + "\taat:1\n", 6, "object_id", "twice"),
    (HEADER + "#creator_id: [unclosed\n" + COLUMNS + "\n" + ROW + "\n", 6, None, "not valid YAML"),
])
def test_bad_sssom_input_names_the_line_and_column(tmp_path, al, text, line, column, message):
    path = tmp_path / "bad.sssom.tsv"
    path.write_text(text, "utf-8")
    with pytest.raises(InputError) as err:
        import_sssom(al, path)
    assert (err.value.line, err.value.column) == (line, column)
    assert message in str(err.value) and "bad.sssom.tsv" in str(err.value)
