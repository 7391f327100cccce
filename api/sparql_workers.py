"""Public SPARQL queries in worker processes that are killed at the time limit.

pyoxigraph cannot cancel a running query: a thread that runs a cartesian product goes on burning a
core (and holding its slot) long after the client got its 503. A process can be killed. Each worker
opens the embedded store read-only (RocksDB allows that beside the server's own read-write handle)
and reopens it when the store's files changed since its last query, so it answers from a
consistent snapshot that is never older than the last completed write. A query over its limit
kills its worker; a fresh one is started in its place.

Used for embedded stores when `sparql.workers` > 0; remote stores keep their server's own limits.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import threading
import time
import weakref
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

RETRIES = 20  # opening the store read-only while the server writes it


class QueryTimeout(Exception):
    pass


class WorkersBusy(Exception):
    pass


def store_stamp(location: str) -> int:
    """Changes whenever the store writes: its write-ahead log grows, tables and the MANIFEST come
    and go. (File times alone are not enough: the kernel stamps them with a clock of a few ms.)"""
    files = []
    for entry in os.scandir(location):
        try:
            info = entry.stat()
        except FileNotFoundError:  # compaction removed it meanwhile
            continue
        files.append((entry.name, info.st_size, info.st_mtime_ns))
    return hash(tuple(sorted(files)))


def _serve(conn: Connection, location: str) -> None:
    """The worker: answer (stamp, query, wanted, cap, base) until the pipe closes."""
    import pyoxigraph as ox

    from erfgoed.api.sparql import execute
    from erfgoed.graph.embedded import EmbeddedStore
    from erfgoed.graph.prepare import exit_with_parent

    exit_with_parent()  # a killed server takes its query workers along, even mid-query

    class ReadOnly(EmbeddedStore):
        def __init__(self, path: str):  # noqa: D107 - no folder creation, no lock
            self.location, self._store = path, ox.Store.read_only(path)

        def close(self) -> None:
            self._store = None

    def reopen() -> ReadOnly:
        """A read-only open reads the file list (MANIFEST), then replays the write-ahead log: if
        the server wrote in between, the two can disagree (measured: a batch's meta without all
        its records). So the open counts only when no file changed while it ran; else again."""
        for attempt in range(RETRIES):
            before = store_stamp(location)
            try:
                store = ReadOnly(location)
            except (OSError, RuntimeError):  # the MANIFEST it named was just replaced
                if attempt == RETRIES - 1:
                    raise
            else:
                if store_stamp(location) == before or attempt == RETRIES - 1:
                    return store
            time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")

    store = None
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message == "open":  # the server holds its write lock until we answer
            try:
                store = reopen()
                conn.send(("opened", ""))
            except Exception as exc:  # noqa: BLE001 - reported to the caller
                conn.send(("error", f"{type(exc).__name__}: {exc}"))
            continue
        text, wanted, cap, base = message
        try:
            try:
                answer = execute(store, text, wanted, cap, float("inf"), base)
            except (OSError, RuntimeError):  # a table file compacted away under this snapshot
                store = reopen()
                answer = execute(store, text, wanted, cap, float("inf"), base)
            conn.send(("ok", answer))
        except SyntaxError as exc:
            conn.send(("syntax", str(exc)))
        except PermissionError as exc:
            conn.send(("permission", str(exc)))
        except Exception as exc:  # noqa: BLE001 - reported to the caller, the worker lives on
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


def _stop(processes: list) -> None:
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join(5)


@dataclass
class _Worker:
    process: Any
    conn: Connection
    seen: int | None = None  # the store stamp of its open snapshot


class QueryWorkers:
    """`size` worker processes over the embedded store at `location`."""

    def __init__(self, location: str, size: int, write_lock: Any):
        self.location, self.size, self.write_lock = location, size, write_lock
        self._ctx = mp.get_context("spawn")  # no fork of a process holding RocksDB and threads
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        self._lock = threading.Lock()
        self._started = 0  # processes are started as queries need them, up to `size`
        self.killed: list[int] = []  # pids of workers killed at the time limit
        self._processes: list[Any] = []
        # an app dropped without its shutdown (tests) must not leave its processes behind
        weakref.finalize(self, _stop, self._processes)

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_serve, args=(child, self.location), daemon=True,
                                    name="erfgoed-sparql")
        process.start()
        child.close()
        self._processes[:] = [p for p in self._processes if p.is_alive()] + [process]
        return _Worker(process, parent)

    def run(self, text: str, wanted: list[str], cap: int, base: str, timeout: float):
        """(body, media type, truncated) as api/sparql.py's `execute`, or raises: QueryTimeout
        (the worker was killed), WorkersBusy, SyntaxError, PermissionError, RuntimeError."""
        with self._lock:
            worker = None
            if self._idle.empty() and self._started < self.size:
                self._started += 1
                worker = self._start()
        if worker is None:
            try:
                worker = self._idle.get(timeout=timeout)
            except queue.Empty:
                raise WorkersBusy from None
        try:
            self._snapshot(worker, timeout)
            worker.conn.send((text, wanted, cap, base))
            if not worker.conn.poll(timeout):
                worker.process.kill()
                worker.process.join()
                self.killed.append(worker.process.pid)
                worker.conn.close()
                worker = self._start()
                raise QueryTimeout
            kind, value = worker.conn.recv()
        except (EOFError, OSError) as exc:  # the worker died (out of memory?) or hangs: replace it
            worker.process.kill()
            worker.process.join()
            worker = self._start()
            raise RuntimeError(f"the query worker stopped ({exc or type(exc).__name__})") from None
        finally:
            if not self._closed:
                self._idle.put(worker)
        if kind == "ok":
            return value
        raise {"syntax": SyntaxError, "permission": PermissionError}.get(kind, RuntimeError)(value)

    def _snapshot(self, worker: _Worker, timeout: float) -> None:
        """Have the worker open the store anew if it was written since its last open; no write
        runs meanwhile (an open that overlaps a write can see half of it)."""
        if worker.seen == store_stamp(self.location):
            return
        with self.write_lock:
            stamp = store_stamp(self.location)
            worker.conn.send("open")
            if not worker.conn.poll(timeout):
                raise OSError("the query worker did not open the store in time")
            kind, value = worker.conn.recv()
        if kind != "opened":
            raise RuntimeError(value)
        worker.seen = stamp

    def busy(self) -> int:
        """How many workers are answering a query now."""
        return self._started - self._idle.qsize()

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            worker.conn.close()
            worker.process.join(5)
            if worker.process.is_alive():
                worker.process.kill()
