"""Term lists in: spreadsheets and SKOS files become SKOS lists whose concept URIs never move."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from erfgoed.api.cli import main
from erfgoed.config import load_config
from erfgoed.errors import InputError, UserError
from erfgoed.graph.store import open_store
from erfgoed.graph.terms.importer import import_list
from erfgoed.graph.uris import Minter

from .conftest import FIXTURES, needs_reference

TERMS = FIXTURES / "terms"
BASE = "http://kg.example.org"
SKOS = "http://www.w3.org/2004/02/skos/core#"
TERM = f"{BASE}/id/term/objectnamen/"
SCHEME = f"{BASE}/id/termlist/objectnamen"


def objects(store, list_id: str, subject: str, predicate: str) -> set:
    """Values of one property of one concept in the list's graph (literals as (text, lang))."""
    out = set()
    for q in store.quads(Minter(BASE).terms_graph(list_id)):
        if q.subject.value == subject and q.predicate.value == predicate:
            o = q.object
            out.add((o.value, o.language) if isinstance(o, ox.Literal) and o.language else o.value)
    return out


def concepts(store, list_id: str) -> set[str]:
    return {q.subject.value for q in store.quads(Minter(BASE).terms_graph(list_id))
            if q.predicate.value.endswith("#type") and q.object.value == SKOS + "Concept"}


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return path


# -- spreadsheets --------------------------------------------------------------------------------
def test_a_cp1252_csv_with_semicolons_becomes_a_skos_list(store, config):
    result = import_list(store, config, TERMS / "objectnamen-cp1252.csv", "objectnamen")
    assert result.summary() == ("list objectnamen: 6 concepts (6 new, 0 changed, 0 unchanged), "
                                "4 quality findings")
    assert concepts(store, "objectnamen") == {TERM + i for i in ("M1", "M2", "M3", "S1", "S2", "S3")}
    # Windows-1252 accents survive; the row's language column ('fr', 'Nederlands') tags the labels
    assert objects(store, "objectnamen", TERM + "S3", SKOS + "prefLabel") == {("crème brûlée", "fr")}
    assert objects(store, "objectnamen", TERM + "S2", SKOS + "prefLabel") == {("piano", "nl")}
    # several values in one cell; a quoted ';' inside a scope note is not a separator
    assert objects(store, "objectnamen", TERM + "M2", SKOS + "altLabel") == {("zetel", "nl"),
                                                                             ("stoeltje", "nl")}
    assert objects(store, "objectnamen", TERM + "M2", SKOS + "scopeNote") == {
        ("Zitmeubel voor één persoon; met rugleuning.", "nl")}
    # broader by local id (M2 -> M1) and by label (M3 -> 'meubelen')
    assert objects(store, "objectnamen", TERM + "M2", SKOS + "broader") == {TERM + "M1"}
    assert objects(store, "objectnamen", TERM + "M3", SKOS + "broader") == {TERM + "M1"}
    assert objects(store, "objectnamen", TERM + "M1", SKOS + "notation") == {"M1"}
    assert objects(store, "objectnamen", TERM + "M1", SKOS + "inScheme") == {SCHEME}
    # the scheme, as the matcher and the API read it
    assert objects(store, "objectnamen", SCHEME, SKOS + "hasTopConcept") == {TERM + i for i in
                                                                         ("M1", "S1", "S2", "S3")}
    assert objects(store, "objectnamen", SCHEME, "http://rdfs.org/ns/void#entities") == {"6"}
    assert objects(store, "objectnamen", SCHEME, "http://purl.org/dc/terms/identifier") == {"objectnamen"}
    assert len(objects(store, "objectnamen", SCHEME, "http://purl.org/dc/terms/modified")) == 1
    unknown = [f for f in result.report.findings if f.check == "unknown-column"]
    assert [f.value for f in unknown] == ["Opmerking intern"]


def test_external_ids_become_exact_matches_in_the_lists_graph(store, config):
    import_list(store, config, TERMS / "objectnamen-cp1252.csv", "objectnamen")
    match = SKOS + "exactMatch"
    assert objects(store, "objectnamen", TERM + "M1", match) == {
        "http://vocab.getty.edu/aat/300037680", "http://www.wikidata.org/entity/Q14745"}
    # 'aat:300037772' and a Wikidata page link
    assert objects(store, "objectnamen", TERM + "M2", match) == {
        "http://vocab.getty.edu/aat/300037772", "http://www.wikidata.org/entity/Q15026"}
    # a Getty *page* address becomes the entity URI
    assert "http://vocab.getty.edu/aat/300033618" in objects(store, "objectnamen", TERM + "S1", match)
    assert objects(store, "objectnamen", TERM + "M3", match) == set()


def test_reimport_with_changed_labels_keeps_every_uri(store, config, tmp_path):
    import_list(store, config, TERMS / "objectnamen-cp1252.csv", "objectnamen")
    before = concepts(store, "objectnamen")
    lines = (TERMS / "objectnamen-cp1252.csv").read_bytes().decode("cp1252").splitlines()
    changed = [lines[0], lines[4], lines[3].replace(";kast;", ";wandkast;"), *lines[5:], lines[1],
               lines[2].replace(";stoel;", ";zitmeubel;")]  # rows reordered too
    path = write_csv(tmp_path / "objectnamen.csv", "\n".join(changed) + "\n", "cp1252")
    result = import_list(store, config, path, "objectnamen")
    assert concepts(store, "objectnamen") == before
    assert objects(store, "objectnamen", TERM + "M2", SKOS + "prefLabel") == {("zitmeubel", "nl")}
    assert objects(store, "objectnamen", TERM + "M3", SKOS + "prefLabel") == {("wandkast", "nl")}
    assert (result.new, result.changed, result.unchanged, result.removed) == (0, 2, 4, 0)


def test_reimport_without_ids_finds_concepts_by_their_stored_label(store, config, tmp_path):
    first = write_csv(tmp_path / "a.csv", "term;alternatieve termen\nstoel;\nkast;kasten\ntafel;\n")
    import_list(store, config, first, "meubels")
    t = f"{BASE}/id/term/meubels/"
    assert concepts(store, "meubels") == {t + "stoel", t + "kast", t + "tafel"}
    # 'Stoel ' differs only in case and spacing; 'kast' was renamed and kept as an alternative
    # term; 'tafel' is gone; 'bank' is new
    second = write_csv(tmp_path / "b.csv", "term;alternatieve termen\nbank;\nwandkast;kast\nStoel;zetel\n")
    result = import_list(store, config, second, "meubels")
    assert concepts(store, "meubels") == {t + "stoel", t + "kast", t + "bank"}
    assert objects(store, "meubels", t + "kast", SKOS + "prefLabel") == {("wandkast", "nl")}
    assert objects(store, "meubels", t + "stoel", SKOS + "prefLabel") == {("Stoel", "nl")}
    assert (result.new, result.changed, result.unchanged, result.removed) == (1, 2, 0, 1)


def test_a_new_term_never_takes_the_uri_of_another_concept(store, config, tmp_path):
    """Without ids, a new row whose label slugs like a stored concept gets a URI of its own."""
    import_list(store, config, write_csv(tmp_path / "a.csv", "term\nKast\nstoel\n"), "m")
    t = f"{BASE}/id/term/m/"
    # 'kast!' slugs to 'kast' too, but is another label: the stored /kast is renamed 'Kast'
    import_list(store, config, write_csv(tmp_path / "b.csv", "term\nkast!\nKast\nstoel\n"), "m")
    assert objects(store, "m", t + "kast", SKOS + "prefLabel") == {("Kast", "nl")}
    assert objects(store, "m", t + "kast-2", SKOS + "prefLabel") == {("kast!", "nl")}


def test_an_xlsx_of_persons_with_english_columns(store, config, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Local ID", "Name", "Alternative terms", "Birth date", "Death date", "VIAF", "Wikidata ID",
               "Scope note (en)", "Language"])
    ws.append([12, "Rubens, Peter Paul", "Rubens, Pieter Paul; P.P. Rubens", "1577-06-28", "1640", 66819947,
               "Q5599", "Flemish painter", "nl"])
    ws.append([13, "Brueghel, Pieter (I)", None, 1525, 1569, None, "https://www.wikidata.org/wiki/Q43270",
               None, None])
    path = tmp_path / "personen.xlsx"
    wb.save(path)
    result = import_list(store, config, path, "personen", kind="person", lang="nl")
    rubens = f"{BASE}/id/term/personen/12"  # numeric cells read as '12', not '12.0'
    assert concepts(store, "personen") == {rubens, f"{BASE}/id/term/personen/13"}
    assert "http://schema.org/Person" in objects(store, "personen", rubens, "http://www.w3.org/1999/02/"
                                                  "22-rdf-syntax-ns#type")
    assert objects(store, "personen", rubens, SKOS + "altLabel") == {("Rubens, Pieter Paul", "nl"),
                                                                     ("P.P. Rubens", "nl")}
    assert objects(store, "personen", rubens, SKOS + "scopeNote") == {("Flemish painter", "en")}
    assert objects(store, "personen", rubens, "http://schema.org/birthDate") == {"1577-06-28"}
    assert objects(store, "personen", rubens, SKOS + "exactMatch") == {
        "http://viaf.org/viaf/66819947", "http://www.wikidata.org/entity/Q5599"}
    assert result.concepts == 2


def test_a_missing_term_column_names_the_columns_found(store, config, tmp_path):
    path = write_csv(tmp_path / "lijst.csv", "Titel;Nummer\nstoel;1\n")
    with pytest.raises(InputError) as err:
        import_list(store, config, path, "x")
    message = str(err.value)
    assert "'Titel', 'Nummer'" in message and "'term'" in message and "lijst.csv" in message


def test_two_columns_for_the_term_are_refused(store, config, tmp_path):
    path = write_csv(tmp_path / "lijst.csv", "term;voorkeursterm\nstoel;zetel\n")
    with pytest.raises(InputError, match="'term' and 'voorkeursterm'"):
        import_list(store, config, path, "x")


def test_bad_rows_are_reported_by_line_and_the_rest_is_imported(store, config, tmp_path):
    path = write_csv(tmp_path / "lijst.csv", (
        "id;term;bredere term;aat;taal\n"
        "1;stoel;meubel;300037772;nl\n"      # broader not in the list
        "1;zetel;;;nl\n"                     # the same id again
        "2;;;;nl\n"                          # no term
        "3;kast;;Q123;Nederlands\n"          # a Wikidata id in the AAT column
        "4;bank;;;Klingon\n"))               # not a language
    result = import_list(store, config, path, "x")
    found = {(f.check, f.line, f.value) for f in result.report.findings if f.line}
    assert found == {("broader-not-found", 2, "meubel"), ("duplicate-id", 3, "1"),
                     ("row-without-term", 4, None), ("bad-external-id", 5, "Q123"),
                     ("bad-language", 6, "Klingon")}
    assert result.concepts == 3
    assert objects(store, "x", f"{BASE}/id/term/x/4", SKOS + "prefLabel") == {("bank", "nl")}


def test_unknown_file_types_and_missing_files_are_plain_errors(store, config, tmp_path):
    (tmp_path / "lijst.pdf").write_bytes(b"%PDF")
    with pytest.raises(InputError, match="unknown file type '.pdf'"):
        import_list(store, config, tmp_path / "lijst.pdf", "x")
    with pytest.raises(InputError, match="file not found"):
        import_list(store, config, tmp_path / "nergens.csv", "x")
    with pytest.raises(UserError, match="list id 'Mijn Lijst'"):
        import_list(store, config, TERMS / "materialen.ttl", "Mijn Lijst")


def test_a_failed_import_leaves_the_old_list_intact(store, config, tmp_path):
    import_list(store, config, TERMS / "materialen.ttl", "materialen")
    graph = Minter(BASE).terms_graph("materialen")
    before = set(map(str, store.quads(graph)))
    broken = tmp_path / "materialen.ttl"
    broken.write_text('@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n'
                      '<http://x/1> a skos:Concept ; skos:prefLabel "kapot"@nl\n', "utf-8")
    with pytest.raises(InputError, match="not valid Turtle.*line 3"):
        import_list(store, config, broken, "materialen")
    assert set(map(str, store.quads(graph))) == before


# -- SKOS files ----------------------------------------------------------------------------------
def test_skos_concepts_keep_their_own_uris(store, config):
    result = import_list(store, config, TERMS / "materialen.ttl", "materialen")
    mat = "https://data.museum.example.be/materiaal/"
    assert concepts(store, "materialen") == {mat + "verf", mat + "olieverf", mat + "tempera"}
    assert objects(store, "materialen", mat + "olieverf", SKOS + "inScheme") == {
        mat + "lijst", f"{BASE}/id/termlist/materialen"}
    # narrower became broader; no narrower is stored
    assert objects(store, "materialen", mat + "olieverf", SKOS + "broader") == {mat + "verf"}
    assert objects(store, "materialen", mat + "verf", SKOS + "narrower") == set()
    # owl:sameAs to a Wikidata page is also an exactMatch to the entity
    assert objects(store, "materialen", mat + "olieverf", SKOS + "exactMatch") == {
        "http://vocab.getty.edu/aat/300015050", "http://www.wikidata.org/entity/Q296955"}
    assert objects(store, "materialen", mat + "olieverf", SKOS + "scopeNote") == {
        ("Verf met een drogende olie als bindmiddel.", "nl"), ("Paint with a drying oil as binder.", "en")}
    assert objects(store, "materialen", f"{BASE}/id/termlist/materialen",
                   "http://purl.org/dc/terms/title") == {("Materialen", "nl")}
    assert result.report.findings == []


def test_blank_node_concepts_get_uris_that_survive_a_reimport(store, config, tmp_path):
    path = tmp_path / "lijst.ttl"
    path.write_text('@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n'
                    '[] a skos:Concept ; skos:notation "A1" ; skos:prefLabel "ets"@nl ; skos:broader _:b .\n'
                    '_:b a skos:Concept ; skos:prefLabel "prent"@nl .\n', "utf-8")
    import_list(store, config, path, "technieken")
    t = f"{BASE}/id/term/technieken/"
    assert concepts(store, "technieken") == {t + "A1", t + "prent"}
    assert objects(store, "technieken", t + "A1", SKOS + "broader") == {t + "prent"}
    renamed = path.read_text("utf-8").replace('"ets"', '"etsen"').replace('"prent"', '"Prent"')
    path.write_text(renamed, "utf-8")
    result = import_list(store, config, path, "technieken")
    assert concepts(store, "technieken") == {t + "A1", t + "prent"}
    assert (result.new, result.changed) == (0, 2)


def test_jsonld_with_a_remote_context_is_never_fetched(store, config, tmp_path):
    doc = {"@context": "https://contexts.example.org/skos.jsonld",
           "@id": "https://data.example.be/term/1", "@type": "Concept", "prefLabel": {"@value": "ets",
                                                                                     "@language": "nl"}}
    path = tmp_path / "lijst.jsonld"
    path.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(UserError, match="https://contexts.example.org/skos.jsonld.*resources.local"):
        import_list(store, config, path, "technieken")
    # mapped to a local copy, the same file imports
    context = tmp_path / "skos-context.jsonld"
    context.write_text(json.dumps({"@context": {"@vocab": SKOS, "prefLabel": SKOS + "prefLabel"}}), "utf-8")
    config.values["resources.local"] = {"https://contexts.example.org/skos.jsonld": str(context)}
    import_list(store, config, path, "technieken")
    label = objects(store, "technieken", "https://data.example.be/term/1", SKOS + "prefLabel")
    assert label == {("ets", "nl")}


def test_a_file_without_concepts_says_so(store, config, tmp_path):
    path = tmp_path / "leeg.ttl"
    path.write_text('<http://x/a> <http://x/p> "b" .\n', "utf-8")
    with pytest.raises(InputError, match="no concepts found"):
        import_list(store, config, path, "x")


def test_a_real_published_thesaurus_ghent_ldes_jsonld(store, config):
    """Stad Gent's Adlib thesaurus as its LDES serves it: versioned members, remote contexts."""
    folder = needs_reference("oslo/ldes/gent-adlib2eventstream")
    contexts = needs_reference("oslo/contexts-gent")
    config.values["resources.local"] = {
        "https://apidg.gent.be/opendata/adlib2eventstream/v1/context/": str(contexts) + "/"}
    result = import_list(store, config, folder / "adlib-thesaurus-page0.jsonld", "gent-thesaurus")
    piano = "https://stad.gent/id/concept/470000003"
    found = concepts(store, "gent-thesaurus")
    assert piano in found and result.concepts == len(found) >= 5
    assert not any(re.search(r"/\d{4}-\d\d-\d\dT", c) for c in found)  # versions collapsed
    assert objects(store, "gent-thesaurus", piano, SKOS + "prefLabel") == {("piano", "nl")}
    assert "http://vocab.getty.edu/aat/300042909" in objects(store, "gent-thesaurus", piano,
                                                             SKOS + "exactMatch")
    parent = "https://stad.gent/id/concept/470008929"
    assert objects(store, "gent-thesaurus", piano, SKOS + "broader") == {parent}
    # the broader term's label is kept beside it, though it is not a member of this page
    assert objects(store, "gent-thesaurus", parent, SKOS + "prefLabel") == {("muziekinstrument", "nl")}
    assert objects(store, "gent-thesaurus", piano, SKOS + "inScheme") == {
        "https://stad.gent/id/conceptscheme/concept", f"{BASE}/id/termlist/gent-thesaurus"}


# -- the command ---------------------------------------------------------------------------------
def test_cli_imports_prints_the_summary_and_writes_the_report(tmp_path):
    cfg = tmp_path / "erfgoed.toml"
    cfg.write_text('[site]\nbase_uri = "http://kg.example.org"\ndata_dir = "data"\n'
                   '[store]\nlocation = "store"\n', "utf-8")
    shutil.copy(TERMS / "objectnamen-cp1252.csv", tmp_path / "objectnamen.csv")
    runner = CliRunner()
    args = ["terms", "import", str(tmp_path / "objectnamen.csv"), "--list", "objectnamen",
            "--title", "Objectnamen", "--config", str(cfg)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "list objectnamen: 6 concepts (6 new, 0 changed, 0 unchanged), 4 quality findings" in result.output
    assert "3 orphan, 1 unknown-column" in result.output
    report = json.loads((tmp_path / "data" / "reports" / "termlist-objectnamen.json").read_text("utf-8"))
    assert report["by_check"] == {"orphan": 3, "unknown-column": 1}
    again = runner.invoke(main, args)
    assert "(0 new, 0 changed, 6 unchanged)" in again.output
    config = load_config(cfg)
    with open_store(str(config.resolve(config["store.location"]))) as s:
        assert objects(s, "objectnamen", SCHEME, "http://purl.org/dc/terms/title") == {"Objectnamen"}


def test_cli_errors_exit_2_without_a_traceback(tmp_path):
    cfg = tmp_path / "erfgoed.toml"
    cfg.write_text('[store]\nlocation = "store"\n', "utf-8")
    bad = write_csv(tmp_path / "lijst.csv", "Titel;Nummer\nstoel;1\n")
    for args, expected in ((["terms", "import", str(bad), "--list", "x"], "no column holds the term"),
                           (["terms", "import", str(tmp_path / "no.csv"), "--list", "x"], "file not found"),
                           (["terms", "import", str(bad), "--list", "X Y"], "list id 'X Y'")):
        result = CliRunner().invoke(main, [*args, "--config", str(cfg)])
        assert result.exit_code == 2 and expected in result.output, result.output
        assert "Traceback" not in result.output


@pytest.mark.parametrize("args", [["terms"], ["terms", "import"]])
def test_terms_commands_have_help(args):
    result = CliRunner().invoke(main, [*args, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
    if args == ["terms", "import"]:
        options = ("--list", "--title", "--lang", "--kind", "--config", "--store")
        assert all(o in result.output for o in options)
