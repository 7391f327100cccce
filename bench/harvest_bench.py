"""Harvest benchmark: OAI-PMH (LIDO, pages of 100) -> map -> validate -> load, beside the raw
listing speed of the same client against the same server in the same run (the ceiling).

  ceiling       OaiPmhHarvester.records() only: fetch + parse every page, iterate the Records
  listing+XSD   the same, running every record's LIDO XSD check (the ingest runs it for new or
                changed records only, when harvest.validate_xml is on)
  e2e           erfgoed.graph.harvest.harvest() into an on-disk store, validate_xml off / on
  incremental   a second run after e2e (XSD on): from=<last responseDate>, nothing new
  full no-op    a second run with --full: every record listed again, all unchanged
The server (tests/servers.py OaiServer) runs in its own process, so its time does not take the
client's GIL; the records are the real LIDO records of ../shared/reference/oslo/lido, templated
per position (ids, inventory number, titles, dates, makers). Each measurement runs in a fresh
child process, so peak RSS is its own.
Usage: python bench/harvest_bench.py [--sizes 10000 100000] [--runs 1] [--profile FILE]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # tests.servers, when run as a script
    sys.path.insert(0, str(ROOT))
LIDO = ROOT.parent / "shared" / "reference" / "oslo" / "lido"
L = "{http://www.lido-schema.org}"
MAKERS = [f"{last}, {first}" for first in ("Jan", "Anna", "Pieter", "Maria", "Frans", "Emile", "Rik",
                                           "Jenny", "Hendrik", "Léon")
          for last in ("Claus", "Ensor", "Wouters", "Boch", "Leys", "Permeke", "Minne", "Saverys",
                       "De Smet", "Huys")]
MAKERS = [f"{m} ({i})" for i, m in enumerate(MAKERS * 5)]   # 500 distinct makers
MARK = "\ue000"  # a private-use character: never in the records, allowed in XML text


# -- records -------------------------------------------------------------------------------------
class LidoTemplates:
    """The reference LIDO records as templates: literal text with slots filled per position.

    Slots: the record id, the inventory number (added where a record has none, so every record
    is publishable), every title, the production dates (years shifted) and the makers' names."""

    def __init__(self, folder: Path):
        paths = sorted(p for p in folder.glob("*.xml") if "adlib" not in p.name)  # Adlib: not LIDO
        self.templates = [self._template(p) for p in paths]
        if not self.templates:
            raise SystemExit(f"no LIDO records in {folder}")

    @staticmethod
    def _template(path: Path) -> list:
        from lxml import etree

        root = etree.parse(str(path)).getroot()
        slots: list[tuple[str, str]] = []

        def slot(el, kind: str) -> None:
            slots.append((kind, el.text or ""))
            el.text = f"{MARK}{len(slots) - 1}{MARK}"

        ids = root.findall(f"{L}lidoRecID")
        slot(next((e for e in ids if e.get(f"{L}pref") == "preferred"), ids[0]), "id")
        oiw = root.find(f"{L}descriptiveMetadata/{L}objectIdentificationWrap")
        work = oiw.find(f"{L}repositoryWrap/{L}repositorySet/{L}workID")
        if work is None:  # LIDO order: titleWrap, inscriptionsWrap, repositoryWrap, ...
            wrap = etree.Element(f"{L}repositoryWrap")
            rset = etree.SubElement(wrap, f"{L}repositorySet")
            etree.SubElement(etree.SubElement(etree.SubElement(rset, f"{L}repositoryName"),
                             f"{L}legalBodyName"), f"{L}appellationValue").text = "Benchmuseum"
            work = etree.SubElement(rset, f"{L}workID")
            work.set(f"{L}type", "inventory number")
            after = oiw.find(f"{L}inscriptionsWrap")
            (after if after is not None else oiw.find(f"{L}titleWrap")).addnext(wrap)
        slot(work, "inv")
        for el in oiw.iterfind(f"{L}titleWrap/{L}titleSet/{L}appellationValue"):
            slot(el, "title")
        for el in root.iterfind(f".//{L}event/{L}eventDate//*"):
            if el.tag in (f"{L}displayDate", f"{L}earliestDate", f"{L}latestDate"):
                slot(el, "year")
        for el in root.iterfind(f".//{L}event//{L}actor/{L}nameActorSet/{L}appellationValue"):
            slot(el, "maker")
        parts: list = etree.tostring(root, encoding="unicode").split(MARK)
        for k in range(1, len(parts), 2):
            parts[k] = slots[int(parts[k])]
        return parts

    def __call__(self, i: int) -> str:
        parts = self.templates[i % len(self.templates)]
        shift = i % 50
        out = []
        for k, part in enumerate(parts):
            if k % 2 == 0:
                out.append(part)
                continue
            kind, orig = part
            if kind == "id":
                value = f"bench-{i:07d}"
            elif kind == "inv":
                value = f"BENCH.{i:07d}"
            elif kind == "title":
                value = f"{orig} {i}"
            elif kind == "maker":
                value = MAKERS[(i * 7 + k) % len(MAKERS)]
            elif re.search(r"\d{4}", orig):  # a year: shifted, the same for every date of it
                value = re.sub(r"(?<!\d)(\d{4})(?!\d)", lambda m: str(int(m[1]) + shift), orig)
            else:  # no year ("0" in KMSKA's record): give one; an empty display date stays empty
                value = str(1600 + shift) if orig.strip() else orig
            out.append(escape(value))
        return "".join(out)


def item(templates: LidoTemplates, i: int):
    from tests.servers import OaiItem

    return OaiItem(f"oai:bench.example.org:bench-{i:07d}", "2026-01-01", templates(i))


# -- the server, in its own process ----------------------------------------------------------
def _serve(n: int, records: str, conn) -> None:
    from functools import partial

    from tests.servers import OaiServer

    with OaiServer(partial(item, LidoTemplates(Path(records))), count=n, page_size=100) as server:
        conn.send(server.url)
        conn.recv()  # until the parent says stop


class ServerProcess:
    def __init__(self, n: int):
        ctx = multiprocessing.get_context("spawn")
        self.conn, child_conn = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(n, str(LIDO / "records"), child_conn), daemon=True)

    def __enter__(self) -> str:
        self.proc.start()
        if not self.conn.poll(60):
            raise SystemExit("the OAI-PMH server process did not start")
        return self.conn.recv()

    def __exit__(self, *exc) -> None:
        self.conn.send("stop")
        self.proc.join(10)
        if self.proc.is_alive():
            self.proc.kill()


# -- one measurement, in a fresh process -----------------------------------------------------
def write_config(folder: Path, url: str, validate_xml: bool, workers: int | None = None) -> Path:
    from tests.conftest import write_harvest_config

    s = LIDO / "schemas"
    local = {"http://www.lido-schema.org/schema/v1.0/lido-v1.0.xsd": s / "lido/1.0/lido-v1.0.xsd",
             "http://schemas.opengis.net/gml/3.1.1/base/feature.xsd": s / "opengis/3.1.1/base/gml.xsd",
             "http://schemas.opengis.net/gml/3.1.1/smil/smil20.xsd": s / "smil/2.0/smil20.xsd",
             "http://www.w3.org/1999/xlink.xsd": s / "xlink/1999/xlink.xsd",
             "http://www.w3.org/2001/xml.xsd": s / "xml/2001/xml.xsd"}
    folder.mkdir(parents=True, exist_ok=True)
    ingest = "" if workers is None else f"[ingest]\nworkers = {workers}\n"
    return write_harvest_config(folder, f"""{ingest}[harvest]
validate_xml = {str(validate_xml).lower()}
[resources.local]
{"".join(f'"{k}" = "{v}"{chr(10)}' for k, v in local.items())}
[datasets.bench]
title = "Benchmuseum"
[sources.bench]
type = "oai-pmh"
url = "{url}"
metadata_prefix = "lido"
""")


def child(mode: str, url: str, work: Path, profile: str | None = None) -> dict:
    """One measurement. `profile`: the e2e run (XSD on) with everything in this one process
    (ingest.workers = 0, so cProfile sees the mapping too), its profile written there."""
    from erfgoed.config import load_config
    from erfgoed.graph.harvest import harvest, make_harvester
    from erfgoed.graph.store import open_store

    out: dict = {}
    folder = work / ("e2e-xsd" if mode in ("e2e-xsd", "incremental", "full-noop") else mode)
    cfg = write_config(folder, url, validate_xml=mode not in ("e2e", "list"),
                       workers=0 if profile else None)
    config = load_config(cfg)
    source = config.sources["bench"]
    t = time.perf_counter()
    if mode in ("list", "list-xsd"):
        harvester = make_harvester(config, source, {}, full=True)
        t = time.perf_counter()  # the XSD is compiled once per run: not per record
        # the harvester defers its XSD check to the ingest (new or changed records only): run it
        out["records"] = sum(1 for r in harvester.records() if r.checked())
    else:
        store = open_store(str(config.resolve(config["store.location"])))
        if profile:
            import cProfile

            prof = cProfile.Profile()
            prof.enable()
        t = time.perf_counter()
        r = harvest(store, config, source, full=mode == "full-noop")
        out["seconds"] = time.perf_counter() - t
        if profile:
            prof.disable()
            prof.dump_stats(profile)
        store.close()
        c = r.counts
        out.update(records=c.loaded + c.unchanged + c.quarantined, loaded=c.loaded,
                   unchanged=c.unchanged, quarantined=c.quarantined, warnings=c.warnings)
    out.setdefault("seconds", time.perf_counter() - t)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def measure(mode: str, url: str, work: Path, profile: str | None = None) -> dict:
    cmd = [sys.executable, __file__, "--one", mode, url, str(work)]
    cmd += ["--profile", profile] if profile else []
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"{mode} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


MODES = {"list": "ceiling (listing only)", "list-xsd": "listing + LIDO XSD",
         "e2e": "e2e, validate_xml off", "e2e-xsd": "e2e, validate_xml on",
         "incremental": "incremental re-harvest", "full-noop": "full re-harvest, no-op"}


def run_size(n: int, runs: int) -> dict[str, list[dict]]:
    results: dict[str, list[dict]] = {m: [] for m in MODES}
    for _ in range(runs):
        with ServerProcess(n) as url, tempfile.TemporaryDirectory(prefix=f"erfgoed-hbench-{n}-") as tmp:
            for mode in MODES:
                results[mode].append(measure(mode, url, Path(tmp)))
    return results


def report(n: int, results: dict[str, list[dict]], runs: int) -> dict:
    med = {m: statistics.median(r["seconds"] for r in rs) for m, rs in results.items()}
    rss = {m: max(r["peak_rss_mb"] for r in rs) for m, rs in results.items()}
    e = results["e2e-xsd"][0]
    print(f"\n{n:,} records, pages of 100 ({e['loaded']:,} loaded, {e['quarantined']:,} quarantined, "
          f"{e['warnings']:,} of them with warnings){f'; median of {runs} runs' if runs > 1 else ''}")
    print(f"{'mode':26} {'seconds':>8} {'records/s':>10} {'of ceiling':>10} {'peak RSS MB':>12}")
    for m, label in MODES.items():
        share = "" if m in ("list", "incremental") else f"{med['list'] / med[m]:.0%}"
        print(f"{label:26} {med[m]:8.2f} {n / med[m]:10,.0f} {share:>10} {rss[m]:12,.0f}")
    ratios = {m: [lst["seconds"] / r["seconds"] for lst, r in zip(results["list"], results[m], strict=True)]
              for m in ("e2e", "e2e-xsd")}
    if runs > 1:
        print("e2e / ceiling per run: " + "; ".join(
            f"{MODES[m]}: " + ", ".join(f"{x:.0%}" for x in xs) for m, xs in ratios.items()))
    print("goal >= 50% of ceiling: " + ", ".join(
        f"{MODES[m]} {'met' if statistics.median(xs) >= 0.5 else 'not met'}" for m, xs in ratios.items()))
    return {"median_seconds": med, "peak_rss_mb": rss, "runs": results}


def profile_run(n: int, path: str) -> None:
    """e2e (XSD on) in one process, profiled: where the client's time goes."""
    import pstats

    with ServerProcess(n) as url, tempfile.TemporaryDirectory(prefix=f"erfgoed-hbench-prof-{n}-") as tmp:
        r = measure("e2e-xsd", url, Path(tmp), profile=path)
    print(f"\nprofile of one e2e run (validate_xml on, ingest.workers = 0), {n:,} records: "
          f"{r['seconds']:.1f} s under cProfile; {path}")
    pstats.Stats(path).sort_stats("tottime").print_stats(25)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--runs", type=int, default=1, help="runs per size (medians are reported)")
    ap.add_argument("--profile", metavar="FILE",
                    help="also profile one e2e run of the first size, in one process, into FILE")
    ap.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(child(args.one[0], args.one[1], Path(args.one[2]), args.profile)))
        return
    if not (LIDO / "records").is_dir() or not (LIDO / "schemas").is_dir():
        print(f"skipped: the reference LIDO records and schemas are not at {LIDO} "
              "(see ../shared/reference/oslo/SOURCES.md)")
        return
    out = {}
    for n in args.sizes:
        out[n] = report(n, run_size(n, args.runs), args.runs)
    if args.profile:
        profile_run(args.sizes[0], args.profile)
    folder = ROOT / "bench" / "out"
    folder.mkdir(exist_ok=True)
    (folder / f"harvest-{time.strftime('%Y%m%dT%H%M%S')}.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
