"""The OAI-PMH provider, harvested by a real client (Sickle) from a real server (uvicorn).

Every response is checked against the structure of the OAI-PMH 2.0 response schema
(OAI-PMH.xsd: responseDate, request, then the verb's element or errors; headers with identifier,
datestamp, setSpec). The XSD itself is not in ../shared/reference and the tests run offline, so
the checks below are derived from it by hand; with OAI_PMH_XSD=/path/to/OAI-PMH.xsd in the
environment the responses are validated against the real schema as well.
"""

from __future__ import annotations

import os
import re
import time

import pytest
import requests
from click.testing import CliRunner
from lxml import etree
from sickle import Sickle
from sickle.oaiexceptions import BadArgument, BadResumptionToken, CannotDisseminateFormat, IdDoesNotExist

from erfgoed.api.app import create_app
from erfgoed.api.cli import main
from erfgoed.config import load_config
from erfgoed.graph.edm_schema import EdmSchema
from tests.conftest import LiveServer, needs_reference

OAI = "{http://www.openarchives.org/OAI/2.0/}"
VERBS = {"Identify", "ListMetadataFormats", "ListSets", "GetRecord", "ListIdentifiers", "ListRecords"}
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
SCHEMA_URL = "http://ftp.eanadev.org/schema_zips/europeana_schemas-20241127.zip"


def check_response(body: bytes) -> etree._Element:
    root = etree.fromstring(body)
    assert root.tag == f"{OAI}OAI-PMH"
    kids = list(root)
    assert kids[0].tag == f"{OAI}responseDate" and STAMP.match(kids[0].text)
    assert kids[1].tag == f"{OAI}request" and kids[1].text.startswith("http")
    rest = [k.tag[len(OAI) :] for k in kids[2:]]
    assert rest == ["error"] * len(rest) or (len(rest) == 1 and rest[0] in VERBS), rest
    for h in root.iter(f"{OAI}header"):
        assert [c.tag[len(OAI) :] for c in h][:2] == ["identifier", "datestamp"]
        assert STAMP.match(h.find(f"{OAI}datestamp").text)
        assert h.get("status") in (None, "deleted")
    if os.environ.get("OAI_PMH_XSD"):
        etree.XMLSchema(etree.parse(os.environ["OAI_PMH_XSD"])).assertValid(root)
    return root


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    schemas = needs_reference("europeana/schema_xsds")
    folder = tmp_path_factory.mktemp("oai")
    cfg = folder / "erfgoed.toml"
    cfg.write_text(
        '[site]\nbase_uri = "http://kg.example.org"\ndata_dir = "data"\n[store]\nlocation = "store"\n'
        f'[reconcile]\nlive = []\n[oai]\npage_size = 40\n[resources.local]\n"{SCHEMA_URL}" = "{schemas}"\n',
        "utf-8",
    )
    assert CliRunner().invoke(main, ["demo", "--config", str(cfg)]).exit_code == 0
    # one record removed from the register: announced as deleted
    reg = folder / "mal.csv"
    from erfgoed.api.cli import DEMO_CONFIG

    lines = (DEMO_CONFIG.parent / "registers" / "museum-aan-de-leie.csv").read_bytes().split(b"\n")
    reg.write_bytes(b"\n".join(line for line in lines if not line.startswith(b"MAL.0002;")))
    demo = load_config(DEMO_CONFIG)
    ds = demo.datasets["museum-aan-de-leie"]
    (folder / "extra.toml").write_text(
        cfg.read_text("utf-8") + "[datasets.museum-aan-de-leie]\n"
        'mapping = "museum-register"\npublish = ["public", "europeana"]\n'
        f'rights = "{ds.rights}"\ninstitution = "{ds.institution}"\n',
        "utf-8",
    )
    result = CliRunner().invoke(
        main, ["ingest", str(reg), "--dataset", "museum-aan-de-leie", "--config", str(folder / "extra.toml")]
    )
    assert result.exit_code == 0, result.output
    config = load_config(cfg)
    with LiveServer(create_app(config)) as live:
        yield live.url + "/oai"


def get(url: str, **params) -> etree._Element:
    r = requests.get(url, params=params, timeout=30)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/xml")
    return check_response(r.content)


def test_identify_formats_and_sets(server):
    sickle = Sickle(server)
    ident = sickle.Identify()
    assert ident.protocolVersion == "2.0" and ident.deletedRecord == "persistent"
    assert {f.metadataPrefix for f in sickle.ListMetadataFormats()} == {"edm", "oai_dc"}
    assert [s.setSpec for s in sickle.ListSets()] == ["museum-aan-de-leie"]  # textiel: not for Europeana
    for verb in ("Identify", "ListMetadataFormats", "ListSets"):
        get(server, verb=verb)


def test_list_records_pages_through_everything_with_deleted_ones(server):
    records = list(Sickle(server).ListRecords(metadataPrefix="edm", ignore_deleted=False))
    live = [r for r in records if not r.deleted]
    deleted = [r for r in records if r.deleted]
    assert len(live) == 224 and [r.header.identifier for r in deleted] == [
        "oai:kg.example.org:museum-aan-de-leie:MAL.0002"
    ]
    schema = EdmSchema(needs_reference("europeana/schema_xsds") / "EDM.xsd")
    edm = live[0].xml.find(f".//{OAI}metadata")[0]
    assert schema.errors(etree.ElementTree(edm)) == []
    first = get(server, verb="ListRecords", metadataPrefix="edm")
    token = first.find(f".//{OAI}resumptionToken")
    assert token.get("completeListSize") == "225" and token.get("cursor") == "0" and token.text
    second = get(server, verb="ListRecords", resumptionToken=token.text)
    assert second.find(f".//{OAI}resumptionToken").get("cursor") == "40"


def test_identifiers_sets_dates_and_oai_dc(server):
    sickle = Sickle(server)
    headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="museum-aan-de-leie"))
    assert len(headers) == 225 and sum(h.deleted for h in headers) == 1
    rec = sickle.GetRecord(
        identifier="oai:kg.example.org:museum-aan-de-leie:MAL.1952.014", metadataPrefix="oai_dc"
    )
    assert rec.metadata["title"] == ["De kruisoprichting"]
    assert "Peter Paul Rubens" in rec.metadata["creator"]
    root = get(server, verb="ListIdentifiers", metadataPrefix="edm", until="2000-01-01")
    assert root.find(f"{OAI}error").get("code") == "noRecordsMatch"
    today = time.strftime("%Y-%m-%d", time.gmtime())
    assert (
        get(server, verb="ListIdentifiers", metadataPrefix="edm", **{"from": today}).find(
            f"{OAI}ListIdentifiers"
        )
        is not None
    )


@pytest.mark.parametrize(
    "params,code",
    [
        ({"verb": "Nonsense"}, "badVerb"),
        ({}, "badVerb"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "edm", "from": "yesterday"}, "badArgument"),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "edm",
                "from": "2020-01-01",
                "until": "2020-01-01T00:00:00Z",
            },
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "lido"}, "cannotDisseminateFormat"),
        ({"verb": "ListRecords", "resumptionToken": "garbage"}, "badResumptionToken"),
        ({"verb": "ListRecords", "metadataPrefix": "edm", "set": "textiel-zuidwest"}, "noRecordsMatch"),
        (
            {
                "verb": "GetRecord",
                "metadataPrefix": "edm",
                "identifier": "oai:kg.example.org:textiel-zuidwest:EZW.0003",
            },
            "idDoesNotExist",
        ),
        ({"verb": "Identify", "extra": "1"}, "badArgument"),
    ],
)
def test_errors(server, params, code):
    root = get(server, **params)
    assert root.find(f"{OAI}error").get("code") == code


def test_sickle_raises_the_errors_a_harvester_handles(server):
    sickle = Sickle(server)
    with pytest.raises(IdDoesNotExist):
        sickle.GetRecord(identifier="oai:kg.example.org:museum-aan-de-leie:NOPE", metadataPrefix="edm")
    with pytest.raises(CannotDisseminateFormat):
        sickle.ListRecords(metadataPrefix="marc21")
    with pytest.raises(BadResumptionToken):
        sickle.ListRecords(resumptionToken="eyJwIjoiZWRtIn0")
    with pytest.raises(BadArgument):
        sickle.ListRecords(metadataPrefix="edm", **{"from": "2020-13-45"})


def test_expired_token_is_refused_cleanly(server):
    import base64
    import json

    token = base64.urlsafe_b64encode(
        json.dumps(
            {"p": "edm", "s": None, "f": None, "u": None, "c": ["2000-01-01T00:00:00Z", "x"], "n": 40, "x": 1}
        ).encode()
    )
    root = get(server, verb="ListRecords", resumptionToken=token.decode().rstrip("="))
    error = root.find(f"{OAI}error")
    assert error.get("code") == "badResumptionToken" and "expired" in error.text


def test_pages_follow_the_token_position_and_see_new_runs(store, config):
    """Pages are cut from the position the token carries (from/until and sets honoured), and a
    run that finishes after a list was read shows in the next request (the kept list is redone)."""
    import pyoxigraph as ox

    from erfgoed.graph.meta import RunCounts, dataset_quads, record_quads, run_quads
    from erfgoed.graph.oai_records import OaiRecords
    from erfgoed.graph.publication import policy_quads
    from erfgoed.graph.uris import Minter

    minter = Minter(config.base_uri)

    def ingest(dataset: str, run: str, ids: list[str], ended: str, status: str = "published") -> None:
        quads = [q for i in ids for q in record_quads(minter, dataset, i, "h", status, run)]
        ended_at = ox.NamedNode("http://www.w3.org/ns/prov#endedAtTime")  # at `ended`, not now
        quads += [q for q in run_quads(minter, dataset, run, ox.Literal(ended), "t.csv", RunCounts())
                  if q.predicate != ended_at]
        quads.append(ox.Quad(ox.NamedNode(run), ended_at, ox.Literal(ended), ox.NamedNode(minter.meta_graph)))
        store.add(quads)

    for ds in ("a", "b"):
        store.add(dataset_quads(minter, ds, ds, "Museum") + policy_quads(minter, ds, ["europeana"]))
    store.add(dataset_quads(minter, "hidden", "hidden", "M") + policy_quads(minter, "hidden", ["public"]))
    ingest("a", "urn:run:a1", [f"A{i:02d}" for i in range(10)], "2024-01-01T10:00:00+00:00")
    ingest("b", "urn:run:b1", ["B1", "B2"], "2024-01-02T10:00:00+00:00")
    ingest("hidden", "urn:run:h1", ["H1"], "2024-01-01T11:00:00+00:00")
    records = OaiRecords(store, config.base_uri)

    pages, after, more = [], None, True
    while more:
        page, total, more = records.page(None, after, None, None, 4)
        pages.append([h.local_id for h in page])
        after = (page[-1].datestamp, page[-1].identifier)
    assert total == 12 and [len(p) for p in pages] == [4, 4, 4]
    assert sum(pages, []) == [f"A{i:02d}" for i in range(10)] + ["B1", "B2"]  # by datestamp, then id
    page, total, more = records.page(None, None, "2024-01-02T00:00:00Z", None, 4)
    assert [h.local_id for h in page] == ["B1", "B2"] and total == 2 and not more
    page, total, _ = records.page("a", ("2024-01-01T10:00:00Z", "oai:kg.example.org:a:A07"), None, None, 4)
    assert [h.local_id for h in page] == ["A08", "A09"] and total == 10
    assert records.header("hidden", "H1") is None and records.header("a", "A03").datestamp == (
        "2024-01-01T10:00:00Z"
    )

    # a later run removes A03 and adds A10: the next request sees both
    store.replace(delete_subjects=[(minter.meta_graph, minter.record_graph("a", "A03"))])
    ingest("a", "urn:run:a2", ["A03"], "2024-02-01T10:00:00+00:00", status="removed")
    ingest("a", "urn:run:a2", ["A10"], "2024-02-01T10:00:00+00:00")
    page, total, more = records.page("a", None, "2024-02-01", None, 4)
    assert [(h.local_id, h.deleted) for h in page] == [("A03", True), ("A10", False)] and total == 2
    assert records.header("a", "A03").deleted
