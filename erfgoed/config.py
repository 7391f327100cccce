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
    "store.update_url": Setting(str, "",
        "sparql+ stores: SPARQL Update endpoint (empty: the query URL)."),
    "store.graph_store_url": Setting(str, "",
        "sparql+ stores: Graph Store Protocol endpoint taking N-Quads for bulk loads (empty: INSERT DATA)."),
    "store.timeout_seconds": Setting(float, 300.0,
        "Store server requests waiting longer fail. Credentials: ERFGOED_STORE_USER/_PASSWORD."),
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
    "sparql.workers": Setting(int, 2,
        "Processes answering public SPARQL queries on an embedded store; a query over the time limit"
        " is stopped by killing its process. 0: threads in the server (a runaway query runs on)."),
    "ingest.max_file_mb": Setting(int, 100,
        "Register files larger than this are refused (split them, or raise the limit)."),
    "ingest.workers": Setting(int, 1,
        "Worker processes mapping and validating while the store loads (0: all in one process)."),
    "ingest.batch_size": Setting(int, 1000,
        "Records mapped, validated and loaded together (per-record accept/reject within)."),
    "resources.local": Setting(dict, {},
        "Local copies of standards' files (XSDs, JSON-LD contexts): URL, or URL prefix ending in"
        " '/', = file or folder. Anything else is fetched once into <data_dir>/cache."),
    "harvest.timeout_seconds": Setting(float, 60.0, "Harvest requests waiting longer fail (retried)."),
    "harvest.retries": Setting(int, 4,
        "Attempts after a failed harvest request (timeouts, 5xx, 429), with doubling pauses."),
    "harvest.allowed_hosts": Setting(list, [],
        "Non-public hosts, addresses or networks (\"127.0.0.1\", \"10.0.0.0/8\") harvests and authority"
        " requests may reach; other loopback/private/link-local addresses are refused, also after"
        " redirects (the configured endpoints' own hosts are always allowed)."),
    "harvest.validate_xml": Setting(bool, True,
        "Check harvested LIDO against its XSD and report schema errors per record."),
    "actors.merge_threshold": Setting(float, 0.85,
        "Actor pairs scoring at least this are merged by `erfgoed actors resolve` (bench/actor_bench.py)."),
    "actors.review_threshold": Setting(float, 0.6,
        "Actor pairs scoring at least this (and below the merge threshold) go to the review queue."),
    "reconcile.live": Setting(list, ["aat", "wikidata", "viaf", "geonames"],
        "Authorities the reconciliation service also searches live (results are cached in the "
        "store); the others answer from cached and mirrored records only. [] works offline."),
    # Authorities (harvesters/authorities/): endpoints are configuration so tests and mirrors can
    # stand in for them; the GeoNames username comes from ERFGOED_GEONAMES_USERNAME if set.
    "authorities.aat_url": Setting(str, "https://vocab.getty.edu/sparql.json",
        "Getty AAT SPARQL endpoint (JSON results)."),
    "authorities.wikidata_url": Setting(str, "https://www.wikidata.org/w/api.php",
        "Wikidata action API (wbsearchentities, wbgetentities)."),
    "authorities.viaf_url": Setting(str, "https://viaf.org/api",
        "VIAF API base (POST search and cluster-record)."),
    "authorities.geonames_url": Setting(str, "http://api.geonames.org",
        "GeoNames web services base (searchJSON, getJSON)."),
    "authorities.geonames_username": Setting(str, "",
        "GeoNames account name; ERFGOED_GEONAMES_USERNAME in the environment takes precedence."),
    "authorities.geonames_countries": Setting(list, [],
        "GeoNames searches only in these ISO 3166 countries, e.g. [\"BE\", \"NL\"] (empty: all)."),
    "authorities.geonames_feature_classes": Setting(list, ["A", "P"],
        "GeoNames feature classes searched (A: administrative areas, P: populated places, S: sites)."),
    "authorities.timeout_seconds": Setting(float, 10.0,
        "An authority request waiting longer fails (and is retried)."),
    "authorities.retries": Setting(int, 2,
        "Attempts after a failed authority request before the authority is reported unavailable."),
    "authorities.min_interval": Setting(dict, {},
        "Seconds between two requests to one authority, e.g. { geonames = 1.0 } (default per authority)."),
    "authorities.contact": Setting(str, "",
        "E-mail or URL added to the User-Agent of authority requests (Wikimedia asks for one)."),
    "authorities.aat_mirror": Setting(list, [],
        "Local AAT subsets (lodlit TSV files) searched offline and loadable into the store."),
    "authorities.geonames_mirror": Setting(list, [],
        "Local GeoNames dump files (the 19-column cities/allCountries format) for offline use."),
    # Europeana delivery (graph/edm*.py, api/oai.py, api/exports.py)
    "europeana.provider": Setting(str, "erfgoed-kg",
        "edm:provider of every exported record: the aggregator delivering to Europeana."),
    "europeana.schema": Setting(str, "http://ftp.eanadev.org/schema_zips/europeana_schemas-20241127.zip",
        "The EDM XSD set (Metis schema zip, or a folder URL ending in '/'); map it to a local copy"
        " with resources.local. Records are checked against its EDM.xsd."),
    "ldes.page_size": Setting(int, 100,
        "Versions per page of a dataset's LDES (/ldes/<id>); full pages never change. Changing it moves"
        " every page boundary: followers then read the stream again."),
    "oai.repository_name": Setting(str, "erfgoed-kg", "OAI-PMH Identify: repositoryName."),
    "oai.admin_email": Setting(str, "admin@example.org", "OAI-PMH Identify: adminEmail."),
    "oai.page_size": Setting(int, 100,
        "OAI-PMH records or identifiers per response (then a resumptionToken)."),
    "oai.token_lifetime_seconds": Setting(int, 3600,
        "A resumptionToken older than this is refused (badResumptionToken); harvesters start again."),
}

# Keys of one [datasets.<id>] table.
DATASET_SETTINGS: dict[str, Setting] = {
    "title": Setting(str, "", "Human-readable name of the dataset."),
    "institution": Setting(str, "", "The institution that owns the data."),
    "source": Setting(str, "", "File the dataset is read from (relative to the config file)."),
    "mapping": Setting(str, "", "Mapping name (a file in mappings/), e.g. museum-register."),
    "licence": Setting(str, "", "Licence of the dataset's metadata (URI)."),
    "publish": Setting(list, ["public"],
        "Targets that may receive the dataset: public (SPARQL, LD pages), europeana (zip, OAI-PMH),"
        " or other platform names."),
    "rights": Setting(str, "",
        "Default rights statement of the digital objects (rightsstatements.org or Creative Commons URI),"
        " for records that carry none."),
}


# Keys of one [sources.<name>] table: an endpoint `erfgoed harvest` pulls from.
SOURCE_SETTINGS: dict[str, Setting] = {
    "type": Setting(str, "", "oai-pmh, ldes or rest."),
    "url": Setting(str, "", "Endpoint: OAI-PMH base URL, LDES view/page, or the API's first page."),
    "dataset": Setting(str, "", "Dataset the records go to (default: the source's name)."),
    "mapping": Setting(str, "", "Mapping name (default per type: lido, ldes-oslo, uitdatabank-event)."),
    "metadata_prefix": Setting(str, "lido", "OAI-PMH metadataPrefix (lido, oai_dc)."),
    "set": Setting(str, "", "OAI-PMH set to harvest (empty: all)."),
    "schedule": Setting(str, "",
        "How often to harvest, as an ISO 8601 duration (PT1H, P1D), for `erfgoed harvest --due`."),
    "page_size": Setting(int, 0, "REST: items per page requested (0: the API's default)."),
}
SOURCE_TYPES = ("oai-pmh", "ldes", "rest")

# Keys of one [termlists.<id>] table: a term list `erfgoed demo` (or a deployment) imports.
TERMLIST_SETTINGS: dict[str, Setting] = {
    "title": Setting(str, "", "Name of the list."),
    "source": Setting(str, "", "File the list is read from: CSV/XLSX or SKOS (relative to the config)."),
    "kind": Setting(str, "concept", "What the list holds: concept, person, organisation or place."),
    "lang": Setting(str, "nl", "Language of spreadsheet terms without a language column."),
}


@dataclass
class TermListConfig:
    id: str
    title: str = ""
    source: str = ""
    kind: str = "concept"
    lang: str = "nl"


@dataclass
class SourceConfig:
    name: str
    type: str
    url: str
    dataset: str = ""
    mapping: str = ""
    metadata_prefix: str = "lido"
    set: str = ""
    schedule: str = ""
    page_size: int = 0


@dataclass
class DatasetConfig:
    id: str
    title: str = ""
    institution: str = ""
    source: str = ""
    mapping: str = ""
    licence: str = ""
    publish: list = field(default_factory=lambda: ["public"])
    rights: str = ""


@dataclass
class Config:
    values: dict[str, Any]
    datasets: dict[str, DatasetConfig] = field(default_factory=dict)
    path: Path | None = None
    sources: dict[str, SourceConfig] = field(default_factory=dict)
    termlists: dict[str, TermListConfig] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    @property
    def base_uri(self) -> str:
        return self.values["site.base_uri"].rstrip("/")

    def resolve(self, relative: str) -> Path:
        """A path from the config, relative to the config file's folder (a store URL stays as is)."""
        if "://" in relative:
            return relative  # type: ignore[return-value]  # Path() would fold its '//'
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


def _check_table(table: Any, schema: dict[str, Setting], where: str) -> None:
    """One [datasets.<id>] or [sources.<name>] table: known keys of the right type."""
    if not isinstance(table, dict):
        raise UserError(f"{where} must be a table.")
    for key, value in table.items():
        if key not in schema:
            raise _unknown(key, list(schema), where)
        _typed(value, schema[key], key, where)


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
    sections = {k.split(".")[0] for k in SETTINGS} | {"datasets", "sources", "termlists"}
    for section, table in raw.items():
        if section not in sections:
            raise _unknown(section, sorted(sections), where)
        if section in ("datasets", "sources", "termlists"):
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
        _check_table(table, DATASET_SETTINGS, f"{where} [datasets.{ds_id}]")
        datasets[ds_id] = DatasetConfig(id=ds_id, **table)

    sources: dict[str, SourceConfig] = {}
    for name, table in raw.get("sources", {}).items():
        here = f"{where} [sources.{name}]"
        _check_table(table, SOURCE_SETTINGS, here)
        for key in ("type", "url"):
            if not table.get(key):
                raise UserError(f"{here}: '{key}' is required.")
        if table["type"] not in SOURCE_TYPES:
            raise UserError(f"{here}: type '{table['type']}' is not one of {', '.join(SOURCE_TYPES)}.")
        if table.get("schedule"):
            parse_duration(table["schedule"], here)
        src = SourceConfig(name=name, **table)
        src.dataset = src.dataset or name
        sources[name] = src

    termlists: dict[str, TermListConfig] = {}
    for list_id, table in raw.get("termlists", {}).items():
        _check_table(table, TERMLIST_SETTINGS, f"{where} [termlists.{list_id}]")
        termlists[list_id] = TermListConfig(id=list_id, **table)

    env_store = os.environ.get("ERFGOED_STORE")
    if store or env_store:
        values["store.location"] = store or env_store
    config = Config(values=values, datasets=datasets, path=cfg_path if cfg_path.exists() else None,
                    sources=sources, termlists=termlists)
    for ds_id in list(datasets) + [s.dataset for s in sources.values()]:
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


def parse_duration(text: str, where: str = "schedule") -> float:
    """Seconds in an ISO 8601 duration such as PT30M, PT1H, P1D, P1W."""
    m = re.fullmatch(r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", text)
    if not m or not any(m.groups()):
        raise UserError(f"{where}: '{text}' is not an ISO 8601 duration (e.g. PT1H, P1D).")
    w, d, h, mi, sec = (int(g or 0) for g in m.groups())
    return (((w * 7 + d) * 24 + h) * 60 + mi) * 60 + sec
