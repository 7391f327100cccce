"""Recorded authority responses (../shared/reference/authorities) as loopback-server answers.

Cassettes are JSON lists of {request, response}; plain files are response bodies. Our own
constructed answers live in tests/fixtures/authorities (see its README.md).
"""

from __future__ import annotations

import json
from pathlib import Path

from werkzeug import Request, Response

from .conftest import FIXTURES, needs_reference

OWN = FIXTURES / "authorities"
# hop-by-hop and length headers describe the original transfer, not this one
_DROP = {"transfer-encoding", "content-length", "connection", "content-encoding"}


def reference(relative: str) -> Path:
    """A file under ../shared/reference/authorities (the test skips if the folder is absent)."""
    return needs_reference("authorities") / relative


def cassette(relative: str, index: int = 0) -> Response:
    """The recorded response of one cassette entry, status and headers as recorded."""
    entry = json.loads(reference(relative).read_text("utf-8"))[index]
    resp = entry["response"]
    headers = {k: v for k, v in resp["headers"].items() if k.lower() not in _DROP}
    return Response(resp["body"], status=resp["status_code"], headers=headers)


def cassette_request(relative: str, index: int = 0) -> dict:
    return json.loads(reference(relative).read_text("utf-8"))[index]["request"]


def body(relative: str, status: int = 200, content_type: str = "application/json;charset=UTF-8") -> Response:
    """A recorded body file served as it is."""
    return Response(reference(relative).read_bytes(), status=status, content_type=content_type)


def own(name: str, status: int = 200, content_type: str = "application/json;charset=UTF-8") -> Response:
    return Response((OWN / name).read_bytes(), status=status, content_type=content_type)


def by_param(param: str, answers: dict[str, Response], log: list[Request] | None = None):
    """A handler answering by the value of one query parameter (e.g. Wikidata's `action`)."""
    def handler(request: Request) -> Response:
        if log is not None:
            log.append(request)
        value = request.args.get(param, "")
        if value not in answers:
            return Response(f"no recorded answer for {param}={value}", status=599)
        return answers[value]
    return handler
