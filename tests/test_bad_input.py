"""The bad-input corpus (tests/corpus/cases.toml): every item is sent the way a user or a harvested
server would send it, to a running app with data in its store. Each must be refused with its own
clear message, leave every stored quad as it was, reach no outside address (a loopback server
records every hit), and leave the server answering."""

from __future__ import annotations

import csv
import io
import threading
import time
import tomllib
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from erfgoed.api.app import create_app
from erfgoed.api.auth import Tokens
from erfgoed.config import SourceConfig, load_config
from erfgoed.errors import UserError
from erfgoed.graph.harvest import harvest
from erfgoed.graph.ingest import ingest_file
from erfgoed.graph.store import open_store
from erfgoed.graph.terms.importer import import_list
from erfgoed.graph.terms.spreadsheet import INJECTION
from erfgoed.mappings.engine import load_mapping

from .conftest import FIXTURES

CORPUS = Path(__file__).parent / "corpus"
CASES = tomllib.loads((CORPUS / "cases.toml").read_text("utf-8"))["case"]
LIMIT_MB = 20
HEAD = '[site]\nbase_uri = "http://kg.example.org"\ndata_dir = "data"\n[store]\nlocation = "store"\n'


class Recorder(ThreadingHTTPServer):
    """A loopback server that records every request; /redirect?to=URL answers 302 to URL."""

    def __init__(self, host: str = "127.0.0.1"):
        self.hits: list[str] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                recorder.hits.append(self.path)
                to = parse_qs(urlsplit(self.path).query).get("to")
                if self.path.startswith("/redirect") and to:
                    recorder.hits.pop()  # the redirect itself is the test's own server
                    self.send_response(302)
                    self.send_header("Location", to[0])
                    self.end_headers()
                    return
                body = b'<!ENTITY x "fetched">' if self.path.endswith(".dtd") else b"{}"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        super().__init__((host, 0), Handler)
        self.url = f"http://{host}:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    cfg = folder / "erfgoed.toml"
    cfg.write_text(HEAD +
                   f"[ingest]\nmax_file_mb = {LIMIT_MB}\nworkers = 0\n[reconcile]\nlive = []\n"
                   "[harvest]\nvalidate_xml = false\n", "utf-8")
    config = load_config(cfg)
    store = open_store(str(config.resolve(config["store.location"])))
    ingest_file(store, config, "museum", FIXTURES / "small-register.csv", load_mapping("museum-register"),
                title="Museum")
    import_list(store, config, FIXTURES / "terms" / "lastige-labels.csv", "basis", title="Basis")
    token = Tokens(folder / "data" / "tokens.json").add("Museum", "institution", ("museum", "odd"))
    recorder, other = Recorder(), Recorder("127.0.0.2")
    yield {"folder": folder, "config": config, "store": store, "app": create_app(config, store),
           "bearer": {"authorization": f"Bearer {token}"}, "server": recorder, "other": other}
    recorder.shutdown()
    other.shutdown()
    store.close()


# -- generated inputs (too big to commit, or built from a real workbook) -------------------------------
def late_doctype() -> bytes:
    """A DOCTYPE after a 70 kB comment, past the first 64 kB a quick check would look at."""
    return (b"<?xml version='1.0'?>\n<!--" + b"x" * 70_000 + b"-->\n"
            + (CORPUS / "billion-laughs.xml").read_bytes().split(b"?>", 1)[1].lstrip())


def huge_text_node() -> bytes:
    title = b"x" * (11 * 2**20)
    return (b'<lido:lidoWrap xmlns:lido="http://www.lido-schema.org"><lido:lido><lido:lidoRecID>h-1'
            b"</lido:lidoRecID><lido:note>" + title + b"</lido:note></lido:lido></lido:lidoWrap>")


def huge_csv_line() -> bytes:
    """A quote never closed: the rest of the file becomes one 17 MB cell."""
    return b'objectnummer;objectnaam;titel\nH.1;prent;ok\nH.2;prent;"' + b"x" * (17 * 2**20) + b"\n"


def zip_bomb() -> bytes:
    """A real workbook whose sheet unpacks to 300 MB from about 0.3 MB."""
    buf = io.BytesIO()
    wb = Workbook()
    wb.active.append(["objectnummer", "objectnaam", "titel"])
    wb.active.append(["Z.1", "prent", "klein"])
    wb.save(buf)
    src, out = zipfile.ZipFile(io.BytesIO(buf.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData><!--" + b" " * (300 * 2**20) + b"-->")
            z.writestr(item.filename, data)
    return out.getvalue()


def oversize() -> bytes:
    return b"objectnummer;titel\n" + b"O.1;" + b"x" * (LIMIT_MB * 2**20) + b"\n"


def small_register() -> bytes:
    return (FIXTURES / "small-register.csv").read_bytes()


def body_of(case: dict, site: dict) -> bytes:
    if "make" in case:
        return globals()[case["make"]]()
    return (CORPUS / case["file"]).read_bytes().replace(b"@@SERVER@@", site["server"].url.encode())


def stored(store) -> set[str]:
    return {str(q) for q in store.quads(None)}


def wait(client, where: str, headers: dict) -> dict:
    for _ in range(600):
        job = client.get(where, headers=headers).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"{where} did not finish")


def upload(client, site: dict, dataset: str, name: str, body: bytes, mapping: str = "museum-register"):
    return client.post(f"/datasets/{dataset}/submissions", headers=site["bearer"],
                       files={"file": (name, body, "application/octet-stream")}, data={"mapping": mapping})


# -- the runner --------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_input(site, case, tmp_path):
    store, client = site["store"], TestClient(site["app"])
    before = stored(store)
    site["server"].hits.clear()
    site["other"].hits.clear()
    via = case["via"]
    if via == "accept":  # odd but fine: loads into a dataset of its own
        r = upload(client, site, "odd", case["file"], body_of(case, site), case["mapping"])
        job = wait(client, r.headers["location"], site["bearer"])
        assert job["status"] == "done" and job["counts"]["loaded"] == 1, job
        q = 'ASK { GRAPH ?g { ?s ?p ?t FILTER(STR(?t) = "' + case["title"] + '") } }'
        assert store.query(q), f"the title of {case['file']} was not read as written"
    else:
        check = {"submit": submitted, "terms": imported, "export": exported, "harvest": harvested,
                 "upload": uploaded}[via]
        check(case, site, client, tmp_path)
        if via in ("submit", "terms", "harvest") or case.get("status", 202) != 202:  # refused
            assert stored(store) == before, "a refused input changed the store"
    assert site["server"].hits == [] and site["other"].hits == [], "a request left the process"
    assert client.get("/live").json() == {"status": "ok"}
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True


def submitted(case, site, client, tmp_path) -> None:
    name = case.get("file") or f"{case['id']}.{'xml' if case['mapping'] == 'lido' else 'csv'}"
    if case.get("make") == "zip_bomb":
        name = "register.xlsx"
    r = upload(client, site, "museum", name, body_of(case, site), case["mapping"])
    assert r.status_code == 202, r.text
    job = wait(client, r.headers["location"], site["bearer"])
    assert job["status"] == "failed" and case["error"] in job["error"], job
    assert "internal error" not in job["error"]


def imported(case, site, client, tmp_path) -> None:
    path = tmp_path / case["file"]
    path.write_bytes(body_of(case, site))
    with pytest.raises(UserError) as caught:
        import_list(site["store"], site["config"], path, "kwaad", title="Kwaad")
    assert case["error"] in str(caught.value)
    assert client.get("/terms/kwaad").status_code == 404


def exported(case, site, client, tmp_path) -> None:
    path = tmp_path / case["file"]
    path.write_bytes(body_of(case, site))
    rows = csv.reader(io.StringIO(path.read_text("utf-8")), delimiter=";")
    written = [cell for row in rows for cell in row]
    import_list(site["store"], site["config"], path, "injectie", title="Injectie")
    r = client.get("/terms/injectie", params={"format": "csv"})
    cells = [cell for row in csv.reader(io.StringIO(r.text), delimiter=";") for cell in row]
    assert not [c for c in cells if c[:1] in INJECTION], "a cell would run as a formula"
    dangerous = [c for c in written if c[:1] in INJECTION]
    assert len(dangerous) >= 5 and all("'" + c.strip() in cells for c in dangerous)  # kept, made inert


def harvested(case, site, client, tmp_path) -> None:
    url = case["url"].replace("@@SERVER@@", site["server"].url).replace(
        "@@PORT@@", str(site["other"].server_address[1]))
    source = SourceConfig("kwaad", "oai-pmh", url, dataset="geoogst", mapping="lido")
    with pytest.raises(UserError) as caught:
        harvest(site["store"], site["config"], source)
    assert case["error"] in str(caught.value), str(caught.value)


def uploaded(case, site, client, tmp_path) -> None:
    r = upload(client, site, "odd", case.get("name", "big.csv"), body_of(case, site))
    assert r.status_code == case["status"], r.text
    folder = site["folder"] / "data" / "submissions"
    if case["status"] == 202:  # the name is reduced to a harmless last segment inside the folder
        job = wait(client, r.headers["location"], site["bearer"])
        assert job["filename"] == "erfgoed-traversal.csv" and job["status"] == "done", job
        assert not Path("/tmp/erfgoed-traversal.csv").exists()
        assert not (site["folder"] / "erfgoed-traversal.csv").exists()
        assert (folder / "odd" / f"{job['id']}-erfgoed-traversal.csv").is_file()
    else:
        assert case["error"] in r.json()["detail"]
        assert not list(folder.rglob("*big.csv"))


def test_the_allow_list_opens_one_private_address(site):
    """Without the setting, a redirect to 127.0.0.2 is refused (above); with it, the same
    redirect is followed."""
    from erfgoed.harvesters.http import Fetcher, HarvestError

    target = f"http://127.0.0.2:{site['other'].server_address[1]}/page"
    via = f"{site['server'].url}/redirect?to={target}"
    site["other"].hits.clear()
    with pytest.raises(HarvestError, match="non-public address 127.0.0.2"):
        Fetcher(retries=0, allowed_hosts=["127.0.0.1"]).get(via)
    assert site["other"].hits == []
    assert Fetcher(retries=0, allowed_hosts=["127.0.0.1", "127.0.0.2/32"]).get(via).status_code == 200
    assert site["other"].hits == ["/page"]
    with pytest.raises(HarvestError, match="non-public address 127.0.0.1"):
        Fetcher(retries=0, allowed_hosts=[]).get(via)  # the default: public addresses only
