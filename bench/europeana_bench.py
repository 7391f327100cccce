"""Europeana export benchmark: CONSTRUCT (sparql/edm.rq + term-links.rq) + RDF/XML + EDM XSD +
Schematron rules, for N objects, beside a baseline measured in the same run.

  store     N synthetic objects as the museum-register mapping writes them (~45 quads each, shared
            makers and terms in their own graphs, meta entries), bulk-loaded on disk (setup, timed)
  export    the zip of every published record (graph/edm_export.py write_zip, batches of 1,000, as
            the CLI and the API build it; the bytes are counted and dropped)
  baseline  reading the same record graphs quad by quad (the floor any export pays)
Each mode runs in a fresh child process; CPU time and peak RSS count it and the export's second
process (graph/edm_worker.py), whose own peak is sampled (printed as "worker MB").
Usage: python bench/europeana_bench.py [--sizes 10000 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://kg.example.org"
SCHEMAS = ROOT.parent / "shared" / "reference" / "europeana" / "schema_xsds"
CRM, SKOS = "http://www.cidoc-crm.org/cidoc-crm/", "http://www.w3.org/2004/02/skos/core#"


def write_config(work: Path) -> Path:
    cfg = work / "erfgoed.toml"
    cfg.write_text(
        f'[site]\nbase_uri = "{BASE}"\ndata_dir = "data"\n[store]\nlocation = "store"\n'
        '[resources.local]\n"http://ftp.eanadev.org/schema_zips/europeana_schemas-20241127.zip" = '
        f'"{SCHEMAS}"\n',
        "utf-8",
    )
    return cfg


def nquads(n: int):
    ds = "bench"
    kinds = ["schilderij", "prent", "ets", "kan", "tegel", "merklap", "schaaf", "wandtapijt"]
    t, lit = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", lambda s: f'"{s}"@nl'
    for k in kinds + ["papier", "wol"]:
        g = f"<{BASE}/graph/{ds}/concept/{k}>"
        yield f"<{BASE}/id/concept/{ds}/{k}> {t} <{SKOS}Concept> {g} .\n"
        yield f"<{BASE}/id/concept/{ds}/{k}> <{SKOS}prefLabel> {lit(k)} {g} .\n"
    for m in range(500):
        g = f"<{BASE}/graph/{ds}/actor/maker-{m}>"
        yield f"<{BASE}/id/actor/{ds}/maker-{m}> {t} <http://purl.org/dc/terms/Agent> {g} .\n"
        yield f'<{BASE}/id/actor/{ds}/maker-{m}> <{SKOS}prefLabel> "Maker {m}" {g} .\n'
    meta = f"<{BASE}/graph/meta>"
    d = f"<{BASE}/id/dataset/{ds}>"
    yield f"{d} {t} <http://www.w3.org/ns/dcat#Dataset> {meta} .\n"
    yield f'{d} <http://purl.org/dc/terms/identifier> "{ds}" {meta} .\n'
    yield f'{d} <http://purl.org/dc/terms/publisher> "Benchmuseum" {meta} .\n'
    erf = "https://w3id.org/erfgoed-kg/ns#"
    yield f'{d} <{erf}publicationPolicy> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> {meta} .\n'
    yield f'{d} <https://w3id.org/erfgoed-kg/ns#publishTo> "europeana" {meta} .\n'
    yield f"{d} <{erf}defaultRights> <http://creativecommons.org/publicdomain/mark/1.0/> {meta} .\n"
    for i in range(n):
        lid = f"B.{i:07d}"
        o, g = f"{BASE}/id/object/{ds}/{lid}", f"<{BASE}/graph/{ds}/{lid}>"
        kind = kinds[i % len(kinds)]
        rows = [
            (f"<{o}>", t, f"<{CRM}E22_Human-Made_Object>"),
            (f"<{o}>", f"<{CRM}P102_has_title>", lit(f"Object {i} {kind}")),
            (f"<{o}>", f"<{CRM}P3_has_note>", lit("Beschrijving van het object.")),
            (f"<{o}>", "<http://www.w3.org/ns/adms#identifier>", f"<{o}#inventarisnummer>"),
            (f"<{o}#inventarisnummer>", f"<{SKOS}notation>", f'"{lid}"'),
            (f"<{o}>", f"<{CRM}P41i_was_classified_by>", f"<{o}#objectnaam>"),
            (f"<{o}#objectnaam>", f"<{CRM}P42_assigned>", f"<{BASE}/id/concept/{ds}/{kind}>"),
            (f"<{o}>", f"<{CRM}P45_consists_of>", f"<{BASE}/id/concept/{ds}/{'papier' if i % 2 else 'wol'}>"),
            (f"<{o}>", f"<{CRM}P108i_was_produced_by>", f"<{o}#productie>"),
            (f"<{o}#productie>", f"<{CRM}P14_carried_out_by>", f"<{BASE}/id/actor/{ds}/maker-{i % 500}>"),
            (
                f"<{o}#productie>",
                f"<{CRM}P14_carried_out_by>",
                f"<{BASE}/id/actor/{ds}/maker-{(i * 7) % 500}>",
            ),
            (f"<{o}#productie>", f"<{CRM}P4_has_time-span>", f"<{o}#datering>"),
            (f"<{o}#datering>", "<http://www.w3.org/2000/01/rdf-schema#label>", '"ca. 1650"'),
            (
                f"<{o}#datering>",
                f"<{CRM}P82a_begin_of_the_begin>",
                '"1645"^^<http://www.w3.org/2001/XMLSchema#gYear>',
            ),
            (
                f"<{o}#datering>",
                f"<{CRM}P82b_end_of_the_end>",
                '"1655"^^<http://www.w3.org/2001/XMLSchema#gYear>',
            ),
            (f"<{o}>", f"<{CRM}P43_has_dimension>", f"<{o}#hoogte>"),
            (f"<{o}#hoogte>", f"<{CRM}P2_has_type>", "<http://vocab.getty.edu/aat/300055644>"),
            (f"<{o}#hoogte>", f"<{CRM}P90_has_value>", '"33.5"^^<http://www.w3.org/2001/XMLSchema#decimal>'),
            (f"<{o}#hoogte>", f"<{CRM}P91_has_unit>", "<http://qudt.org/vocab/unit/CentiM>"),
            (f"<{o}>", f"<{CRM}P138i_has_representation>", f"<https://img.example.org/{lid}.jpg>"),
        ]
        for s, p, ob in rows:
            yield f"{s} {p} {ob} {g} .\n"
        r = f"<{BASE}/graph/{ds}/{lid}>"
        for p, ob in (
            ("<http://purl.org/dc/terms/isPartOf>", d),
            ("<http://purl.org/dc/terms/identifier>", f'"{lid}"'),
            ("<https://w3id.org/erfgoed-kg/ns#contentHash>", '"x"'),
            ("<https://w3id.org/erfgoed-kg/ns#status>", "<https://w3id.org/erfgoed-kg/ns#published>"),
        ):
            yield f"{r} {p} {ob} {meta} .\n"


def child(mode: str, n: int, work: Path) -> dict:
    import pyoxigraph as ox

    t = time.perf_counter()
    out: dict = {}
    if mode == "store":
        path = work / "data.nq"
        with path.open("w", encoding="utf-8") as fh:
            fh.writelines(nquads(n))
        store = ox.Store(str(work / "store"))
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        store.flush()
        out["quads"] = len(store)
    elif mode == "export":
        from erfgoed.config import load_config
        from erfgoed.graph.edm import EdmBuilder
        from erfgoed.graph.edm_export import write_zip
        from erfgoed.graph.store import open_store

        config = load_config(work / "erfgoed.toml")
        sampler = WorkerPeak()
        with open_store(str(work / "store")) as s:
            result = write_zip(EdmBuilder(s, config, "bench"), Discard())
        sampler.stop()
        out.update(valid=result.exported, invalid=len(result.failed), zip_mb=Discard.written / 2**20,
                   worker_rss_mb=sampler.peak_mb)
    elif mode == "baseline":
        store = ox.Store(str(work / "store"))
        out["quads_read"] = sum(
            1
            for i in range(n)
            for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(f"{BASE}/graph/bench/B.{i:07d}"))
        )
    out["seconds"] = time.perf_counter() - t
    use, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    # beside wall time (the machine is shared): CPU of this process and of the export's second one
    out["cpu_seconds"] = use.ru_utime + use.ru_stime + kids.ru_utime + kids.ru_stime
    # peak RSS of this process plus the export's second process (its own peak, VmHWM, sampled:
    # RUSAGE_CHILDREN's ru_maxrss would count this process's pages, which a child shares from
    # fork until exec, as the child's)
    out["peak_rss_mb"] = use.ru_maxrss / 1024 + out.get("worker_rss_mb", 0)
    return out


class Discard:
    """A non-seekable stream that only counts (the zip is built as for the API, then dropped)."""

    written = 0

    def write(self, data: bytes) -> int:
        Discard.written += len(data)
        return len(data)

    def flush(self) -> None:
        pass


class WorkerPeak:
    """The largest VmHWM among this process's children (the export's worker), sampled."""

    def __init__(self) -> None:
        self.peak_mb, self._done = 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._done.wait(0.2):
            for pid in self._children():
                try:
                    text = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in text.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak_mb = max(self.peak_mb, int(line.split()[1]) / 1024)

    @staticmethod
    def _children() -> list[str]:
        out = []
        for task in Path("/proc/self/task").iterdir():
            try:
                out += (task / "children").read_text().split()
            except OSError:
                pass
        return out

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def run(mode: str, n: int, work: Path) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, str(n), str(work)]
    return json.loads(
        subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--child", nargs=3)
    args = ap.parse_args()
    if args.child:
        mode, n, work = args.child
        print(json.dumps(child(mode, int(n), Path(work))))
        return
    results = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            write_config(work)
            rows = {m: run(m, n, work) for m in ("store", "export", "baseline")}
        e = rows["export"]
        print(
            f"\n{n:,} objects ({rows['store']['quads']:,} quads; {e['valid']:,} valid, "
            f"{e['invalid']} invalid; load average {os.getloadavg()[0]:.1f} after the export; "
            f"worker's own peak {e['worker_rss_mb']:.0f} MB)"
        )
        print(f"{'mode':<26}{'seconds':>9}{'records/s':>11}{'CPU s':>8}{'rec/CPU s':>11}{'peak RSS MB':>13}")
        for m, label in (
            ("store", "setup: bulk_load"),
            ("export", "export (EDM, XSD, rules)"),
            ("baseline", "baseline: read graphs"),
        ):
            r = rows[m]
            print(f"{label:<26}{r['seconds']:>9.2f}{n / r['seconds']:>11,.0f}{r['cpu_seconds']:>8.2f}"
                  f"{n / r['cpu_seconds']:>11,.0f}{r['peak_rss_mb']:>13,.0f}")
        results.append({"n": n, **{m: rows[m] for m in rows}})
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / f"europeana-{time.strftime('%Y%m%dT%H%M%S')}.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
