"""The demo as a newcomer runs it: `erfgoed demo`, then the example queries answer."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from erfgoed.api.cli import DEMO_CONFIG, main
from erfgoed.config import load_config
from erfgoed.graph.store import open_store

from .conftest import ROOT

EXAMPLES = sorted((ROOT / "sparql" / "examples").glob("*.rq"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    cfg = tmp / "erfgoed.toml"
    cfg.write_text('[site]\ndata_dir = "data"\n[store]\nlocation = "store"\n', "utf-8")
    runner = CliRunner()
    first = runner.invoke(main, ["demo", "--config", str(cfg)])
    assert first.exit_code == 0, first.output
    return tmp, cfg, first.output


def test_demo_loads_both_registers_and_reports_their_mistakes(demo):
    tmp, cfg, output = demo
    lines = {ln.split(":")[0]: ln for ln in output.splitlines() if " loaded," in ln}
    assert set(lines) == {"museum-aan-de-leie", "textiel-zuidwest", "actoren-demo", "uit-cc-leiedal",
                          "uit-stadsschouwburg"}
    museum = lines["museum-aan-de-leie"]
    loaded = int(museum.split(": ")[1].split(" loaded")[0])
    quarantined = int(museum.split("removed, ")[1].split(" quarantined")[0])
    assert loaded >= 200 and quarantined >= 4  # empty title, duplicate, no number, 'ca. 40', URL
    assert (tmp / "data" / "reports" / "museum-aan-de-leie.html").exists()


def test_demo_loads_its_term_lists(demo):
    _, _, output = demo
    for name in ("objectnamen", "materialen", "plaatsen", "vervaardigers"):
        assert f"list {name}: " in output and " new, " in output


def test_running_the_demo_again_changes_nothing(demo):
    tmp, cfg, _ = demo
    store = open_store(str(tmp / "store"))
    before = store.count()
    store.close()
    again = CliRunner().invoke(main, ["demo", "--config", str(cfg)])
    assert again.exit_code == 0
    assert all(" 0 loaded, " in ln for ln in again.output.splitlines() if " loaded," in ln)
    store = open_store(str(tmp / "store"))
    # only the new runs' provenance is added (PROV-O activity with its counts, one per dataset);
    # the canonical actors are rebuilt identically
    assert store.count() - before == len(load_config(DEMO_CONFIG).datasets) * 11
    store.close()


@pytest.mark.parametrize("query", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_query_answers_on_the_demo(demo, query: Path):
    tmp, cfg, _ = demo
    text = query.read_text("utf-8")
    assert text.startswith("# "), "first line must be a comment giving the query's title"
    store = open_store(str(load_config(cfg).resolve("store")))
    try:
        result = list(store.query(text))
    finally:
        store.close()
    assert len(result) > 0
