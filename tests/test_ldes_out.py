"""The LDES erfgoed-kg publishes, followed by erfgoed-kg's own LDES harvester (harvesters/ldes.py via
graph/harvest.py) on loopback: a second store ends with the same entities and triples, record by
record; a change and a removal arrive incrementally, without fetching the full (immutable) pages."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from erfgoed.api.app import create_app
from erfgoed.config import load_config
from erfgoed.graph import meta
from erfgoed.graph.harvest import harvest
from erfgoed.graph.ingest import ingest_file
from erfgoed.graph.store import open_store
from erfgoed.graph.uris import Minter
from erfgoed.harvesters.http import Fetcher
from erfgoed.mappings.engine import load_mapping
from tests.conftest import ROOT, LiveServer, write_harvest_config
from tests.test_linked_data import load_demo

DATASET = "museum-aan-de-leie"
STAMP = "<http://www.w3.org/ns/prov#generatedAtTime>"
REGISTER = ROOT / "examples" / "registers" / "museum-aan-de-leie.csv"


class Recording(Fetcher):
    def __init__(self):
        super().__init__(timeout=10, retries=0)
        self.urls: list[str] = []

    def get(self, url, **kw):
        self.urls.append(url)
        return super().get(url, **kw)


def published(store, base: str, dataset: str) -> dict[str, set[str]]:
    """entity IRI -> the triples of its record graph (N-Triples lines), for published records."""
    minter = Minter(base)
    out = {}
    for local_id, state in meta.record_index(store, minter, dataset).items():
        if state.status != meta.PUBLISHED:
            continue
        triples = {str(ox.Triple(q.subject, q.predicate, q.object)) for q in store.quads(state.graph)}
        key = local_id if local_id.startswith("http") else meta.record_entity(
            minter, dataset, local_id, "".join(f"<{t.split('>')[0][1:]}>" for t in triples).encode())
        # the harvester keeps each version's prov:generatedAtTime on the entity: when it was published
        out[key] = {t for t in triples if not (t.startswith(f"<{key}> ") and STAMP in t)}
    return out


def ingest(store, config, path: Path) -> None:
    ingest_file(store, config, DATASET, path, load_mapping("museum-register"),
                title="Collectie Museum aan de Leie", institution="Museum aan de Leie")


def test_ldes_round_trip_through_our_own_harvester(tmp_path):
    (tmp_path / "one").mkdir()
    config = load_demo(tmp_path / "one", "[ldes]\npage_size = 50\n")
    source = open_store(str(config.resolve(config["store.location"])))
    mirror_dir = tmp_path / "two"
    mirror_dir.mkdir()
    try:
        with LiveServer(create_app(config, source)) as server:
            cfg = write_harvest_config(mirror_dir, f'[sources.mirror]\ntype = "ldes"\n'
                                                   f'url = "{server.url}/ldes/{DATASET}"\n')
            mirror_config = load_config(cfg)

            def follow() -> tuple[list[str], dict[str, set[str]]]:
                fetcher = Recording()
                with open_store(str(mirror_config.resolve("store"))) as mirror:
                    result = harvest(mirror, mirror_config, mirror_config.sources["mirror"], fetcher=fetcher)
                    assert result.counts.quarantined == 0, result.problems[:3]
                    return fetcher.urls, published(mirror, mirror_config.base_uri, "mirror")

            urls, mirrored = follow()
            expected = published(source, config.base_uri, DATASET)
            assert len(expected) > 150 and len(urls) >= 4  # several pages of 50
            assert mirrored.keys() == expected.keys()
            for entity, triples in expected.items():
                assert mirrored[entity] == triples, entity

            # a change and a removal in the source: one row edited, one row dropped
            lines = REGISTER.read_bytes().splitlines(keepends=True)
            edited = [line.replace(b"Smeedtang met initialen", b"Smeedtang met initialen J.D.")
                      if line.startswith(b"MAL.0002;") else line
                      for line in lines if not line.startswith(b"MAL.0008;")]
            (tmp_path / "changed.csv").write_bytes(b"".join(edited))
            ingest(source, config, tmp_path / "changed.csv")
            again, mirrored = follow()
            expected = published(source, config.base_uri, DATASET)
    finally:
        source.close()
    full_pages = [u for u in urls if u.rsplit("/", 1)[-1].isdigit()][:-1]
    assert full_pages and not set(full_pages) & set(again)  # immutable pages are not asked again
    assert len(again) <= 3  # the stream, the newest page (and the one it grew into)
    gone = f"{config.base_uri}/id/object/{DATASET}/MAL.0008"
    changed = f"{config.base_uri}/id/object/{DATASET}/MAL.0002"
    assert gone not in mirrored and gone not in expected
    assert any("J.D." in t for t in mirrored[changed])
    assert mirrored == expected
