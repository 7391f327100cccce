"""Reading text files whose encoding nobody wrote down.

Flemish registers come as UTF-8 (with or without BOM) or as Windows-1252 from Excel. We decide by
decoding, not guessing: UTF-8 if every byte decodes, else cp1252 - unless the file mixes valid
multi-byte UTF-8 with invalid bytes, which is corruption we refuse to paper over.
"""

from __future__ import annotations

import codecs
import io
import re
from pathlib import Path

from erfgoed.errors import InputError

CHUNK = 1 << 20
HIGH = re.compile(rb"[\x80-\xff]")


def detect_encoding(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        saw_multibyte = False
        line = 1
        while chunk := fh.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                bad_line = line + chunk[: exc.start].count(b"\n")
                if saw_multibyte or HIGH.search(chunk, 0, exc.start):
                    raise InputError(
                        "mixed encodings: this line is not UTF-8 while earlier lines are. "
                        "Save the file again as UTF-8 (in Excel: 'CSV UTF-8').",
                        file=str(path), line=bad_line) from None
                return _check_cp1252(path)
            saw_multibyte = saw_multibyte or HIGH.search(chunk) is not None
            line += chunk.count(b"\n")
    return "utf-8"


def _check_cp1252(path: Path) -> str:
    decoder = codecs.getincrementaldecoder("cp1252")()
    line = 1
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"unreadable text: byte 0x{chunk[exc.start]:02x} is neither UTF-8 nor "
                    "Windows-1252. Save the file as UTF-8.",
                    file=str(path), line=line + chunk[: exc.start].count(b"\n")) from None
            line += chunk.count(b"\n")
    return "cp1252"


def open_text(path: Path) -> tuple[io.TextIOWrapper, str]:
    """The file opened for reading as text (newline='' for the csv module), and its encoding."""
    encoding = detect_encoding(path)
    return path.open("r", encoding=encoding, newline=""), encoding
