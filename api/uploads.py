"""A multipart upload streamed straight to a file on disk, refused as soon as it passes the limit.

Starlette's `request.form()` spools a file part to a temporary file of unbounded size before the
route sees it; here each chunk goes to its final place as it arrives, and the first byte over
`ingest.max_file_mb` stops the transfer (HTTP 413) and deletes what was written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import HTTPException, Request
from python_multipart.multipart import MultipartParser, parse_options_header

MAX_FIELD = 64 * 1024     # text fields (csrf, mapping, ...) are short


@dataclass
class Upload:
    path: Path | None = None          # where the file part was written
    filename: str = ""                # as the client named it (never used as a path)
    size: int = 0
    fields: dict[str, str] = field(default_factory=dict)


def safe_name(name: str) -> str:
    """A client's file name reduced to a harmless last path segment (for display and the suffix)."""
    base = re.split(r"[\\/]", name)[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._")
    return cleaned[:100] or "upload"


async def receive(request: Request, target: Callable[[str], Path], limit_bytes: int,
                  file_field: str = "file") -> Upload:
    """Parse the request body; the part named `file_field` is written to `target(safe file name)`."""
    ctype, options = parse_options_header(request.headers.get("content-type", ""))
    if ctype != b"multipart/form-data" or b"boundary" not in options:
        raise HTTPException(415, "send the file as multipart/form-data (a form with a file field "
                                 f"named '{file_field}')")
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit_bytes + MAX_FIELD * 4:
        raise HTTPException(413, _too_big(limit_bytes))
    upload = Upload()
    state: dict = {"headers": {}, "name": "", "field": b"", "sink": None, "key": b""}

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["key"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        key = state["key"].lower()
        state["headers"][key] = state["headers"].get(key, b"") + data[start:end]

    def on_header_end() -> None:
        state["key"] = b""

    def on_headers_finished() -> None:
        _, disp = parse_options_header(state["headers"].get(b"content-disposition", b""))
        state["name"] = disp.get(b"name", b"").decode("utf-8", "replace")
        if state["name"] == file_field and b"filename" in disp:
            upload.filename = safe_name(disp[b"filename"].decode("utf-8", "replace"))
            upload.path = target(upload.filename)
            upload.path.parent.mkdir(parents=True, exist_ok=True)
            state["sink"] = upload.path.open("wb")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state["sink"] is not None:
            upload.size += end - start
            if upload.size > limit_bytes:
                raise _Oversize()
            state["sink"].write(data[start:end])
        else:
            state["field"] += data[start:end]
            if len(state["field"]) > MAX_FIELD:
                raise HTTPException(413, f"form field '{state['name']}' is too long")

    def on_part_end() -> None:
        if state["sink"] is not None:
            state["sink"].close()
            state["sink"] = None
        elif state["name"]:
            upload.fields[state["name"]] = state["field"].decode("utf-8", "replace")
        state.update(headers={}, name="", field=b"")

    parser = MultipartParser(options[b"boundary"], {
        "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_headers_finished": on_headers_finished,
        "on_part_data": on_part_data, "on_part_end": on_part_end})
    ok = False
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
        ok = True
    except _Oversize:
        raise HTTPException(413, _too_big(limit_bytes)) from None
    except HTTPException:
        raise
    except Exception as exc:  # noqa: BLE001 - a malformed body from the client
        raise HTTPException(400, f"the upload is not a valid multipart form: {exc}") from None
    finally:
        if state["sink"] is not None:
            state["sink"].close()
        if upload.path and not ok:  # a partial or oversized file is never kept
            upload.path.unlink(missing_ok=True)
    if upload.path is None:
        raise HTTPException(400, f"no file in the form field '{file_field}'")
    if upload.size == 0:
        upload.path.unlink(missing_ok=True)
        raise HTTPException(400, f"the file '{upload.filename}' is empty")
    return upload


class _Oversize(Exception):
    pass


def _too_big(limit_bytes: int) -> str:
    return (f"the file is over the limit of {limit_bytes // 2**20} MB (setting ingest.max_file_mb); "
            "split it or ask the administrator to raise the limit. Nothing was changed.")
