"""Faults: kill -9 of an ingest and of a harvest at seeded random moments, then resume; sources and
authorities that hang, fail or talk nonsense; a store on a full or read-only disk."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from erfgoed.api.app import create_app
from erfgoed.config import load_config
from erfgoed.graph.store import open_store
from erfgoed.harvesters.authorities import AuthorityUnavailable, authority

from .conftest import ROOT, LiveServer, write_harvest_config
from .servers import OaiItem, OaiServer
from .test_harvest_oai import lido

SEED = int(os.environ.get("ERFGOED_FAULT_SEED", "20261125"))
KILLS = 10
HEAD = '[site]\nbase_uri = "http://kg.example.org"\ndata_dir = "data"\n[store]\nlocation = "store"\n'
ENV = dict(os.environ, PYTHONPATH=str(ROOT))
CLI = "import sys\nfrom erfgoed.api.cli import main\nsys.exit(main(sys.argv[1:]))"


def register(path: Path, n: int, title: str = "Titel") -> Path:
    rows = ["objectnummer;objectnaam;titel;vervaardiger;datering;materiaal;hoogte;eenheid"]
    rows += [f"K.{i};{['schilderij', 'prent', 'vaandel'][i % 3]};{title} {i};"
             f"{['Emile Claus', 'James Ensor'][i % 2]};{1850 + i % 100};olieverf|doek;{10 + i % 90};cm"
             for i in range(n)]
    path.write_text("\n".join(rows) + "\n", "utf-8")
    return path


def content(cfg: Path) -> set[str]:
    """Every quad except run provenance (run ids and times differ between runs) and the VoID
    statistics derived from it (graph/void: they count the runs' own triples too)."""
    config = load_config(cfg)
    with open_store(str(config.resolve(config["store.location"]))) as store:
        rows = store.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", union=False)
        return {" ".join(str(t) for t in row) for row in rows
                if "/id/run/" not in str(row[1]) and "/id/run/" not in str(row[3])
                and not str(row[0]).endswith("/graph/void>")
                and not str(row[2]).endswith(("#wasGeneratedBy>", "#generatedAtTime>"))}


def cli(*args: str) -> subprocess.Popen:
    # a session of its own, so the kill takes the ingest's worker processes along
    return subprocess.Popen([sys.executable, "-c", CLI, *args], env=ENV, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finish(proc: subprocess.Popen) -> None:
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()


def kill_at_random(args: tuple[str, ...], rng: random.Random, span: float) -> int:
    """Run the command again and again, each run killed -9 at a random moment within `span`
    seconds, until KILLS runs were killed (a run that ends first is let be). Returns the kills."""
    killed = 0
    for _ in range(3 * KILLS):
        proc = cli(*args)
        try:
            proc.wait(rng.uniform(0.2, span))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            killed += 1
            if killed == KILLS:
                break
    return killed


def test_kill_9_of_an_ingest_then_resume_equals_an_uninterrupted_run(tmp_path):
    rng = random.Random(SEED)
    body = '[site]\nbase_uri = "http://kg.example.org"\ndata_dir = "data"\n[store]\nlocation = "store"\n' \
           '[ingest]\nbatch_size = 50\n'
    for name in ("ref", "killed"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "erfgoed.toml").write_text(body, "utf-8")
    first, second = register(tmp_path / "v1.csv", 600), register(tmp_path / "v2.csv", 500, "Nieuw")
    ref, cfg = tmp_path / "ref" / "erfgoed.toml", tmp_path / "killed" / "erfgoed.toml"
    started = time.monotonic()
    for f in (first, second):  # a first version, then a second that changes and removes records
        finish(cli("ingest", str(f), "--dataset", "k", "--mapping", "museum-register", "--config", str(ref)))
    span = (time.monotonic() - started) / 2
    finish(cli("ingest", str(first), "--dataset", "k", "--mapping", "museum-register", "--config", str(cfg)))
    args = ("ingest", str(second), "--dataset", "k", "--mapping", "museum-register", "--config", str(cfg))
    assert kill_at_random(args, rng, span) == KILLS, f"the span ({span:.1f} s) is too short to kill in"
    finish(cli(*args))  # the resume
    assert content(cfg) == content(ref)


def test_kill_9_of_a_harvest_then_resume_equals_an_uninterrupted_run(tmp_path):
    rng = random.Random(SEED + 1)
    records = [OaiItem(f"oai:test.example.org:o{i}", "2026-01-01", lido(i)) for i in range(300)]
    with OaiServer(records, page_size=25) as server:
        configs = {}
        for name in ("ref", "killed"):
            (tmp_path / name).mkdir()
            configs[name] = write_harvest_config(tmp_path / name, f"""[ingest]
batch_size = 20
[harvest]
validate_xml = false
[sources.testmuseum]
type = "oai-pmh"
url = "{server.url}"
metadata_prefix = "lido"
""")
        started = time.monotonic()
        finish(cli("harvest", "testmuseum", "--config", str(configs["ref"])))
        span = time.monotonic() - started
        args = ("harvest", "testmuseum", "--full", "--config", str(configs["killed"]))
        assert kill_at_random(args, rng, span) == KILLS, f"the span ({span:.1f} s) is too short to kill in"
        finish(cli(*args))
    assert content(configs["killed"]) == content(configs["ref"])


# -- sources that hang, fail or talk nonsense --------------------------------------------------------
class Misbehaving(ThreadingHTTPServer):
    """Answers every request according to `mode`: hang, 500, 429 or garbage; counts the requests."""

    def __init__(self, mode: str, hang: float = 30.0):
        self.mode, self.hits, self.release = mode, 0, threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                server.hits += 1
                if server.mode == "hang":
                    server.release.wait(hang)
                    return
                status, body, headers = {"500": (500, b"oops", {}),
                                         "429": (429, b"slow down", {"Retry-After": "0"}),
                                         "garbage": (200, b"<html>\x00\xff not json", {})}[server.mode]
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server_address[1]}/api.php"
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.shutdown()


def authority_config(tmp_path: Path, url: str, live: str = "[]") -> Path:
    cfg = tmp_path / "erfgoed.toml"
    cfg.write_text(HEAD +
                   f'[reconcile]\nlive = {live}\n[authorities]\nwikidata_url = "{url}"\n'
                   'timeout_seconds = 0.5\n'
                   'retries = 2\nmin_interval = { wikidata = 0.0 }\n', "utf-8")
    return cfg


@pytest.mark.parametrize("mode, reason", [("hang", "no answer after 3 attempts (ReadTimeout)"),
                                          ("500", "HTTP 500"), ("429", "HTTP 429"),
                                          ("garbage", "the answer is not JSON")])
def test_a_failing_authority_is_retried_then_reported_unavailable(tmp_path, mode, reason):
    server = Misbehaving(mode)
    try:
        wikidata = authority("wikidata", load_config(authority_config(tmp_path, server.url)))
        wikidata.client.fetcher.sleep = lambda s: None  # the backoff pauses are the Fetcher's own tests'
        with pytest.raises(AuthorityUnavailable) as caught:
            wikidata.search("Gent", "place")
    finally:
        server.close()
    assert caught.value.name == "wikidata" and reason in caught.value.reason, caught.value.reason
    assert server.hits == (1 if mode == "garbage" else 3)  # retried, except what no retry can fix


def test_a_hanging_authority_does_not_stall_the_api(tmp_path):
    server = Misbehaving("hang")
    cfg = authority_config(tmp_path, server.url, live='["wikidata"]')
    config = load_config(cfg)
    answers: dict = {}
    try:
        with LiveServer(create_app(config)) as live, httpx.Client(base_url=live.url, timeout=60) as client:
            def slow():
                answers["slow"] = client.get("/reconcile/wikidata", params={
                    "queries": '{"q0": {"query": "Gent", "type": "place"}}'})
            worker = threading.Thread(target=slow)
            worker.start()
            while server.hits == 0 and worker.is_alive():
                time.sleep(0.01)
            assert server.hits >= 1 and worker.is_alive()   # the authority holds a request now
            for _ in range(5):                                # ... and the API answers others meanwhile
                assert client.get("/live").json() == {"status": "ok"}
                ask = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }", "format": "json"})
                assert ask.status_code == 200
            assert worker.is_alive(), "the slow reconcile request had already ended: nothing was proven"
            worker.join(60)
    finally:
        server.close()
    r = answers["slow"]
    assert r.status_code == 200 and r.json()["q0"]["result"] == []


# -- a full or read-only disk -----------------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path):
    """A 48 MB tmpfs (needs root and mount rights: skipped, with the reason, where not allowed)."""
    where = tmp_path / "disk"
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(where)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.decode().strip()}); "
                    "the store-boundary errors are covered by test_store_errors_are_plain")
    yield where
    subprocess.run(["umount", "-l", str(where)], check=False)


def ingest_cli(cfg: Path, data: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CLI, "ingest", str(data), "--dataset", "k",
                           "--mapping", "museum-register", "--config", str(cfg)], env=ENV,
                          capture_output=True, text=True, timeout=600)


def test_a_full_disk_is_a_clear_error_and_the_store_stays_whole(tmp_path, small_disk):
    cfg = small_disk / "erfgoed.toml"
    cfg.write_text(HEAD +
                   '[ingest]\nbatch_size = 200\nworkers = 0\n', "utf-8")
    assert ingest_cli(cfg, register(tmp_path / "small.csv", 50)).returncode == 0
    filler = small_disk / "filler"
    with filler.open("wb") as f:  # leave the store little room
        try:
            while True:
                f.write(b"\0" * 2**20)
        except OSError:
            pass
    filler.write_bytes(b"\0" * max(0, filler.stat().st_size - 3 * 2**20))
    done = ingest_cli(cfg, register(tmp_path / "big.csv", 2000, "Een veel langere titel die ruimte vraagt"))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "No space left on device" in done.stderr, done.stderr
    filler.unlink()                                 # room again: the store opens and the ingest resumes
    assert ingest_cli(cfg, tmp_path / "big.csv").returncode == 0
    ref = tmp_path / "ref"
    ref.mkdir()
    (ref / "erfgoed.toml").write_text(cfg.read_text("utf-8"), "utf-8")
    for data in (tmp_path / "small.csv", tmp_path / "big.csv"):
        assert ingest_cli(ref / "erfgoed.toml", data).returncode == 0
    assert content(cfg) == content(ref / "erfgoed.toml")  # no half-written record survived the full disk


def test_a_read_only_store_is_a_clear_error(tmp_path, small_disk):
    cfg = small_disk / "erfgoed.toml"
    cfg.write_text(HEAD +
                   '[ingest]\nworkers = 0\n', "utf-8")
    assert ingest_cli(cfg, register(tmp_path / "small.csv", 30)).returncode == 0
    before = content(cfg)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        done = ingest_cli(cfg, register(tmp_path / "other.csv", 30, "Anders"))
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert "read-only" in done.stderr.lower(), done.stderr
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert content(cfg) == before


def test_store_errors_are_plain(tmp_path):
    """Where no tmpfs can be mounted: an OSError at the Store boundary (what RocksDB raises on a
    full disk) reaches the user as a plain error naming the store, not a traceback."""
    from click.testing import CliRunner

    from erfgoed.api.cli import main
    from erfgoed.graph import embedded

    cfg = tmp_path / "erfgoed.toml"
    cfg.write_text(HEAD +
                   '[ingest]\nworkers = 0\n', "utf-8")
    data = register(tmp_path / "r.csv", 20)

    class Full:
        """pyoxigraph's store, with every write failing as RocksDB fails on a full disk."""

        def __init__(self, inner):
            self.inner = inner

        def __getattr__(self, name):
            if name in ("update", "extend", "bulk_extend", "bulk_load"):
                def fail(*args, **kwargs):
                    raise OSError("IO error: No space left on device: While appending to file: 000012.log")
                return fail
            return getattr(self.inner, name)

    opened = embedded.EmbeddedStore.__init__

    def open_full(self, path):
        opened(self, path)
        self._store = Full(self._store)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(embedded.EmbeddedStore, "__init__", open_full)
        r = CliRunner().invoke(main, ["ingest", str(data), "--dataset", "k", "--mapping", "museum-register",
                                      "--config", str(cfg)])
    assert r.exit_code == 2 and "No space left on device" in r.output and "store" in r.output, r.output
    assert not isinstance(r.exception, OSError)
