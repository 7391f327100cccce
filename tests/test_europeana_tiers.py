"""Europeana readiness: the metadata tier and content tier ceiling of records (as Metis computes
them), what holds records back, and the `europeana` section of /datasets/{id} and its page."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from erfgoed.api.cli import main
from erfgoed.graph.edm_schema import NS
from erfgoed.graph.edm_tiers import tier_of
from erfgoed.graph.edm_xml import EdmTriple
from tests.conftest import needs_reference

SCHEMA_URL = "http://ftp.eanadev.org/schema_zips/europeana_schemas-20241127.zip"
DC, DCT, EDM, SKOS = NS["dc"], NS["dcterms"], NS["edm"], NS["skos"]
RDF_TYPE = NS["rdf"] + "type"
CHO = "http://kg.example.org/id/object/d/1"
AGG = CHO + "#aggregation"
KAN = "http://kg.example.org/id/concept/d/kan"
GENT = "http://kg.example.org/id/place/d/gent"
WHEN = CHO + "#datering"
MAKER = "http://kg.example.org/id/actor/d/maker"
PDM = "http://creativecommons.org/publicdomain/mark/1.0/"


def iri(s: str, p: str, o: str) -> EdmTriple:
    return EdmTriple(s, p, o, None)


def lit(s: str, p: str, o: str, lang: str = "") -> EdmTriple:
    return EdmTriple(s, p, o, lang)


def record(*cho: EdmTriple, rights: str = PDM, image: bool = True, edm_type: str = "IMAGE",
           extra: tuple[EdmTriple, ...] = ()) -> list[EdmTriple]:
    out = [iri(CHO, RDF_TYPE, EDM + "ProvidedCHO"), *cho, lit(CHO, EDM + "type", edm_type),
           iri(AGG, RDF_TYPE, NS["ore"] + "Aggregation"), iri(AGG, EDM + "aggregatedCHO", CHO),
           lit(AGG, EDM + "dataProvider", "Museum"), iri(AGG, EDM + "isShownAt", CHO),
           lit(AGG, EDM + "provider", "erfgoed-kg"), iri(AGG, EDM + "rights", rights)]
    if image:
        out += [iri(AGG, EDM + "isShownBy", "https://img.example.org/1.jpg"),
                iri("https://img.example.org/1.jpg", RDF_TYPE, EDM + "WebResource")]
    return out + list(extra)


CONCEPT = (iri(KAN, RDF_TYPE, SKOS + "Concept"), lit(KAN, SKOS + "prefLabel", "kan", "nl"),
           iri(KAN, SKOS + "exactMatch", "http://vocab.getty.edu/aat/300043069"))
PLACE = (iri(GENT, RDF_TYPE, EDM + "Place"), lit(GENT, SKOS + "prefLabel", "Gent", "nl"),
         lit(GENT, NS["wgs84_pos"] + "lat", "51.05"), lit(GENT, NS["wgs84_pos"] + "long", "3.72"))
TIMESPAN = (iri(WHEN, RDF_TYPE, EDM + "TimeSpan"), lit(WHEN, SKOS + "prefLabel", "ca. 1650", "nl"),
            lit(WHEN, EDM + "begin", "1645"), lit(WHEN, EDM + "end", "1655"))
AGENT = (iri(MAKER, RDF_TYPE, EDM + "Agent"), lit(MAKER, SKOS + "prefLabel", "Jan Maker"))


def test_a_record_with_only_a_title_is_tier_0_and_says_what_to_add():
    bare = tier_of(record(lit(CHO, DC + "title", "Kan")), CHO)
    assert bare.metadata == "0" and bare.language == "0" and bare.enabling == "0"
    tagged = tier_of(record(lit(CHO, DC + "title", "Kan", "nl")), CHO)
    assert tagged.language == "C" and tagged.enabling == "0" and tagged.metadata == "0"
    assert not tagged.published  # Europeana publishes metadata tier A and up
    why = {r.criterion: r for r in bare.reasons}
    assert set(why) >= {"language", "enabling", "contextual", "publication"}
    assert why["language"].missing == ("dc:title",)
    assert set(why["enabling"].missing) == {"temporal", "conceptual", "personal", "geographical"}


def test_type_subject_place_date_and_contextual_entities_climb_to_c():
    one = tier_of(record(lit(CHO, DC + "title", "Kan", "nl"), iri(CHO, DC + "type", KAN), extra=CONCEPT), CHO)
    # a type linked to a concept with a tagged label and a mapping: A (one element), contextual B
    assert (one.language, one.enabling, one.contextual, one.metadata) == ("C", "A", "B", "A")
    three = tier_of(record(lit(CHO, DC + "title", "Kan", "nl"), iri(CHO, DC + "type", KAN),
                           iri(CHO, DCT + "spatial", GENT), iri(CHO, DCT + "created", WHEN),
                           extra=CONCEPT + PLACE + TIMESPAN), CHO)
    assert (three.enabling, three.contextual, three.metadata) == ("B", "C", "B")
    four = tier_of(record(lit(CHO, DC + "title", "Kan", "nl"), iri(CHO, DC + "type", KAN),
                          iri(CHO, DCT + "spatial", GENT), iri(CHO, DCT + "created", WHEN),
                          iri(CHO, DC + "creator", MAKER), extra=CONCEPT + PLACE + TIMESPAN + AGENT), CHO)
    assert four.metadata == "C" and [r.criterion for r in four.reasons] == []


def test_untagged_values_pull_the_language_criterion_down():
    t = tier_of(record(lit(CHO, DC + "title", "Kan", "nl"), lit(CHO, DC + "description", "Een kan"),
                       lit(CHO, DC + "type", "kan"), lit(CHO, DCT + "medium", "tin")), CHO)
    t2 = tier_of(record(lit(CHO, DC + "title", "Kan", "nl"), lit(CHO, DC + "description", "Een kan", "nl"),
                        lit(CHO, DC + "type", "kan"), lit(CHO, DCT + "medium", "tin")), CHO)
    assert (t.language, t2.language) == ("A", "B")  # 1 of 4 kinds tagged (25%): A; 2 of 4: B
    # an agent's tagged label does not count (Metis counts places, concepts and time spans only)
    agent = (iri(MAKER, RDF_TYPE, EDM + "Agent"), lit(MAKER, SKOS + "prefLabel", "Jan", "nl"))
    t3 = tier_of(record(lit(CHO, DC + "title", "Kan"), iri(CHO, DC + "subject", MAKER), extra=agent), CHO)
    assert t3.language == "0"


@pytest.mark.parametrize("rights,ceiling,licence", [
    (PDM, 4, "open"),
    ("http://creativecommons.org/licenses/by-sa/4.0/", 4, "open"),
    ("http://creativecommons.org/licenses/by-nc/4.0/", 3, "restricted"),
    ("http://rightsstatements.org/vocab/NoC-NC/1.0/", 3, "restricted"),
    ("http://rightsstatements.org/vocab/InC/1.0/", 2, "closed"),
])
def test_the_licence_decides_the_content_ceiling(rights, ceiling, licence):
    t = tier_of(record(lit(CHO, DC + "title", "Kan", "nl"), rights=rights), CHO)
    assert (t.content, t.licence) == (ceiling, licence)
    assert ("licence" in {r.criterion for r in t.reasons}) == (ceiling < 4)


def test_without_media_an_image_is_content_0_and_a_text_1():
    image = tier_of(record(lit(CHO, DC + "title", "Kan", "nl"), image=False), CHO)
    text = tier_of(record(lit(CHO, DC + "title", "Brief", "nl"), image=False, edm_type="TEXT"), CHO)
    assert (image.content, text.content) == (0, 1)
    assert "media" in {r.criterion for r in image.reasons}
    assert "content" in next(r for r in image.reasons if r.criterion == "publication").missing


# -- a dataset's readiness over the API and on its page ------------------------------------------
@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    from fastapi.testclient import TestClient

    from erfgoed.api.app import create_app
    from erfgoed.config import load_config
    from erfgoed.graph.store import open_store

    schemas = needs_reference("europeana/schema_xsds")
    folder = tmp_path_factory.mktemp("tiers")
    cfg = folder / "erfgoed.toml"
    cfg.write_text(
        '[site]\nbase_uri = "http://kg.example.org"\ndata_dir = "data"\n[store]\nlocation = "store"\n'
        f'[reconcile]\nlive = []\n[resources.local]\n"{SCHEMA_URL}" = "{schemas}"\n', "utf-8")
    result = CliRunner().invoke(main, ["demo", "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    config = load_config(cfg)
    with open_store(str(config.resolve(config["store.location"]))) as s:
        with TestClient(create_app(config, s)) as client:
            yield client, config


def test_dataset_json_has_tiers_that_add_up_and_reasons_with_examples(demo_app):
    client, config = demo_app
    eu = client.get("/datasets/museum-aan-de-leie").json()["europeana"]
    assert eu["allowed"] and eu["records"] == 225 and eu["exported"] == 225
    assert sum(eu["metadata_tiers"].values()) == sum(eu["content_tiers"].values()) == 225
    assert eu["content_tiers"]["0"] < 225  # most demo objects have an image and an open licence
    assert eu["reasons"] and all(r["examples"] and r["records"] >= len(r["examples"]) for r in eu["reasons"])
    counts = [r["records"] for r in eu["reasons"]]
    assert counts == sorted(counts, reverse=True)
    # kept for the next request: the cache file carries the same answer
    cache = config.resolve(config["site.data_dir"]) / "reports" / "museum-aan-de-leie.europeana.json"
    assert cache.is_file() and client.get("/datasets/museum-aan-de-leie").json()["europeana"] == eu


def test_a_dataset_without_europeana_in_its_licence_says_so(demo_app):
    client, _ = demo_app
    eu = client.get("/datasets/textiel-zuidwest").json()["europeana"]
    assert eu["allowed"] is False and "does not allow 'europeana'" in eu["reason"]


def test_dataset_page_draws_the_tiers_in_both_languages(demo_app):
    client, _ = demo_app
    nl = client.get("/ui/datasets/museum-aan-de-leie", headers={"accept-language": "nl"}).text
    en = client.get("/ui/datasets/museum-aan-de-leie", headers={"accept-language": "en"}).text
    assert "Klaar voor Europeana?" in nl and "Wat records tegenhoudt" in nl
    assert "Ready for Europeana?" in en and "What holds records back" in en
    assert en.count('aria-label="Metadata tier"') == 1 and "<svg" in en
    other = client.get("/ui/datasets/textiel-zuidwest", headers={"accept-language": "en"}).text
    assert "does not allow Europeana" in other
