"""Standards' files fetched once: XML schemas, JSON-LD contexts.

A remote URL is answered from, in order: the local map (setting `resources.local`: a URL, or a
URL prefix ending in '/', to a local file or folder), the cache folder (<data_dir>/cache), the
web - once, then cached. Harvests then never depend on a standards body's server being up, and
tests and offline machines point the map at copies such as ../shared/reference.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlsplit

from erfgoed.errors import UserError


class Resources:
    def __init__(self, local: dict[str, Path] | None = None, cache_dir: Path | None = None,
                 fetch=None):
        # longest prefix first, so a file entry wins over its folder's entry
        self.local = dict(sorted((local or {}).items(), key=lambda kv: -len(kv[0])))
        self.cache_dir, self._fetch = cache_dir, fetch

    @classmethod
    def from_config(cls, config, fetch=None) -> Resources:
        """The local map and cache folder the config names; `fetch`: what reads the web (None: a Fetcher)."""
        local = {url: config.resolve(path) for url, path in config["resources.local"].items()}
        return cls(local, config.resolve(config["site.data_dir"]) / "cache", fetch)

    def local_path(self, url: str) -> Path | None:
        for prefix, path in self.local.items():
            if url == prefix:
                return path
            if prefix.endswith("/") and url.startswith(prefix):
                return path / url[len(prefix):]
        return None

    def _cache_path(self, url: str) -> Path | None:
        if self.cache_dir is None:
            return None
        parts = urlsplit(url)
        name = Path(parts.path).name or "index"
        return self.cache_dir / parts.netloc / f"{hashlib.sha1(url.encode()).hexdigest()[:12]}-{name}"

    def path(self, url: str) -> Path:
        """A local file holding `url`'s content (fetched now if it is nowhere yet)."""
        local = self.local_path(url)
        if local is not None:
            if not local.is_file():
                raise UserError(f"{url} is mapped to {local} (setting resources.local), "
                                "but that file does not exist.")
            return local
        cached = self._cache_path(url)
        if cached is not None and cached.is_file():
            return cached
        if urlsplit(url).scheme not in ("http", "https"):
            raise UserError(f"cannot read {url}: not a web address and not in resources.local.")
        if self._fetch is None:
            from erfgoed.harvesters.http import Fetcher

            self._fetch = Fetcher(retries=1).get
        try:
            body = self._fetch(url).content
        except UserError as exc:
            raise UserError(f"{exc} Map {url} to a local copy with the setting "
                            "resources.local.") from None
        if cached is None:
            raise UserError(f"{url}: no cache folder to keep it in.")
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".part")
        tmp.write_bytes(body)
        tmp.replace(cached)
        return cached

    def read(self, url: str) -> bytes:
        return self.path(url).read_bytes()
