"""Documentation that cannot drift: settings, routes, folders and commands are all described."""

import re

import pytest
from click.testing import CliRunner

from erfgoed.api.app import create_app
from erfgoed.api.cli import main
from erfgoed.config import DATASET_SETTINGS, SETTINGS, TERMLIST_SETTINGS, load_config

from .conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


@pytest.mark.parametrize("key", sorted(SETTINGS))
def test_every_setting_is_in_the_readme(key):
    assert f"`{key}`" in README


@pytest.mark.parametrize("key", sorted(DATASET_SETTINGS) + sorted(TERMLIST_SETTINGS))
def test_every_dataset_setting_is_in_the_readme(key):
    assert f"`{key}`" in README


def test_every_route_is_in_the_readme(tmp_path):
    app = create_app(load_config(None, store=str(tmp_path / "s")), store=object())
    def norm(path: str) -> str:
        return re.sub(r"\{[^}]*\}", "{}", path)

    documented = {norm(p) for p in re.findall(r"`(/[^`\s]*)`", README)}
    for route in app.routes:
        path = getattr(route, "path", "")
        if not path or path.startswith(("/static", "/docs/oauth2")) or path in ("/", "/redoc"):
            continue
        assert norm(path) in documented, f"route {path} is not in the README's route table"


@pytest.mark.parametrize("folder", ["ontology", "shapes", "mappings", "harvesters", "graph", "api",
                                    "sparql", "examples", "bench"])
def test_every_top_level_folder_says_what_it_holds(folder):
    text = (ROOT / folder / "README.md").read_text("utf-8")
    assert len(text) > 200 and folder in text


@pytest.mark.parametrize("args", [[], ["demo"], ["serve"], ["ingest"], ["harvest"], ["store"],
                                  ["store", "dump"], ["store", "restore"], ["terms", "import"],
                                  ["terms", "export"], ["terms", "mirrors"], ["terms", "align"],
                                  ["terms", "mappings", "export"], ["terms", "mappings", "import"]])
def test_every_command_has_help(args):
    result = CliRunner().invoke(main, [*args, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
    if args and args not in (["store"], ["terms"]):
        assert "--config" in result.output and "--store" in result.output


def test_the_readme_opens_with_the_two_commands():
    head = README.splitlines()[:6]
    assert any(line.startswith("make demo") for line in head)
    assert any(line.startswith("make test") for line in head)
    assert "make test" in (ROOT / ".ci" / "run").read_text()
