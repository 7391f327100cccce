"""Who may do what: tokens, roles, the session cookie and CSRF - the one place that decides.

Roles (DESIGN.md, "Security"):
  curator      aligns term lists in the UI (accept, reject, no match, undo, bulk).
  institution  submits files for its own datasets only (listed with the token).
  admin        everything.
Reading (datasets, reports, term lists, SPARQL) needs no token.

Tokens come from two places:
  - `<data_dir>/tokens.json`, written by `erfgoed tokens add` (printed once, then only its salted
    scrypt hash is kept) and `erfgoed tokens revoke`. A token reads `<id>.<secret>`: the id finds the
    entry without hashing every stored secret.
  - the environment, `ERFGOED_TOKENS="ROLE:NAME[:DATASET+DATASET]=TOKEN; ..."` (deployments with a
    secret store); at least 16 characters each.
A browser trades a token for a session cookie at `/ui/login`: HMAC-SHA256 signed (key from
`ERFGOED_SECRET`, else `<data_dir>/secret.key` generated once), HttpOnly, SameSite=Lax, 12 hours;
revoking the token ends its sessions. Every POST form carries the session's CSRF token (or the
`X-CSRF-Token` header for scripts), checked with `check_csrf`. Programs send
`Authorization: Bearer <token>` instead and need no CSRF token (browsers never add that header).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fastapi import HTTPException, Request

from erfgoed.api.state import shared
from erfgoed.config import Config, check_dataset_id
from erfgoed.errors import UserError

ROLES = ("curator", "institution", "admin")
SESSION_COOKIE = "erfgoed_session"
LOGIN_COOKIE = "erfgoed_login"          # double-submit CSRF token of the login form
SESSION_SECONDS = 12 * 3600
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


@dataclass(frozen=True)
class User:
    name: str
    role: str
    datasets: tuple[str, ...] = ()
    token_id: str = ""
    csrf: str = ""

    @property
    def may_curate(self) -> bool:
        return self.role in ("curator", "admin")

    def may_submit(self, dataset: str) -> bool:
        return self.role == "admin" or (self.role == "institution" and dataset in self.datasets)


class LoginRequired(Exception):
    """A page for logged-in users only; the app answers with a redirect to the login form."""

    def __init__(self, next_url: str):
        self.next_url = next_url


def _hash(secret: str, salt: bytes) -> str:
    return hashlib.scrypt(secret.encode(), salt=salt, **_SCRYPT).hex()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Tokens:
    """The token file (`<data_dir>/tokens.json`) and the environment's tokens."""

    def __init__(self, path: Path, env: str | None = None):
        self.path = path
        self.env = _parse_env(env or "")
        self._lock = threading.Lock()
        self._cache: tuple[float, dict] = (-1.0, {})

    def _entries(self) -> dict[str, dict]:
        """id -> entry, re-read when the file changes (so a revoke takes effect at once)."""
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            return {}
        with self._lock:
            if self._cache[0] != mtime:
                try:
                    data = json.loads(self.path.read_text("utf-8"))
                except ValueError as exc:
                    raise UserError(f"{self.path}: not a token file ({exc})") from None
                self._cache = (mtime, {e["id"]: e for e in data.get("tokens", [])})
            return self._cache[1]

    def _write(self, entries: list[dict]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"tokens": entries}, indent=1), "utf-8")
        os.chmod(tmp, 0o600)
        tmp.replace(self.path)

    def add(self, name: str, role: str, datasets: tuple[str, ...] = ()) -> str:
        """A new token for `name`; returns it (the only time it is ever shown)."""
        name = name.strip()
        if not name or len(name) > 80:
            raise UserError("a token needs a --name (who holds it), at most 80 characters")
        if role not in ROLES:
            raise UserError(f"role '{role}' is not one of {', '.join(ROLES)}")
        if role == "institution" and not datasets:
            raise UserError("an institution token needs the datasets it may submit to (--dataset ID)")
        for d in datasets:
            check_dataset_id(d)
        entries = list(self._entries().values())
        if any(e["name"] == name for e in entries) or any(u.name == name for u, _ in self.env):
            raise UserError(f"there is a token named '{name}' already; revoke it first")
        token_id, secret, salt = secrets.token_hex(4), secrets.token_urlsafe(32), os.urandom(16)
        entries.append({"id": token_id, "name": name, "role": role, "datasets": list(datasets),
                        "salt": salt.hex(), "hash": _hash(secret, salt),
                        "created": datetime.now(UTC).isoformat(timespec="seconds")})
        self._write(entries)
        return f"{token_id}.{secret}"

    def revoke(self, name: str) -> None:
        entries = list(self._entries().values())
        kept = [e for e in entries if e["name"] != name]
        if len(kept) == len(entries):
            env = " (it comes from ERFGOED_TOKENS: remove it there)" if any(
                u.name == name for u, _ in self.env) else ""
            raise UserError(f"no token named '{name}' in {self.path}{env}")
        self._write(kept)

    def listing(self) -> list[dict]:
        """Name, role, datasets, created - never the hash."""
        out = [{k: e[k] for k in ("name", "role", "datasets", "created")} for e in self._entries().values()]
        out += [{"name": u.name, "role": u.role, "datasets": list(u.datasets), "created": "environment"}
                for u, _ in self.env]
        return sorted(out, key=lambda e: e["name"])

    def verify(self, token: str) -> User | None:
        token = token.strip()
        for user, known in self.env:
            if hmac.compare_digest(known.encode(), token.encode()):
                return user
        token_id, _, secret = token.partition(".")
        entry = self._entries().get(token_id)
        if entry is None or not secret:
            return None
        if not hmac.compare_digest(_hash(secret, bytes.fromhex(entry["salt"])), entry["hash"]):
            return None
        return User(entry["name"], entry["role"], tuple(entry["datasets"]), token_id)

    def active(self, token_id: str) -> bool:
        """Whether the token behind a session still exists (revoking ends its sessions)."""
        return token_id in self._entries() or any(u.token_id == token_id for u, _ in self.env)


def _parse_env(text: str) -> list[tuple[User, str]]:
    out = []
    for item in filter(None, (p.strip() for p in text.replace("\n", ";").split(";"))):
        spec, sep, token = item.partition("=")
        parts = spec.split(":")
        if not sep or len(parts) not in (2, 3) or parts[0] not in ROLES or not parts[1]:
            raise UserError(f"ERFGOED_TOKENS: '{spec}' is not ROLE:NAME[:DATASET+DATASET]=TOKEN "
                            f"(roles: {', '.join(ROLES)})")
        if len(token) < 16:
            raise UserError(f"ERFGOED_TOKENS: the token of '{parts[1]}' is shorter than 16 characters")
        datasets = tuple(d for d in (parts[2].split("+") if len(parts) == 3 else []) if d)
        out.append((User(parts[1], parts[0], datasets, f"env:{parts[1]}"), token))
    return out


class Auth:
    """Tokens, the signing key and the session cookie of one app."""

    def __init__(self, config: Config):
        data_dir = Path(config.resolve(config["site.data_dir"]))
        self.tokens = Tokens(data_dir / "tokens.json", os.environ.get("ERFGOED_TOKENS"))
        self.key = _secret(data_dir)

    def sign(self, payload: dict) -> str:
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        return body + "." + _b64(hmac.new(self.key, body.encode(), hashlib.sha256).digest())

    def unsign(self, value: str) -> dict | None:
        body, _, mac = value.partition(".")
        good = _b64(hmac.new(self.key, body.encode(), hashlib.sha256).digest())
        if not mac or not hmac.compare_digest(mac, good):
            return None
        try:
            return json.loads(_unb64(body))
        except ValueError:
            return None

    def session_cookie(self, user: User) -> str:
        return self.sign({"u": user.name, "r": user.role, "d": list(user.datasets), "t": user.token_id,
                          "c": secrets.token_urlsafe(24), "e": int(time.time()) + SESSION_SECONDS})

    def session_user(self, request: Request) -> User | None:
        data = self.unsign(request.cookies.get(SESSION_COOKIE, ""))
        if not data or data.get("e", 0) < time.time() or not self.tokens.active(data.get("t", "")):
            return None
        return User(data["u"], data["r"], tuple(data["d"]), data["t"], data["c"])

    def bearer_user(self, request: Request) -> User | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return self.tokens.verify(token) if scheme.lower() == "bearer" and token else None


def _secret(data_dir: Path) -> bytes:
    """The signing key: ERFGOED_SECRET, else one generated into <data_dir>/secret.key once."""
    env = os.environ.get("ERFGOED_SECRET")
    if env:
        if len(env) < 16:
            raise UserError("ERFGOED_SECRET must be at least 16 characters")
        return env.encode()
    path = data_dir / "secret.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


# -- what routes ask ------------------------------------------------------------------------------
def auth_of(request: Request) -> Auth:
    """The app's Auth, made on first use (so an app that is never asked writes no secret.key)."""
    return shared(request, "auth", lambda: Auth(request.app.state.config))


def current_user(request: Request) -> User | None:
    """The logged-in browser user, else the bearer of a valid token, else None. Once per request:
    a route's check and its page() both ask, and a bearer token costs an scrypt hash."""
    if not hasattr(request.state, "erfgoed_user"):
        auth = auth_of(request)
        request.state.erfgoed_user = auth.session_user(request) or auth.bearer_user(request)
    return request.state.erfgoed_user


def require_curator(request: Request) -> User:
    user = current_user(request)
    if user is None:
        raise LoginRequired(str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))
    if not user.may_curate:
        raise HTTPException(403, "aligning term lists needs a curator token")
    return user


def check_csrf(request: Request, user: User, value: str | None) -> None:
    """A form from a session must carry its CSRF token; a bearer-token request needs none."""
    if not user.csrf:  # bearer token: not a browser session, so no cross-site forgery
        return
    sent = value or request.headers.get("x-csrf-token", "")
    if not hmac.compare_digest(sent.encode(), user.csrf.encode()):
        raise HTTPException(403, "the form's CSRF token is missing or stale: reload the page and try again")


async def curator_form(request: Request):
    """A curator's POSTed form, after its CSRF check: (user, form)."""
    user = require_curator(request)
    form = await request.form()
    check_csrf(request, user, form.get("csrf"))
    return user, form


def safe_next(url: str | None) -> str:
    """Only local paths after login (no open redirect to another site)."""
    return url if url and url.startswith("/") and not url.startswith("//") and "\\" not in url else "/ui"
