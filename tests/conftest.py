"""Shared fixtures: a config and an on-disk store in a temp folder, the shared reference data."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from erfgoed.config import Config, load_config
from erfgoed.graph.store import open_store

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
REFERENCE = ROOT.parent / "shared" / "reference"


def needs_reference(sub: str = "") -> Path:
    """A folder of ../shared/reference, or skip the test with the reason."""
    path = REFERENCE / sub
    if not path.exists():
        pytest.skip(f"reference data {path} is absent (CI always has ../shared/reference)")
    return path


def write_harvest_config(folder: Path, body: str) -> Path:
    """erfgoed.toml for a harvest test: a store and data folder in `folder`, plus `body`."""
    path = folder / "erfgoed.toml"
    path.write_text('[site]\nbase_uri = "http://kg.example.org"\ndata_dir = "data"\n'
                    '[store]\nlocation = "store"\n' + body, "utf-8")
    return path


@pytest.fixture
def config(tmp_path: Path) -> Config:
    cfg_file = tmp_path / "erfgoed.toml"
    cfg_file.write_text('[site]\nbase_uri = "http://kg.example.org"\ndata_dir = "data"\n'
                        '[store]\nlocation = "store"\n', "utf-8")
    return load_config(cfg_file)


@pytest.fixture
def store(config: Config):
    s = open_store(str(config.resolve(config["store.location"])))
    yield s
    s.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """A real uvicorn server on loopback, in a thread, for clients such as SPARQLWrapper."""

    def __init__(self, app):
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                    log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        for _ in range(200):
            if self.server.started:
                return self
            time.sleep(0.02)
        raise RuntimeError("server did not start")

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)
