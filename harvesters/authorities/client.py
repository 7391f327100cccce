"""HTTP for the authority adapters: the harvesters' Fetcher plus a per-authority rate limit.

Retries, backoff, 429/503 with Retry-After and timeouts come from `erfgoed.harvesters.http`.
What this layer adds: a minimum interval between two requests to one authority (shared by every
adapter of that authority in the process), a User-Agent naming us and a contact, and one
exception type for "that source cannot be reached now" so the matcher can show the authority as
unavailable and still answer from the others.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

import requests

from erfgoed.errors import UserError
from erfgoed.harvesters.http import USER_AGENT, Fetcher, HarvestError

from .descriptor import Descriptor


class AuthorityError(UserError):
    """The authority answered but refused the request (an invalid id or parameter)."""


class AuthorityUnavailable(AuthorityError):
    """An authority cannot be used now: down, too slow, over its limits, or not configured."""

    def __init__(self, name: str, reason: str):
        self.name, self.reason = name, reason
        super().__init__(f"{name} is unavailable: {reason}")


class RateLimiter:
    """At least `interval` seconds between the starts of two requests (thread-safe)."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self._next = float("-inf")
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:  # holding the lock while sleeping queues the callers in order
            now = self.clock()
            if now < self._next:
                self.sleep(self._next - now)
                now = self._next
            self._next = now + self.interval


_LIMITERS: dict[str, RateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def limiter_for(name: str, interval: float) -> RateLimiter:
    """The process-wide limiter of one authority (the latest configured interval applies)."""
    with _LIMITERS_LOCK:
        limiter = _LIMITERS.setdefault(name, RateLimiter(interval))
        limiter.interval = interval
        return limiter


@dataclass
class AuthoritySettings:
    """What an adapter needs from the configuration (see `settings_from_config`)."""
    base_url: str
    timeout: float = 10.0
    retries: int = 2
    min_interval: float = 0.0
    contact: str = ""
    username: str = ""                 # GeoNames
    options: dict[str, Any] = field(default_factory=dict)  # per-authority settings (GeoNames filters)
    allowed_hosts: list[str] | None = None  # None: any address; else harvests' SSRF rule (http.py)


class AuthorityClient:
    """Requests to one authority: rate-limited, retried, failures as AuthorityUnavailable."""

    def __init__(self, descriptor: Descriptor, settings: AuthoritySettings):
        self.name = descriptor.name
        self.fetcher = Fetcher(timeout=settings.timeout, retries=settings.retries, backoff=1.0, max_wait=30.0,
                               allowed_hosts=settings.allowed_hosts)
        # Wikimedia and OCLC ask clients to say who they are and how to reach them
        contact = f"; {settings.contact}" if settings.contact else ""
        self.fetcher.session.headers["User-Agent"] = f"{USER_AGENT} authority-client/{self.name}{contact}"
        self.limiter = limiter_for(descriptor.name, settings.min_interval)

    def get(self, url: str, *, params: dict | None = None, headers: dict | None = None,
            ok_status: Collection[int] = ()) -> requests.Response:
        self.limiter.wait()
        try:
            return self.fetcher.get(url, params=params, headers=headers, ok_status=ok_status)
        except HarvestError as exc:
            raise AuthorityUnavailable(self.name, str(exc)) from None

    def post_json(self, url: str, body: dict, *, headers: dict | None = None,
                  ok_status: Collection[int] = ()) -> requests.Response:
        self.limiter.wait()
        try:
            return self.fetcher.post(url, json=body, headers=headers, ok_status=ok_status)
        except HarvestError as exc:
            raise AuthorityUnavailable(self.name, str(exc)) from None

    def json(self, resp: requests.Response) -> Any:
        """The body as JSON; an HTML error page or a cut-off body means the service is not well."""
        try:
            return resp.json()
        except (ValueError, json.JSONDecodeError):
            ctype = resp.headers.get("Content-Type", "?")
            raise AuthorityUnavailable(self.name, f"{resp.url}: the answer is not JSON ({ctype}).") from None
