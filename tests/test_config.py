from pathlib import Path

import pytest

from erfgoed.config import SETTINGS, load_config
from erfgoed.errors import UserError


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "erfgoed.toml"
    p.write_text(text, "utf-8")
    return p


def test_defaults_run_the_demo_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ERFGOED_STORE", raising=False)
    cfg = load_config()
    assert cfg["store.location"] == "./data/store"
    assert cfg["server.port"] == 8000
    assert set(cfg.values) == set(SETTINGS)


def test_unknown_key_is_refused_with_a_suggestion(tmp_path):
    p = write(tmp_path, "[sparql]\ntimeout_second = 3\n")
    with pytest.raises(UserError, match=r"unknown setting 'sparql.timeout_second'.*Did you mean "
                                        r"'sparql.timeout_seconds'"):
        load_config(p)


def test_unknown_section_and_dataset_key(tmp_path):
    with pytest.raises(UserError, match="unknown setting 'stor'"):
        load_config(write(tmp_path, "[stor]\nlocation='x'\n"))
    with pytest.raises(UserError, match=r"\[datasets.x\].*unknown setting 'mapings'.*'mapping'"):
        load_config(write(tmp_path, "[datasets.x]\nmapings='museum-register'\n"))


def test_wrong_type_and_bad_toml(tmp_path):
    with pytest.raises(UserError, match="'server.port' must be a int"):
        load_config(write(tmp_path, "[server]\nport = 'eighty'\n"))
    with pytest.raises(UserError, match="not valid TOML"):
        load_config(write(tmp_path, "[server\n"))


def test_store_option_and_environment_override_the_file(tmp_path, monkeypatch):
    p = write(tmp_path, "[store]\nlocation = 'a'\n")
    monkeypatch.setenv("ERFGOED_STORE", "from-env")
    assert load_config(p)["store.location"] == "from-env"
    assert load_config(p, store="from-option")["store.location"] == "from-option"


def test_dataset_ids_must_be_uri_safe(tmp_path):
    with pytest.raises(UserError, match="lowercase letters"):
        load_config(write(tmp_path, "[datasets.'Mijn Museum']\ntitle='x'\n"))


def test_missing_explicit_config_file(tmp_path):
    with pytest.raises(UserError, match="not found"):
        load_config(tmp_path / "nope.toml")
