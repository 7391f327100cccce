"""The curator UI in-process (TestClient): login and roles, CSRF, decisions through the queue's
forms ending up in SPARQL and SSSOM, bulk accept, search, the concept page, submissions through the
API, escaping, and both interface languages. The real-browser run is tests/test_browser.py."""

from __future__ import annotations

import re
import time

import pytest
from fastapi.testclient import TestClient

from erfgoed.api.app import create_app
from erfgoed.api.i18n import TEXT
from erfgoed.graph.store import open_store

from .conftest import FIXTURES, ROOT
from .ui_site import build_site, csrf_of, login

GN_ANTWERPEN = "https://sws.geonames.org/2803138/"
PL = "http://kg.example.org/id/term/plaatsen/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    s = build_site(tmp_path_factory.mktemp("ui"), extra="[ingest]\nmax_file_mb = 1\nworkers = 0\n")
    store = open_store(str(s.config.resolve(s.config["store.location"])))
    s.store, s.app = store, create_app(s.config, store)
    yield s
    store.close()


@pytest.fixture
def curator(site):
    client = TestClient(site.app)
    assert login(client, site.tokens["curator"]).status_code == 303
    return client


def _sparql_count(client, pattern: str) -> int:
    q = f"PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"
    return int(client.get("/sparql", params={"query": q, "format": "json"}).json()
               ["results"]["bindings"][0]["n"]["value"])


def test_curating_needs_a_login_and_a_wrong_token_is_told(site):
    client = TestClient(site.app)
    r = client.get("/ui/terms/plaatsen/align", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/ui/login?next=%2Fui%2Fterms")
    r = login(client, "deadbeef.not-a-token")
    assert r.status_code == 401 and "onbekend of ingetrokken" in r.text
    r = login(client, site.tokens["curator"], "/ui/terms")
    assert r.status_code == 303 and r.headers["location"] == "/ui/terms"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert client.get("/ui/terms/plaatsen/align").status_code == 200


def test_login_form_needs_its_own_nonce_and_never_redirects_off_site(site):
    client = TestClient(site.app)
    r = client.post("/ui/login", data={"token": site.tokens["curator"], "nonce": "forged"})
    assert r.status_code == 403
    assert login(client, site.tokens["curator"], "//evil.example/x").headers["location"] == "/ui"


def test_an_institution_token_cannot_curate(site):
    client = TestClient(site.app)
    login(client, site.tokens["institution"])
    assert client.get("/ui/terms/plaatsen/align").status_code == 403


def test_a_decision_without_the_csrf_token_is_refused_and_changes_nothing(site, curator):
    before = _sparql_count(curator, "?t skos:exactMatch ?x")
    r = curator.post("/ui/terms/plaatsen/decide",
                     data={"term": PL + "PL5", "do": f"exact 100 {GN_ANTWERPEN}"})
    assert r.status_code == 403
    assert _sparql_count(curator, "?t skos:exactMatch ?x") == before


def test_accept_reaches_sparql_and_sssom_with_who_and_why_then_undo(site, curator):
    page = curator.get("/ui/terms/plaatsen/align", params={"term": PL + "PL5"})
    assert "Antwerpen" in page.text and GN_ANTWERPEN in page.text
    r = curator.post("/ui/terms/plaatsen/decide", data={
        "csrf": csrf_of(page.text), "term": PL + "PL5", "do": f"exact 100 {GN_ANTWERPEN}",
        "comment": "zelfde stad, zelfde coördinaten"}, headers={"accept": "application/json"})
    assert r.status_code == 200 and r.json()["ok"]
    assert "term=" in r.json()["next"] and "PL5" not in r.json()["next"]   # on to the next term
    assert _sparql_count(curator, f"<{PL}PL5> skos:exactMatch <{GN_ANTWERPEN}>") == 1
    sssom = curator.get("/terms/plaatsen/mappings").text
    row = next(line for line in sssom.splitlines() if "plaatsen/PL5" in line)
    assert "skos:exactMatch" in row and "kg:curator/Anna%20Curator" in row and "zelfde stad" in row
    skos = curator.get("/terms/plaatsen/mappings", params={"format": "ttl"}).text
    assert "term:PL5 skos:exactMatch gn:2803138" in skos
    concept = curator.get("/ui/concept", params={"uri": PL + "PL5"}).text
    assert "Anna Curator" in concept and "zelfde stad" in concept
    # undo (my latest decision) takes the mapping away again
    r = curator.post("/ui/terms/plaatsen/undo", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 303 and "msg=undone" in r.headers["location"]
    assert _sparql_count(curator, f"<{PL}PL5> skos:exactMatch ?x") == 0


def test_reject_hides_the_candidate_and_no_match_closes_the_term(site, curator):
    page = curator.get("/ui/terms/plaatsen/align", params={"term": PL + "PL9"})
    leuven = re.search(r'value="exact [\d.]+ (https://sws.geonames.org/\d+/)"', page.text).group(1)
    csrf = csrf_of(page.text)
    curator.post("/ui/terms/plaatsen/decide",
                 data={"csrf": csrf, "term": PL + "PL9", "do": f"reject 0 {leuven}"})
    again = curator.get("/ui/terms/plaatsen/align", params={"term": PL + "PL9"}).text
    assert not re.search(rf'value="exact [\d.]+ {re.escape(leuven)}"', again)   # not proposed again
    curator.post("/ui/terms/plaatsen/decide", data={"csrf": csrf, "term": PL + "PL9", "do": "nomatch",
                                                    "authority": "geonames"})
    queue = curator.get("/ui/terms/plaatsen/align", params={"source": "geonames"}).text
    assert re.search(r'st-no-match[^>]*><a[^>]*>[^<]*<span class="mark"[^>]*>–</span> Leuven', queue)


def test_bulk_accept_shows_a_review_then_accepts_only_what_stays_ticked(site, curator):
    review = curator.get("/ui/terms/plaatsen/bulk", params={"min": "99", "source": "geonames"})
    pairs = re.findall(r'name="pair" id="p\d+" value="([^"]+)"', review.text)
    assert len(pairs) >= 5 and all(p.startswith(PL) for p in pairs)
    before = _sparql_count(curator, "?t skos:exactMatch ?x")
    r = curator.post("/ui/terms/plaatsen/bulk", data={"csrf": csrf_of(review.text), "pair": pairs[:3],
                                                      "source": "geonames"}, follow_redirects=False)
    assert r.status_code == 303 and "msg=bulk" in r.headers["location"] and "n=3" in r.headers["location"]
    assert _sparql_count(curator, "?t skos:exactMatch ?x") == before + 3


def test_term_lists_page_draws_progress_per_authority(site, curator):
    html = curator.get("/ui/terms").text
    assert "Plaatsen" in html and 'class="stack-bar" role="img" aria-label="GeoNames:' in html


def test_search_and_autocomplete_find_terms_across_lists(site):
    client = TestClient(site.app)
    hits = client.get("/ui/search/suggest", params={"q": "Gen"}).json()
    assert any(h["label"] == "Gent" and h["list"] == "Plaatsen" for h in hits)
    page = client.get("/ui/search", params={"q": "schilderijen"}).text
    assert "schilderij" in page and "/ui/concept?uri=" in page


def test_concept_page_shows_hierarchy_and_records_using_the_term(site):
    html = TestClient(site.app).get("/ui/concept", params={
        "uri": "http://kg.example.org/id/term/objectnamen/ON3"}).text
    assert "schaaf" in html and "gereedschap" in html      # broader term
    assert re.search(r"<b>\d+</b>", html) and "museum-aan-de-leie" in html   # used in the register


def test_labels_with_markup_are_escaped_everywhere(site, curator):
    pages = [curator.get("/ui/terms").text,
             curator.get("/ui/terms/lastig/align", params={"show": "all"}).text,
             curator.get("/ui/search", params={"q": 'Tom & "Jerry"'}).text,
             curator.get("/ui/concept", params={"uri": "http://kg.example.org/id/term/lastig/L1"}).text]
    for html in pages:
        assert "<script>alert" not in html and "<b>opmaak" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in pages[1]
    assert "Tom &amp; &#34;Jerry&#34;" in pages[2]


def test_interface_speaks_english_by_switch_or_browser_language(site):
    client = TestClient(site.app)
    assert "Termenlijsten" in client.get("/ui/terms").text
    assert "Term lists" in client.get("/ui/terms", headers={"accept-language": "en-GB,en;q=0.9"}).text
    r = client.get("/ui/lang/en", params={"next": "/ui/terms"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ui/terms"
    client.cookies.set("lang", "en")
    assert '<html lang="en">' in client.get("/ui/terms").text


def test_every_interface_text_in_the_templates_exists_in_both_languages():
    used = set()
    for path in (ROOT / "api" / "templates").glob("*.html"):
        used |= set(re.findall(r"""(?<![\w.])t\(\s*["']([a-z_.-]+)["']""", path.read_text("utf-8")))
    # "kind." ~ k and the like: some keys must start so
    missing = sorted(k for k in used if k not in TEXT and not (k.endswith(".") and any(
        key.startswith(k) for key in TEXT)))
    assert not missing and len(used) > 60
    assert all(all(pair) for pair in TEXT.values())


def test_submission_api_needs_the_datasets_own_token(site):
    client = TestClient(site.app)
    files = {"file": ("r.csv", b"a;b\n1;2\n", "text/csv")}
    assert client.post("/datasets/museum-aan-de-leie/submissions", files=files).status_code == 401
    other = {"authorization": f"Bearer {site.tokens['institution']}"}
    r = client.post("/datasets/textiel-zuidwest/submissions", files=files, headers=other)
    assert r.status_code == 403
    curator = {"authorization": f"Bearer {site.tokens['curator']}"}
    r = client.post("/datasets/museum-aan-de-leie/submissions", files=files, headers=curator)
    assert r.status_code == 403


def test_submission_is_ingested_in_the_background_and_reports(site):
    client = TestClient(site.app)
    bearer = {"authorization": f"Bearer {site.tokens['institution']}"}
    body = (FIXTURES / "small-register.csv").read_bytes()
    r = client.post("/datasets/museum-aan-de-leie/submissions", headers=bearer,
                    files={"file": ("small-register.csv", body, "text/csv")},
                    data={"mapping": "museum-register"})
    assert r.status_code == 202, r.text
    where = r.headers["location"]
    for _ in range(300):
        job = client.get(where, headers=bearer).json()
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert job["status"] == "done", job
    assert job["counts"]["loaded"] + job["counts"]["unchanged"] + job["counts"]["quarantined"] > 0
    assert job["counts"]["removed"] > 0        # the file is the dataset's whole content now
    listing = client.get("/datasets/museum-aan-de-leie/submissions", headers=bearer).json()
    assert listing[0]["id"] == job["id"] and "file" not in listing[0]


def test_an_upload_over_the_limit_is_refused_and_not_kept(site):
    client = TestClient(site.app)
    bearer = {"authorization": f"Bearer {site.tokens['admin']}"}
    big = b"x" * (1024 * 1024 + 10)
    r = client.post("/datasets/museum-aan-de-leie/submissions", headers=bearer,
                    files={"file": ("big.csv", big, "text/csv")}, data={"mapping": "museum-register"})
    assert r.status_code == 413 and "ingest.max_file_mb" in r.json()["detail"]
    folder = site.folder / "data" / "submissions" / "museum-aan-de-leie"
    assert not list(folder.glob("*big.csv"))
