"""Authority adapters (Getty AAT, Wikidata, VIAF, GeoNames) and the Entry they hand to the matcher.

`authority(name, config)` gives the adapter of one authority, configured from `erfgoed.toml`;
every adapter has `search(label, kind=None, lang="nl", limit=10) -> list[Entry]` (ranked as the
authority ranks) and `fetch(uri_or_id) -> Entry | None`, and raises `AuthorityUnavailable` when
the authority cannot be used now. The adapters are described as data in `<name>.toml`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Protocol

from erfgoed.config import Config
from erfgoed.errors import UserError
from erfgoed.harvesters.http import allow_list

from .aat import Aat
from .base import KINDS, Entry, Label, entries_from_triples
from .client import AuthorityError, AuthoritySettings, AuthorityUnavailable
from .descriptor import load_descriptor
from .geonames import GeoNames
from .mirrors import mirror_entries
from .viaf import Viaf
from .wikidata import Wikidata

__all__ = ["AUTHORITIES", "KINDS", "Authority", "AuthorityError", "AuthorityUnavailable", "Entry", "Label",
           "authority", "entries_from_triples", "mirror_records", "settings_from_config"]

_ADAPTERS = {"aat": Aat, "wikidata": Wikidata, "viaf": Viaf, "geonames": GeoNames}
AUTHORITIES: tuple[str, ...] = tuple(_ADAPTERS)


class Authority(Protocol):
    def search(self, label: str, kind: str | None = None, lang: str = "nl",
               limit: int = 10) -> list[Entry]: ...

    def fetch(self, uri_or_id: str) -> Entry | None: ...


def settings_from_config(name: str, config: Config) -> AuthoritySettings:
    d = load_descriptor(name)
    intervals = config["authorities.min_interval"]
    unknown = sorted(set(intervals) - set(AUTHORITIES))
    if unknown:
        raise UserError(f"authorities.min_interval: unknown authority {', '.join(unknown)} "
                        f"(known: {', '.join(AUTHORITIES)}).")
    return AuthoritySettings(
        base_url=config[f"authorities.{name}_url"] or d.base_url,
        timeout=config["authorities.timeout_seconds"],
        retries=config["authorities.retries"],
        min_interval=float(intervals.get(name, d.min_interval)),
        contact=config["authorities.contact"],
        username=(os.environ.get("ERFGOED_GEONAMES_USERNAME") or config["authorities.geonames_username"]
                  if name == "geonames" else ""),
        options={"countries": config["authorities.geonames_countries"],
                 "feature_classes": config["authorities.geonames_feature_classes"]}
        if name == "geonames" else {},
        allowed_hosts=allow_list(config["harvest.allowed_hosts"],
                                 config[f"authorities.{name}_url"] or d.base_url),
    )


def authority(name: str, config: Config) -> Authority:
    """The adapter of authority `name` (one of AUTHORITIES), configured from `config`."""
    if name not in _ADAPTERS:
        raise UserError(f"unknown authority '{name}' (known: {', '.join(AUTHORITIES)}).")
    return _ADAPTERS[name](settings_from_config(name, config))


def mirror_records(config: Config) -> Iterator[tuple[str, Entry]]:
    """(authority name, Entry) for every record in the configured mirror files."""
    for name in ("aat", "geonames"):
        paths = [config.resolve(p) for p in config[f"authorities.{name}_mirror"]]
        for entry in mirror_entries(name, paths):
            yield name, entry
