"""Harvest runs: a declared source -> its harvester -> the ingest pipeline, with checkpoints.

A harvester (harvesters/) yields Records and keeps a small JSON-able `state` (OAI: from-date and
resumptionToken; LDES: pages done, ETags; REST: next page). After every committed batch the
ingest calls back, the harvester moves its state past what is stored, and the state is written
to <data_dir>/harvest/<source>.json (atomically). A run killed at any moment (even kill -9)
therefore resumes at the last checkpoint; records read twice are recognised by their hash, so
the store ends identical to an uninterrupted run.

A full run (--full) also removes records the source no longer has; the ids it has seen are
appended to <source>.seen as it goes, so a resumed full run still knows them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

from erfgoed.config import Config, SourceConfig, parse_duration
from erfgoed.graph.ingest import Ingest, IngestResult
from erfgoed.graph.store import Store
from erfgoed.harvesters.http import Fetcher, allow_list
from erfgoed.harvesters.record import Record
from erfgoed.mappings.engine import load_mapping

DEFAULT_MAPPING = {("oai-pmh", "lido"): "lido", ("oai-pmh", "oai_dc"): "oai-dc",
                   ("ldes", ""): "ldes-oslo", ("rest", ""): "uitdatabank-event"}


class Checkpoint:
    def __init__(self, data_dir: Path, source: str):
        folder = data_dir / "harvest"
        folder.mkdir(parents=True, exist_ok=True)
        self.path, self.seen_path = folder / f"{source}.json", folder / f"{source}.seen"

    def load(self) -> dict:
        if not self.path.exists():
            return {}
        try:
            return json.loads(self.path.read_text("utf-8"))
        except ValueError:  # a torn write cannot happen (atomic rename), but a hand edit can
            return {}

    def save(self, data: dict) -> None:
        tmp = self.path.with_suffix(".part")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), "utf-8")
        os.replace(tmp, self.path)

    def seen(self) -> list[str]:
        if not self.seen_path.exists():
            return []
        return [line for line in self.seen_path.read_text("utf-8").split("\n") if line]

    def add_seen(self, ids: list[str]) -> None:
        with self.seen_path.open("a", encoding="utf-8") as f:
            f.write("".join(i.replace("\n", " ") + "\n" for i in ids))

    def clear_seen(self) -> None:
        self.seen_path.unlink(missing_ok=True)


def make_harvester(config: Config, source: SourceConfig, state: dict, full: bool,
                   fetcher: Fetcher | None = None):
    fetcher = fetcher or Fetcher(timeout=config["harvest.timeout_seconds"],
                                 retries=config["harvest.retries"],
                                 allowed_hosts=allow_list(config["harvest.allowed_hosts"], source.url))
    from erfgoed.harvesters.resources import Resources

    resources = Resources.from_config(config)
    if source.type == "oai-pmh":
        from erfgoed.harvesters.oaipmh import OaiPmhHarvester
        from erfgoed.harvesters.xmlschema import SchemaCheck

        schema = (SchemaCheck.for_prefix(source.metadata_prefix, resources)
                  if config["harvest.validate_xml"] else None)
        return OaiPmhHarvester(source.url, metadata_prefix=source.metadata_prefix,
                               set_spec=source.set, fetcher=fetcher, schema=schema, state=state,
                               full=full)
    if source.type == "ldes":
        from erfgoed.harvesters.ldes import LdesHarvester

        return LdesHarvester(source.url, fetcher=fetcher, resources=resources, state=state,
                             full=full)
    from erfgoed.harvesters.rest import RestHarvester

    return RestHarvester(source.url, fetcher=fetcher, state=state, full=full,
                         page_size=source.page_size)


def mapping_for(source: SourceConfig) -> str:
    if source.mapping:
        return source.mapping
    key = (source.type, source.metadata_prefix if source.type == "oai-pmh" else "")
    if key not in DEFAULT_MAPPING:
        from erfgoed.errors import UserError

        raise UserError(f"source '{source.name}': no default mapping for metadataPrefix "
                        f"'{source.metadata_prefix}'; set 'mapping'.")
    return DEFAULT_MAPPING[key]


def harvest(store: Store, config: Config, source: SourceConfig, *, full: bool = False,
            progress: Callable[[int], None] | None = None, fetcher: Fetcher | None = None,
            ) -> IngestResult:
    data_dir = config.resolve(config["site.data_dir"])
    checkpoint = Checkpoint(data_dir, source.name)
    saved = checkpoint.load()
    if saved.get("url") != source.url or saved.get("type") != source.type:
        saved = {}  # another endpoint under this name: its state means nothing here
    interrupted = saved.get("running")
    if interrupted and full and not interrupted.get("full"):
        interrupted = None  # an incremental run was cut off; the full run asked for now starts over
    full = full or bool(interrupted and interrupted.get("full"))
    if not interrupted:
        checkpoint.clear_seen()
        saved.pop("resume", None)
    state = saved.get("resume") or saved.get("state") or {}
    harvester = make_harvester(config, source, dict(state), full, fetcher)
    ds = config.datasets.get(source.dataset)
    run = Ingest(store, config, source.dataset, load_mapping(mapping_for(source)),
                 title=ds.title if ds else "", institution=ds.institution if ds else "")
    base = {"type": source.type, "url": source.url, "state": saved.get("state", {})}
    yielded: deque[Record] = deque()

    def save(running: bool) -> None:
        data = dict(base)
        if running:
            data["running"] = {"full": full}
            data["resume"] = harvester.state
        else:
            data["state"] = harvester.state
        checkpoint.save(data)

    def tracked() -> Iterator[Record]:
        for r in harvester.records():
            yielded.append(r)
            yield r

    def committed(last: Record) -> None:
        ids = []
        while yielded:
            r = yielded.popleft()
            ids.append(r.local_id)
            if r is last:
                break
        if full:
            checkpoint.add_seen(ids)
        harvester.commit(last)
        save(running=True)

    save(running=True)
    # the first record is read before the run writes anything (the dataset's description, the
    # run): a source that cannot be reached, or refuses, leaves the store as it was
    records = tracked()
    first = next(records, None)
    if first is not None:
        records = itertools.chain([first], records)
    result = run(records, source=source.url, full=full, progress=progress,
                 on_commit=committed, seen_before=checkpoint.seen() if full else ())
    base["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    save(running=False)
    checkpoint.clear_seen()
    return result


def due(config: Config, source: SourceConfig, now: dt.datetime | None = None) -> bool:
    """Is the source due for `erfgoed harvest --due`? Its `schedule` (or, for an LDES without
    one, the stream's own ldes:pollingInterval) has passed since its last completed run; an
    interrupted or never-run source is always due. A source with neither is never due."""
    saved = Checkpoint(config.resolve(config["site.data_dir"]), source.name).load()
    if saved.get("url") != source.url or saved.get("running") or not saved.get("finished"):
        return True
    interval = (parse_duration(source.schedule) if source.schedule
                else saved.get("state", {}).get("polling_seconds"))
    if not interval:
        return False
    last = dt.datetime.fromisoformat(saved["finished"])
    return (now or dt.datetime.now(dt.UTC)) >= last + dt.timedelta(seconds=interval)
