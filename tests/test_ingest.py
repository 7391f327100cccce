"""map -> validate -> load: what an institution sees happen to its records."""

import shutil
from pathlib import Path

import pytest

from erfgoed.errors import InputError
from erfgoed.graph import meta
from erfgoed.graph.ingest import ingest_file
from erfgoed.graph.quarantine import Quarantine
from erfgoed.graph.uris import Minter
from erfgoed.mappings.engine import load_mapping

from .conftest import FIXTURES

MAPPING = load_mapping("museum-register")


def run(store, config, path: Path, **kw):
    return ingest_file(store, config, "test", path, MAPPING, institution="Testmuseum", **kw)


def titles(store) -> dict[str, str]:
    q = """PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
    PREFIX adms: <http://www.w3.org/ns/adms#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?n ?t WHERE { ?o adms:identifier/skos:notation ?n . OPTIONAL { ?o crm:P102_has_title ?t } }"""
    return {s["n"].value: s["t"].value if s["t"] else None for s in store.query(q)}


@pytest.fixture
def register(tmp_path) -> Path:
    p = tmp_path / "register.csv"
    shutil.copy(FIXTURES / "small-register.csv", p)
    return p


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")


def test_valid_records_published_invalid_ones_kept_aside(store, config, register):
    r = run(store, config, register)
    assert (r.counts.loaded, r.counts.quarantined) == (4, 2)
    published = titles(store)
    assert set(published) == {"T.001", "T.002", "T.003", "T.004"}
    assert published["T.002"] == 'Kermis <buiten> "Sint-Sebastiaan"'
    q = Quarantine(config.resolve("data"), "test")
    assert q.ids() == {"T.005", "T.006"}
    bad = q.get("T.006")
    assert bad["payload"]["hoogte"] == "ca. 13" and bad["line"] == 7
    fields = {p["field"] for p in bad["problems"] if p["severity"] == "Violation"}
    assert fields == {"hoogte", "afbeelding"}
    assert any("geen getal" in p["message_nl"] and p["column"] == "hoogte" and p["line"] == 7
               for p in bad["problems"])


def test_one_named_graph_per_record_and_provenance(store, config, register):
    r = run(store, config, register)
    minter = Minter(config.base_uri)
    g = minter.record_graph("test", "T.001")
    assert store.has_graph(g)
    subjects = {str(q.subject) for q in store.quads(g)}
    assert f"<{minter.entity('object', 'test', 'T.001')}>" in subjects
    index = meta.record_index(store, minter, "test")
    assert index["T.001"].status == "published" and len(index["T.001"].content_hash) == 64
    [last] = meta.runs(store, minter, "test")
    assert last["run"] == r.run and (last["loaded"], last["quarantined"]) == (4, 2)


def test_reingesting_an_unchanged_file_is_a_no_op(store, config, register):
    run(store, config, register)
    before = sorted(str(q) for q in store.quads() if "graph/meta" not in str(q.graph_name))
    r = run(store, config, register)
    assert (r.counts.loaded, r.counts.unchanged, r.counts.quarantined) == (0, 4, 2)
    after = sorted(str(q) for q in store.quads() if "graph/meta" not in str(q.graph_name))
    assert before == after


def test_a_changed_record_replaces_its_graph_only(store, config, register):
    run(store, config, register)
    minter = Minter(config.base_uri)
    other = sorted(str(q) for q in store.quads(minter.record_graph("test", "T.002")))
    edit(register, "De Leie bij Deinze", "De Leie bij Astene")
    r = run(store, config, register)
    assert (r.counts.loaded, r.counts.unchanged) == (1, 3)
    assert titles(store)["T.001"] == "De Leie bij Astene"
    assert sorted(str(q) for q in store.quads(minter.record_graph("test", "T.002"))) == other


def test_a_record_gone_from_a_full_reingest_is_removed(store, config, register):
    run(store, config, register)
    lines = register.read_text("utf-8").splitlines(keepends=True)
    register.write_text("".join(ln for ln in lines if not ln.startswith(("T.003", "T.006"))),
                        "utf-8")
    r = run(store, config, register)
    assert r.counts.removed == 1
    minter = Minter(config.base_uri)
    assert "T.003" not in titles(store)
    assert not store.has_graph(minter.record_graph("test", "T.003"))
    assert meta.record_index(store, minter, "test")["T.003"].status == "removed"
    assert "T.006" not in Quarantine(config.resolve("data"), "test").ids()


def test_an_invalid_new_version_leaves_the_published_one_online(store, config, register):
    run(store, config, register)
    edit(register, "T.001;schilderij;De Leie bij Deinze;", "T.001;schilderij;;")
    r = run(store, config, register)
    assert r.counts.quarantined == 3
    assert titles(store)["T.001"] == "De Leie bij Deinze"
    assert "T.001" in Quarantine(config.resolve("data"), "test").ids()
    edit(register, "T.001;schilderij;;", "T.001;schilderij;De Leie;")
    run(store, config, register)
    assert titles(store)["T.001"] == "De Leie"
    assert "T.001" not in Quarantine(config.resolve("data"), "test").ids()


def test_duplicate_ids_keep_the_first_and_report_the_line(store, config, register):
    with register.open("a", encoding="utf-8") as fh:
        fh.write("T.001;prent;Een ander object;;;;;papier;;;;;;;\n;prent;Zonder nummer;;;;;;;;;;;;\n")
    r = run(store, config, register)
    assert titles(store)["T.001"] == "De Leie bij Deinze"
    q = Quarantine(config.resolve("data"), "test")
    assert {"T.001 (line 8)", "line-9"} <= q.ids()
    msgs = [p.message_en for p in r.problems]
    assert any("'T.001' occurs twice (also on line 2)" in m for m in msgs)
    assert any("Line 9 has no objectnummer" in m for m in msgs)


@pytest.mark.parametrize("content,match", [
    ("objectnummer;titel\n", "header but no records"),
    ("", "empty"),
    ("objectnummer,naam\nA,b\n", "missing required column 'titel'"),
])
def test_unusable_files_change_nothing(store, config, register, tmp_path, content, match):
    run(store, config, register)
    before = store.count()
    bad = tmp_path / "bad.csv"
    bad.write_text(content, "utf-8")
    with pytest.raises(InputError, match=match):
        run(store, config, bad)
    assert store.count() == before and len(titles(store)) == 4


def test_oversize_file_is_refused_before_reading(store, config, tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, nothing on disk
    with pytest.raises(InputError, match="big.csv: the file is 200 MB, over the limit of 100 MB"):
        run(store, config, big)


def test_a_second_register_layout_needs_only_a_mapping_file(store, config, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Collectie"
    ws.append(["Inventarisnr", "Benaming", "Titel / opschrift", "Omschrijving", "Maker", "Datum",
               "Materialen", "Technieken", "Hoogte (cm)", "Breedte (cm)", "Licentie", "Foto"])
    ws.append(["EZW.0001", "merklap", "Merklap met alfabet", "", "Maria De Smet", "1887",
               "linnen, katoen", "borduren", 34.5, 40, "http://rightsstatements.org/vocab/InC/1.0/",
               None])
    wb.save(tmp_path / "textiel.xlsx")
    r = ingest_file(store, config, "textiel", tmp_path / "textiel.xlsx",
                    load_mapping("textile-register"), institution="Erfgoedcel")
    assert r.counts.loaded == 1
    q = """PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?m ?v ?u WHERE { ?o crm:P45_consists_of/skos:prefLabel ?m ; crm:P43_has_dimension ?d .
      ?d crm:P90_has_value ?v ; crm:P91_has_unit ?u }"""
    rows = {(s["m"].value, s["v"].value, s["u"].value) for s in store.query(q)}
    assert ("katoen", "34.5", "http://qudt.org/vocab/unit/CentiM") in rows


def test_a_store_in_use_gets_a_plain_message(store, config):
    from erfgoed.errors import UserError
    from erfgoed.graph.store import open_store

    with pytest.raises(UserError, match="in use by another process"):
        open_store(str(config.resolve(config["store.location"])))


def test_cli_ingest_prints_a_summary_and_exits_2_on_unusable_files(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from erfgoed.api.cli import main

    monkeypatch.chdir(tmp_path)  # reports go to ./data
    shutil.copy(FIXTURES / "small-register.csv", tmp_path / "r.csv")
    (tmp_path / "empty.csv").write_text("objectnummer;titel\n", "utf-8")
    args = ["--store", str(tmp_path / "store"), "--dataset", "t", "--mapping", "museum-register"]
    runner = CliRunner()
    ok = runner.invoke(main, ["ingest", str(tmp_path / "r.csv"), *args])
    assert ok.exit_code == 0
    assert "t: 4 loaded, 0 unchanged, 0 removed, 2 quarantined (1 published with warnings)." in ok.output
    bad = runner.invoke(main, ["ingest", str(tmp_path / "empty.csv"), *args])
    assert bad.exit_code == 2 and "empty.csv: the file has a header but no records" in bad.output
    assert "Traceback" not in bad.output
    gone = runner.invoke(main, ["ingest", str(tmp_path / "nope.csv"), *args])
    assert gone.exit_code == 2 and "nope.csv: file not found" in gone.output
    missing = runner.invoke(main, ["ingest", str(tmp_path / "r.csv"), *args[:4], "--mapping", "nope"])
    assert missing.exit_code == 2 and "no mapping named 'nope'" in missing.output


def test_shared_things_are_stored_once_so_queries_do_not_multiply(store, config, tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("objectnummer;titel;vervaardiger;materiaal\nA;Een;Emile Claus;papier\n"
                 "B;Twee;Emile Claus;papier\nC;Drie;Emile Claus;papier|linnen\n", "utf-8")
    run(store, config, p)
    q = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?label WHERE { ?thing skos:prefLabel ?label FILTER(STR(?label) IN ("papier", "Emile Claus")) }"""
    assert sorted(s["label"].value for s in store.query(q)) == ["Emile Claus", "papier"]
    minter = Minter(config.base_uri)
    assert store.has_graph(minter.owner_graph(minter.entity("actor", "test", "emile-claus"), "test", "A"))


def test_an_interrupted_load_is_repaired_by_running_again(store, config, register):
    """A crash after the bulk load but before the commit leaves a graph without a meta entry:
    the next run treats it as absent and replaces it whole (no stale or duplicate triples)."""
    import pyoxigraph as ox

    minter = Minter(config.base_uri)
    g = minter.record_graph("test", "T.001")
    stale = ox.Quad(ox.NamedNode(minter.entity("object", "test", "T.001")),
                    ox.NamedNode("http://www.cidoc-crm.org/cidoc-crm/P102_has_title"),
                    ox.Literal("half-written", language="nl"), ox.NamedNode(g))
    store.add([stale], bulk=True)
    r = run(store, config, register)
    assert r.counts.loaded == 4
    assert titles(store)["T.001"] == "De Leie bij Deinze"
    assert "half-written" not in {str(q.object) for q in store.quads(g)}


def test_dump_and_restore_give_the_same_answers(store, config, register, tmp_path):
    from erfgoed.graph.store import open_store

    run(store, config, register)
    n = store.dump(tmp_path / "backup.nq")
    assert n == store.count() > 0
    other = open_store(str(tmp_path / "restored"))
    try:
        other.restore(tmp_path / "backup.nq")
        assert other.count() == n
        assert titles(other) == titles(store)
    finally:
        other.close()
    (tmp_path / "broken.nq").write_text("<a> <b> .\n", "utf-8")
    target = open_store(str(tmp_path / "third"))
    try:
        with pytest.raises(Exception, match="broken.nq: not a valid N-Quads file"):
            target.restore(tmp_path / "broken.nq")
        assert target.count() == 0
    finally:
        target.close()


def test_a_worker_process_gives_the_same_store_as_one_process(config, register, tmp_path):
    from erfgoed.graph.store import open_store

    contents = []
    for workers in (0, 1):
        config.values.update({"ingest.batch_size": 2, "ingest.workers": workers,
                              "site.data_dir": str(tmp_path / f"data{workers}")})
        s = open_store(str(tmp_path / f"store{workers}"))
        try:
            r = run(s, config, register)
            assert (r.counts.loaded, r.counts.quarantined) == (4, 2)
            contents.append(sorted(str(q) for q in s.quads()  # provenance: run times differ
                                   if not str(q.graph_name).endswith(("graph/meta>", "graph/void>"))))
        finally:
            s.close()
    assert contents[0] == contents[1] and contents[0]


def test_the_problem_log_lives_on_disk_and_follows_the_dataset(store, config, register):
    """The dataset report reads the log from disk (a harvest of 100k records with warnings keeps
    it out of memory); fixed records leave it, and a log written as JSON by an older version is
    taken over."""
    import json

    from erfgoed.graph.report import ProblemLog, shacl_report, summary

    run(store, config, register)
    data_dir = config.resolve("data")
    report = summary(ProblemLog(data_dir, "test"))
    assert report["records_rejected"] == 2
    assert {p["record"] for k in report["kinds"] if k["severity"] == "Violation"
            for p in k["problems"]} == {"T.005", "T.006"}
    assert "sh:conforms false" in shacl_report(ProblemLog(data_dir, "test"))
    edit(register, "ca. 13", "13")  # T.006 is still rejected for its image, no longer for its height
    run(store, config, register)
    assert not any(p.field == "hoogte" for p in ProblemLog(data_dir, "test").get("T.006"))
    assert ProblemLog(data_dir, "test").get("T.001") == []

    legacy = data_dir / "reports" / "old.problems.json"
    legacy.write_text(json.dumps({"X.1": [{"record": "X.1", "severity": "Warning",
                                           "message_nl": "let op", "message_en": "mind"}]}), "utf-8")
    old = ProblemLog(data_dir, "old")
    assert [p.message_en for p in old.get("X.1")] == ["mind"] and not legacy.exists()
    assert summary(old)["records_with_warnings"] == 1


def test_an_unreadable_problem_log_is_named_and_left_in_place(tmp_path):
    from erfgoed.errors import UserError
    from erfgoed.graph.report import ProblemLog

    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a.problems.sqlite").write_bytes(b"this is not a database file" * 100)
    (reports / "b.problems.json").write_text('{"X.1": [{"record": ', "utf-8")
    with pytest.raises(UserError, match=r"a\.problems\.sqlite: the problem log cannot be read"):
        ProblemLog(tmp_path, "a")
    with pytest.raises(UserError, match=r"b\.problems\.json: the old problem log is not readable"):
        ProblemLog(tmp_path, "b")
    assert (reports / "b.problems.json").exists()  # nothing taken over, nothing lost
