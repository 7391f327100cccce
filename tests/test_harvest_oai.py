"""OAI-PMH harvesting against a real OAI-PMH server on loopback (tests/servers.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from erfgoed.config import load_config
from erfgoed.errors import UserError
from erfgoed.graph import meta
from erfgoed.graph.harvest import harvest
from erfgoed.graph.store import open_store
from erfgoed.graph.uris import Minter
from erfgoed.harvesters.http import Fetcher
from tests.conftest import FIXTURES, REFERENCE, ROOT, needs_reference, write_harvest_config
from tests.servers import OaiItem, OaiServer

TEMPLATE = (FIXTURES / "lido-template.xml").read_text("utf-8")
SCHEMAS = REFERENCE / "oslo" / "lido" / "schemas"
NO_WAIT = Fetcher(sleep=lambda s: None, backoff=0.01)


def lido(i: int, **over: str) -> str:
    values = {"id": f"o{i}", "title": f"Zeezicht {i}", "inv": f"TMO.{i}", "height": str(20 + i % 50),
              "maker": ["Ensor, James", "Spilliaert, Léon", "Permeke, Constant"][i % 3],
              "year": str(1880 + i % 40)}
    values.update(over)
    return TEMPLATE.format(**values)


def items(n: int, datestamp: str = "2026-01-01") -> list[OaiItem]:
    return [OaiItem(f"oai:test.example.org:o{i}", datestamp, lido(i)) for i in range(n)]


def write_config(tmp_path: Path, url: str, prefix: str = "lido") -> Path:
    schemas = ""
    if SCHEMAS.exists():
        schemas = f"""[resources.local]
"http://www.lido-schema.org/schema/v1.0/lido-v1.0.xsd" = "{SCHEMAS}/lido/1.0/lido-v1.0.xsd"
"http://schemas.opengis.net/gml/3.1.1/base/feature.xsd" = "{SCHEMAS}/opengis/3.1.1/base/gml.xsd"
"http://schemas.opengis.net/gml/3.1.1/smil/smil20.xsd" = "{SCHEMAS}/smil/2.0/smil20.xsd"
"http://www.w3.org/1999/xlink.xsd" = "{SCHEMAS}/xlink/1999/xlink.xsd"
"http://www.w3.org/2001/xml.xsd" = "{SCHEMAS}/xml/2001/xml.xsd"
"""
    return write_harvest_config(tmp_path, f"""[ingest]
batch_size = 40
[harvest]
validate_xml = {"true" if SCHEMAS.exists() else "false"}
{schemas}
[datasets.testmuseum]
title = "Testmuseum"
institution = "Testmuseum Oostende"
[sources.testmuseum]
type = "oai-pmh"
url = "{url}"
metadata_prefix = "{prefix}"
""")


def run(cfg_path: Path, full: bool = False, fetcher: Fetcher = NO_WAIT):
    config = load_config(cfg_path)
    with open_store(str(config.resolve(config["store.location"]))) as store:
        return harvest(store, config, config.sources["testmuseum"], full=full, fetcher=fetcher)


def state_of(cfg_path: Path) -> dict[str, meta.RecordState]:
    config = load_config(cfg_path)
    with open_store(str(config.resolve(config["store.location"]))) as store:
        return meta.record_index(store, Minter(config.base_uri), "testmuseum")


def content(cfg_path: Path) -> set[str]:
    """Every quad except the run provenance and the times versions were stored (run ids and
    clock times differ between runs) and the dataset descriptions (they carry those times)."""
    config = load_config(cfg_path)
    with open_store(str(config.resolve(config["store.location"]))) as store:
        rows = store.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", union=False)
        return {" ".join(str(t) for t in row) for row in rows
                if "/id/run/" not in str(row[1]) and "wasGeneratedBy" not in str(row[2])
                and not ("#v" in str(row[1]) and "generatedAtTime" in str(row[2]))
                and not str(row[0]).endswith("/graph/void>")}


def test_harvest_pages_then_nothing_new(tmp_path):
    with OaiServer(items(250), page_size=100) as server:
        cfg = write_config(tmp_path, server.url)
        first = run(cfg)
        assert first.counts.loaded == 250 and first.counts.quarantined == 0
        assert sum("resumptionToken" in r for r in server.requests) == 2  # 3 pages
        again = run(cfg)  # incremental: from = last responseDate -> noRecordsMatch
        assert again.counts.loaded == 0 and again.counts.removed == 0
        assert "from=2026-11-25" in server.requests[-1]
    states = state_of(cfg)
    assert len(states) == 250 and {s.status for s in states.values()} == {meta.PUBLISHED}


def test_lido_mapping_keeps_thesaurus_ids_and_languages(tmp_path):
    with OaiServer(items(3)) as server:
        cfg = write_config(tmp_path, server.url)
        run(cfg)
    config = load_config(cfg)
    with open_store(str(config.resolve(config["store.location"]))) as store:
        q = """PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?title ?maker ?viaf ?mat WHERE {
          ?o crm:P102_has_title ?title ; crm:P108i_was_produced_by/crm:P14_carried_out_by ?m ;
             crm:P45_consists_of/skos:exactMatch ?mat .
          ?m skos:prefLabel ?maker ; skos:exactMatch ?viaf .
          FILTER(CONTAINS(STR(?o), "/o1")) }"""
        rows = {(r["title"].value, r["title"].language, r["maker"].value, r["viaf"].value,
                 r["mat"].value) for r in store.query(q)}
    assert ("Zeezicht 1", "nl", "Spilliaert, Léon", "http://www.wikidata.org/entity/Q5582",
            "http://vocab.getty.edu/aat/300015050") in rows
    assert any(lang == "en" for _, lang, *_ in rows)  # the alternate title's own xml:lang


def test_deleted_record_removes_its_graph(tmp_path):
    data = items(5)
    with OaiServer(data) as server:
        cfg = write_config(tmp_path, server.url)
        run(cfg)
        data[2] = OaiItem("oai:test.example.org:o2", "2026-12-01", deleted=True)
        result = run(cfg)
    assert result.counts.removed == 1
    assert state_of(cfg)["o2"].status == meta.REMOVED


def test_503_with_retry_after_is_waited_out(tmp_path):
    waits: list[float] = []
    with OaiServer(items(10)) as server:
        server.fail_next = 2
        cfg = write_config(tmp_path, server.url)
        result = run(cfg, fetcher=Fetcher(sleep=waits.append))
    assert result.counts.loaded == 10 and waits == [1.0, 1.0]


def test_oai_errors_are_plain(tmp_path):
    with OaiServer(items(3), prefixes=("oai_dc",)) as server:
        cfg = write_config(tmp_path, server.url)
        with pytest.raises(UserError, match="does not offer metadataPrefix 'lido'"):
            run(cfg)


def test_bad_record_is_quarantined_and_harvest_goes_on(tmp_path):
    data = items(6)
    data[1] = OaiItem("oai:test.example.org:o1", "2026-01-01", lido(1, inv=""))  # no inventory nr
    data[3] = OaiItem("oai:test.example.org:o3", "2026-01-01",
                      lido(3).replace("<lido:lidoRecID", "<lido:bogus/><lido:lidoRecID"))
    with OaiServer(data) as server:
        cfg = write_config(tmp_path, server.url)
        result = run(cfg)
    assert result.counts.loaded == 5 and result.counts.quarantined == 1
    problems = {p.record: p for p in result.problems}
    assert "inventory number" in problems["o1"].message_en
    if SCHEMAS.exists():  # the schema error is reported, the OSLO record is still fine
        assert "lido:bogus" in problems["o3"].message_en and problems["o3"].severity == "Warning"


def test_expired_token_restarts_the_interrupted_run(tmp_path):
    with OaiServer(items(120), page_size=50) as server:
        cfg = write_config(tmp_path, server.url)
        checkpoint = tmp_path / "data" / "harvest" / "testmuseum.json"
        checkpoint.parent.mkdir(parents=True)
        checkpoint.write_text(json.dumps({"type": "oai-pmh", "url": server.url,
                                          "running": {"full": False},
                                          "resume": {"token": "60|lido|||", "run_from": None}}))
        server.expired_tokens.add("60|lido|||")
        result = run(cfg)
    assert result.counts.loaded == 120


HARVEST_SCRIPT = """
import sys
from erfgoed.api.cli import main
sys.exit(main(["harvest", "testmuseum", "--config", sys.argv[1]]))
"""


@pytest.mark.parametrize("kill_at", [2, 5])
def test_kill_9_then_resume_equals_uninterrupted(tmp_path, kill_at):
    """kill -9 while the n-th page is being served; run again; same store as without the kill."""
    (tmp_path / "ref").mkdir()
    (tmp_path / "killed").mkdir()
    with OaiServer(items(400), page_size=50) as server:
        reference = write_config(tmp_path / "ref", server.url)
        run(reference)
        cfg = write_config(tmp_path / "killed", server.url)
        first = len(server.requests)
        proc = subprocess.Popen([sys.executable, "-c", HARVEST_SCRIPT, str(cfg)],
                                env=dict(os.environ, PYTHONPATH=str(ROOT)),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server.hook = lambda n: os.kill(proc.pid, signal.SIGKILL) if n - first == kill_at else None
        proc.wait(120)
        server.hook = None
        assert proc.returncode == -signal.SIGKILL
        partial = len(state_of(cfg))
        assert partial < 400
        resumed = run(cfg)
        pages_again = len(server.requests) - first - kill_at
    assert resumed.counts.loaded == 400 - partial
    assert pages_again <= 8 - (partial // 50) + 1  # resumed near where it stopped
    assert content(cfg) == content(reference)


def test_real_lido_records_validate_and_map(tmp_path):
    """The Datahub/Arthub LIDO records of ../shared/reference through OAI-PMH: each validates
    against the LIDO XSD and maps; those without an inventory number (workID) are quarantined
    with that reason, the others published."""
    records = sorted(p for p in needs_reference("oslo/lido/records").glob("*.xml")
                     if "adlib" not in p.name)
    data = [OaiItem(f"oai:datahub.example.org:{p.stem}", "2026-01-01",
                    p.read_text("utf-8").split("?>", 1)[-1]) for p in records]
    with OaiServer(data) as server:
        result = run(write_config(tmp_path, server.url))
    problems = {p.record: p for p in result.problems if p.severity == "Violation"}
    assert result.counts.loaded + result.counts.quarantined == len(records) == 4
    assert not any("LIDO schema" in p.message_en for p in result.problems)
    assert all("inventory number" in p.message_en for p in problems.values())
    assert "groeningemuseum-0000_GRO1561_I-LIDO" in state_of(tmp_path / "erfgoed.toml")


def test_malformed_page_is_a_plain_error_and_keeps_the_store(tmp_path):
    with OaiServer(items(3)) as server:
        cfg = write_config(tmp_path, server.url)
        run(cfg)
        server.get = lambda i: OaiItem(f"oai:x:o{i}", "2027-01-01", "<lido:lido>&broken")
        with pytest.raises(UserError, match="not well-formed XML"):
            run(cfg)
    assert len(state_of(cfg)) == 3
