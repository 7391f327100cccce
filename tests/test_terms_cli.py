"""The term-network commands end to end, as a curator runs them: mirrors in, a list aligned,
its mappings out as SSSOM and back into another store, the list out as SKOS/CSV."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from erfgoed.api.cli import main
from tests.conftest import ROOT, needs_reference

PLACES = ROOT / "examples" / "terms" / "plaatsen.csv"


def config(folder: Path, mirrors: Path | None) -> Path:
    cfg = folder / "erfgoed.toml"
    text = '[site]\nbase_uri = "http://kg.example.org"\ndata_dir = "data"\n[store]\nlocation = "store"\n'
    if mirrors:
        text += (f'[authorities]\ngeonames_mirror = ["{mirrors}/geonames_cities15000_2013_BE_NL_LU.txt"]\n'
                 f'aat_mirror = ["{mirrors}/aat_subset_nl_lodlit.tsv"]\n')
    cfg.write_text(text + "[reconcile]\nlive = []\n", "utf-8")
    return cfg


def erfgoed(*args: str) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def test_mirrors_align_and_mappings_round_trip_through_sssom(tmp_path):
    mirrors = needs_reference("authority-mirrors")
    cfg = config(tmp_path, mirrors)
    erfgoed("terms", "import", PLACES, "--list", "plaatsen", "--kind", "place", "--config", cfg)
    out = erfgoed("terms", "mirrors", "--config", cfg)
    assert "geonames: 442 records" in out and "aat: 3283 records" in out
    out = erfgoed("terms", "align", "plaatsen", "--config", cfg)
    assert "14 concepts without mapping" in out and "Accepted" not in out
    out = erfgoed("terms", "align", "plaatsen", "--accept", "--author", "tester", "--config", cfg)
    accepted = int(out.split("Accepted ")[1].split(".")[0])
    assert accepted >= 12
    again = erfgoed("terms", "align", "plaatsen", "--config", cfg)  # the aligned ones are done
    assert f"{14 - accepted} concepts without mapping" in again

    sssom = tmp_path / "plaatsen.sssom.tsv"
    out = erfgoed("terms", "mappings", "export", "plaatsen", "-o", sssom, "--config", cfg)
    assert f"{accepted} mappings" in out
    text = sssom.read_text("utf-8")
    assert "#curie_map:" in text and "gn:2797656/" in text  # Gent -> GeoNames 2797656
    skos = tmp_path / "plaatsen-mappings.ttl"
    erfgoed("terms", "mappings", "export", "plaatsen", "-o", skos, "--config", cfg)
    assert "exactMatch" in skos.read_text("utf-8")

    other = tmp_path / "elsewhere"
    other.mkdir()
    cfg2 = config(other, None)
    erfgoed("terms", "import", PLACES, "--list", "plaatsen", "--kind", "place", "--config", cfg2)
    out = erfgoed("terms", "mappings", "import", sssom, "--config", cfg2)
    assert f"{accepted} new decisions" in out
    sssom2 = other / "back.sssom.tsv"
    erfgoed("terms", "mappings", "export", "plaatsen", "-o", sssom2, "--config", cfg2)
    assert sssom2.read_text("utf-8") == text
    out = erfgoed("terms", "mappings", "import", sssom, "--config", cfg2)
    assert "0 new decisions" in out  # importing the same file twice changes nothing


@pytest.mark.parametrize("suffix, says", [(".ttl", "@prefix"), (".csv", "Gent"), (".jsonld", "@id")])
def test_list_export_by_suffix(tmp_path, suffix, says):
    cfg = config(tmp_path, None)
    erfgoed("terms", "import", PLACES, "--list", "plaatsen", "--config", cfg)
    target = tmp_path / f"out{suffix}"
    erfgoed("terms", "export", "plaatsen", "-o", target, "--config", cfg)
    assert says in target.read_text("utf-8-sig")


def test_plain_errors(tmp_path):
    cfg = config(tmp_path, None)
    runner = CliRunner()
    r = runner.invoke(main, ["terms", "export", "nope", "-o", str(tmp_path / "x.ttl"), "--config", str(cfg)])
    assert r.exit_code == 2 and "no term list 'nope'" in r.output
    erfgoed("terms", "import", PLACES, "--list", "plaatsen", "--config", cfg)
    r = runner.invoke(main, ["terms", "export", "plaatsen", "-o", str(tmp_path / "x.docx"),
                             "--config", str(cfg)])
    assert r.exit_code == 2 and ".ttl" in r.output
    r = runner.invoke(main, ["terms", "mirrors", "--config", str(cfg)])
    assert r.exit_code == 0 and "no mirror files configured" in r.output


ENTITY_BOMB = """<!DOCTYPE rdf:RDF [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:skos="http://www.w3.org/2004/02/skos/core#">
 <skos:Concept rdf:about="http://example.org/term/1"><skos:prefLabel xml:lang="nl">&lol2;</skos:prefLabel>
 </skos:Concept>
</rdf:RDF>
"""


@pytest.mark.parametrize("before", ["", "<!--" + "x" * 70_000 + "-->\n"], ids=["at-start", "after-70kB"])
def test_a_skos_file_declaring_entities_is_refused_plainly(tmp_path, before):
    cfg = config(tmp_path, None)
    bomb = tmp_path / "thesaurus.rdf"
    bomb.write_text('<?xml version="1.0"?>\n' + before + ENTITY_BOMB, "utf-8")
    r = CliRunner().invoke(main, ["terms", "import", str(bomb), "--list", "bom", "--config", str(cfg)])
    assert r.exit_code == 2, r.output
    assert str(bomb) in r.output and "DOCTYPE" in r.output and "for safety" in r.output
    assert "not valid" not in r.output
    r = CliRunner().invoke(main, ["terms", "export", "bom", "-o", str(tmp_path / "x.ttl"),
                                  "--config", str(cfg)])
    assert "no term list 'bom'" in r.output  # nothing was imported
