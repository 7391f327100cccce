"""`erfgoed harvest --due`: which declared sources are due, by their `schedule` or, for an LDES
without one, by the stream's own ldes:pollingInterval."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner

from erfgoed.api.cli import main
from erfgoed.config import load_config
from erfgoed.graph.harvest import due, harvest
from erfgoed.graph.store import open_store
from erfgoed.harvesters.http import Fetcher
from tests.conftest import write_harvest_config
from tests.servers import FileServer, OaiServer
from tests.test_harvest_oai import items

STREAM = """@prefix ldes: <https://w3id.org/ldes#> .
@prefix tree: <https://w3id.org/tree#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{url}/stream.ttl> a ldes:EventStream ; ldes:pollingInterval 60 ;
    ldes:timestampPath dct:modified ; ldes:versionOfPath dct:isVersionOf ;
    tree:view <{url}/stream.ttl> ; tree:member <{url}/m1> .
<{url}/m1> dct:isVersionOf <http://example.org/o1> ; dct:title "Object 1" ;
    dct:modified "2026-01-01T00:00:00Z"^^xsd:dateTime .
"""


def later(seconds: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


def test_schedule_and_polling_interval_decide_what_is_due(tmp_path):
    page = tmp_path / "stream.ttl"
    page.write_text(STREAM, "utf-8")
    empty = tmp_path / "empty.json"
    empty.write_text('{"member": [], "totalItems": 0}', "utf-8")
    files = {"stream.ttl": page, "events": empty}
    with OaiServer(items(3)) as oai, FileServer(files, rewrite={"{url}": "{url}"}) as web:
        cfg = write_harvest_config(tmp_path, f"""
[harvest]
validate_xml = false
[sources.museum]
type = "oai-pmh"
url = "{oai.url}"
schedule = "PT1H"
[sources.stream]
type = "ldes"
url = "{web.url}/stream.ttl"
[sources.api]
type = "rest"
url = "{web.url}/events"
""")
        config = load_config(cfg)
        museum, stream, api = (config.sources[n] for n in ("museum", "stream", "api"))
        assert due(config, museum) and due(config, stream) and due(config, api)  # never run
        with open_store(str(config.resolve(config["store.location"]))) as store:
            harvest(store, config, museum, fetcher=Fetcher(retries=0))
            harvest(store, config, stream, fetcher=Fetcher(retries=0))
        assert not due(config, museum) and due(config, museum, later(3601))
        assert not due(config, stream) and due(config, stream, later(61))  # the stream's 60 s
        result = CliRunner().invoke(main, ["harvest", "--due", "--config", str(cfg)])
        assert result.exit_code == 0, result.output
        assert "api" in result.output and "museum" not in result.output  # only the never-run one
