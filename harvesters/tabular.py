"""Collection registers as spreadsheets: CSV (any delimiter, UTF-8 or cp1252) and XLSX.

Each data row becomes one Record whose payload is {column: text}. Problems that make the whole
file unusable raise InputError (file, line, column); problems of one row travel with its Record
(`problem`), so the pipeline can keep that row aside and go on with the others.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from erfgoed.errors import InputError
from erfgoed.harvesters.record import Record
from erfgoed.harvesters.textfile import open_text

DELIMITERS = ";,\t|"
SAMPLE_LINES = 50
MAX_CELL = 16 * 1024 * 1024  # a 16 MB cell is someone's mistake, not a register
csv.field_size_limit(MAX_CELL)
XLSX_MAX_RATIO = 100          # unpacked / packed size of a workbook (real ones: 5-20)
XLSX_MAX_UNPACKED = 4 * 2**30  # bytes, whatever the ratio


def sniff_delimiter(sample: str) -> str:
    """The delimiter that splits the sample's lines into the most, equally many, columns."""
    best, best_score = ",", (0, 0)
    lines = [ln for ln in sample.splitlines() if ln.strip()][:SAMPLE_LINES]
    for delim in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        consistent = sum(1 for c in counts if c == counts[0])
        score = (consistent, counts[0])
        if score > best_score:
            best, best_score = delim, score
    return best


class Table:
    """A register file: its columns, and its rows as Records."""

    def __init__(self, path: Path, *, id_column: str, required: tuple[str, ...] = (),
                 sheet: str | None = None):
        self.path, self.id_column, self.sheet = path, id_column, sheet
        if not path.exists():
            raise InputError("file not found", file=str(path))
        if path.stat().st_size == 0:
            raise InputError("the file is empty", file=str(path))
        self.kind = "xlsx" if path.suffix.lower() in (".xlsx", ".xlsm") else "csv"
        self.encoding = self.delimiter = None
        self.columns = self._read_header()
        missing = [c for c in (id_column, *required) if c not in self.columns]
        if missing:
            hint = ""
            if self.kind == "csv" and len(self.columns) == 1:
                hint = (f" Only one column was found ('{self.columns[0][:60]}'): is the "
                        "delimiter something other than ; , tab or |?")
            raise InputError(
                f"missing required column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(repr(m) for m in missing)}; the header has "
                f"{', '.join(repr(c) for c in self.columns)}.{hint}",
                file=str(path), line=1, column=missing[0])

    # -- header -------------------------------------------------------------------------------
    def _read_header(self) -> list[str]:
        rows = self._raw_rows()
        try:
            line, header = next(rows)
        except StopIteration:
            raise InputError("the file has no header row", file=str(self.path)) from None
        finally:
            rows.close()  # closes the file now, not whenever the generator is collected
        columns = [str(c).strip() if c is not None else "" for c in header]
        while columns and not columns[-1]:
            columns.pop()
        seen: set[str] = set()
        for c in columns:
            if c in seen:
                raise InputError("the header names this column twice", file=str(self.path),
                                 line=line, column=c)
            seen.add(c)
        if not columns:
            raise InputError("the header row is empty", file=str(self.path), line=line)
        return columns

    # -- rows ---------------------------------------------------------------------------------
    def _raw_rows(self) -> Iterator[tuple[int, list]]:
        return self._csv_rows() if self.kind == "csv" else self._xlsx_rows()

    def _csv_rows(self) -> Iterator[tuple[int, list]]:
        fh, self.encoding = open_text(self.path)
        with fh:
            sample = fh.read(64 * 1024)
            fh.seek(0)
            self.delimiter = sniff_delimiter(sample)
            reader = csv.reader(fh, delimiter=self.delimiter)
            start = 1
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise InputError(f"cannot read CSV: {exc}", file=str(self.path),
                                     line=reader.line_num) from None
                if any(cell.strip() for cell in row):
                    yield start, row
                start = reader.line_num + 1

    def _xlsx_rows(self) -> Iterator[tuple[int, list]]:
        import zipfile

        from openpyxl import load_workbook
        try:
            _check_unpacked_size(self.path)
            wb = load_workbook(self.path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise InputError(f"not a readable .xlsx workbook ({exc})", file=str(self.path)) from None
        try:
            if self.sheet and self.sheet not in wb.sheetnames:
                raise InputError(f"no sheet named '{self.sheet}' (sheets: {', '.join(wb.sheetnames)})",
                                 file=str(self.path))
            ws = wb[self.sheet] if self.sheet else wb.worksheets[0]
            for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
                if any(v is not None and str(v).strip() for v in row):
                    yield n, [_cell_text(v) for v in row]
        finally:
            wb.close()

    def __iter__(self) -> Iterator[Record]:
        rows = self._raw_rows()
        next(rows)  # header
        width = len(self.columns)
        for line, cells in rows:
            values = [c.strip() for c in cells]
            problem = None
            if len(values) > width and any(values[width:]):
                problem = (f"line {line} has {len(values)} fields but the header has {width} "
                           "(a delimiter inside an unquoted value?)")
            values = (values + [""] * width)[:width]
            payload = dict(zip(self.columns, values, strict=True))
            local_id = payload.get(self.id_column, "")
            yield Record(source=str(self.path), local_id=local_id, payload=payload, line=line,
                         problem=problem)


def _check_unpacked_size(path: Path) -> None:
    """Refuse a zip bomb before openpyxl unpacks it: a 0.5 MB workbook unpacking to 500 MB kept
    openpyxl busy for over 10 minutes (measured). Real workbooks unpack to 5-20 times their size;
    zipfile never reads past the size a member declares, so the declared sizes can be trusted."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        unpacked = sum(i.file_size for i in z.infolist())
    packed = path.stat().st_size
    if unpacked > XLSX_MAX_UNPACKED or (unpacked > 64 * 2**20 and unpacked > XLSX_MAX_RATIO * packed):
        raise InputError(f"the workbook unpacks to {unpacked / 2**20:.0f} MB from {packed / 2**20:.1f} MB "
                         f"(more than {XLSX_MAX_RATIO} times its size, or over "
                         f"{XLSX_MAX_UNPACKED // 2**30} GB): refused as a possible zip bomb. "
                         "Save it again, or export it as CSV", file=str(path))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)




def estimate_rows(path: Path) -> int | None:
    """Rough number of data rows, for a progress bar (None if unknown)."""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            from openpyxl import load_workbook

            wb = load_workbook(path, read_only=True)
            rows = max((ws.max_row or 1) - 1 for ws in wb.worksheets)
            wb.close()
            return rows
        with path.open("rb") as fh:
            return max(sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1, 1)
    except Exception:  # only an estimate: a broken file is reported by the real read
        return None
