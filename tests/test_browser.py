"""The curator UI in a real browser: Debian's chromium driven by Playwright, against the real app
(uvicorn on loopback) over a temp store with the demo loaded. A curator logs in, aligns ten places by
keyboard (then finds them in SPARQL and in the SSSOM export), accepts one with the mouse and undoes it,
bulk-accepts after the review screen, searches with autocomplete, opens a dataset report; an
institution uploads a submission and follows it to its report. Every page is photographed at 1280 px
and 390 px into tests/output/screenshots/ (look at them). Inputs must have labels on every page.

Chromium comes from the project's set-up (`make test` installs it: Playwright cannot download its
own browsers here); without it these tests skip and say so.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from erfgoed.api.app import create_app
from erfgoed.graph.store import open_store

from .conftest import FIXTURES, ROOT, LiveServer
from .ui_site import build_site

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "tests" / "output" / "screenshots"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PL = "http://kg.example.org/id/term/plaatsen/"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: `make test` installs it (apt-get install chromium, as root)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extras")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    site = build_site(tmp_path_factory.mktemp("browser"), extra="[ingest]\nworkers = 0\n")
    store = open_store(str(site.config.resolve(site.config["store.location"])))
    with LiveServer(create_app(site.config, store)) as server:
        yield site, server
    store.close()


def shoot(page, name: str) -> None:
    """Both widths, full page; and no input without a label on any page we show."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
        .filter(e => e.type !== 'hidden' && !e.labels.length && !e.getAttribute('aria-label'))
        .map(e => e.name || e.id)""")
    assert not unlabelled, f"{name}: inputs without a label: {unlabelled}"
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} scrolls sideways at {width} px ({overflow} px too wide)"
    page.set_viewport_size({"width": 1280, "height": 900})


def logged_in(browser, server, token: str, next_url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    page = context.new_page()
    page.goto(server.url + "/ui/login?next=" + quote(next_url, safe=""))
    shoot(page, "login")
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(server.url + next_url)
    return page


def sparql_count(server, pattern: str) -> int:
    q = f"PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"
    r = requests.get(server.url + "/sparql", params={"query": q, "format": "json"}, timeout=30)
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_ten_places_aligned_by_keyboard_appear_in_sparql_and_sssom(browser, live):
    site, server = live
    page = browser.new_page(locale="nl-BE")
    page.goto(server.url + "/ui/terms/plaatsen/align?source=geonames")
    assert "/ui/login?next=" in page.url                         # curating needs a login
    page = logged_in(browser, server, site.tokens["curator"], "/ui/terms/plaatsen/align?source=geonames")
    shoot(page, "queue")
    aligned = []
    for _ in range(10):
        term = page.locator("input[name=term]").first.get_attribute("value")
        first = page.locator("#cands .cand").first
        assert "selected" in first.get_attribute("class")          # the best candidate is chosen
        with page.expect_navigation():
            page.keyboard.press("1")                               # 1 = exact match
        aligned.append(term)
    assert len(set(aligned)) == 10 and all(t.startswith(PL) for t in aligned)
    assert sparql_count(server, f'?t skos:exactMatch ?gn FILTER(STRSTARTS(STR(?t), "{PL}"))') == 10
    sssom = requests.get(server.url + "/terms/plaatsen/mappings", timeout=30).text
    table = "\n".join(ln for ln in sssom.splitlines() if not ln.startswith("#"))
    rows = list(csv.DictReader(io.StringIO(table), delimiter="\t"))
    assert len(rows) == 10 and all(r["author_id"] == "kg:curator/Anna%20Curator" for r in rows)
    assert {r["subject_id"].replace("kg:term/plaatsen/", PL) for r in rows} == set(aligned)
    page.goto(server.url + "/ui/terms")
    assert "10 / 0 / 4" in page.locator(".listcard", has_text="Plaatsen").inner_text()
    shoot(page, "termlists")


def test_accept_with_the_mouse_then_undo_with_u(browser, live):
    site, server = live
    page = logged_in(browser, server, site.tokens["curator"], "/ui/terms/plaatsen/align?source=geonames")
    term = page.locator("input[name=term]").first.get_attribute("value")
    page.get_by_label("Waarom (optioneel)").fill("ligt in de buurt")
    with page.expect_navigation():
        page.locator("#cands .cand").first.get_by_role("button", name="nauw").click()
    assert sparql_count(server, f"<{term}> skos:closeMatch ?x") == 1
    with page.expect_navigation():
        page.keyboard.press("u")
    assert page.locator("p.flash").inner_text() == "Ongedaan gemaakt."
    assert sparql_count(server, f"<{term}> skos:closeMatch ?x") == 0
    assert page.locator("input[name=term]").first.get_attribute("value") == term   # back at that term


def test_bulk_accept_after_the_review_screen(browser, live):
    site, server = live
    page = logged_in(browser, server, site.tokens["curator"], "/ui/terms/plaatsen/align?source=geonames")
    before = sparql_count(server, "?t skos:exactMatch ?x")
    page.get_by_role("link", name="Bulk aanvaarden…").click()
    page.get_by_label("Minimale score").fill("99")
    page.get_by_role("button", name="Nakijken").click()
    boxes = page.locator("input[name=pair]")
    n = boxes.count()
    assert n >= 2
    shoot(page, "bulk")
    boxes.first.uncheck()                                          # the curator disagrees with one
    page.get_by_role("button", name=f"{n - 1} koppelingen aanvaarden").click()   # the count follows
    page.wait_for_url("**/align?**")
    assert f"{n - 1} koppelingen aanvaard." in page.locator("p.flash").inner_text()
    assert sparql_count(server, "?t skos:exactMatch ?x") == before + n - 1


def test_search_with_autocomplete_opens_the_concept_with_its_mapping(browser, live):
    site, server = live
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    page.goto(server.url + "/ui/search")
    page.get_by_label("Term").press_sequentially("Gen", delay=30)
    option = page.get_by_role("option", name="Gent")
    option.wait_for()
    shoot(page, "search")
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Gent"
    assert "Anna Curator" in page.locator("table").nth(1).inner_text()   # who mapped it
    shoot(page, "concept")


def test_pages_of_the_datasets_and_sparql(browser, live):
    _, server = live
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    for path, name in (("/ui", "datasets"), ("/ui/datasets/museum-aan-de-leie", "dataset"),
                       ("/ui/sparql", "sparql"), ("/ui/concept?uri=http%3A%2F%2Fkg.example.org%2Fid%2Fterm%2F"
                                                  "objectnamen%2FON3", "concept-used")):
        page.goto(server.url + path)
        shoot(page, name)
    page.goto(server.url + "/ui/datasets/museum-aan-de-leie")
    assert page.locator("svg[role=img] rect").count() > 0                # the problems chart
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Naar de inhoud"   # skip link first


def test_institution_uploads_a_file_and_follows_it_to_the_report(browser, live):
    site, server = live
    page = logged_in(browser, server, site.tokens["institution"], "/ui/datasets/museum-aan-de-leie")
    page.get_by_role("link", name="Nieuwe versie indienen").click()
    page.get_by_label("Mapping").select_option("museum-register")
    page.get_by_label("Bestand").set_input_files(str(FIXTURES / "small-register.csv"))
    shoot(page, "submit")
    page.get_by_role("button", name="Indienen").click()
    page.wait_for_url("**/submissions/*")
    page.locator(".state-done").wait_for(timeout=60000)
    assert "geladen" in page.locator(".result").inner_text()
    shoot(page, "submission")
    page.get_by_role("link", name="Naar het rapport").click()
    assert page.locator("h1").inner_text().startswith("Collectie Museum aan de Leie")


def test_english_interface_at_the_flick_of_the_switch(browser, live):
    site, server = live
    page = logged_in(browser, server, site.tokens["curator"], "/ui/terms/plaatsen/align?show=all")
    page.get_by_role("link", name="EN", exact=True).click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Undo my last decision").count() == 1
    shoot(page, "queue-en")
    shutil.rmtree(SHOTS.parent / "tmp", ignore_errors=True)
