"""The export's zip writer (graph/edm_zip.py): what zip readers see in what it writes to a stream
that cannot seek, also past the 65,535 entries where ZIP64 records are needed. (The API's streamed
zip of the demo is in test_europeana_edm.py, beside the CLI's.)"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

from erfgoed.graph.edm_zip import StreamingZip


class OneWay(io.RawIOBase):
    """A write-only stream without seek or tell (a socket, the API's response)."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self.data += b
        return len(b)

    def seekable(self) -> bool:
        return False


def test_entries_read_back_from_a_stream_that_cannot_seek():
    out = OneWay()
    docs = {"MAL.0001.xml": b"<rdf:RDF/>\n" * 40, "Kan_\u00e9\u00e9n.xml": "caf\u00e9".encode(),
            "leeg.xml": b""}
    with StreamingZip(out) as zf:
        for name, data in docs.items():
            zf.writestr(name, data)
    with zipfile.ZipFile(io.BytesIO(bytes(out.data))) as zf:
        assert zf.testzip() is None
        assert zf.namelist() == list(docs)  # in the order written, names in UTF-8
        assert {n: zf.read(n) for n in zf.namelist()} == docs
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in zf.infolist())


def test_more_than_65535_entries_use_zip64(tmp_path):
    path = tmp_path / "many.zip"
    with path.open("wb") as fh, StreamingZip(fh) as zf:
        for i in range(70_000):
            zf.writestr(f"B.{i:07d}.xml", f"<x>{i}</x>".encode())
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert len(names) == 70_000 and names[-1] == "B.0069999.xml"
        assert zf.read("B.0065536.xml") == b"<x>65536</x>"
    if shutil.which("unzip"):  # Info-ZIP reads it too
        assert subprocess.run(["unzip", "-tq", str(path)], capture_output=True).returncode == 0
