"""A dataset's EDM records as one zip (one RDF/XML file per object), for Metis' upload.

Only records that pass the EDM XSD and Europeana's Schematron rules go in; the others are listed
in a report (JSON: record id, object URI, problems). The zip is written to any binary stream,
also one that cannot seek, so the API streams it while it is being built; its writer
(graph/edm_zip.py) keeps no per-entry state in memory, so a large dataset costs no more memory
than a small one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from erfgoed.errors import UserError
from erfgoed.graph.edm import EdmBuilder
from erfgoed.graph.edm_zip import StreamingZip
from erfgoed.graph.publication import EUROPEANA, refusal
from erfgoed.graph.uris import encode_id

REPORT_NAME = "export-report.json"


@dataclass
class ExportResult:
    dataset: str
    exported: int = 0
    failed: list[dict] = field(default_factory=list)
    not_objects: int = 0

    def report(self) -> dict:
        return {
            "dataset": self.dataset,
            "exported": self.exported,
            "failed": len(self.failed),
            "not_objects": self.not_objects,
            "records": self.failed,
        }


def check_allowed(store, config, dataset: str) -> None:
    """UserError saying why, when the dataset's licence does not allow Europeana."""
    why = refusal(store, config.base_uri, dataset, EUROPEANA)
    if why:
        raise UserError(f"nothing exported: {why}")


def _fill(
    builder: EdmBuilder, zf: StreamingZip, result: ExportResult, ids: list[str] | None = None
) -> Iterator[int]:
    """Writes the records batch by batch; yields the number of records done after each batch."""
    for done, records in builder.batches(ids, keep_triples=False):
        result.not_objects += done - len(records)
        for rec in records:
            if rec.valid:
                zf.writestr(f"{encode_id(rec.local_id)}.xml", rec.xml)
                result.exported += 1
            else:
                result.failed.append({"record": rec.local_id, "uri": rec.uri, "problems": rec.problems})
        yield done


def write_zip(
    builder: EdmBuilder, out: BinaryIO, *, ids: list[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ExportResult:
    """Every valid record of the builder's dataset (or of these local ids, when the caller has
    read them already) into a zip on `out` (the report is the result: the CLI writes it next to
    the zip)."""
    result = ExportResult(builder.dataset)
    with StreamingZip(out) as zf:
        for done in _fill(builder, zf, result, ids):
            if progress:
                progress(done)
    return result


class ChunkSink:
    """A write-only, non-seekable stream whose bytes are taken out in chunks (for streaming)."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.offset = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def stream_zip(builder: EdmBuilder) -> Iterator[bytes]:
    """The zip as chunks, one per batch of records, the report inside as export-report.json
    (Metis reads the .xml entries). Starlette runs this generator in a worker thread."""
    sink, result = ChunkSink(), ExportResult(builder.dataset)
    with StreamingZip(sink) as zf:
        for _ in _fill(builder, zf, result):
            yield sink.take()
        zf.writestr(REPORT_NAME, json.dumps(result.report(), ensure_ascii=False, indent=1))
    yield sink.take()
