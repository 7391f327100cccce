"""Ingest benchmark: map -> validate -> load, beside two baselines measured in the same run.

  ceiling  bare pyoxigraph bulk_load of the very quads the pipeline stored (nothing faster exists)
  naive    rdflib graph + pyshacl over the whole graph + transactional load
  e2e      erfgoed's pipeline (graph/ingest.py) on a synthetic register
  no-op    the same file ingested again (every record unchanged)
Each measurement runs in a fresh child process, so peak RSS is its own.
Usage: python bench/ingest_bench.py [--sizes 10000 100000] [--naive-max 10000]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["objectnummer", "objectnaam", "titel", "beschrijving", "vervaardiger", "rol", "datering",
          "materiaal", "techniek", "hoogte", "breedte", "diepte", "eenheid", "rechten", "afbeelding"]


def make_register(path: Path, n: int) -> None:
    rng = random.Random(n)
    makers = [f"{a} {b}" for a in ("Jan", "Anna", "Pieter", "Maria", "Frans", "Emile", "Rik", "Jenny",
                                   "Hendrik", "Léon") for b in ("Claus", "Ensor", "Wouters", "Boch",
                                   "Leys", "Permeke", "Minne", "Saverys", "De Smet", "Huys")] * 5
    makers = [f"{m} {i}" for i, m in enumerate(makers)]
    kinds = ["schilderij", "prent", "ets", "kan", "tegel", "merklap", "schaaf", "wandtapijt"]
    dates = ["1650", "ca. 1650", "1650-1660", "17de eeuw", "eerste helft 19de eeuw", "1887?", "voor 1914"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(HEADER)
        for i in range(n):
            bad = rng.random() < 0.03
            w.writerow([f"B.{i:07d}", rng.choice(kinds), "" if bad else f"Object {i} {rng.choice(kinds)}",
                        "Beschrijving van het object.", f"{rng.choice(makers)}|{rng.choice(makers)}",
                        "schilder|ontwerper", rng.choice(dates), rng.choice(["olieverf|doek", "papier",
                        "wol|zijde", "eikenhout|ijzer"]), rng.choice(["schilderen", "ets|gravure",
                        "weven"]), f"{rng.uniform(5, 200):.1f}".replace(".", ","), str(rng.randint(5, 200)),
                        "", "cm", "http://creativecommons.org/publicdomain/mark/1.0/",
                        f"https://img.example.org/B.{i:07d}.jpg"])


def child(mode: str, n: int, work: Path) -> dict:
    """One measurement, in this (fresh) process."""
    t = time.perf_counter()
    out: dict = {}
    if mode in ("e2e", "noop"):
        from erfgoed.config import load_config
        from erfgoed.graph.ingest import ingest_file
        from erfgoed.graph.store import open_store
        from erfgoed.mappings.engine import load_mapping

        config = load_config(None, store=str(work / "store"))
        config.values["site.data_dir"] = str(work / "data")
        store = open_store(str(work / "store"))
        t = time.perf_counter()
        r = ingest_file(store, config, "bench", work / "register.csv", load_mapping("museum-register"))
        store.close()
        out = {"loaded": r.counts.loaded, "unchanged": r.counts.unchanged,
               "quarantined": r.counts.quarantined}
    elif mode == "ceiling":
        import pyoxigraph as ox

        store = ox.Store(str(work / "ceiling-store"))
        t = time.perf_counter()
        store.bulk_load(path=str(work / "records.nq"), format=ox.RdfFormat.N_QUADS)
        store.flush()
    elif mode == "naive":
        import pyoxigraph as ox
        import rdflib
        from pyshacl import validate

        ds = rdflib.Dataset()
        ds.parse(work / "records.nq", format="nquads")
        data = rdflib.Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            data.add((s, p, o))
        for ttl in (ROOT / "ontology").glob("*.ttl"):
            data.parse(ttl)
        conforms, _, _ = validate(data, shacl_graph=str(ROOT / "shapes" / "object.ttl"), inference="none")
        store = ox.Store(str(work / "naive-store"))
        store.load(input=ds.serialize(format="nquads", encoding="utf-8"), format=ox.RdfFormat.N_QUADS)
        store.flush()
        out = {"conforms": conforms}
    out["seconds"] = time.perf_counter() - t
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def measure(mode: str, n: int, work: Path) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--one", mode, str(n), str(work)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--naive-max", type=int, default=10_000,
                    help="skip the naive baseline above this size (pyshacl needs minutes)")
    ap.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(child(args.one[0], int(args.one[1]), Path(args.one[2]))))
        return
    results = {}
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"erfgoed-bench-{n}-") as tmp:
            work = Path(tmp)
            make_register(work / "register.csv", n)
            e2e = measure("e2e", n, work)
            noop = measure("noop", n, work)
            from erfgoed.graph.store import open_store

            store = open_store(str(work / "store"))
            quads = store.dump(work / "records.nq")
            store.close()
            ceiling = measure("ceiling", n, work)
            naive = measure("naive", n, work) if n <= args.naive_max else None
        rows = {"e2e": e2e, "no-op re-ingest": noop, "ceiling (bulk_load)": ceiling}
        if naive:
            rows["naive (rdflib+pyshacl)"] = naive
        results[n] = {"quads": quads, **rows}
        print(f"\n{n:,} records ({quads:,} quads; {e2e['loaded']:,} loaded, "
              f"{e2e['quarantined']:,} quarantined)")
        print(f"{'mode':26} {'seconds':>8} {'records/s':>10} {'peak RSS MB':>12}")
        for name, r in rows.items():
            print(f"{name:26} {r['seconds']:8.2f} {n / r['seconds']:10,.0f} {r['peak_rss_mb']:12,.0f}")
        print(f"e2e / ceiling: {ceiling['seconds'] / e2e['seconds']:.0%}   "
              + (f"e2e vs naive: {naive['seconds'] / e2e['seconds']:.1f}x faster" if naive
                 else f"naive: skipped above {args.naive_max:,} records"))
        share = ceiling["seconds"] / e2e["seconds"]
        print(f"goal >= 5,000 records/s: {'met' if n / e2e['seconds'] >= 5000 else 'not met'}; "
              f"goal >= 35% of ceiling: {'met' if share >= 0.35 else 'not met'}")
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / f"ingest-{time.strftime('%Y%m%dT%H%M%S')}.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
