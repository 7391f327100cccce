"""The one configuration file, `erfgoed.toml`.

Every key is declared once in SETTINGS (with its type, default and meaning), so unknown keys are
rejected with a suggestion and the README's settings table can be checked against this list.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from erfgoed.errors import UserError


@dataclass(frozen=True)
class Setting:
    type: type
    default: Any
    doc: str


# Top-level settings, as "section.key".
SETTINGS: dict[str, Setting] = {
    "store.location": Setting(str, "./data/store",
        "Embedded store directory, or a store URL (oxigraph+http://..., sparql+https://...)."),
    "site.base_uri": Setting(str, "http://127.0.0.1:8000",
        "Base of every minted URI (<base>/id/<kind>/<dataset>/<id>). Never change it once published."),
    "site.data_dir": Setting(str, "./data",
        "Folder for quarantined records, reports and uploads."),
    "server.host": Setting(str, "127.0.0.1", "Address `erfgoed serve` listens on."),
    "server.port": Setting(int, 8000, "Port `erfgoed serve` listens on."),
    "sparql.timeout_seconds": Setting(float, 10.0,
        "Public SPARQL queries running longer than this are stopped with HTTP 503."),
    "sparql.max_results": Setting(int, 10000,
        "Public SPARQL results are cut after this many rows or triples."),
    "ingest.max_file_mb": Setting(int, 100,
        "Register files larger than this are refused (split them, or raise the limit)."),
    "ingest.workers": Setting(int, 1,
        "Worker processes mapping and validating while the store loads (0: all in one process)."),
    "ingest.batch_size": Setting(int, 1000,
        "Records mapped, validated and loaded together (per-record accept/reject within)."),
}

# Keys of one [datasets.<id>] table.
DATASET_SETTINGS: dict[str, Setting] = {
    "title": Setting(str, "", "Human-readable name of the dataset."),
    "institution": Setting(str, "", "The institution that owns the data."),
    "source": Setting(str, "", "File the dataset is read from (relative to the config file)."),
    "mapping": Setting(str, "", "Mapping name (a file in mappings/), e.g. museum-register."),
    "licence": Setting(str, "", "Licence of the dataset's metadata (URI)."),
}


@dataclass
class DatasetConfig:
    id: str
    title: str = ""
    institution: str = ""
    source: str = ""
    mapping: str = ""
    licence: str = ""


@dataclass
class Config:
    values: dict[str, Any]
    datasets: dict[str, DatasetConfig] = field(default_factory=dict)
    path: Path | None = None

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    @property
    def base_uri(self) -> str:
        return self.values["site.base_uri"].rstrip("/")

    def resolve(self, relative: str) -> Path:
        """A path from the config, relative to the config file's folder."""
        p = Path(relative)
        if p.is_absolute() or self.path is None:
            return p
        return self.path.parent / p


def _unknown(key: str, known: list[str], where: str) -> UserError:
    hint = difflib.get_close_matches(key, known, n=1)
    suggestion = f" Did you mean '{hint[0]}'?" if hint else ""
    return UserError(f"{where}: unknown setting '{key}'.{suggestion} "
                     f"Known settings: {', '.join(sorted(known))}.")


def _typed(value: Any, setting: Setting, key: str, where: str) -> Any:
    if setting.type is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, setting.type) or isinstance(value, bool) != (setting.type is bool):
        raise UserError(f"{where}: '{key}' must be a {setting.type.__name__}, got {value!r}.")
    return value


def load_config(path: str | Path | None = None, *, store: str | None = None) -> Config:
    """Read `erfgoed.toml` (a missing default file means: all defaults).

    `store` (the --store option) and the ERFGOED_STORE environment variable override the file.
    """
    explicit = path is not None
    cfg_path = Path(path) if explicit else Path("erfgoed.toml")
    raw: dict[str, Any] = {}
    if cfg_path.exists():
        try:
            raw = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise UserError(f"{cfg_path}: not valid TOML: {exc}") from None
        except UnicodeDecodeError:
            raise UserError(f"{cfg_path}: not UTF-8 text.") from None
    elif explicit:
        raise UserError(f"{cfg_path}: configuration file not found.")
    where = str(cfg_path)

    values = {k: s.default for k, s in SETTINGS.items()}
    sections = {k.split(".")[0] for k in SETTINGS} | {"datasets"}
    for section, table in raw.items():
        if section not in sections:
            raise _unknown(section, sorted(sections), where)
        if section == "datasets":
            continue
        if not isinstance(table, dict):
            raise UserError(f"{where}: [{section}] must be a table.")
        for key, value in table.items():
            full = f"{section}.{key}"
            if full not in SETTINGS:
                raise _unknown(full, list(SETTINGS), where)
            values[full] = _typed(value, SETTINGS[full], full, where)

    datasets: dict[str, DatasetConfig] = {}
    for ds_id, table in raw.get("datasets", {}).items():
        if not isinstance(table, dict):
            raise UserError(f"{where}: [datasets.{ds_id}] must be a table.")
        for key, value in table.items():
            if key not in DATASET_SETTINGS:
                raise _unknown(key, list(DATASET_SETTINGS), f"{where} [datasets.{ds_id}]")
            _typed(value, DATASET_SETTINGS[key], key, f"{where} [datasets.{ds_id}]")
        datasets[ds_id] = DatasetConfig(id=ds_id, **table)

    env_store = os.environ.get("ERFGOED_STORE")
    if store or env_store:
        values["store.location"] = store or env_store
    config = Config(values=values, datasets=datasets, path=cfg_path if cfg_path.exists() else None)
    for ds_id in datasets:
        check_dataset_id(ds_id)
    return config


RESERVED_IDS = {"meta", "terms", "alignments", "authority", "quarantine"}


def check_dataset_id(ds_id: str) -> str:
    """Dataset ids appear in URIs: keep them to lowercase letters, digits and hyphens."""
    if ds_id in RESERVED_IDS:
        raise UserError(f"dataset id '{ds_id}' is reserved (it names a system graph).")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", ds_id):
        raise UserError(f"dataset id '{ds_id}' must be lowercase letters, digits and hyphens "
                        "(it becomes part of every URI of the dataset).")
    return ds_id
