"""LDES harvesting against the real-format pages of ../shared/reference/oslo/ldes, served on
loopback: the SEMIC/rdf-connect mock stream (Turtle, declared version/timestamp paths) and
Stad Gent's adlib2eventstream pages (JSON-LD, @included members, OSLO contexts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from erfgoed.config import load_config
from erfgoed.graph import meta
from erfgoed.graph.harvest import harvest
from erfgoed.graph.store import open_store
from erfgoed.graph.uris import Minter
from erfgoed.harvesters.http import Fetcher
from tests.conftest import needs_reference, write_harvest_config
from tests.servers import FileServer

GENT = "https://apidg.gent.be/opendata/adlib2eventstream/v1/"


def config_for(tmp_path: Path, url: str, contexts: Path | None = None) -> Path:
    local = f'[resources.local]\n"{GENT}context/" = "{contexts}/"\n' if contexts else ""
    return write_harvest_config(tmp_path, f'{local}\n[sources.stream]\ntype = "ldes"\nurl = "{url}"\n')


def run(cfg: Path, full: bool = False):
    config = load_config(cfg)
    with open_store(str(config.resolve(config["store.location"]))) as store:
        result = harvest(store, config, config.sources["stream"], full=full, fetcher=Fetcher())
        index = meta.record_index(store, Minter(config.base_uri), "stream")
        objects = {r["s"].value: r["t"].value for r in store.query(
            "SELECT ?s ?t WHERE { ?s <http://www.w3.org/ns/prov#generatedAtTime> ?t }")}
    return result, index, objects


def mock_files() -> dict[str, Path]:
    return {p.name: p for p in needs_reference("oslo/ldes/mock-ldes").glob("*.ttl")}


def test_mock_stream_latest_version_per_entity(tmp_path):
    with FileServer(mock_files()) as server:
        cfg = config_for(tmp_path, server.url + "/mock-ldes.ttl")
        result, index, _ = run(cfg)
        config = load_config(cfg)
        with open_store(str(config.resolve(config["store.location"]))) as store:
            stamps = {r["s"].value.rsplit("/", 1)[1]: r["t"].value for r in store.query(
                "SELECT ?s ?t WHERE { ?s <http://example.org/modified> ?t }")}
            versions_kept = bool(store.query("ASK { ?s <http://example.org/isVersionOf> ?o }"))
    assert len(index) == 6  # mem1..mem6, 12 versions on 3 pages
    assert stamps["mem1"] == "2024-07-14T10:00:00Z" and stamps["mem6"] == "2024-07-14T10:53:00Z"
    assert len(stamps) == 6 and not versions_kept  # stored under the entity, not the version


def test_mock_stream_second_run_fetches_only_mutable_pages(tmp_path):
    with FileServer(mock_files()) as server:
        cfg = config_for(tmp_path, server.url + "/mock-ldes.ttl")
        run(cfg)
        before = len(server.requests)
        result, _, _ = run(cfg)
        again = server.requests[before:]
    assert result.counts.loaded == 0
    # pages marked '# immutable' are not asked again; the others answer 304 to their ETag
    immutable = [n for n, p in mock_files().items() if p.read_bytes().startswith(b"# immutable")]
    assert not any(n in r for r in again for n in immutable if n != "mock-ldes.ttl")
    assert len(again) < len(mock_files())


def test_new_version_replaces_the_old(tmp_path):
    files = mock_files()
    with FileServer(files) as server:
        cfg = config_for(tmp_path, server.url + "/mock-ldes.ttl")
        run(cfg)
        changed = tmp_path / "mock-ldes-2.ttl"
        changed.write_text(files["mock-ldes-2.ttl"].read_text().replace(
            "2024-07-14T10:53:00.000Z", "2024-07-15T08:00:00.000Z"))
        server.files["mock-ldes-2.ttl"] = changed
        result, index, _ = run(cfg)
    assert result.counts.loaded == 1
    assert index[f"{server.url}/mem6"].datestamp == "2024-07-15T08:00:00.000Z"


@pytest.mark.parametrize("stream", ["dmg-objecten", "hva-objecten", "adlib-personen",
                                    "adlib-thesaurus", "dmg-tentoonstellingen"])
def test_gent_pages(tmp_path, stream):
    folder = needs_reference("oslo/ldes/gent-adlib2eventstream")
    contexts = needs_reference("oslo/contexts-gent")
    pages = sorted(folder.glob(f"{stream}-page*.jsonld"))
    files = {json.loads(p.read_text())["@id"].replace(GENT, ""): p for p in pages}
    inst, db = stream.split("-")
    with FileServer(files, rewrite={f"{GENT}{inst}/": "{url}/" + inst + "/"}) as server:
        first = next(k for k in files if json.loads(files[k].read_text()).get("viewOf"))
        cfg = config_for(tmp_path, f"{server.url}/{first}", contexts)
        result, index, stamps = run(cfg)
    members = sum(len(json.loads(p.read_text())["@included"]) for p in pages)
    assert result.counts.loaded + result.counts.quarantined == len(index) + result.counts.quarantined
    assert 0 < len(index) <= members
    assert all(k.startswith("https://stad.gent/id/") for k in index)
    # stored under the entity IRI (dcterms:isVersionOf), not the version IRI
    assert all(not s.endswith("Z") for s in stamps)
    assert result.counts.quarantined == 0, [p.message_en for p in result.problems]
