"""One store test suite, run against every backend: embedded pyoxigraph, `oxigraph serve` and Virtuoso.

The servers are started on loopback by session fixtures (tests/store_servers.py); a backend whose
server is not installed skips with the reason. What a server does differently on purpose is
asserted as such (graph/dialects.py lists the quirks).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from erfgoed.config import load_config
from erfgoed.errors import UserError
from erfgoed.graph.ingest import ingest_file
from erfgoed.graph.store import open_store
from erfgoed.mappings.engine import load_mapping

from .conftest import ROOT
from .store_servers import VIRTUOSO_USER, OxigraphProcess, VirtuosoProcess, free_port

EX = "http://kg.example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
LONG = "Lange beschrijving met é, ß, 漢字 en 😀. " * 3000   # ~120 KB


def n(local: str) -> ox.NamedNode:
    return ox.NamedNode(EX + local)


def typed(value: str, dt: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + dt))


def quad(s: str, p: str, o, g: str) -> ox.Quad:
    return ox.Quad(n(s), n(p), o, n(g))


SAMPLE = [
    quad("obj/1", "title", ox.Literal("De Leie bij Deinze", language="nl"), "graph/a"),
    quad("obj/1", "title", ox.Literal("The Lys at Deinze", language="en-GB"), "graph/a"),
    quad("obj/1", "height", typed("12.5", "decimal"), "graph/a"),
    quad("obj/1", "count", typed("3", "integer"), "graph/a"),
    quad("obj/1", "made", typed("1887-05-01", "date"), "graph/a"),
    quad("obj/1", "year", typed("1887", "gYear"), "graph/a"),
    quad("obj/1", "public", typed("true", "boolean"), "graph/a"),
    quad("obj/1", "note", ox.Literal('regel 1\nregel 2 "citaat" \\ tab\t'), "graph/a"),
    quad("obj/1", "description", ox.Literal(LONG, language="nl"), "graph/a"),
    quad("obj/1", "maker", n("person/ensor"), "graph/a"),
    quad("person/ensor", "name", ox.Literal("James Ensor"), "graph/b"),
    quad("obj/2", "title", ox.Literal("Kermis <buiten> “Sint-Sebastiaan” – ĳzer, Œuvre"), "graph/b"),
]

BACKENDS = ["embedded", "oxigraph", "virtuoso"]


@pytest.fixture(scope="session")
def servers():
    running: dict[str, object] = {}
    yield running
    for server in running.values():
        server.stop()


def _server(servers: dict, name: str):
    cls = {"oxigraph": OxigraphProcess, "virtuoso": VirtuosoProcess}[name]
    if name not in servers:
        if not cls.binary():
            servers[name] = None
        else:
            servers[name] = cls().start()
    if servers[name] is None:
        hint = {"oxigraph": "pip install oxigraph (in the test extras)",
                "virtuoso": "`make services` installs Debian virtuoso-opensource"}[name]
        pytest.skip(f"{name} server not installed: {hint}")
    return servers[name]


def _open(backend: str, servers: dict, tmp_path: Path, monkeypatch, name: str = "store"):
    if backend == "embedded":
        return open_store(str(tmp_path / name))
    server = _server(servers, backend)
    if backend == "virtuoso":  # updates go to /sparql-auth with these credentials
        monkeypatch.setenv("ERFGOED_STORE_USER", VIRTUOSO_USER[0])
        monkeypatch.setenv("ERFGOED_STORE_PASSWORD", VIRTUOSO_USER[1])
    store = open_store(server.location)
    store.replace(drop_graphs=store.graphs())  # every test starts from an empty store
    if backend == "oxigraph":
        store.update("CLEAR DEFAULT")
    return store


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def any_store(backend, servers, tmp_path, monkeypatch):
    s = _open(backend, servers, tmp_path, monkeypatch)
    yield s
    s.close()


def graph_of(store, g: str) -> set[ox.Quad]:
    return set(store.quads(EX + g))


def test_what_goes_in_comes_out_unchanged(any_store):
    any_store.add(SAMPLE)
    assert any_store.count() == len(SAMPLE)
    assert graph_of(any_store, "graph/a") == {q for q in SAMPLE if q.graph_name == n("graph/a")}
    assert graph_of(any_store, "graph/b") == {q for q in SAMPLE if q.graph_name == n("graph/b")}
    rows = any_store.query(f"SELECT ?o WHERE {{ <{EX}obj/1> <{EX}description> ?o }}")
    (row,) = list(rows)
    assert row["o"] == ox.Literal(LONG, language="nl")
    titles = {r["t"] for r in any_store.query(f"SELECT ?t WHERE {{ ?s <{EX}title> ?t }}")}
    assert ox.Literal("The Lys at Deinze", language="en-gb") in titles  # tags compare lowercased
    assert len(titles) == 3


def test_bulk_add_keeps_blank_nodes_of_a_graph_together(any_store):
    node = ox.BlankNode()
    part = [ox.Quad(n("obj/9"), n("dimension"), node, n("graph/c")),
            ox.Quad(node, n("value"), typed("42", "integer"), n("graph/c"))]
    filler = [quad(f"obj/{i}", "title", ox.Literal(f"titel {i}"), f"graph/f{i}") for i in range(30)]
    any_store.add(filler[:15] + part + filler[15:], bulk=True)
    rows = list(any_store.query(f"SELECT ?v WHERE {{ <{EX}obj/9> <{EX}dimension>/<{EX}value> ?v }}"))
    assert [r["v"] for r in rows] == [typed("42", "integer")]
    assert any_store.count() == 32


def test_the_default_graph_is_the_union_of_the_named_graphs(any_store, backend):
    any_store.add(SAMPLE)
    q = f"SELECT ?name WHERE {{ <{EX}obj/1> <{EX}maker> ?m . ?m <{EX}name> ?name }}"
    assert [r["name"].value for r in any_store.query(q)] == ["James Ensor"]  # across two graphs
    named = f"SELECT ?g WHERE {{ GRAPH ?g {{ <{EX}person/ensor> ?p ?o }} }}"
    assert [r["g"] for r in any_store.query(named, union=False)] == [n("graph/b")]
    # Virtuoso's default graph is always the union (graph/dialects.py)
    expected = ["James Ensor"] if backend == "virtuoso" else []
    assert [r["name"].value for r in any_store.query(q, union=False)] == expected


def test_quads_outside_named_graphs(any_store, backend):
    plain = ox.Quad(n("s"), n("p"), ox.Literal("in the default graph"), ox.DefaultGraph())
    if backend == "virtuoso":
        with pytest.raises(UserError, match="Virtuoso has no separate default graph"):
            any_store.add([plain])
        return
    any_store.add([plain])
    assert any_store.count() == 1 and list(any_store.quads()) == [plain]


def test_results_have_the_embedded_shapes(any_store):
    any_store.add(SAMPLE)
    assert isinstance(any_store.query(f"ASK {{ <{EX}obj/1> ?p ?o }}"), ox.QueryBoolean)
    assert bool(any_store.query(f"ASK {{ <{EX}obj/1> ?p ?o }}")) is True
    assert bool(any_store.query(f"ASK {{ <{EX}nothing> ?p ?o }}")) is False
    sols = any_store.query(f"SELECT ?p ?o WHERE {{ <{EX}obj/2> ?p ?o }}")
    assert isinstance(sols, ox.QuerySolutions) and [v.value for v in sols.variables] == ["p", "o"]
    triples = any_store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{EX}graph/b> {{ ?s ?p ?o }} }}",
                              union=False)
    assert isinstance(triples, ox.QueryTriples)
    assert {(t.subject, t.predicate, t.object) for t in triples} == {
        (q.subject, q.predicate, q.object) for q in SAMPLE if q.graph_name == n("graph/b")}


def test_a_syntax_error_is_a_syntax_error(any_store):
    with pytest.raises(SyntaxError):
        any_store.query("SELECT ?s WHERE { ?s ?p }")


def test_substitutions_bind_variables_before_evaluation(any_store):
    any_store.add(SAMPLE)
    q = f"""# a comment with {{ braces }} and SELECT in it
    SELECT ?s ?t WHERE {{ ?s <{EX}title> ?t . FILTER (?t != "{{x}}") }} ORDER BY ?t"""
    rows = list(any_store.query(q, substitutions={ox.Variable("s"): n("obj/1")}))
    assert [(r["s"], r["t"].value) for r in rows] == [(n("obj/1"), "De Leie bij Deinze"),
                                                      (n("obj/1"), "The Lys at Deinze")]
    built = f"CONSTRUCT {{ ?s <{EX}label> ?t }} WHERE {{ ?s <{EX}title> ?t }}"
    assert len(list(any_store.query(built, substitutions={ox.Variable("s"): n("obj/2")}))) == 1


def test_custom_functions_run_in_process_only(any_store, backend):
    f = {n("fn/upper"): lambda x: ox.Literal(x.value.upper())}
    any_store.add(SAMPLE[:1])
    q = f"SELECT (<{EX}fn/upper>(?t) AS ?u) WHERE {{ ?s <{EX}title> ?t }}"
    if backend == "embedded":
        assert [r["u"].value for r in any_store.query(q, custom_functions=f)] == ["DE LEIE BIJ DEINZE"]
    else:
        with pytest.raises(UserError, match="custom SPARQL functions run only in-process"):
            any_store.query(q, custom_functions=f)


def test_replace_drops_graphs_deletes_subjects_and_inserts(any_store):
    any_store.add(SAMPLE + [quad("meta/a", "hash", ox.Literal("old"), "meta"),
                            quad("meta/b", "hash", ox.Literal("keep"), "meta")])
    new = [quad("obj/1", "title", ox.Literal("Nieuwe titel", language="nl"), "graph/a"),
           quad("meta/a", "hash", ox.Literal("new"), "meta")]
    any_store.replace(drop_graphs=[EX + "graph/a", EX + "graph/never"],
                      delete_subjects=[(EX + "meta", EX + "meta/a")], insert=new)
    assert graph_of(any_store, "graph/a") == {new[0]}
    assert {q.object.value for q in any_store.quads(EX + "meta")} == {"new", "keep"}
    assert any_store.has_graph(EX + "graph/b") and not any_store.has_graph(EX + "graph/never")
    assert list(any_store.quads(EX + "graph/never")) == []


def test_one_update_request_is_one_transaction(any_store, backend):
    any_store.add(SAMPLE)
    with pytest.raises((UserError, RuntimeError)):
        any_store.update(f'INSERT DATA {{ GRAPH <{EX}graph/x> {{ <{EX}s> <{EX}p> "half" }} }} ;\n'
                         f"CREATE GRAPH <{EX}graph/a>")  # fails: the graph exists
    # Virtuoso keeps the operations before a failing one (graph/dialects.py)
    assert any_store.has_graph(EX + "graph/x") is (backend == "virtuoso")


def test_large_graphs_are_read_in_pages(any_store):
    if hasattr(any_store, "dialect"):
        any_store.dialect.page_size = 50  # as if the server capped results at 50 rows
    big = [quad(f"obj/{i // 3}", f"p{i % 3}", ox.Literal(f"waarde {i}"), "graph/big") for i in range(170)]
    small = [quad(f"thing/{i}", "label", ox.Literal(f"ding {i}"), f"graph/s{i}") for i in range(120)]
    any_store.add(big + small, bulk=True)
    assert set(any_store.quads(EX + "graph/big")) == set(big)
    assert set(any_store.quads()) == set(big + small)


def test_a_server_cutting_results_short_is_an_error_never_a_short_dump(tmp_path, monkeypatch):
    if not VirtuosoProcess.binary():
        pytest.skip("virtuoso server not installed: `make services` installs Debian virtuoso-opensource")
    monkeypatch.setenv("ERFGOED_STORE_USER", VIRTUOSO_USER[0])
    monkeypatch.setenv("ERFGOED_STORE_PASSWORD", VIRTUOSO_USER[1])
    with VirtuosoProcess(max_rows=1000) as server:  # a server configured to answer 1,000 rows at most
        store = open_store(server.location)
        store.add([quad(f"thing/{i}", "label", ox.Literal(f"ding {i}"), f"graph/t{i}") for i in range(1500)],
                  bulk=True)
        with pytest.raises(UserError, match="result-size cap"):
            store.dump(tmp_path / "cut.nq")
        store.dialect.page_size = 1000  # what that server allows
        assert store.dump(tmp_path / "whole.nq") == store.count() == 1500
        assert len(store.graphs()) == 1500
        store.close()


def test_dump_and_restore_move_a_store_between_backends(any_store, backend, servers, tmp_path,
                                                        monkeypatch):
    source = open_store(str(tmp_path / "source"))
    node = ox.BlankNode()
    source.add(SAMPLE + [ox.Quad(n("obj/3"), n("dimension"), node, n("graph/c")),
                         ox.Quad(node, n("value"), typed("7", "integer"), n("graph/c"))])
    assert source.dump(tmp_path / "from-embedded.nq") == len(SAMPLE) + 2
    any_store.restore(tmp_path / "from-embedded.nq")
    assert any_store.count() == source.count()
    questions = ["SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER (!isBlank(?s) && !isBlank(?o)) }",
                 f"SELECT ?v WHERE {{ <{EX}obj/3> <{EX}dimension>/<{EX}value> ?v }}",
                 "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"]
    for q in questions:
        assert _answers(any_store, q) == _answers(source, q)
    assert any_store.dump(tmp_path / "back.nq") == source.count()
    again = open_store(str(tmp_path / "again"))
    again.restore(tmp_path / "back.nq")
    assert again.count() == source.count()
    for q in questions:
        assert _answers(again, q) == _answers(source, q)
    source.close()
    again.close()


def _answers(store, q: str) -> list[tuple]:
    result = store.query(q, union=not q.count("GRAPH"))
    return sorted(tuple(str(sol[v]) for v in result.variables) for sol in result)


def test_a_broken_dump_changes_nothing(any_store, tmp_path):
    (tmp_path / "broken.nq").write_text(f"<{EX}a> <{EX}b> <{EX}c> <{EX}g> .\n<a> <b> .\n", "utf-8")
    with pytest.raises(UserError, match="broken.nq: not a valid N-Quads file"):
        any_store.restore(tmp_path / "broken.nq")
    assert any_store.count() == 0


def test_store_urls_name_the_backend(tmp_path):
    port = free_port()
    with pytest.raises(UserError, match=f"cannot reach http://127.0.0.1:{port}/query.*is the server running"):
        open_store(f"oxigraph+http://127.0.0.1:{port}")
    with pytest.raises(UserError, match="the fuseki\\+http backend is not available.*oxigraph\\+http"):
        open_store("fuseki+http://127.0.0.1:3030/ds")
    cfg = tmp_path / "erfgoed.toml"
    cfg.write_text('[store]\nlocation = "oxigraph+http://127.0.0.1:7878"\n', "utf-8")
    config = load_config(cfg)
    assert str(config.resolve(config["store.location"])) == "oxigraph+http://127.0.0.1:7878"


def test_generic_servers_take_their_update_url_from_the_config(servers, tmp_path):
    server = _server(servers, "oxigraph")  # any standard server will do
    cfg = tmp_path / "erfgoed.toml"
    cfg.write_text(f'[store]\nlocation = "sparql+{server.url}/query"\nupdate_url = "{server.url}/update"\n'
                   "timeout_seconds = 30\n", "utf-8")
    config = load_config(cfg)
    store = open_store(config["store.location"], config)
    store.replace(drop_graphs=store.graphs())
    store.add(SAMPLE, bulk=True)  # no graph store URL: INSERT DATA batches
    assert store.count() == len(SAMPLE)
    assert graph_of(store, "graph/a") == {q for q in SAMPLE if q.graph_name == n("graph/a")}
    store.close()
    from erfgoed.api.cli import main

    extra = tmp_path / "extra.nq"
    extra.write_text(f'<{EX}s> <{EX}p> "via the command line" <{EX}graph/cli> .\n', "utf-8")
    r = CliRunner().invoke(main, ["store", "restore", str(extra), "--config", str(cfg)])
    assert r.exit_code == 0, r.output  # the update went to update_url: /query takes no updates
    assert f"holds {len(SAMPLE) + 1} quads" in r.output


@pytest.mark.parametrize("server_kind", ["oxigraph", "virtuoso"])
def test_the_demo_register_on_a_server_equals_embedded(server_kind, servers, tmp_path, monkeypatch):
    """ingest into a server and into embedded: same records; `erfgoed store dump` from the server
    and `erfgoed store restore` into a new embedded store: same counts."""
    from erfgoed.api.cli import main

    remote = _open(server_kind, servers, tmp_path, monkeypatch)
    register = tmp_path / "register.csv"
    shutil.copy(ROOT / "examples" / "registers" / "museum-aan-de-leie.csv", register)
    cfg = tmp_path / "erfgoed.toml"
    cfg.write_text('[site]\nbase_uri = "http://kg.example.org"\ndata_dir = "data"\n', "utf-8")
    mapping = load_mapping("museum-register")
    results = {}
    for name, store in (("server", remote), ("embedded", open_store(str(tmp_path / "embedded")))):
        config = load_config(cfg)
        config.values["site.data_dir"] = str(tmp_path / f"data-{name}")
        r = ingest_file(store, config, "leie", register, mapping, institution="Museum aan de Leie")
        results[name] = (r.counts.loaded, r.counts.quarantined, _records(store), store.count())
        store.close()
    assert results["server"][:3] == results["embedded"][:3] and results["server"][0] > 0
    runner = CliRunner()
    dump = runner.invoke(main, ["store", "dump", str(tmp_path / "leie.nq"), "--config", str(cfg),
                                "--store", _server(servers, server_kind).location])
    assert dump.exit_code == 0, dump.output
    restore = runner.invoke(main, ["store", "restore", str(tmp_path / "leie.nq"), "--config", str(cfg),
                                   "--store", str(tmp_path / "restored")])
    assert restore.exit_code == 0, restore.output
    restored = open_store(str(tmp_path / "restored"))
    assert restored.count() == results["server"][3] and _records(restored) == results["server"][2]
    restored.close()


def _records(store) -> list[tuple[str, str]]:
    q = """PREFIX adms: <http://www.w3.org/ns/adms#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
    SELECT ?n ?t WHERE { ?o adms:identifier/skos:notation ?n OPTIONAL { ?o crm:P102_has_title ?t } }"""
    return sorted((s["n"].value, s["t"].value if s["t"] else "") for s in store.query(q))
