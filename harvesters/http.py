"""HTTP for every harvester: timeouts, retries with backoff, 503 + Retry-After, ETags.

One place decides how politely and how persistently we talk to an institution's server, so the
OAI-PMH, LDES and REST harvesters all behave the same way when a server is slow or busy.
"""

from __future__ import annotations

import email.utils
import ipaddress
import socket
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from erfgoed.errors import UserError

RETRY_STATUS = {429, 500, 502, 503, 504}
USER_AGENT = "erfgoed-kg harvester (+https://github.com/erfgoed-kg/erfgoed-kg)"


class HarvestError(UserError):
    """The source could not be read (after retries); names the URL and what went wrong."""


def check_url(url: str) -> str:
    """Harvest URLs are http(s) only: no file://, ftp:// or other schemes that reach the host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UserError(f"'{url}' is not an http(s) URL; harvest sources must be web addresses.")
    return url


def _allowed(host: str, ip: ipaddress.IPv4Address | ipaddress.IPv6Address, allowed: Collection[str]) -> bool:
    for entry in allowed:
        if entry.lower() == host.lower():
            return True
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:  # a host name, not an address or network
            continue
    return False


def check_address(url: str, allowed: Collection[str]) -> None:
    """Refuse a URL whose host resolves to a loopback, private, link-local or otherwise non-public
    address unless that host, address or network is in `allowed` (SSRF: a harvested server or its
    redirects must not make us reach the machine's own services or the internal network)."""
    check_url(url)
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise HarvestError(f"{url}: the host '{host}' cannot be resolved ({exc}).") from None
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%")[0])
        if not ip.is_global and not _allowed(host, ip, allowed):
            raise HarvestError(f"{url}: refused, '{host}' is the non-public address {ip} (loopback, "
                               "private or link-local); add it to harvest.allowed_hosts to allow it.")


def allow_list(allowed: Collection[str], *endpoints: str) -> list[str]:
    """harvest.allowed_hosts plus the hosts of the configured endpoints: an address the
    administrator wrote into the configuration is trusted; where its data or redirects lead is not."""
    return list(allowed) + [h for h in (urlsplit(u).hostname for u in endpoints if u) if h]


class GuardedAdapter(HTTPAdapter):
    """Checks the address of every request it sends, so each redirect hop is checked too."""

    def __init__(self, allowed: Collection[str]):
        super().__init__()
        self.allowed = tuple(allowed)

    def send(self, request, *args, **kwargs):  # noqa: ANN001 - requests' own signature
        check_address(request.url, self.allowed)
        return super().send(request, *args, **kwargs)


def _retry_after(value: str | None, default: float) -> float:
    if not value:
        return default
    if value.strip().isdigit():
        return float(value)
    try:  # an HTTP date
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError):
        return default


@dataclass
class Fetcher:
    timeout: float = 60.0
    retries: int = 4                 # attempts after the first
    backoff: float = 2.0             # seconds before the first retry, doubled each time
    max_wait: float = 300.0          # a Retry-After longer than this is not waited out
    session: requests.Session = field(default_factory=requests.Session)
    sleep: object = time.sleep       # tests replace it to run without waiting
    # None: any address (a Fetcher built in code, e.g. by a test); a collection: only public
    # addresses plus these hosts/addresses/networks (harvest.allowed_hosts), checked on every hop
    allowed_hosts: Collection[str] | None = None

    def __post_init__(self) -> None:
        self.session.headers["User-Agent"] = USER_AGENT
        if self.allowed_hosts is not None:
            guard = GuardedAdapter(self.allowed_hosts)
            self.session.mount("http://", guard)
            self.session.mount("https://", guard)

    def get(self, url: str, *, params: dict | None = None, headers: dict | None = None,
            etag: str | None = None, ok_status: Collection[int] = ()) -> requests.Response:
        """GET with retries. With `etag`, a 304 Not Modified answer is returned as is."""
        headers = dict(headers or {})
        if etag:
            headers["If-None-Match"] = etag
        return self.request("GET", url, params=params, headers=headers, ok_status=ok_status)

    def post(self, url: str, *, json: object = None, data: object = None, headers: dict | None = None,
             ok_status: Collection[int] = ()) -> requests.Response:
        """POST with retries (for APIs that are only reachable by POST, such as VIAF's)."""
        return self.request("POST", url, json=json, data=data, headers=headers, ok_status=ok_status)

    def request(self, method: str, url: str, *, params: dict | None = None, headers: dict | None = None,
                json: object = None, data: object = None,
                ok_status: Collection[int] = ()) -> requests.Response:
        """One request with retries. Statuses in `ok_status` (e.g. 404 whose body an API explains)
        are returned to the caller instead of raising."""
        check_url(url)
        wait = self.backoff
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                resp = self.session.request(method, url, params=params, headers=headers, json=json,
                                            data=data, timeout=self.timeout)
            except (requests.exceptions.InvalidSchema, requests.exceptions.InvalidURL,
                    requests.exceptions.TooManyRedirects) as exc:  # e.g. a redirect to file://
                raise HarvestError(f"{url}: refused, the answer leads to a URL that cannot be "
                                   f"followed ({exc}).") from None
            except (requests.ConnectionError, requests.Timeout) as exc:
                if last:
                    raise HarvestError(f"{url}: no answer after {self.retries + 1} attempts "
                                       f"({type(exc).__name__}).") from None
                self.sleep(wait)
                wait *= 2
                continue
            if resp.status_code in RETRY_STATUS and not last:
                pause = _retry_after(resp.headers.get("Retry-After"), wait)
                if pause > self.max_wait:
                    raise HarvestError(f"{url}: the server asks to come back in {pause:.0f} s "
                                       f"(HTTP {resp.status_code}); try again later.")
                self.sleep(pause)
                wait *= 2
                continue
            if resp.status_code >= 400 and resp.status_code not in ok_status:
                raise HarvestError(f"{url}: HTTP {resp.status_code} {resp.reason}.")
            return resp
        raise AssertionError("unreachable")
