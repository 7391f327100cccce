"""Records that failed validation: kept aside, never lost, never published.

One JSON file per record under <data_dir>/quarantine/<dataset>/, holding the source payload, the
mapped RDF and the problems. Kept outside the store so public SPARQL cannot reach it; written
atomically (temp file + rename) so an interrupted run never leaves half a file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from erfgoed.graph.uris import encode_id


class Quarantine:
    def __init__(self, data_dir: Path, dataset: str):
        self.dir = data_dir / "quarantine" / dataset

    def _path(self, local_id: str) -> Path:
        return self.dir / f"{encode_id(local_id) or '_'}.json"

    def put(self, local_id: str, entry: dict) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self._path(local_id)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(entry, ensure_ascii=False, indent=1, default=str), "utf-8")
        os.replace(tmp, path)

    def get(self, local_id: str) -> dict | None:
        path = self._path(local_id)
        return json.loads(path.read_text("utf-8")) if path.exists() else None

    def discard(self, local_id: str) -> None:
        self._path(local_id).unlink(missing_ok=True)

    def ids(self) -> set[str]:
        return {e["local_id"] for e in self.entries()}

    def entries(self) -> Iterator[dict]:
        if self.dir.exists():
            for p in sorted(self.dir.glob("*.json")):
                yield json.loads(p.read_text("utf-8"))
