"""Register files as institutions really send them, and the messages bad ones get."""

from pathlib import Path

import pytest
from openpyxl import Workbook

from erfgoed.errors import InputError
from erfgoed.harvesters.tabular import Table, sniff_delimiter

HEADER = ["objectnummer", "titel", "materiaal"]


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "r.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_cp1252_export_from_excel_is_read_with_its_accents(tmp_path):
    p = write(tmp_path, "objectnummer;titel;materiaal\r\nA.1;Café in Gent;ijzer\r\nA.2;Noël;tweed\r\n",
              "cp1252")
    t = Table(p, id_column="objectnummer")
    rows = list(t)
    assert (t.encoding, t.delimiter) == ("cp1252", ";")
    assert [r.payload["titel"] for r in rows] == ["Café in Gent", "Noël"]
    assert [r.line for r in rows] == [2, 3]


def test_utf8_with_bom_and_comma_or_tab_delimiters(tmp_path):
    for delim in (",", "\t", "|"):
        p = write(tmp_path, "\ufeff" + delim.join(HEADER) + "\nB.1" + delim + "Één" + delim + "x\n")
        t = Table(p, id_column="objectnummer")
        assert t.delimiter == delim and t.columns == HEADER
        assert next(iter(t)).payload["titel"] == "Één"


def test_quoted_cells_with_delimiters_and_newlines(tmp_path):
    p = write(tmp_path, 'objectnummer;titel;materiaal\nC.1;"Vis; groenten\nen fruit";hout\nC.2;x;y\n')
    rows = list(Table(p, id_column="objectnummer"))
    assert rows[0].payload["titel"] == "Vis; groenten\nen fruit"
    assert [r.line for r in rows] == [2, 4]


def test_sniffer_prefers_consistent_columns():
    assert sniff_delimiter("a;b;c\n1;2,5;3\n4;5,1;6\n") == ";"
    assert sniff_delimiter("a,b\n1,2\n") == ","


def test_missing_required_column_names_file_line_and_column(tmp_path):
    p = write(tmp_path, "objectnummer;naam\nA;b\n")
    with pytest.raises(InputError) as e:
        Table(p, id_column="objectnummer", required=("titel",))
    msg = str(e.value)
    assert "r.csv" in msg and "line 1" in msg and "column 'titel'" in msg and "'naam'" in msg


def test_wrong_delimiter_gets_a_hint(tmp_path):
    p = write(tmp_path, "objectnummer:titel\nA:b\n")
    with pytest.raises(InputError, match="delimiter"):
        Table(p, id_column="objectnummer")


def test_empty_and_headerless_files(tmp_path):
    with pytest.raises(InputError, match="empty"):
        Table(write(tmp_path, ""), id_column="objectnummer")
    with pytest.raises(InputError, match="no header"):
        Table(write(tmp_path, "\n\n \n"), id_column="objectnummer")


def test_duplicate_column_in_header(tmp_path):
    with pytest.raises(InputError, match="column 'titel'"):
        Table(write(tmp_path, "objectnummer;titel;titel\n"), id_column="objectnummer")


def test_mixed_encodings_name_the_line(tmp_path):
    p = tmp_path / "mixed.csv"
    p.write_bytes("objectnummer;titel\nA;Één\n".encode() + "B;Café\n".encode("cp1252"))
    with pytest.raises(InputError, match=r"mixed.csv, line 3: mixed encodings"):
        Table(p, id_column="objectnummer")


def test_row_with_too_many_fields_is_flagged_not_fatal(tmp_path):
    p = write(tmp_path, "objectnummer;titel\nA;b\nB;c;d;e\nC;f\n")
    rows = list(Table(p, id_column="objectnummer"))
    assert [r.problem is not None for r in rows] == [False, True, False]
    assert "line 3 has 4 fields but the header has 2" in rows[1].problem


def test_huge_field_names_the_line(tmp_path):
    p = tmp_path / "huge.csv"
    with p.open("w") as fh:
        fh.write("objectnummer;titel\nA;ok\nB;\"" + "x" * (17 * 1024 * 1024) + "\"\n")
    with pytest.raises(InputError, match=r"huge.csv, line \d+: cannot read CSV"):
        list(Table(p, id_column="objectnummer"))


def test_xlsx_register(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Collectie"
    ws.append(["Inventarisnr", "Titel", "Hoogte (cm)"])
    ws.append(["X.1", "Kantwerk", 12.0])
    ws.append([None, None, None])
    ws.append(["X.2", "Vlag", 101.5])
    wb.save(tmp_path / "r.xlsx")
    t = Table(tmp_path / "r.xlsx", id_column="Inventarisnr", sheet="Collectie")
    rows = list(t)
    assert [(r.local_id, r.payload["Hoogte (cm)"], r.line) for r in rows] == [
        ("X.1", "12", 2), ("X.2", "101.5", 4)]
    with pytest.raises(InputError, match="no sheet named 'Blad1'"):
        list(Table(tmp_path / "r.xlsx", id_column="Inventarisnr", sheet="Blad1"))


def test_not_an_xlsx(tmp_path):
    p = write(tmp_path, "this is not a zip", name="fake.xlsx")
    with pytest.raises(InputError, match="fake.xlsx: not a readable .xlsx"):
        Table(p, id_column="objectnummer")
