"""Map + validate one batch: the CPU-bound half of an ingest.

On large inputs it runs in a worker process (2 cores: the ingest process loads batch n into the
store while the worker prepares batch n+1); results travel back as N-Quads text, which
pyoxigraph parses far faster than Python could pickle quads.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import pyoxigraph as ox

from erfgoed.graph.uris import Minter
from erfgoed.graph.validation import Problem, Validator
from erfgoed.harvesters.record import Record
from erfgoed.mappings.engine import Mapping, load_mapping


@dataclass
class Prepared:
    problems: list[Problem]
    own: bytes      # N-Quads: the record's own graph
    shared: bytes   # N-Quads: statements about shared things, in their graphs


class Preparer:
    def __init__(self, mapping: str, base: str, dataset: str, institution: str,
                 loaded: Mapping | None = None):
        self.args = (mapping, base, dataset, institution)  # what a worker needs to rebuild it
        self.mapping = loaded or load_mapping(mapping)
        self.validator = Validator(self.mapping.shapes)
        self.minter, self.dataset, self.institution = Minter(base), dataset, institution

    def __call__(self, records: list[Record]) -> list[Prepared]:
        names = [self.minter.record_graph(self.dataset, r.local_id) for r in records]
        unreadable: dict[int, str] = {}
        graphs = self.mapping.map_batch(records, self.minter, self.dataset, self.institution,
                                        [ox.NamedNode(g) for g in names], unreadable)
        problems = self.validator.validate(graphs, [r.local_id for r in records])
        for i, reason in unreadable.items():
            problems[i].append(Problem(records[i].local_id, "Violation", reason, reason))
        out = []
        for r, g, quads, probs in zip(records, names, graphs, problems, strict=True):
            own, shared = [], []
            owners: dict[str, ox.NamedNode | None] = {}  # per subject: a record states ~70 triples of ~15
            for q in quads:
                s = q.subject.value
                owner = owners.get(s, False)
                if owner is False:
                    graph = self.minter.owner_graph(s, self.dataset, r.local_id)
                    owner = owners[s] = None if graph == g else ox.NamedNode(graph)
                if owner is None:
                    own.append(q)
                else:  # see Minter.owner_graph: shared things live once, in their own graph
                    shared.append(ox.Quad(q.subject, q.predicate, q.object, owner))
            out.append(Prepared(probs, ox.serialize(own, format=ox.RdfFormat.N_QUADS),
                                ox.serialize(shared, format=ox.RdfFormat.N_QUADS)))
        return out


_worker: Preparer | None = None


def exit_with_parent() -> None:
    """End this worker process when the process that started it is gone. A kill -9 of an ingest
    gives it no chance to stop its workers, which then waited forever (found orphans of the
    harvest kill tests, ~70 MB each, hours later)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="erfgoed-parent-watch", daemon=True).start()


def _init(*args: str) -> None:
    global _worker
    exit_with_parent()
    _worker = Preparer(*args)


def _prepare(records: list[Record]) -> list[Prepared]:
    assert _worker is not None
    return _worker(records)


class Pipeline:
    """Prepares batches inline until a second batch shows the input is large, then in a worker.

    If the worker cannot run (e.g. the program was read from stdin, which a spawned process
    cannot re-import), batches are prepared inline instead: slower, same result."""

    def __init__(self, preparer: Preparer, workers: int):
        self.preparer, self.workers = preparer, workers
        self.pool: ProcessPoolExecutor | None = None
        self.submitted = 0

    def submit(self, records: list[Record]) -> tuple[list[Record], Future | None]:
        self.submitted += 1
        if self.workers and self.submitted > 1:
            try:
                if self.pool is None:
                    self.pool = ProcessPoolExecutor(
                        self.workers, mp_context=multiprocessing.get_context("spawn"),
                        initializer=_init, initargs=self.preparer.args)
                return records, self.pool.submit(_prepare, records)
            except BrokenProcessPool:
                self.workers = 0
        return records, None

    def result(self, handle: tuple[list[Record], Future | None]) -> list[Prepared]:
        records, future = handle
        if future is not None:
            try:
                return future.result()
            except BrokenProcessPool:
                self.workers = 0
        return self.preparer(records)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
