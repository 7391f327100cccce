"""A demo site for the UI tests: `erfgoed demo` into a temp folder (offline GeoNames from a fixture,
no live authorities), one more term list whose labels need escaping, and tokens for each role."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from erfgoed.api.auth import Tokens
from erfgoed.api.cli import main
from erfgoed.config import Config, load_config

from .conftest import FIXTURES


@dataclass
class Site:
    folder: Path
    config_path: Path
    config: Config
    tokens: dict[str, str]      # role -> token


def build_site(folder: Path, extra: str = "") -> Site:
    cfg = folder / "erfgoed.toml"
    mirror = FIXTURES / "authorities" / "geonames_demo_places.txt"
    cfg.write_text('[site]\nbase_uri = "http://kg.example.org"\ndata_dir = "data"\n'
                   '[store]\nlocation = "store"\n'
                   f'[reconcile]\nlive = []\n[authorities]\ngeonames_mirror = ["{mirror}"]\n{extra}', "utf-8")
    runner = CliRunner()
    for args in (["demo"], ["terms", "import", str(FIXTURES / "terms" / "lastige-labels.csv"),
                            "--list", "lastig", "--title", 'Lastige <labels> & "zo"']):
        result = runner.invoke(main, [*args, "--config", str(cfg)])
        assert result.exit_code == 0, result.output
    config = load_config(cfg)
    tokens = Tokens(folder / "data" / "tokens.json")
    issued = {"curator": tokens.add("Anna Curator", "curator"),
              "institution": tokens.add("Museum aan de Leie", "institution", ("museum-aan-de-leie",)),
              "admin": tokens.add("Beheer", "admin")}
    return Site(folder, cfg, config, issued)


def login(client, token: str, next_url: str = "/ui"):
    """Log a TestClient in through the form (the login form's own CSRF nonce included)."""
    form = client.get("/ui/login")
    nonce = re.search(r'name="nonce" value="([^"]+)"', form.text).group(1)
    return client.post("/ui/login", data={"token": token, "nonce": nonce, "next": next_url},
                       follow_redirects=False)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)
