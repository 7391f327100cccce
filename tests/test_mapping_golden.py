"""Golden-file mapping tests: one folder per case (input.csv, case.toml, expected.nq).

The mapped records, each in its own named graph, must equal expected.nq exactly (no blank nodes
are minted, so equality of the quad sets is graph isomorphism). To accept a deliberate change:
ERFGOED_UPDATE_GOLDEN=1 pytest tests/test_mapping_golden.py, then review the diff.
"""

import os
import tomllib
from pathlib import Path

import pyoxigraph as ox
import pytest

from erfgoed.graph.uris import Minter
from erfgoed.harvesters.tabular import Table
from erfgoed.mappings.engine import load_mapping

GOLDEN = Path(__file__).parent / "golden"
BASE = "http://kg.example.org"


def mapped_quads(case: Path) -> list[str]:
    spec = tomllib.loads((case / "case.toml").read_text("utf-8"))
    mapping = load_mapping(spec["mapping"])
    records = list(Table(case / "input.csv", id_column=mapping.id_column, required=mapping.required))
    minter = Minter(BASE)
    names = [ox.NamedNode(minter.record_graph(spec["dataset"], r.local_id)) for r in records]
    graphs = mapping.map_batch(records, minter, spec["dataset"], spec["institution"], names)
    return sorted({f"{q} .\n" for quads in graphs for q in quads})


@pytest.mark.parametrize("case", sorted(p.name for p in GOLDEN.iterdir() if p.is_dir()))
def test_golden(case):
    folder = GOLDEN / case
    got = mapped_quads(folder)
    expected_file = folder / "expected.nq"
    if os.environ.get("ERFGOED_UPDATE_GOLDEN"):
        expected_file.write_text("".join(got), "utf-8")
    expected = ox.parse(path=str(expected_file), format=ox.RdfFormat.N_QUADS)
    assert got == sorted(f"{q} .\n" for q in expected)
