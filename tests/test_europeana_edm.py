"""EDM records: Europeana's samples against our XSD check and Schematron rules; our own records
(the demo) built, ordered and valid; rights normalisation; the publication licence."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from erfgoed.api.cli import main
from erfgoed.config import load_config
from erfgoed.graph import edm_rules
from erfgoed.graph.edm_schema import EdmSchema, clark
from erfgoed.graph.publication import may_publish, normalise_rights
from tests.conftest import needs_reference

SCHEMA_URL = "http://ftp.eanadev.org/schema_zips/europeana_schemas-20241127.zip"
# why each invalid sample must fail (SOURCES.md): the rule ids of graph/edm_rules.py, or "xsd"
INVALID = {
    "xsd_bad-order_input.xml": "xsd",
    "sch_missing-dataProvider_https-rights.xml": "M19",
    "sch_empty-hasView-resource.xml": "M15",
    "sch_invalid-intendedUsage.xml": "M47",
    "sch_invalid-digitalSourceType.xml": "M46",
    "sch_no-title_bad-rights_Item_35834473.xml": "M35c",
}


def _parse(path: Path) -> etree._ElementTree:
    return etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False))


@pytest.fixture(scope="module")
def schema() -> EdmSchema:
    return EdmSchema(needs_reference("europeana/schema_xsds") / "EDM.xsd")


@pytest.mark.parametrize(
    "name",
    [
        "sandbox_valid-record_TEXT.xml",
        "metis_repository_record-test_VIDEO.xml",
        "sandbox_bad-order_expected_sorted.xml",
        "metis_edm_external_sorted_3D_place_timespan.xml",
    ],
)
def test_valid_samples_pass_xsd_and_rules(schema, name):
    doc = _parse(needs_reference("europeana/samples/valid") / name)
    assert schema.errors(doc) == []
    assert edm_rules.check(doc) == []


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_samples_fail_for_their_reason(schema, name):
    doc = _parse(needs_reference("europeana/samples/invalid") / name)
    xsd, rules = schema.errors(doc), {f.rule for f in edm_rules.check(doc)}
    if INVALID[name] == "xsd":
        assert any("dc:type" in e and "not expected" in e for e in xsd), xsd
        assert rules == set()
    else:
        assert xsd == []
        assert INVALID[name] in rules


def test_https_rights_and_missing_title_are_named(schema):
    doc = _parse(needs_reference("europeana/samples/invalid") / "sch_missing-dataProvider_https-rights.xml")
    assert "M24" in {f.rule for f in edm_rules.check(doc)}  # https:// CC URI: not allowed
    doc = _parse(needs_reference("europeana/samples/invalid") / "sch_no-title_bad-rights_Item_35834473.xml")
    assert "http://rightReserved.html" in " ".join(str(f) for f in edm_rules.check(doc))


def test_order_comes_from_the_xsd(schema):
    cho = schema.property_order("edm:ProvidedCHO")
    assert cho[clark("dc:title")] == cho[clark("dc:type")] < cho[clark("edm:type")] < cho[clark("owl:sameAs")]
    agg = schema.property_order("ore:Aggregation")
    assert agg[clark("edm:provider")] < agg[clark("edm:rights")]  # what the bad-order sample gets wrong


@pytest.mark.parametrize(
    "given,expected",
    [
        (
            "https://creativecommons.org/publicdomain/zero/1.0/",
            "http://creativecommons.org/publicdomain/zero/1.0/",
        ),
        (
            "https://creativecommons.org/licenses/by-sa/4.0/deed.nl",
            "http://creativecommons.org/licenses/by-sa/4.0/",
        ),
        ("http://creativecommons.org/licenses/by/4.0", "http://creativecommons.org/licenses/by/4.0/"),
        (
            "https://rightsstatements.org/page/InC/1.0/?language=en",
            "http://rightsstatements.org/vocab/InC/1.0/",
        ),
        ("http://rightReserved.html", "http://rightReserved.html"),
    ],
)
def test_rights_are_normalised_to_europeanas_form(given, expected):
    assert normalise_rights(given) == expected
    assert edm_rules.valid_rights(normalise_rights(given)) == (expected != "http://rightReserved.html")


# -- the demo, exported -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    schemas = needs_reference("europeana/schema_xsds")
    folder = tmp_path_factory.mktemp("demo")
    cfg = folder / "erfgoed.toml"
    cfg.write_text(
        '[site]\nbase_uri = "http://kg.example.org"\ndata_dir = "data"\n[store]\nlocation = "store"\n'
        f'[reconcile]\nlive = []\n[resources.local]\n"{SCHEMA_URL}" = "{schemas}"\n',
        "utf-8",
    )
    result = CliRunner().invoke(main, ["demo", "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    return cfg


def test_demo_dataset_exports_a_zip_of_valid_records(demo, schema, tmp_path):
    out = tmp_path / "mal.zip"
    result = CliRunner().invoke(
        main, ["export", "europeana", "museum-aan-de-leie", "-o", str(out), "--config", str(demo)]
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert len(names) == 225 and all(n.endswith(".xml") for n in names)
        doc = etree.fromstring(zf.read("MAL.1952.014.xml"))
    assert schema.errors(doc) == [] and edm_rules.check(doc) == []
    assert [etree.QName(e).localname for e in doc][:3] == ["ProvidedCHO", "Aggregation", "WebResource"]
    assert all(etree.QName(e).localname != "Description" for e in doc.iter())
    rights = doc.find(f"{clark('ore:Aggregation')}/{clark('edm:rights')}").get(clark("rdf:resource"))
    assert rights == "http://rightsstatements.org/vocab/InC/1.0/"  # the row's own statement
    report = out.with_name("mal.report.json").read_text("utf-8")
    assert '"exported": 225' in report


def test_streamed_zip_holds_the_records_and_the_report(demo):
    import io
    import json

    from erfgoed.graph.edm import EdmBuilder
    from erfgoed.graph.edm_export import REPORT_NAME, stream_zip
    from erfgoed.graph.store import open_store

    config = load_config(demo)
    with open_store(str(config.resolve(config["store.location"]))) as s:
        data = b"".join(stream_zip(EdmBuilder(s, config, "museum-aan-de-leie")))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        report = json.loads(zf.read(REPORT_NAME))
        assert b"De kruisoprichting" in zf.read("MAL.1952.014.xml")
    assert names[-1] == REPORT_NAME and len(names) == report["exported"] + 1 == 226


def test_default_rights_and_term_network_enrich_the_record(demo):
    from erfgoed.graph.edm import EdmBuilder
    from erfgoed.graph.store import open_store

    config = load_config(demo)
    with open_store(str(config.resolve(config["store.location"]))) as s:
        (rec,) = EdmBuilder(s, config, "museum-aan-de-leie").build(["MAL.0002"])
    xml = rec.xml.decode()
    # no rights in the row: the dataset default, https normalised to http
    assert 'edm:rights rdf:resource="http://creativecommons.org/publicdomain/mark/1.0/"' in xml
    # 'smeedtang' equals a label of the objectnamen list: its concept and scope note come along
    assert "http://kg.example.org/id/term/objectnamen/ON2" in xml
    assert "Tang waarmee de smid" in xml


def test_two_process_export_delivers_the_same_records_as_one_process(demo):
    from erfgoed.graph.edm import EdmBuilder
    from erfgoed.graph.store import open_store

    config = load_config(demo)
    with open_store(str(config.resolve(config["store.location"]))) as s:
        builder = EdmBuilder(s, config, "museum-aan-de-leie")
        ids = builder.published_ids()
        one = [r for i in range(0, len(ids), 10) for r in builder.build(ids[i : i + 10])]  # this process
        # batches of 10: graph/edm_worker.py writes and checks them in a second process
        two = [(done, recs) for done, recs in EdmBuilder(s, config, "museum-aan-de-leie").batches(batch=10)]
    assert sum(done for done, _ in two) == len(ids) and len(two) > 4
    pairs = list(zip(one, [r for _, recs in two for r in recs], strict=True))
    # the same documents byte for byte; the same triples (their order varies from run to run)
    assert all((a.local_id, a.xml, a.problems, sorted(a.triples)) == (b.local_id, b.xml, b.problems,
               sorted(b.triples)) for a, b in pairs)
    enriched = next(b for a, b in pairs if b.local_id == "MAL.0002")
    assert b"http://kg.example.org/id/term/objectnamen/ON2" in enriched.xml  # the term network, there too


def test_dataset_without_europeana_exports_nothing_and_says_why(demo, tmp_path):
    out = tmp_path / "tz.zip"
    result = CliRunner().invoke(
        main, ["export", "europeana", "textiel-zuidwest", "-o", str(out), "--config", str(demo)]
    )
    assert result.exit_code == 2
    assert "does not allow 'europeana'" in result.output and "publish" in result.output
    assert not out.exists()


def test_may_publish_reads_the_licence_from_the_store(demo):
    from erfgoed.graph.store import open_store

    config = load_config(demo)
    with open_store(str(config.resolve(config["store.location"]))) as s:
        assert may_publish(s, config, "museum-aan-de-leie", "europeana")
        assert may_publish(s, config, "textiel-zuidwest", "public")
        assert not may_publish(s, config, "textiel-zuidwest", "europeana")
        assert not may_publish(s, config, "no-such-dataset", "public")


def test_public_sparql_hides_datasets_whose_licence_forbids_it(demo):
    from fastapi.testclient import TestClient

    from erfgoed.api.app import create_app
    from erfgoed.graph.publication import policy_quads
    from erfgoed.graph.store import open_store
    from erfgoed.graph.uris import Minter

    config = load_config(demo)
    q = ("SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a "
         "<http://www.cidoc-crm.org/cidoc-crm/E22_Human-Made_Object> }")
    with open_store(str(config.resolve(config["store.location"]))) as s:
        with TestClient(create_app(config, s)) as client:
            before = int(
                client.get("/sparql", params={"query": q, "format": "json"}).json()["results"]["bindings"][0][
                    "n"
                ]["value"]
            )
            m = Minter(config.base_uri)
            d = m.dataset("textiel-zuidwest")
            s.replace(
                delete_subjects=[(m.meta_graph, d)],  # the institution withdraws "public"
                insert=[q for q in policy_quads(m, "textiel-zuidwest", ["europeana"])],
            )
            s.update(
                f"INSERT DATA {{ GRAPH <{m.meta_graph}> {{ <{d}> a <http://www.w3.org/ns/dcat#Dataset> ; "
                f'<http://purl.org/dc/terms/identifier> "textiel-zuidwest" }} }}'
            )
            after = int(
                client.get("/sparql", params={"query": q, "format": "json"}).json()["results"]["bindings"][0][
                    "n"
                ]["value"]
            )
    assert before == 225 + 58 and after == 225


def test_writer_escapes_text_and_reports_what_xml_cannot_hold(schema):
    from erfgoed.graph.edm_xml import EdmTriple, EdmWriter

    cho, agg = "http://kg.example.org/id/object/d/1?a=1&b=2", "http://kg.example.org/id/object/d/1#aggregation"
    ns = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dc": "http://purl.org/dc/elements/1.1/",
          "edm": "http://www.europeana.eu/schemas/edm/"}
    title = 'Kan & deksel <tin> "1650"\nmet merk'
    triples = [EdmTriple(cho, ns["rdf"] + "type", ns["edm"] + "ProvidedCHO", None),
               EdmTriple(cho, ns["dc"] + "title", title, "nl"),
               EdmTriple(agg, ns["rdf"] + "type", "http://www.openarchives.org/ore/terms/Aggregation", None),
               EdmTriple(agg, ns["edm"] + "isShownAt", cho, None)]
    writer = EdmWriter(schema)
    root = etree.fromstring(writer.document(triples))
    cho_el = root.find(clark("edm:ProvidedCHO"))
    assert cho_el.get(clark("rdf:about")) == cho
    assert cho_el.find(clark("dc:title")).text == title
    assert cho_el.find(clark("dc:title")).get("{http://www.w3.org/XML/1998/namespace}lang") == "nl"
    bad = triples[:1] + [EdmTriple(cho, ns["dc"] + "title", "Kan\x0bdeksel", "")]
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(writer.document(bad))
