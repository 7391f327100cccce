"""The `erfgoed` command (DESIGN.md, "The public contract")."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from erfgoed.config import Config, DatasetConfig, check_dataset_id, load_config
from erfgoed.errors import UserError

if TYPE_CHECKING:
    from erfgoed.graph.store import Store

REPO = Path(__file__).resolve().parent.parent
DEMO_CONFIG = REPO / "examples" / "demo.toml"

config_option = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                             default=None, help="Configuration file (default ./erfgoed.toml).")
store_option = click.option("--store", default=None, metavar="DIR|URL",
                            help="Store directory or URL (default from config, else ./data/store;"
                                 " ERFGOED_STORE also works).")


def _config(config_path: str | None, store: str | None) -> Config:
    return load_config(config_path, store=store)


def _open(config: Config):
    from erfgoed.graph.store import open_store

    return open_store(str(config.resolve(config["store.location"])), config)


@contextmanager
def _opened(config_path: str | None, store: str | None) -> Iterator[tuple[Config, Store]]:
    """The config and its store, opened (and closed again): what most commands start with."""
    config = _config(config_path, store)
    with _open(config) as s:
        yield config, s


class _Group(click.Group):
    """Turns UserError into a plain message and exit code 2 - never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """erfgoed-kg: harvest, map to OSLO, validate with SHACL, load and serve heritage data."""


def _ingest(config: Config, store, ds: DatasetConfig, path: Path, mapping_name: str) -> int:
    from erfgoed.api.render import write_report
    from erfgoed.errors import InputError
    from erfgoed.graph.ingest import ingest_file
    from erfgoed.harvesters.files import estimate_records
    from erfgoed.mappings.engine import load_mapping

    mapping = load_mapping(mapping_name)
    if not path.is_file():
        raise InputError("file not found", file=str(path))
    total = estimate_records(path, mapping) or 1
    with click.progressbar(length=total, label=f"{ds.id}: {path.name}", show_pos=True,
                           file=sys.stderr) as bar:
        result = ingest_file(store, config, ds.id, path, mapping, title=ds.title,
                             institution=ds.institution, progress=bar.update, policy=ds)
    c = result.counts
    report = write_report(config, store, ds.id)
    click.echo(f"{ds.id}: {c.loaded} loaded, {c.unchanged} unchanged, {c.removed} removed, "
               f"{c.quarantined} quarantined ({c.warnings} published with warnings).")
    if c.quarantined or c.warnings:
        click.echo(f"  report: {report}")
    return c.quarantined


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dataset", "dataset_id", required=True, help="Dataset id (lowercase, hyphens).")
@click.option("--mapping", "mapping_name", default=None,
              help="Mapping name (file in mappings/); default: the dataset's configured mapping.")
@config_option
@store_option
def ingest(file: Path, dataset_id: str, mapping_name: str | None, config_path, store) -> None:
    """Map, validate and load one FILE into a dataset: a register (CSV, XLSX), a LIDO XML export,
    or JSON (e.g. actors), as the mapping says.

    The file is the dataset's whole content: records no longer in it are removed, unchanged ones
    are left alone. Invalid records are kept aside with a report, never published.
    """
    config = _config(config_path, store)
    check_dataset_id(dataset_id)
    ds = config.datasets.get(dataset_id, DatasetConfig(id=dataset_id))
    mapping_name = mapping_name or ds.mapping
    if not mapping_name:
        from erfgoed.mappings.engine import available_mappings

        raise UserError(f"dataset '{dataset_id}' has no mapping configured; pass --mapping "
                        f"(one of: {', '.join(available_mappings())}).")
    with _open(config) as s:
        _ingest(config, s, ds, file, mapping_name)


def _harvest(config: Config, store, source, full: bool) -> int:
    from erfgoed.api.render import write_report
    from erfgoed.graph.harvest import harvest

    done = [0]
    tty = sys.stderr.isatty()

    def progress(n: int) -> None:  # a harvest's length is unknown up front: a running count
        done[0] += n
        if tty:
            click.echo(f"\r{source.dataset}: {done[0]} records read from {source.url}", nl=False,
                       err=True)

    result = harvest(store, config, source, full=full, progress=progress)
    if tty:
        click.echo("", err=True)
    c = result.counts
    report = write_report(config, store, source.dataset)
    click.echo(f"{source.dataset} ({source.type} {source.url}): {c.loaded} loaded, "
               f"{c.unchanged} unchanged, {c.removed} removed, {c.quarantined} quarantined "
               f"({c.warnings} published with warnings).")
    if c.quarantined or c.warnings:
        click.echo(f"  report: {report}")
    return c.quarantined


@main.command(context_settings={"ignore_unknown_options": False})
@click.argument("target", required=False)
@click.argument("url", required=False)
@click.option("--all", "all_sources", is_flag=True, help="Harvest every source in the config.")
@click.option("--due", "due_only", is_flag=True,
              help="Only sources whose schedule (or LDES pollingInterval) has passed; for cron.")
@click.option("--full", is_flag=True,
              help="Read everything again (not only what changed); records the source no longer "
                   "has are removed.")
@click.option("--dataset", "dataset_id", default=None, help="Dataset id, for an ad-hoc harvest.")
@click.option("--metadata-prefix", default="lido", show_default=True,
              help="OAI-PMH metadataPrefix, for an ad-hoc harvest.")
@click.option("--mapping", "mapping_name", default=None, help="Mapping name, for an ad-hoc harvest.")
@config_option
@store_option
def harvest(target, url, all_sources, due_only, full, dataset_id, metadata_prefix, mapping_name,
            config_path, store) -> None:
    """Harvest declared sources, or one endpoint ad hoc.

    \b
      erfgoed harvest DATASET          sources of DATASET declared in erfgoed.toml
      erfgoed harvest --all            every declared source
      erfgoed harvest --due            declared sources whose `schedule` has passed (run from cron)
      erfgoed harvest oai-pmh|ldes|rest URL --dataset ID [--metadata-prefix P] [--mapping NAME]

    Incremental by default (only what changed since the last run); an interrupted harvest
    resumes where it stopped.
    """
    from erfgoed.config import SOURCE_TYPES, SourceConfig

    config = _config(config_path, store)
    if target in SOURCE_TYPES:
        if not url or not dataset_id:
            raise UserError(f"usage: erfgoed harvest {target} URL --dataset ID")
        from erfgoed.harvesters.http import check_url

        check_url(url)
        sources = [SourceConfig(name=f"{check_dataset_id(dataset_id)}-{target}", type=target,
                                url=url, dataset=dataset_id, mapping=mapping_name or "",
                                metadata_prefix=metadata_prefix)]
    elif all_sources or due_only:
        sources = list(config.sources.values())
        if not sources:
            raise UserError("no sources declared in the config ([sources.<name>] tables).")
        if due_only:
            from erfgoed.graph.harvest import due

            sources = [s for s in sources if due(config, s)]
            if not sources:
                click.echo("nothing is due.")
                return
    elif target:
        sources = [s for s in config.sources.values() if target in (s.dataset, s.name)]
        if not sources:
            known = ", ".join(sorted(config.sources)) or "none declared"
            raise UserError(f"no source for dataset '{target}' in the config (sources: {known}).")
    else:
        raise UserError("say what to harvest: a DATASET, --all, --due, "
                        "or oai-pmh|ldes|rest URL --dataset ID.")
    with _open(config) as s:
        for source in sources:
            _harvest(config, s, source, full)


@main.command()
@config_option
@store_option
def demo(config_path, store) -> None:
    """Load the bundled demo datasets (examples/demo.toml); running it again changes nothing."""
    config = _config(config_path, store)
    demo_cfg = load_config(DEMO_CONFIG)
    with _open(config) as s:
        for ds in demo_cfg.datasets.values():
            _ingest(config, s, ds, demo_cfg.resolve(ds.source), ds.mapping)
        for tl in demo_cfg.termlists.values():
            _import_terms(config, s, demo_cfg.resolve(tl.source), tl.id, title=tl.title, lang=tl.lang,
                          kind=tl.kind)
        _demo_mirrors(config, s)
        _resolve_actors(config, s)
    click.echo(f"Demo loaded into {config['store.location']}. Serve it with: erfgoed serve")


def _demo_mirrors(config: Config, store) -> None:
    """The configured authority mirrors that exist (a fresh clone may not have them: skipped)."""
    import dataclasses

    from erfgoed.graph.terms.network import load_mirrors

    values = dict(config.values)
    for key in ("authorities.aat_mirror", "authorities.geonames_mirror"):
        present = [p for p in values[key] if Path(config.resolve(p)).is_file()]
        for missing in set(values[key]) - set(present):
            click.echo(f"  mirror {missing} not found: skipped ({key}).")
        values[key] = present
    for name, n in load_mirrors(store, dataclasses.replace(config, values=values)).items():
        click.echo(f"{name}: {n} mirror records loaded.")


@main.group(name="actors")
def actors_group() -> None:
    """The actor and production databank: one identity per actor across sources (graph/actors/)."""


@actors_group.command("resolve")
@config_option
@store_option
def actors_resolve(config_path, store) -> None:
    """Cluster every actor of every dataset into canonical actors (<base>/graph/actors)."""
    with _opened(config_path, store) as (config, s):
        _resolve_actors(config, s)


def _resolve_actors(config: Config, store) -> None:
    from erfgoed.graph.actors.databank import STEPS, resolve_store
    from erfgoed.graph.uris import Minter

    with click.progressbar(length=len(STEPS), label="actors", show_pos=True,
                           item_show_func=lambda step: step or "") as bar:
        def progress(step: str) -> None:
            bar.update(1, step)
        summary = resolve_store(store, Minter(config.base_uri), merge=config["actors.merge_threshold"],
                                review=config["actors.review_threshold"], progress=progress)
    click.echo(f"actors: {summary.line()}")


@main.command()
@click.option("--host", default=None, help="Address to listen on (default from config).")
@click.option("--port", default=None, type=int, help="Port (default from config, 8000).")
@config_option
@store_option
def serve(host: str | None, port: int | None, config_path, store) -> None:
    """Serve the API (SPARQL, datasets, health) and the web UI."""
    import uvicorn

    from erfgoed.api.app import create_app

    config = _config(config_path, store)
    app = create_app(config)
    host, port = host or config["server.host"], port or config["server.port"]
    click.echo(f"erfgoed-kg on http://{host}:{port}/ui  (SPARQL: /sparql, API docs: /docs)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


@main.group(name="terms")
def terms_group() -> None:
    """Term lists (places, persons, object names, ...) as shared SKOS lists."""


@terms_group.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--list", "list_id", required=True, help="List id (lowercase, hyphens); part of its URIs.")
@click.option("--title", default=None, help="Name of the list (default: as before, or from the file).")
@click.option("--lang", default="nl", show_default=True,
              help="Language of spreadsheet terms without a language column or suffix.")
@click.option("--kind", type=click.Choice(["concept", "person", "organisation", "place"]), default=None,
              help="What the list holds (default: as before, else concept).")
@config_option
@store_option
def terms_import(file: Path, list_id: str, title, lang, kind, config_path, store) -> None:
    """Import a term list FILE: CSV/XLSX, or SKOS (Turtle, RDF/XML, JSON-LD, TriG, N-Triples).

    The file is the list's whole content. A re-import keeps every concept's URI (found by its id,
    else by its label) and updates labels; a quality report (JSON) is written to <data_dir>/reports.
    """
    with _opened(config_path, store) as (config, s):
        _import_terms(config, s, file, list_id, title=title, lang=lang, kind=kind)


def _import_terms(config: Config, store, file: Path, list_id: str, *, title: str | None,
                  lang: str, kind: str | None) -> None:
    from erfgoed.graph.terms.importer import import_list
    from erfgoed.graph.terms.quality import write_report
    from erfgoed.harvesters.tabular import estimate_rows

    total = estimate_rows(file) if file.suffix.lower() in (".csv", ".tsv", ".txt", ".xlsx", ".xlsm") \
        and file.is_file() else None
    if total:
        with click.progressbar(length=total, label=f"{list_id}: {file.name}", show_pos=True,
                               file=sys.stderr) as bar:
            result = import_list(store, config, file, list_id, title=title, lang=lang, kind=kind,
                                 progress=bar.update)
    else:
        result = import_list(store, config, file, list_id, title=title, lang=lang, kind=kind)
    report = write_report(config, result.report)
    click.echo(result.summary())
    if result.removed:
        click.echo(f"  {result.removed} concepts no longer in the file were removed.")
    if result.report.findings:
        click.echo(result.report.summary())
        click.echo(f"  report: {report}")


@terms_group.command("export")
@click.argument("list_id", metavar="LIST")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write; its extension picks the format (.ttl .rdf .jsonld .nt .csv).")
@config_option
@store_option
def terms_export(list_id: str, output: Path, config_path, store) -> None:
    """Write term list LIST as SKOS (Turtle, RDF/XML, JSON-LD, N-Triples) or as CSV."""
    from erfgoed.graph.terms.export import FORMAT_NAMES, export_list
    from erfgoed.graph.uris import Minter

    fmt = output.suffix.lower().lstrip(".")
    if fmt not in FORMAT_NAMES:
        raise UserError(f"cannot tell the format from '{output.name}': use one of "
                        f"{', '.join('.' + f for f in FORMAT_NAMES)}.")
    with _opened(config_path, store) as (config, s):
        _known_list(s, config, list_id)
        output.write_bytes(export_list(s, Minter(config.base_uri), list_id, fmt))
    click.echo(f"list {list_id} written to {output} ({FORMAT_NAMES[fmt]}).")


def _known_list(store, config: Config, list_id: str) -> None:
    from erfgoed.graph.terms import lists
    from erfgoed.graph.uris import Minter

    minter = Minter(config.base_uri)
    if lists.summary(store, minter, list_id) is None:
        known = [x["id"] for x in lists.summaries(store, minter)]
        raise UserError(f"no term list '{list_id}' (lists: {', '.join(known) or 'none yet'}).")


@terms_group.command("mirrors")
@config_option
@store_option
def terms_mirrors(config_path, store) -> None:
    """Load the configured authority mirror files (authorities.aat_mirror, .geonames_mirror) into
    the store, so matching and previews work offline. Running it again replaces what it loaded."""
    from erfgoed.graph.terms.network import load_mirrors

    with _opened(config_path, store) as (config, s):
        counts = load_mirrors(s, config)
    if not counts:
        click.echo("no mirror files configured (authorities.aat_mirror, authorities.geonames_mirror).")
    for name, n in counts.items():
        click.echo(f"{name}: {n} records loaded from the mirror files.")


@terms_group.command("align")
@click.argument("list_id", metavar="LIST")
@click.option("--source", "sources", multiple=True,
              help="Authority or list to align with (repeatable; default: every other source).")
@click.option("--accept", is_flag=True,
              help="Accept the unambiguous matches (match=true) as exactMatch, as a lexical mapping.")
@click.option("--author", default="", help="Who accepts (a URI, or a name); default: the user.")
@config_option
@store_option
def terms_align(list_id: str, sources, accept: bool, author: str, config_path, store) -> None:
    """Find candidates for every concept of LIST that has no mapping yet; with --accept, take
    the unambiguous ones (the rest waits for a curator in the UI). Prints what it found."""
    import getpass

    from erfgoed.graph.terms.network import align_list

    with _opened(config_path, store) as (config, s):
        _known_list(s, config, list_id)
        found = align_list(s, config, list_id, sources=sources or None, accept=accept,
                           author=author or getpass.getuser())
    click.echo(f"list {list_id}: {found.unaligned} concepts without mapping; {found.unambiguous} "
               f"with an unambiguous match, {found.candidates} with candidates to review, "
               f"{found.nothing} with none." + (f" Accepted {found.accepted}." if accept else ""))
    if found.unavailable:
        click.echo("  unavailable now: " + ", ".join(f"{k} ({v})" for k, v in found.unavailable.items()))


@terms_group.group("mappings")
def mappings_group() -> None:
    """Curated mappings of a list: export and import as SSSOM (TSV) or SKOS."""


@mappings_group.command("export")
@click.argument("list_id", metavar="LIST")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="FILE.sssom.tsv (SSSOM) or FILE.ttl (SKOS mapping triples).")
@config_option
@store_option
def mappings_export(list_id: str, output: Path, config_path, store) -> None:
    """Write the current mappings of LIST (with who, when, why) as SSSOM TSV or SKOS Turtle."""
    from erfgoed.graph.terms.alignments import Alignments
    from erfgoed.graph.terms.mapping_sets import export_sssom
    from erfgoed.graph.uris import Minter

    with _opened(config_path, store) as (config, s):
        _known_list(s, config, list_id)
        alignments = Alignments(s, Minter(config.base_uri))
        if output.suffix.lower() == ".ttl":
            output.write_bytes(alignments.skos_turtle(list_id))
            click.echo(f"mappings of {list_id} written to {output} (SKOS).")
            return
        if output.suffix.lower() != ".tsv":
            raise UserError(f"'{output.name}': write .sssom.tsv (SSSOM) or .ttl (SKOS).")
        with output.open("w", encoding="utf-8", newline="") as f:
            n = export_sssom(alignments, list_id, f)
    click.echo(f"{n} mappings of {list_id} written to {output} (SSSOM).")


@mappings_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@config_option
@store_option
def mappings_import(file: Path, config_path, store) -> None:
    """Import curated mappings from an SSSOM TSV FILE (as exported by `mappings export`)."""
    from erfgoed.graph.terms.alignments import Alignments
    from erfgoed.graph.terms.mapping_sets import import_sssom
    from erfgoed.graph.uris import Minter

    with _opened(config_path, store) as (config, s):
        result = import_sssom(Alignments(s, Minter(config.base_uri)), file)
    click.echo(f"{file.name}: {result.rows} rows, {len(result.stored)} new decisions stored "
               f"({result.rows - len(result.stored)} already known).")
    if result.ignored:
        click.echo(f"  ignored (not SSSOM): {', '.join(result.ignored)}")


@main.group(name="export")
def export_group() -> None:
    """Deliver datasets to other platforms (only where their publication licence allows it)."""


@export_group.command("europeana")
@click.argument("dataset_id", metavar="DATASET")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The zip to write (one EDM RDF/XML file per object); the report goes next to it.")
@config_option
@store_option
def export_europeana(dataset_id: str, output: Path, config_path, store) -> None:
    """Write the EDM records of DATASET as a zip for Europeana (Metis). Every record is checked
    against the EDM XSD and Europeana's Schematron rules; records that fail are listed in
    FILE.report.json and left out. A dataset whose licence does not allow Europeana exports
    nothing (exit code 2)."""
    import json

    from erfgoed.graph.edm import EdmBuilder
    from erfgoed.graph.edm_export import check_allowed, write_zip

    with _opened(config_path, store) as (config, s):
        check_allowed(s, config, dataset_id)
        builder = EdmBuilder(s, config, dataset_id)
        ids = builder.published_ids()  # read once: the bar's length and the export's list
        tmp = output.with_name(output.name + ".part")
        with tmp.open("wb") as fh, click.progressbar(length=len(ids) or 1, label=f"{dataset_id}: EDM",
                                                     show_pos=True, file=sys.stderr) as bar:
            result = write_zip(builder, fh, ids=ids, progress=bar.update)
        tmp.replace(output)
    report = output.with_name(output.stem + ".report.json")
    report.write_text(json.dumps(result.report(), ensure_ascii=False, indent=1), "utf-8")
    click.echo(f"{dataset_id}: {result.exported} EDM records written to {output}; "
               f"{len(result.failed)} failed Europeana's checks and were left out"
               + (f", {result.not_objects} records are not objects" if result.not_objects else "")
               + f". Report: {report}")


@main.group(name="store")
def store_group() -> None:
    """Back up the store and move it between backends (N-Quads)."""


@store_group.command("dump")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@config_option
@store_option
def store_dump(file: Path, config_path, store) -> None:
    """Write every quad of the store to FILE (N-Quads)."""
    with _opened(config_path, store) as (_, s):
        n = s.dump(file)
    click.echo(f"{n} quads written to {file}")


@store_group.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@config_option
@store_option
def store_restore(file: Path, config_path, store) -> None:
    """Load an N-Quads dump FILE into the store."""
    with _opened(config_path, store) as (_, s):
        s.restore(file)
        click.echo(f"restored {file}; the store now holds {s.count()} quads")


@main.group(name="tokens")
def tokens_group() -> None:
    """Tokens for the UI and the submissions API (curator, institution, admin); see api/auth.py."""


def _tokens(config_path, store):
    from erfgoed.api.auth import Tokens

    config = _config(config_path, store)
    return Tokens(Path(config.resolve(config["site.data_dir"])) / "tokens.json")


@tokens_group.command("add")
@click.option("--role", type=click.Choice(["curator", "institution", "admin"]), required=True)
@click.option("--name", required=True, help="Who holds it (shown as the author of their decisions).")
@click.option("--dataset", "datasets", multiple=True, help="Institution tokens: a dataset it may submit to.")
@config_option
@store_option
def tokens_add(role: str, name: str, datasets: tuple[str, ...], config_path, store) -> None:
    """Create a token and print it once (only a salted hash is kept, in <data_dir>/tokens.json)."""
    token = _tokens(config_path, store).add(name, role, datasets)
    click.echo(token)
    click.echo(f"token for {name} ({role}) created; it is shown only now.", err=True)


@tokens_group.command("revoke")
@click.argument("name")
@config_option
@store_option
def tokens_revoke(name: str, config_path, store) -> None:
    """Revoke NAME's token; their sessions end at once."""
    _tokens(config_path, store).revoke(name)
    click.echo(f"token of {name} revoked.")


@tokens_group.command("list")
@config_option
@store_option
def tokens_list(config_path, store) -> None:
    """Names, roles and datasets of the tokens (never the tokens themselves)."""
    for t in _tokens(config_path, store).listing():
        datasets = f" [{', '.join(t['datasets'])}]" if t["datasets"] else ""
        click.echo(f"{t['name']}\t{t['role']}{datasets}\t{t['created']}")
