"""GeoNames web services: `searchJSON` (country and feature-class filters) and `getJSON`.

Every call carries the configured username. GeoNames reports errors as a `status` object, often
inside an HTTP 200 answer; they are sorted by the descriptor's [status] table into "unknown id"
(None), "the request was wrong" (AuthorityError) and "cannot be used now" (AuthorityUnavailable),
each with GeoNames' own message and, for a missing or wrong username, what to configure.
"""

from __future__ import annotations

import re

from .base import Entry, Label
from .client import AuthorityClient, AuthorityError, AuthoritySettings, AuthorityUnavailable
from .descriptor import load_descriptor

_USERNAME_HELP = ("set authorities.geonames_username in erfgoed.toml or ERFGOED_GEONAMES_USERNAME in the "
                  "environment to a GeoNames account with the free web services enabled")


class _Unknown(Exception):
    """GeoNames says the record does not exist."""


class GeoNames:
    def __init__(self, settings: AuthoritySettings):
        self.descriptor = load_descriptor("geonames")
        self.settings = settings
        self.client = AuthorityClient(self.descriptor, settings)
        self.status: dict[str, list[int]] = self.descriptor.extra["status"]

    def search(self, label: str, kind: str | None = None, lang: str = "nl", limit: int = 10) -> list[Entry]:
        if not self.descriptor.serves(kind) or not label.strip():
            return []
        params: dict = {"q": label.strip(), "maxRows": limit, "lang": lang, "style": "FULL"}
        countries = self.settings.options.get("countries") or []
        classes = self.settings.options.get("feature_classes") or []
        if countries:
            params["country"] = list(countries)          # repeated parameter: country=BE&country=NL
        if classes:
            params["featureClass"] = list(classes)
        try:
            body = self._call("searchJSON", params)
        except _Unknown:
            return []
        return [self._entry(raw) for raw in body.get("geonames", [])][:limit]

    def fetch(self, uri_or_id: str) -> Entry | None:
        local = self.descriptor.local_id(uri_or_id).rstrip("/").rsplit("/", 1)[-1]
        if not local or "/" in local or not re.fullmatch(r"[\w-]+", local):
            raise AuthorityError(f"'{uri_or_id}' is not a GeoNames id (digits) or GeoNames URI.")
        try:
            body = self._call("getJSON", {"geonameId": local, "style": "FULL"})
        except _Unknown:
            return None
        return self._entry(body) if body.get("geonameId") else None

    def _call(self, service: str, params: dict) -> dict:
        username = self.settings.username
        if not username:
            raise AuthorityUnavailable("geonames", f"no GeoNames username configured: {_USERNAME_HELP}.")
        url = f"{self.settings.base_url.rstrip('/')}/{service}"
        # 404 carries 'does not exist' in the body; 401/403 explain an account problem
        resp = self.client.get(url, params={**params, "username": username}, ok_status=(401, 403, 404))
        body = self.client.json(resp)
        status = body.get("status") if isinstance(body, dict) else None
        if status:
            self._raise(service, status)
        if resp.status_code >= 400:
            raise AuthorityUnavailable("geonames", f"{service}: HTTP {resp.status_code}.")
        return body

    def _raise(self, service: str, status: dict) -> None:
        value, message = status.get("value"), str(status.get("message", "")).strip()
        if value in self.status["unknown"]:
            raise _Unknown(message)
        if value == 10:   # authorization: missing, unknown or not enabled username
            raise AuthorityUnavailable("geonames",
                                       f"GeoNames refused the account ({message}): {_USERNAME_HELP}.")
        if value in self.status["refused"]:
            raise AuthorityError(f"GeoNames {service} rejected the request as invalid (status {value}: "
                                 f"{message}); check the id and the geonames settings.")
        if value in (18, 19, 20):
            raise AuthorityUnavailable("geonames", f"the account's credit limit is used up ({message}).")
        raise AuthorityUnavailable("geonames", f"{service} answered status {value}: {message}")

    def _entry(self, raw: dict) -> Entry:
        gid = str(raw["geonameId"])
        e = Entry(uri=self.descriptor.uri(gid), source="geonames", kind="place",
                  scheme=self.descriptor.scheme, page=self.descriptor.page(gid),
                  country=raw.get("countryCode", ""))
        main = raw.get("toponymName") or raw.get("name", "")
        if main:
            e.labels.append(Label(main, "", "pref"))
        if raw.get("name") and raw["name"] != main:   # the name in the requested language
            e.labels.append(Label(raw["name"], "", "alt"))
        preferred: set[str] = set()
        for alt in raw.get("alternateNames", []):
            lang = alt.get("lang", "")
            if lang not in self.descriptor.languages or not alt.get("name"):
                continue                      # also drops links, postcodes, airport codes
            kind = "pref" if alt.get("isPreferredName") and lang not in preferred else "alt"
            if kind == "pref":
                preferred.add(lang)
            label = Label(alt["name"], lang, kind)
            if label not in e.labels:
                e.labels.append(label)
        if raw.get("fcodeName") or raw.get("fcode"):
            e.types.append(raw.get("fcodeName") or raw["fcode"])
        try:
            e.lat, e.long = float(raw["lat"]), float(raw["lng"])
        except (KeyError, TypeError, ValueError):
            pass
        for id_key, name_key in (("adminId1", "adminName1"), ("countryId", "countryName")):
            if raw.get(id_key):
                e.broader.append((self.descriptor.uri(str(raw[id_key])), raw.get(name_key, "")))
        return e
