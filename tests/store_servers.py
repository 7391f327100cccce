"""Store servers on loopback for the store tests and bench/store_bench.py: `oxigraph serve` (PyPI
`oxigraph`) and Virtuoso (Debian `virtuoso-opensource`, installed by `make services`), each on free
ports with its data in a temporary folder, stopped (and the folder removed) on exit.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

VIRTUOSO_USER = ("dba", "dba")  # a new Virtuoso database's administrator; loopback only


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Process:
    name = ""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix=f"erfgoed-{self.name}-"))
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def _wait(self, probe: str, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}: {self._log()}")
            try:
                if requests.get(probe, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within {seconds:g} s: {self._log()}")

    def _log(self) -> str:
        return (self.dir / "server.log").read_text("utf-8", "replace")[-2000:]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class OxigraphProcess(_Process):
    name = "oxigraph"

    @staticmethod
    def binary() -> str | None:
        beside = Path(sys.executable).parent / "oxigraph"  # the venv's, from PyPI `oxigraph`
        return str(beside) if beside.exists() else shutil.which("oxigraph")

    def start(self) -> OxigraphProcess:
        log = (self.dir / "server.log").open("wb")
        self.proc = subprocess.Popen([self.binary(), "serve", "--location", str(self.dir / "db"),
                                      "--bind", f"127.0.0.1:{self.port}"], stdout=log, stderr=log)
        self.url = f"http://127.0.0.1:{self.port}"
        self.location = f"oxigraph+{self.url}"
        self._wait(f"{self.url}/query?query=ASK%7B%7D", 30)
        return self


VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = ., {d}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 120
"""


class VirtuosoProcess(_Process):
    name = "virtuoso"

    def __init__(self, max_rows: int = 10_000):  # Virtuoso's own default result cap
        super().__init__()
        self.max_rows = max_rows

    @staticmethod
    def binary() -> str | None:
        return shutil.which("virtuoso-t")

    def start(self) -> VirtuosoProcess:
        ini = self.dir / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(d=self.dir, sql_port=free_port(), http_port=self.port,
                                           max_rows=self.max_rows), "utf-8")
        log = (self.dir / "server.log").open("wb")
        # -f: stay in the foreground, so the test owns the process
        self.proc = subprocess.Popen([self.binary(), "-f", "-c", str(ini)], cwd=self.dir,
                                     stdout=log, stderr=log)
        self.url = f"http://127.0.0.1:{self.port}"
        self.location = f"virtuoso+{self.url}"
        self._wait(f"{self.url}/sparql?query=ASK%7B%7D", 120)  # a new database takes ~5 s
        return self
