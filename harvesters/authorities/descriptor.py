"""An authority described as data: `<name>.toml` next to this module (+ its `queries/*.rq`).

Like the Dutch network-of-terms catalog, a source is a descriptor and a query file, not code
paths spread over the project: name, title, the kinds it serves, its default endpoint, its URI
space, languages, politeness (min interval between requests) and the names of its query files.
Anything authority-specific (Wikidata's instance-of classes per kind, VIAF's source-id URI
patterns, GeoNames' feature classes) sits in the descriptor's own tables, read by its adapter.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from erfgoed.errors import UserError

from .base import KINDS

REQUIRED = ("name", "title", "kinds", "base_url", "uri_pattern", "scheme", "languages", "min_interval")


@dataclass(frozen=True)
class Descriptor:
    name: str
    title: str
    kinds: tuple[str, ...]
    base_url: str              # the public endpoint (config `authorities.<name>_url` overrides it)
    uri_pattern: str           # '{}' takes the authority's id: http://vocab.getty.edu/aat/{}
    scheme: str                # skos:inScheme of the cached records
    languages: tuple[str, ...]
    min_interval: float        # seconds between two requests, unless configured otherwise
    page_pattern: str = ""     # the human page; '{}' takes the id
    licence: str = ""
    queries: dict[str, str] = field(default_factory=dict)  # role -> file name under queries/
    extra: dict[str, Any] = field(default_factory=dict)    # the adapter's own tables

    def uri(self, local_id: str) -> str:
        return self.uri_pattern.format(local_id)

    def local_id(self, uri_or_id: str) -> str:
        """'http://vocab.getty.edu/aat/300015050' or '300015050' -> '300015050'."""
        head, _, tail = self.uri_pattern.partition("{}")
        text = uri_or_id.strip()
        if text.startswith(head) and text.endswith(tail):
            return text[len(head):len(text) - len(tail)] if tail else text[len(head):]
        return text

    def page(self, local_id: str) -> str:
        return self.page_pattern.format(local_id) if self.page_pattern else ""

    def query(self, role: str) -> str:
        """The text of one of the descriptor's SPARQL files (e.g. role 'search')."""
        return _read(f"queries/{self.queries[role]}")

    def serves(self, kind: str | None) -> bool:
        return kind is None or kind in self.kinds


def _read(relative: str) -> str:
    return resources.files(__package__).joinpath(relative).read_text("utf-8")


@cache
def load_descriptor(name: str) -> Descriptor:
    """The descriptor `<name>.toml`; a missing or incomplete one is a plain error."""
    try:
        raw = tomllib.loads(_read(f"{name}.toml"))
    except FileNotFoundError:
        raise UserError(f"no authority descriptor '{name}.toml' in harvesters/authorities/.") from None
    missing = [k for k in REQUIRED if k not in raw]
    if missing:
        raise UserError(f"{name}.toml: missing {', '.join(missing)}.")
    if raw["name"] != name:
        raise UserError(f"{name}.toml: name is '{raw['name']}', expected '{name}'.")
    unknown = [k for k in raw["kinds"] if k not in KINDS]
    if unknown or not raw["kinds"]:
        raise UserError(f"{name}.toml: kinds {raw['kinds']} must be among {', '.join(KINDS)}.")
    if "{}" not in raw["uri_pattern"]:
        raise UserError(f"{name}.toml: uri_pattern must contain '{{}}' for the id.")
    known = set(REQUIRED) | {"page_pattern", "licence", "queries"}
    return Descriptor(
        name=name, title=raw["title"], kinds=tuple(raw["kinds"]), base_url=raw["base_url"],
        uri_pattern=raw["uri_pattern"], scheme=raw["scheme"], languages=tuple(raw["languages"]),
        min_interval=float(raw["min_interval"]), page_pattern=raw.get("page_pattern", ""),
        licence=raw.get("licence", ""), queries=dict(raw.get("queries", {})),
        extra={k: v for k, v in raw.items() if k not in known},
    )
