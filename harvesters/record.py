"""The one shape in which every harvester hands over what it found (DESIGN.md, "The flow")."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Record:
    source: str                     # file path or endpoint URL
    local_id: str                   # the institution's own id (inventory number, OAI identifier)
    payload: Any                    # what the mapping reads: a row dict, XML or JSON text, RDF
    media_type: str = "application/x-erfgoed-row+json"
    datestamp: str | None = None    # the source's last-modified date, when it has one
    deleted: bool = False           # the source says this record is gone
    line: int | None = None         # where the record starts in its file, for error messages
    problem: str | None = None      # the harvester could not read this record properly
    warnings: tuple[str, ...] = ()  # published anyway, but reported (e.g. LIDO schema errors)
    cursor: str | None = None       # where a resumed harvest starts to read this record again
    # a deferred check whose findings become `warnings` (the LIDO XSD of a harvested record): the
    # ingest runs it only for new or changed records (see Record.checked)
    check: Callable[[], list[str]] | None = field(default=None, repr=False, compare=False)

    def checked(self) -> Record:
        """Run the deferred check, once; after it the record can travel to a worker process."""
        if self.check is not None:
            self.warnings, self.check = self.warnings + tuple(self.check()), None
        return self

    def content_hash(self, salt: str = "") -> str:
        """Stable hash of what the record says (plus the mapping/shapes fingerprint as salt)."""
        body = json.dumps(self.payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256((salt + "\x00" + body).encode()).hexdigest()
