"""Submissions: an institution's file for one of its datasets, ingested in the background.

The file is streamed to `<data_dir>/submissions/<dataset>/<job>-<name>` (uploads.py, size-limited),
then one worker thread *in the server process* runs `ingest_file` on it - the embedded store belongs
to this process, so no second process may open it. Jobs run one at a time, in order of arrival;
the ingest replaces record by record, so the published version stays online until the new one is
loaded. Each job's state (queued, running with a count of records read, done with the run's counts,
failed with the reason) is kept as `<job>.json` beside the file, so the history survives a restart.
The mapping: the form's `mapping`, else the dataset's configured one, else the one last used.
"""

from __future__ import annotations

import json
import logging
import queue
import secrets
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from erfgoed.config import Config, DatasetConfig
from erfgoed.errors import UserError

log = logging.getLogger("erfgoed.submissions")
STATES = ("queued", "running", "done", "failed")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Job:
    id: str
    dataset: str
    filename: str
    file: str                   # path on disk
    size: int
    mapping: str
    user: str
    status: str = "queued"
    submitted: str = field(default_factory=_now)
    started: str = ""
    finished: str = ""
    read: int = 0               # records read so far
    expected: int | None = None  # the file's estimated number of records
    counts: dict | None = None  # loaded / unchanged / removed / quarantined / warnings
    error: str = ""

    def public(self) -> dict:
        """What the API and the status page show (not the server's file path)."""
        return {k: v for k, v in asdict(self).items() if k != "file"}


class Submissions:
    def __init__(self, store, config: Config):
        self.store, self.config = store, config
        self.root = Path(config.resolve(config["site.data_dir"])) / "submissions"
        self.limit_bytes = config["ingest.max_file_mb"] * 1024 * 1024
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None

    # -- files and jobs ----------------------------------------------------------------------------
    @staticmethod
    def new_id() -> str:
        """Job ids sort by submission time."""
        return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)

    def mapping_for(self, dataset: str, asked: str = "") -> str:
        from erfgoed.mappings.engine import available_mappings

        known = available_mappings()
        if asked:
            if asked not in known:
                raise UserError(f"mapping '{asked}' does not exist (one of: {', '.join(known)})")
            return asked
        configured = self.config.datasets.get(dataset, DatasetConfig(dataset)).mapping
        last = next((j.mapping for j in self.listing(dataset) if j.mapping), "")
        if configured or last:
            return configured or last
        raise UserError(f"dataset '{dataset}' has no mapping configured: choose one "
                        f"(one of: {', '.join(known)})")

    def submit(self, job: Job) -> Job:
        with self._lock:
            self._jobs[job.id] = job
            self._save(job)
            self._queue.put(job)
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="erfgoed-submissions", daemon=True)
                self._worker.start()
        return job

    def get(self, dataset: str, job_id: str) -> Job | None:
        job = self._jobs.get(job_id)
        if job is not None and job.dataset == dataset:
            return job
        return next((j for j in self.listing(dataset) if j.id == job_id), None)

    def listing(self, dataset: str) -> list[Job]:
        """Every submission of a dataset, newest first (a job a stopped server left unfinished is
        shown as failed: its file is there to submit again)."""
        out = []
        for path in sorted((self.root / dataset).glob("*.json"), reverse=True):
            job = self._jobs.get(path.stem)
            if job is None:
                try:
                    job = Job(**json.loads(path.read_text("utf-8")))
                except (ValueError, TypeError):
                    continue
                if job.status in ("queued", "running"):
                    job.status, job.error = "failed", "the server stopped before this file was loaded"
            out.append(job)
        return out

    def busy(self) -> bool:
        return any(j.status in ("queued", "running") for j in self._jobs.values())

    def close(self, timeout: float = 30.0) -> None:
        """Let the running job finish (the store closes after this), drop the waiting ones."""
        if self._worker is not None and self._worker.is_alive():
            self._queue.put(None)
            self._worker.join(timeout)

    # -- the worker --------------------------------------------------------------------------------
    def _save(self, job: Job) -> None:
        path = self.root / job.dataset / f"{job.id}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(job), ensure_ascii=False, indent=1), "utf-8")
        tmp.replace(path)

    def _names(self, dataset: str) -> tuple[str, str]:
        """The dataset's title and institution as the store knows them (a deployment's config need
        not list every dataset; a new version must not lose them)."""
        from erfgoed.graph.uris import Minter

        minter = Minter(self.config.base_uri)
        q = (f"SELECT ?t ?p WHERE {{ GRAPH <{minter.meta_graph}> {{ <{minter.dataset(dataset)}> "
             f"<http://purl.org/dc/terms/title> ?t OPTIONAL {{ <{minter.dataset(dataset)}> "
             f"<http://purl.org/dc/terms/publisher> ?p }} }} }}")
        for row in self.store.query(q, union=False):
            return row["t"].value, row["p"].value if row["p"] is not None else ""
        return "", ""

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            self._run(job)

    def _run(self, job: Job) -> None:
        from erfgoed.api.render import write_report
        from erfgoed.graph.ingest import ingest_file
        from erfgoed.harvesters.files import estimate_records
        from erfgoed.mappings.engine import load_mapping

        job.status, job.started = "running", _now()
        self._save(job)
        try:
            mapping = load_mapping(job.mapping)
            path = Path(job.file)
            job.expected = estimate_records(path, mapping)
            ds = self.config.datasets.get(job.dataset, DatasetConfig(job.dataset))
            title, institution = self._names(job.dataset)

            def progress(n: int) -> None:
                job.read += n

            result = ingest_file(self.store, self.config, job.dataset, path, mapping,
                                 title=ds.title or title, institution=ds.institution or institution,
                                 progress=progress)
            write_report(self.config, self.store, job.dataset)
            c = result.counts
            job.counts = {"loaded": c.loaded, "unchanged": c.unchanged, "removed": c.removed,
                          "quarantined": c.quarantined, "warnings": c.warnings}
            job.status = "done"
        except UserError as exc:  # the file's own problem: say which, as the CLI would
            job.status, job.error = "failed", str(exc)
        except Exception as exc:  # noqa: BLE001 - keep the worker alive; the log has the traceback
            log.exception("submission %s of %s failed", job.id, job.dataset)
            job.status, job.error = "failed", f"internal error ({type(exc).__name__}); the administrator " \
                                              "can find it in the server log"
        job.finished = _now()
        self._save(job)
