"""The ingest pipeline: records -> map -> validate -> load or quarantine, one batch at a time.

Per batch, in this order (so an interrupted run can always be resumed by running it again):
1. records whose graph does not exist yet are bulk-loaded (fast, not transactional);
2. one transaction replaces changed records' graphs and writes the meta entries of every
   published record of the batch. That transaction is the commit point: a graph without a meta
   entry is treated as absent and replaced on the next run.
Unchanged records (same content hash under the same mapping and shapes) are skipped before
mapping, so re-ingesting an unchanged file writes nothing but the run's own provenance.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from erfgoed.config import Config, DatasetConfig
from erfgoed.graph import meta
from erfgoed.graph.prepare import Pipeline, Prepared, Preparer
from erfgoed.graph.publication import policy_quads
from erfgoed.graph.quarantine import Quarantine
from erfgoed.graph.report import ProblemLog
from erfgoed.graph.store import Store
from erfgoed.graph.uris import Minter, decode_id
from erfgoed.graph.validation import Problem
from erfgoed.harvesters.record import Record
from erfgoed.mappings.engine import Mapping


@dataclass
class IngestResult:
    dataset: str
    run: str
    counts: meta.RunCounts
    log: ProblemLog | None = field(default=None, repr=False)

    @property
    def problems(self) -> list[Problem]:
        """Every current problem of the dataset, read from the problem log when asked for (a run
        of 100k records with warnings does not hold them in memory)."""
        return self.log.all() if self.log is not None else []


def _batches(items: Iterable[Record], size: int) -> Iterator[list[Record]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _libc_trim() -> Callable[[int], int] | None:
    try:
        import ctypes

        return ctypes.CDLL(None).malloc_trim  # glibc only
    except (OSError, AttributeError):
        return None


_malloc_trim = _libc_trim()


def give_back_memory() -> None:
    """Return freed heap to the system after a batch. glibc keeps what the store's loader threads
    free in per-thread arenas: without this a harvest's resident size grew by ~2 KB per record
    (measured at 5k-30k records), although nothing stays allocated."""
    if _malloc_trim is not None:
        _malloc_trim(0)


def _problem(record: Record, key: str, nl: str, en: str, field_name: str | None = None) -> Problem:
    return Problem(record=key, severity="Violation", message_nl=nl, message_en=en,
                   field=field_name, column=field_name, line=record.line)


class Ingest:
    """One ingest run of one dataset."""

    def __init__(self, store: Store, config: Config, dataset: str, mapping: Mapping, *,
                 title: str = "", institution: str = "", policy: DatasetConfig | None = None):
        self.store, self.config, self.dataset, self.mapping = store, config, dataset, mapping
        self.title, self.institution = title, institution
        # publication licence (graph/publication.py): the given dataset settings, else the config's
        self.policy = policy or config.datasets.get(dataset) or DatasetConfig(id=dataset)
        self.minter = Minter(config.base_uri)
        self.preparer = Preparer(mapping.source, config.base_uri, dataset, institution, mapping)
        self.salt = mapping.fingerprint + self.preparer.validator.fingerprint
        data_dir = config.resolve(config["site.data_dir"])
        self.quarantine = Quarantine(data_dir, dataset)
        self.log = ProblemLog(data_dir, dataset)
        self.counts = meta.RunCounts()
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        self.run = self.minter.run(dataset, f"{stamp}-{uuid.uuid4().hex[:6]}")

    def __call__(self, records: Iterable[Record], *, source: str, full: bool = False,
                 progress: Callable[[int], None] | None = None,
                 on_commit: Callable[[Record], None] | None = None,
                 seen_before: Iterable[str] = ()) -> IngestResult:
        """`on_commit(r)`: every record up to `r` is now committed (a harvest checkpoints there).
        `seen_before`: ids an interrupted full run had already seen (so they are not removed)."""
        started = meta.now()
        d = self.minter.dataset(self.dataset)
        logged = meta.version_log_complete(self.store, self.minter, self.dataset)
        self.store.replace(delete_subjects=[(self.minter.meta_graph, d)],
                           insert=meta.dataset_quads(self.minter, self.dataset, self.title,
                                                     self.institution)
                           + policy_quads(self.minter, self.dataset, self.policy.publish,
                                          self.policy.rights, self.policy.licence)
                           + ([meta.version_log_quad(self.minter, self.dataset)] if logged else []))
        self._start_version_log(logged)
        self.quarantined_ids = self.quarantine.ids()
        self.seen: dict[str, int | None] = dict.fromkeys(seen_before)
        self.on_commit = on_commit
        self.kept_aside: set[str] = set()  # quarantine keys this run wrote or confirmed
        pipeline = Pipeline(self.preparer, self.config["ingest.workers"])
        pending: deque[tuple[list, tuple, list[Record]]] = deque()
        try:
            for batch in _batches(records, self.config["ingest.batch_size"]):
                items = self._classify(batch)
                pending.append((items, pipeline.submit([r for r, _, _ in items]), batch))
                while len(pending) > max(1, pipeline.workers):  # workers prepare while we load
                    self._commit_oldest(pipeline, pending, progress)
            while pending:
                self._commit_oldest(pipeline, pending, progress)
        finally:
            pipeline.close()
        if full and self.seen:  # a full run that read nothing (empty answer) removes nothing
            self._remove_missing()
        self.store.add(meta.run_quads(self.minter, self.dataset, self.run, started, source,
                                      self.counts))
        self.log.save()
        from erfgoed.graph.void import refresh_descriptions

        if self.counts.loaded or self.counts.removed or not self.store.has_graph(self.minter.void_graph):
            refresh_descriptions(self.store, self.config)  # DCAT/VoID counts, last modified
        return IngestResult(self.dataset, self.run, self.counts, self.log)

    def _commit_oldest(self, pipeline: Pipeline, pending: deque,
                       progress: Callable[[int], None] | None) -> None:
        items, handle, batch = pending.popleft()
        if items:
            self._load(items, pipeline.result(handle))
        self.store.flush()  # its memtables would otherwise grow with every batch
        give_back_memory()
        if self.on_commit:
            self.on_commit(batch[-1])
        if progress:
            progress(len(batch))

    # -- one batch ------------------------------------------------------------------------------
    def _classify(self, batch: list[Record]) -> list[tuple[Record, str, meta.RecordState | None]]:
        """Sort a batch out: returns the new or changed records (with their hash and stored state)
        to prepare; rejects what cannot be read, counts what is unchanged, removes what the source
        deleted. The store is asked about the batch's records in one query."""
        to_map: dict[str, tuple[Record, str, meta.RecordState | None]] = {}
        removed: list[Record] = []
        states = meta.record_states(self.store, self.minter, self.dataset,
                                    [r.local_id for r in batch if r.local_id])
        for r in batch:
            key = r.local_id
            if not key:
                self._reject(r, f"line-{r.line}", [_problem(
                    r, f"line-{r.line}", f"Regel {r.line} heeft geen {self.mapping.id_column}.",
                    f"Line {r.line} has no {self.mapping.id_column}.", self.mapping.id_column)])
                continue
            state = states.get(key)
            if r.datestamp and state and state.datestamp and r.datestamp < state.datestamp:
                self.counts.unchanged += 1  # an older version than the one we hold
                continue
            if key in self.seen and r.datestamp:
                to_map.pop(key, None)  # a newer version of a record seen before: it wins
            elif key in self.seen:
                dup = f"{key} (line {r.line})"
                first = self.seen[key]
                self._reject(r, dup, [_problem(
                    r, dup, f"{self.mapping.id_column} '{key}' komt twee keer voor "
                    f"(ook op regel {first}); enkel de eerste wordt gepubliceerd.",
                    f"{self.mapping.id_column} '{key}' occurs twice (also on line {first}); "
                    "only the first is published.", self.mapping.id_column)])
                continue
            self.seen[key] = r.line
            if r.problem:
                self._reject(r, key, [_problem(r, key, r.problem, r.problem)])
                continue
            if r.deleted:
                removed.append(r)
                continue
            h = r.content_hash(self.salt)
            if state and state.content_hash == h and state.status == meta.PUBLISHED:
                self.counts.unchanged += 1
                continue
            if key in self.quarantined_ids:
                entry = self.quarantine.get(key)
                if entry and entry.get("hash") == h:
                    self.counts.quarantined += 1  # still the same invalid version
                    self.kept_aside.add(key)
                    continue
            to_map[key] = (r.checked(), h, state)  # the XSD check: only now that it is new or changed
        for r in batch:
            r.check = None  # an unchanged record's check is never run (and holds its page's tree)
        if removed:
            self._remove([r.local_id for r in removed], {r.local_id: r.datestamp for r in removed})
        return list(to_map.values())

    def _load(self, items: list[tuple[Record, str, meta.RecordState | None]],
              prepared: list[Prepared]) -> None:
        # graphs of records the classifying query did not know: an earlier batch of this run
        # (committed since) or an interrupted run may have written them - one query for all
        existing = meta.existing_graphs(self.store, [
            self.minter.record_graph(self.dataset, r.local_id) for r, _, state in items if state is None])
        bulk: list[bytes] = []
        replace_graphs: list[str] = []
        replace_quads: list[ox.Quad] = []
        meta_quads: list[ox.Quad] = []
        delete_meta: list[tuple[str, str]] = []
        for (r, h, state), p in zip(items, prepared, strict=True):
            probs = p.problems + [Problem(r.local_id, "Warning", w, w) for w in r.warnings]
            for problem in probs:
                problem.line = r.line
                problem.column = self.mapping.column_of(problem.field) if problem.field else None
            if any(problem.severity == "Violation" for problem in probs):
                self._reject(r, r.local_id, probs, h, p.own + p.shared)
                continue
            g = self.minter.record_graph(self.dataset, r.local_id)
            bulk.append(p.shared)  # shared things only ever gain statements
            if state is not None or g in existing:
                replace_graphs.append(g)
                replace_quads += ox.parse(p.own, format=ox.RdfFormat.N_QUADS)
                delete_meta.append((self.minter.meta_graph, g))
            else:
                bulk.append(p.own)
            meta_quads += meta.record_quads(self.minter, self.dataset, r.local_id, h,
                                            meta.PUBLISHED, self.run, r.datestamp)
            meta_quads += self._version(g, meta.PUBLISHED,
                                        meta.record_entity(self.minter, self.dataset, r.local_id, p.own))
            self.log.set(r.local_id, probs)
            if r.local_id in self.quarantined_ids:
                self.quarantine.discard(r.local_id)
            self.counts.loaded += 1
            self.counts.warnings += bool(probs)
        self.log.save()  # before the store: a record in the store always has its problems logged
        data = b"".join(bulk)
        if data:
            self.store.add_nquads(data, bulk=True)
        if replace_graphs:
            self.store.replace(drop_graphs=replace_graphs, delete_subjects=delete_meta,
                               insert=replace_quads + meta_quads)
        elif meta_quads:  # only new records: a plain transactional insert, no SPARQL text to parse
            self.store.add(meta_quads)

    def _reject(self, r: Record, key: str, problems: list[Problem], h: str | None = None,
                rdf: bytes = b"") -> None:
        """Keep an invalid record aside; a published earlier version stays online."""
        self.quarantine.put(key, {
            "local_id": key, "line": r.line, "source": r.source, "hash": h,
            "payload": r.payload, "problems": [p.to_dict() for p in problems],
            "rdf": rdf.decode(),
            "run": self.run,
        })
        self.log.set(key, problems)
        self.kept_aside.add(key)
        self.counts.quarantined += 1

    def _remove(self, local_ids: list[str], datestamps: dict[str, str | None] | None = None) -> None:
        """Drop published records' graphs; their meta entry stays, as 'removed' (URIs answer 410)."""
        for i in range(0, len(local_ids), 1000):
            graphs, metas, quads = [], [], []
            states = meta.record_states(self.store, self.minter, self.dataset, local_ids[i:i + 1000])
            entities = meta.entities_of(self.store, self.minter, [s.graph for s in states.values()])
            for local_id in local_ids[i:i + 1000]:
                self.quarantine.discard(local_id)
                self.log.set(local_id, [])
                state = states.get(local_id)
                if not state or state.status == meta.REMOVED:
                    continue
                graphs.append(state.graph)
                metas.append((self.minter.meta_graph, state.graph))
                date = (datestamps or {}).get(local_id)
                quads += meta.record_quads(self.minter, self.dataset, local_id,
                                           state.content_hash, meta.REMOVED, self.run, date)
                quads += self._version(state.graph, meta.REMOVED, entities.get(state.graph, state.graph))
                self.counts.removed += 1
            self.log.save()
            if graphs:
                self.store.replace(drop_graphs=graphs, delete_subjects=metas, insert=quads)

    # -- the version log (the dataset's LDES, graph/ldes_out.py) --------------------------------
    def _start_version_log(self, logged: bool) -> None:
        """Continue the dataset's version log; records loaded before it existed enter it now
        (once: `logged` says that was done, and the dataset is marked so once it is)."""
        self.next_seq = meta.next_version_seq(self.store, self.minter, self.dataset)
        if logged:
            return
        unlogged = meta.unlogged_records(self.store, self.minter, self.dataset)
        quads = [meta.version_log_quad(self.minter, self.dataset)]
        for state in unlogged:
            local_id = state.graph.rsplit("/", 1)[-1]
            own = b"".join(f"<{q.subject.value}>".encode() for q in self.store.quads(state.graph))
            entity = meta.record_entity(self.minter, self.dataset, decode_id(local_id), own)
            quads += self._version(state.graph, meta.PUBLISHED, entity)
        self.store.add(quads)

    def _version(self, graph: str, status: str, entity: str) -> list[ox.Quad]:
        self.next_seq += 1
        return meta.version_quads(self.minter, self.dataset, graph, self.next_seq - 1, meta.now(), status,
                                  entity)

    def _remove_missing(self) -> None:
        """A full re-ingest: records the source no longer has are removed (and their quarantine)."""
        gone = [k for k in meta.record_ids(self.store, self.minter, self.dataset) if k not in self.seen]
        self._remove(gone)
        for key in self.quarantined_ids - self.kept_aside:
            self.quarantine.discard(key)
            self.log.set(key, [])


def ingest_file(store: Store, config: Config, dataset: str, path: Path, mapping: Mapping, *,
                title: str = "", institution: str = "", full: bool = True,
                progress: Callable[[int], None] | None = None,
                policy: DatasetConfig | None = None) -> IngestResult:
    """A submitted file (register, LIDO export, JSON) through the pipeline. `full`: records
    missing from the file are removed."""
    from erfgoed.errors import InputError
    from erfgoed.harvesters.files import read_records

    limit = config["ingest.max_file_mb"]
    if path.exists() and path.stat().st_size > limit * 1024 * 1024:
        raise InputError(f"the file is {path.stat().st_size / 2**20:.0f} MB, over the limit of "
                         f"{limit} MB (setting ingest.max_file_mb); split it or raise the limit.",
                         file=str(path))
    schema = None
    if mapping.schema and config["harvest.validate_xml"]:
        from erfgoed.harvesters.resources import Resources
        from erfgoed.harvesters.xmlschema import SchemaCheck

        def schema():
            return SchemaCheck.for_prefix(mapping.schema, Resources.from_config(config))
    records = read_records(path, mapping, schema)
    first = next(records, None)
    if first is None:
        raise InputError("the file has a header but no records; nothing was changed "
                         "(a full re-ingest of it would remove every published record).",
                         file=str(path))

    def all_records() -> Iterator[Record]:
        yield first
        yield from records

    run = Ingest(store, config, dataset, mapping, title=title, institution=institution, policy=policy)
    return run(all_records(), source=path.name, full=full, progress=progress)
