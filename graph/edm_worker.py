"""The export's two halves on two cores: this process reads each batch and runs the CONSTRUCT,
a second process groups, writes, XSD-checks and rule-checks the records (EdmAssembler).

Reading + CONSTRUCT cost ~60% of a record's time, writing + checks the rest; with one batch in
flight while the next is built, the export runs at the pace of the larger half. The batch
crosses as N-Triples (serialised by Oxigraph, parsed by Oxigraph: the same terms in the same
order, so the documents are byte-identical to the one-process path). The second process is
started with `spawn` (no fork of a process holding a store and threads) and costs ~1 s to start,
so only exports of several batches use it (MIN_BATCHES).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from erfgoed.graph.edm import EdmAssembler, EdmRecord
from erfgoed.graph.edm_schema import EdmSchema
from erfgoed.harvesters.resources import Resources

if TYPE_CHECKING:
    from erfgoed.graph.edm import EdmBuilder

MIN_BATCHES = 4  # fewer batches: the one-process path is done before a second process is up

_assembler: EdmAssembler | None = None  # the second process's own


def _start(
    schema_path: str, local: dict[str, Path], cache_dir: Path | None, terms: bytes, prefix: str
) -> None:
    global _assembler

    def load_terms() -> ox.Store:
        store = ox.Store()
        store.load(terms, format=ox.RdfFormat.N_QUADS)
        return store

    schema = EdmSchema(Path(schema_path), Resources(local, cache_dir))
    _assembler = EdmAssembler(schema, load_terms, prefix)


def _assemble(uris: dict[str, str], ntriples: bytes, keep_triples: bool) -> list[EdmRecord]:
    assert _assembler is not None, "the export's second process was not started"
    records = _assembler.assemble(uris, ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    if not keep_triples:  # the zip needs only the documents: less to send back
        for rec in records:
            rec.triples = []
    return records


def pipelined(
    builder: EdmBuilder, chunks: Iterable[list[str]], keep_triples: bool = True
) -> Iterator[tuple[int, list[EdmRecord]]]:
    """(ids done, records) per batch of ids, in order; at most one batch waits while one is
    assembled, and the ids are taken batch by batch (nothing here grows with the dataset)."""
    schema = builder.schema
    resources = schema.resources
    initargs = (
        str(schema.path),
        resources.local,
        resources.cache_dir,
        builder._terms_store().dump(format=ox.RdfFormat.N_QUADS),
        builder.term_prefix,
    )
    pool = ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_start, initargs=initargs
    )
    pending: tuple[int, Future] | None = None
    try:
        for chunk in chunks:
            uris = builder._uris(chunk)
            data = builder._construct(uris).serialize(format=ox.RdfFormat.N_TRIPLES)
            job = (len(chunk), pool.submit(_assemble, uris, data, keep_triples))
            if pending:
                yield pending[0], pending[1].result()
            pending = job
        if pending:
            yield pending[0], pending[1].result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
