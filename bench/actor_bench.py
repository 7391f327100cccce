"""Actor resolution benchmark: quality of merges on labelled pairs, and speed on 10k-100k records.

  quality  labelled pairs from the real data in ../shared/reference (LIDO makers: their preferred and
           alternate names, with VIAF/RKD/Wikidata ids as the truth; Ghent's LDES persons with their
           owl:sameAs ids) plus generated hard cases (inverted names, initials, life dates in the
           name, spelling variants, namesakes with other dates, other generations). Records are
           resolved WITHOUT their ids (the ids are the answer key); precision and recall of merged
           pairs beside a same-exact-name baseline, and a sweep of the merge threshold.
  scale    N generated actor records (~3 per person, written the ways above, plus namesakes):
           blocking + scoring + clustering + canonical quads (with merge provenance and proposals),
           records/s and CPU time, compared pairs, peak RSS (and the input records' share), the
           curator's queue (proposals, and the share of them truly one actor), each size in a fresh
           child process.
Usage: python bench/actor_bench.py [--sizes 10000 50000 100000] [--sole-fit]
"""

from __future__ import annotations

import argparse
import glob
import json
import random
import resource
import subprocess
import sys
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "reference" / "oslo"
GIVEN = [
    "Jan",
    "Pieter",
    "Anna",
    "Maria",
    "Frans",
    "Emile",
    "Hendrik",
    "Jenny",
    "Karel",
    "Louis",
    "Marie",
    "Jozef",
    "Cornelis",
    "Jacob",
    "Antoon",
    "Gustave",
    "Albert",
    "Rik",
    "Leon",
    "Hubert",
    "Elisabeth",
    "Catharina",
    "Willem",
    "Joris",
    "Lieven",
    "Paul",
    "Rosa",
    "Clara",
    "Theo",
    "Victor",
]
SYLL = [
    "van",
    "de",
    "ver",
    "bru",
    "gel",
    "hey",
    "den",
    "rub",
    "ens",
    "mas",
    "ree",
    "sa",
    "ver",
    "ys",
    "bo",
    "wou",
    "ters",
    "per",
    "mek",
    "claus",
    "lin",
    "ghe",
    "ma",
    "ker",
    "dael",
    "hoo",
    "ghe",
    "stra",
    "ten",
    "mol",
    "wey",
    "kaert",
]
# Frequent Belgian family names: a third of the people share one, so initials alone are ambiguous.
COMMON = [
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Dubois",
    "Lambert",
    "Dupont",
    "Hermans",
    "Vermeulen",
    "Pauwels",
    "Van den Broeck",
    "Michiels",
    "Desmet",
    "Martens",
    "Aerts",
    "Leclercq",
    "Stevens",
    "De Clercq",
    "Smets",
]
VARIANTS = [
    ("ae", "aa"),
    ("ij", "y"),
    ("ck", "k"),
    ("gh", "g"),
    ("ey", "ei"),
    ("C", "K"),
    ("Pieter", "Peter"),
]


def people(n: int, rng: random.Random) -> list[dict]:
    out = []
    for i in range(n):
        family = (
            rng.choice(COMMON)
            if rng.random() < 0.3
            else "".join(rng.choice(SYLL) for _ in range(rng.choice((2, 3)))).capitalize()
        )
        given = rng.sample(GIVEN, rng.choice((1, 1, 2)))
        birth = rng.randint(1450, 1950)
        out.append(
            {"id": i, "family": family, "given": given, "birth": birth, "death": birth + rng.randint(25, 90)}
        )
    return out


def writings(p: dict, rng: random.Random) -> list[tuple[str, int | None, int | None]]:
    """The ways several sources write one person: (name, birth, death) as each would hand it over."""
    given, family = " ".join(p["given"]), p["family"]
    forms = [
        (f"{given} {family}", None, None),
        (f"{family}, {given}", p["birth"], p["death"]),
        (f"{given} {family} ({p['birth']}-{p['death']})", None, None),
        (" ".join(g[0] + "." for g in p["given"]) + " " + family, None, None),
    ]
    varied = f"{given} {family}"
    for a, b in rng.sample(VARIANTS, len(VARIANTS)):
        if a in varied:
            varied = varied.replace(a, b, 1)
            forms.append((varied, p["birth"], None))
            break
    return forms


def generated(n_records: int, seed: int = 7) -> tuple[list, dict[str, int]]:
    """Candidates and the truth (uri -> person id); a share of namesakes with other life dates."""
    from erfgoed.graph.actors.resolve import Candidate

    rng = random.Random(seed)
    population = people(max(1, n_records // 3), rng)
    for p in rng.sample(population, len(population) // 20):  # 5% namesakes, other dates
        twin = dict(p, id=len(population), birth=p["birth"] + 40, death=p["death"] + 40)
        population.append(twin)
    cands, truth, i = [], {}, 0
    while len(cands) < n_records:
        p = population[i % len(population)]
        forms = writings(p, rng)
        for name, birth, death in rng.sample(forms, min(len(forms), rng.choice((1, 2, 3, 4)))):
            uri = f"http://kg.example.org/id/actor/d{len(cands) % 7}/{len(cands)}"
            cands.append(Candidate(uri, f"d{len(cands) % 7}", (name,), "person", frozenset(), birth, death))
            truth[uri] = p["id"]
            if len(cands) >= n_records:
                break
        i += 1
    return cands, truth


def reference_set() -> tuple[list, dict[str, str]]:
    """Candidates from the real LIDO makers and Ghent persons; truth from their ids (held back)."""
    from lxml import etree

    from erfgoed.graph.actors.candidates import normalise_id
    from erfgoed.graph.actors.names import year_of
    from erfgoed.graph.actors.resolve import Candidate

    ns = {"lido": "http://www.lido-schema.org"}
    cands, truth = [], {}
    for path in sorted(glob.glob(str(REFERENCE / "lido" / "records" / "*.xml"))):
        tree = etree.parse(path, etree.XMLParser(resolve_entities=False, no_network=True))
        for k, actor in enumerate(tree.iterfind(".//lido:actor", ns)):
            ids = sorted(
                filter(None, (normalise_id(t.text or "") for t in actor.iterfind("lido:actorID", ns)))
            )
            if not ids:
                continue
            birth = year_of(actor.findtext(".//lido:vitalDatesActor/lido:earliestDate", namespaces=ns))
            death = year_of(actor.findtext(".//lido:vitalDatesActor/lido:latestDate", namespaces=ns))
            for j, name in enumerate(actor.iterfind(".//lido:appellationValue", ns)):
                uri = f"urn:lido:{Path(path).stem}:{k}:{j}"
                cands.append(
                    Candidate(
                        uri,
                        Path(path).stem,
                        (name.text.strip(),),
                        "",
                        frozenset(),
                        birth if j == 0 else None,
                        death if j == 0 else None,
                    )
                )
                truth[uri] = ids[0]
    for path in sorted(
        glob.glob(str(REFERENCE / "ldes" / "gent-adlib2eventstream" / "adlib-personen-page*.jsonld"))
    ):
        for m in json.load(open(path, encoding="utf-8"))["@included"]:
            ids = sorted(filter(None, (normalise_id(u) for u in m.get("owl:sameAs") or [])))
            uri = m.get("dcterms:isVersionOf", m["@id"])
            cands.append(Candidate(uri, "gent", (m["volledigeNaam"],), "", frozenset()))
            truth[uri] = ids[0] if ids else uri
    # a LIDO maker and a Ghent person are one when an id says so
    return cands, truth


def pairs_of(groups) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for g in groups for p in combinations(sorted(g), 2)}


def quality(cands, truth, merge: float, sole_fit: bool = False) -> dict:
    from erfgoed.graph.actors.names import parse
    from erfgoed.graph.actors.resolve import resolution

    by_truth: dict = {}
    for u, t in truth.items():
        by_truth.setdefault(t, []).append(u)
    gold = pairs_of(by_truth.values())
    found_all = resolution(cands, merge=merge, sole_fit=sole_fit)
    clusters = found_all.clusters
    found = pairs_of(clusters)
    exact: dict = {}
    for c in cands:
        if not parse(c.names[0]).unknown:
            exact.setdefault(c.names[0].strip().casefold(), []).append(c.uri)
    baseline = pairs_of(exact.values())
    return {
        "records": len(cands),
        "gold_pairs": len(gold),
        **_pr("resolver", found, gold),
        **_pr("exact_name", baseline, gold),
        **_queue(found_all.proposals, truth),
    }


def _queue(proposals: list, truth: dict) -> dict:
    """The curator's queue: how many proposals, and the share that are truly one actor."""
    right = sum(1 for p in proposals if truth.get(p.a) is not None and truth.get(p.a) == truth.get(p.b))
    return {
        "proposals": len(proposals),
        "proposal_precision": round(right / len(proposals), 4) if proposals else 1.0,
    }


def _pr(name: str, found: set, gold: set) -> dict:
    tp = len(found & gold)
    p = tp / len(found) if found else 1.0
    r = tp / len(gold) if gold else 1.0
    return {
        f"{name}_precision": round(p, 4),
        f"{name}_recall": round(r, 4),
        f"{name}_f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
    }


def child(n: int, sole_fit: bool = False) -> dict:
    from erfgoed.graph.actors import canonical
    from erfgoed.graph.actors.resolve import blocks, candidate_pairs, resolution
    from erfgoed.graph.uris import Minter

    t0 = time.perf_counter()
    cands, truth = generated(n)
    input_mb = _rss_mb()
    t1 = time.perf_counter()
    compared = sum(1 for _ in candidate_pairs(blocks(cands)))
    t2, c2 = time.perf_counter(), time.process_time()
    found = resolution(cands, sole_fit=sole_fit)
    t3, c3 = time.perf_counter(), time.process_time()
    clusters, proposals = found.clusters, found.proposals
    minter, by_uri = Minter("http://kg.example.org"), {c.uri: c for c in cands}
    keys, _ = canonical.assign_keys(clusters, canonical.Previous({}, set(), {}))
    quads = sum(
        len(canonical.agent_quads(minter, k, [by_uri[m] for m in ms]))
        for k, ms in zip(keys, clusters, strict=True)
    )
    resolve_mb = _rss_mb()
    quads += sum(len(canonical.merge_quads(minter, [m])) for m in found.merges)
    quads += sum(len(canonical.proposal_quads(minter, [p])) for p in proposals)
    t4 = time.perf_counter()
    q = _pr("resolver", pairs_of(clusters), pairs_of(_groups(truth)))
    return {
        "records": n,
        "generate_s": round(t1 - t0, 2),
        "blocking_pairs": compared,
        "pairs_per_record": round(compared / n, 2),
        "count_pairs_s": round(t2 - t1, 2),
        "resolve_s": round(t3 - t2, 2),
        "resolve_cpu_s": round(c3 - c2, 2),
        "us_per_record": round((t3 - t2) / n * 1e6, 1),
        "records_per_s": round(n / (t3 - t2)),
        "canonical_s": round(t4 - t3, 2),
        "clusters": len(clusters),
        "automatic_merges": len(found.merges),
        "sole_fit_merges": sum(1 for m in found.merges if "the only actor these initials fit" in m.reasons),
        "quads": quads,
        "input_rss_mb": input_mb,
        "resolve_rss_mb": resolve_mb,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        **q,
        **_queue(proposals, truth),
    }


def _rss_mb() -> int:
    """Peak RSS so far (after generating: the input records' share; after resolving: before the
    canonical quads are built)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _groups(truth: dict) -> list[list[str]]:
    by: dict = {}
    for u, t in truth.items():
        by.setdefault(t, []).append(u)
    return list(by.values())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    ap.add_argument("--sole-fit", action="store_true", help="scale runs merge initials-only sole fits")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.sole_fit)))
        return
    results: dict = {"quality": {}, "sweep": [], "scale": []}
    real, real_truth = reference_set() if REFERENCE.exists() else ([], {})
    hard, hard_truth = generated(3000, seed=11)
    sets = {"reference": (real, real_truth), "generated_hard_cases": (hard, hard_truth)}
    for name, (c, t) in sets.items():
        for sole in (False, True):  # sole: an initials-only actor joins the one actor it fits
            if c:
                key = name + ("_sole_fit" if sole else "")
                results["quality"][key] = quality(c, t, 0.85, sole_fit=sole)
                print(key, results["quality"][key], flush=True)
    for m in (0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
        row = {"merge": m, **quality(hard, hard_truth, m)}
        results["sweep"].append(row)
        print("sweep", row, flush=True)
    for n in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(n), *(["--sole-fit"] if args.sole_fit else [])],
            capture_output=True,
            text=True,
            check=True,
        )
        row = json.loads(out.stdout.strip().splitlines()[-1])
        results["scale"].append(row)
        print("scale", row, flush=True)
    dest = ROOT / "bench" / "out" / f"actors-{time.strftime('%Y%m%dT%H%M%S')}.json"
    dest.parent.mkdir(exist_ok=True)
    dest.write_text(json.dumps(results, indent=1), "utf-8")
    print(f"written {dest}")


if __name__ == "__main__":
    main()
