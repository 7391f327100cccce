"""A zip writer whose memory does not grow with the number of entries (the Europeana export).

zipfile.ZipFile keeps a ZipInfo per entry until it writes the central directory at the end:
~0.5 kB per record, 50 MB for 100,000 records. Here each entry is deflated whole (an EDM record is
a few kB), so its CRC and sizes are known before its local header is written: no seeking and no
data descriptors, any binary stream will do (also the API's non-seekable one). Its central
directory record goes to a spooled temporary file (in memory up to 4 MB, then on disk) and is
copied out at the end. ZIP64 records are added where the entries or offsets need them
(more than 65,535 entries, offsets past 4 GiB), as APPNOTE.TXT 4.3 and 4.4 describe.
"""

from __future__ import annotations

import shutil
import struct
import tempfile
import time
import zlib
from typing import BinaryIO

_LOCAL = struct.Struct("<4s5H3L2H")  # signature, version, flags, method, time, date, crc, sizes, lengths
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_END64 = struct.Struct("<4sQ2H2L4Q")
_LOCATOR64 = struct.Struct("<4sLQL")
_MAX16, _MAX32 = 0xFFFF, 0xFFFFFFFF
_UNIX, _V20, _V45 = 3, 20, 45
_UTF8 = 0x800  # general purpose flag 11: the name is UTF-8


class StreamingZip:
    """Deflated entries written one after another to `out`; `close()` writes the directory."""

    def __init__(self, out: BinaryIO):
        self.out, self.offset, self.count = out, 0, 0
        self.central = tempfile.SpooledTemporaryFile(max_size=4 << 20)
        now = time.localtime()
        self.time = (now.tm_hour << 11) | (now.tm_min << 5) | (now.tm_sec // 2)
        self.date = ((now.tm_year - 1980) << 9) | (now.tm_mon << 5) | now.tm_mday

    def writestr(self, name: str, data: bytes | str) -> None:
        if isinstance(data, str):  # as zipfile does: text goes in as UTF-8
            data = data.encode("utf-8")
        packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        body = packer.compress(data) + packer.flush()
        if len(data) >= _MAX32 or len(body) >= _MAX32:
            raise ValueError(f"zip entry {name} is too large ({len(data)} bytes)")
        raw = name.encode("utf-8")
        flags = 0 if raw.isascii() else _UTF8
        crc = zlib.crc32(data)
        at = self.offset
        far = at >= _MAX32  # the header's offset needs a ZIP64 extra field
        extra = struct.pack("<2HQ", 1, 8, at) if far else b""
        version = _V45 if far else _V20
        self._write(
            _LOCAL.pack(b"PK\x03\x04", _V20, flags, zlib.DEFLATED, self.time, self.date, crc, len(body),
                        len(data), len(raw), 0) + raw
        )
        self.central.write(
            _CENTRAL.pack(b"PK\x01\x02", (_UNIX << 8) | version, version, flags, zlib.DEFLATED, self.time,
                          self.date, crc, len(body), len(data), len(raw), len(extra), 0, 0, 0,
                          0o600 << 16, _MAX32 if far else at)
            + raw + extra
        )
        self._write(body)
        self.count += 1

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.offset += len(data)

    def close(self) -> None:
        start, size = self.offset, self.central.tell()
        self.central.seek(0)
        shutil.copyfileobj(self.central, self.out)
        self.offset += size
        self.central.close()
        if self.count >= _MAX16 or start >= _MAX32 or size >= _MAX32:
            end64 = self.offset
            self._write(_END64.pack(b"PK\x06\x06", _END64.size - 12, (_UNIX << 8) | _V45, _V45, 0, 0,
                                    self.count, self.count, size, start))
            self._write(_LOCATOR64.pack(b"PK\x06\x07", 0, end64, 1))
        count = min(self.count, _MAX16)
        self._write(_END.pack(b"PK\x05\x06", 0, 0, count, count, min(size, _MAX32), min(start, _MAX32), 0))
        if hasattr(self.out, "flush"):
            self.out.flush()

    def __enter__(self) -> StreamingZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
