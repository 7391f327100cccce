"""api/auth.py: tokens (CLI and environment), their hashes, the signed session, roles."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from erfgoed.api.app import create_app
from erfgoed.api.auth import SESSION_COOKIE, Auth, Tokens, User, safe_next
from erfgoed.api.cli import main
from erfgoed.errors import UserError

from .ui_site import login


def test_cli_prints_a_token_once_and_keeps_only_a_salted_hash(config, tmp_path):
    cfg = str(config.path)
    added = CliRunner().invoke(main, ["tokens", "add", "--role", "institution", "--name", "Museum X",
                                      "--dataset", "museum-x", "--config", cfg])
    assert added.exit_code == 0, added.output
    token = added.stdout.strip().splitlines()[0]
    stored = (tmp_path / "data" / "tokens.json").read_text()
    assert token not in stored and token.split(".", 1)[1] not in stored
    entry = json.loads(stored)["tokens"][0]
    assert entry["role"] == "institution" and entry["datasets"] == ["museum-x"] and entry["salt"]
    user = Tokens(tmp_path / "data" / "tokens.json").verify(token)
    assert user.name == "Museum X" and user.may_submit("museum-x") and not user.may_submit("other")
    assert not user.may_curate
    listed = CliRunner().invoke(main, ["tokens", "list", "--config", cfg]).output
    assert "Museum X\tinstitution [museum-x]" in listed and token not in listed
    revoked = CliRunner().invoke(main, ["tokens", "revoke", "Museum X", "--config", cfg])
    assert revoked.exit_code == 0
    assert Tokens(tmp_path / "data" / "tokens.json").verify(token) is None


def test_cli_refuses_what_cannot_work(config):
    cfg = str(config.path)
    r = CliRunner().invoke(main, ["tokens", "add", "--role", "institution", "--name", "X", "--config", cfg])
    assert r.exit_code == 2 and "needs the datasets" in r.output
    r = CliRunner().invoke(main, ["tokens", "revoke", "Nobody", "--config", cfg])
    assert r.exit_code == 2 and "no token named 'Nobody'" in r.output


def test_a_wrong_secret_with_a_right_id_is_refused(tmp_path):
    tokens = Tokens(tmp_path / "tokens.json")
    token = tokens.add("Anna", "curator")
    token_id = token.split(".")[0]
    assert tokens.verify(token_id + ".wrong") is None and tokens.verify(token_id) is None
    assert tokens.verify(token).role == "curator"


def test_environment_tokens(tmp_path):
    tokens = Tokens(tmp_path / "tokens.json", "curator:Bert=0123456789abcdef; "
                                               "institution:MSK:msk+msk-archief=fedcba9876543210")
    assert tokens.verify("0123456789abcdef") == User("Bert", "curator", (), "env:Bert")
    assert tokens.verify("fedcba9876543210").datasets == ("msk", "msk-archief")
    with pytest.raises(UserError, match="shorter than 16"):
        Tokens(tmp_path / "t.json", "curator:Bert=short")
    with pytest.raises(UserError, match="ROLE:NAME"):
        Tokens(tmp_path / "t.json", "boss:Bert=0123456789abcdef")


def test_session_cookie_is_signed_and_ends_with_its_token(config):
    app = create_app(config, store=object())
    auth = Auth(config)
    app.state.auth = auth
    token = auth.tokens.add("Anna", "curator")
    client = TestClient(app)
    r = login(client, token)
    cookie = r.cookies[SESSION_COOKIE]
    body, mac = cookie.split(".")
    assert auth.unsign(cookie)["u"] == "Anna"
    assert auth.unsign(body + "." + mac[:-2] + "AA") is None            # tampered
    forged = auth.unsign(cookie) | {"r": "admin"}
    assert Auth(config).unsign(auth.sign(forged)) == forged             # same key from data_dir...
    other = type(config)(dict(config.values, **{"site.data_dir": str(config.path.parent / "elsewhere")}),
                         path=config.path)
    assert Auth(other).unsign(cookie) is None                            # ...but no other key works
    auth.tokens.revoke("Anna")
    assert client.get("/ui/terms/x/align", follow_redirects=False).status_code == 303   # logged out


def test_only_local_paths_after_login():
    assert safe_next("/ui/terms?x=1") == "/ui/terms?x=1"
    for bad in ("https://evil.example/", "//evil.example/", "/\\evil.example", "", None):
        assert safe_next(bad) == "/ui"
