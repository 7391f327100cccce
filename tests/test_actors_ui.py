"""The actor review queue and actor pages in-process: a curator sees why two actors were proposed,
merges or keeps them apart, and undoes it; an actor's page shows works from every institution."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from erfgoed.api.app import create_app
from erfgoed.graph.actors.databank import resolve_store
from erfgoed.graph.uris import Minter

from .ui_site import build_site, csrf_of, login

PP = "http://kg.example.org/id/actor/museum-aan-de-leie/p-p-rubens"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("actors-ui"))


@pytest.fixture
def curator(site):
    with TestClient(create_app(site.config)) as client:
        assert login(client, site.tokens["curator"]).status_code == 303
        yield client


def _proposal_link(html: str) -> str:
    return unquote(re.search(r'href="(/ui/actors/proposal\?[^"]+)"', html).group(1).replace("&amp;", "&"))


def _agent_of(client, member: str) -> str:
    r = client.get(
        "/sparql",
        params={
            "query": f"SELECT ?a WHERE {{ ?a <http://www.w3.org/2002/07/owl#sameAs> "
            f"<{member}> ; a <https://w3id.org/erfgoed-kg/ns#CanonicalActor> }}"
        },
        headers={"Accept": "application/sparql-results+json"},
    )
    return r.json()["results"]["bindings"][0]["a"]["value"]


def test_the_queue_needs_a_curator(site):
    with TestClient(create_app(site.config)) as client:
        assert client.get("/ui/actors", follow_redirects=False).status_code == 303
        login(client, site.tokens["institution"])
        assert client.get("/ui/actors", follow_redirects=False).status_code in (303, 403)


def test_a_proposal_shows_both_actors_and_why(curator):
    queue = curator.get("/ui/actors")
    assert queue.status_code == 200 and "P.P. Rubens" in queue.text
    page = curator.get(_proposal_link(queue.text))
    assert page.status_code == 200
    assert "P.P. Rubens" in page.text and "Rubens" in page.text and "initials" in page.text
    assert "museum-aan-de-leie" in page.text


def test_merge_then_undo_from_the_actor_page(curator):
    queue = curator.get("/ui/actors")
    page = curator.get(_proposal_link(queue.text))
    a = re.search(r'name="a" value="([^"]+)"', page.text).group(1)
    b = re.search(r'name="b" value="([^"]+)"', page.text).group(1)
    assert PP in (a, b)
    other = b if a == PP else a
    refused = curator.post("/ui/actors/decide", data={"a": a, "b": b, "do": "merge"}, follow_redirects=False)
    assert refused.status_code in (400, 403) and _agent_of(curator, PP) != _agent_of(curator, other)
    r = curator.post(
        "/ui/actors/decide",
        data={"csrf": csrf_of(page.text), "a": a, "b": b, "do": "merge", "comment": "zelfde monogram"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    agent = _agent_of(curator, PP)
    assert agent == _agent_of(curator, other)
    key = agent.rsplit("/", 1)[1]
    actor = curator.get(f"/ui/actors/{key}")
    assert "zelfde monogram" in actor.text and "Anna Curator" in actor.text
    # works from both registers, with the roles the makers had
    assert "museum-aan-de-leie" in actor.text
    record = re.search(r'name="record" value="([^"]+)"', actor.text).group(1)
    r = curator.post(
        "/ui/actors/undo",
        data={"csrf": csrf_of(actor.text), "record": record, "next": f"/ui/actors/{key}"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert _agent_of(curator, PP) != _agent_of(curator, other)
    assert "P.P. Rubens" in curator.get("/ui/actors").text  # back in the queue


def test_keep_apart_empties_the_queue_for_good(site, curator):
    queue = curator.get("/ui/actors")
    page = curator.get(_proposal_link(queue.text))
    a = re.search(r'name="a" value="([^"]+)"', page.text).group(1)
    b = re.search(r'name="b" value="([^"]+)"', page.text).group(1)
    curator.post("/ui/actors/decide", data={"csrf": csrf_of(page.text), "a": a, "b": b, "do": "apart"})
    assert "P.P. Rubens" not in curator.get("/ui/actors").text
    resolve_store(curator.app.state.store, Minter(site.config.base_uri))  # a later run
    assert "P.P. Rubens" not in curator.get("/ui/actors").text


def test_an_actor_page_shows_works_from_two_institutions_and_answers_turtle(site):
    with TestClient(create_app(site.config)) as client:
        key = _agent_of(client, "http://kg.example.org/id/actor/actoren-demo/ACT008").rsplit("/", 1)[1]
        page = client.get(f"/ui/actors/{key}")
        assert page.status_code == 200 and "Maria Vanhoutte" in page.text
        assert "museum-aan-de-leie" in page.text and "textiel-zuidwest" in page.text
        assert "Kant in beweging" in page.text  # her production
        assert "Automatisch samengevoegd omdat" in page.text  # the automatic merge explains itself
        ttl = client.get(f"/ui/actors/{key}", headers={"Accept": "text/turtle"})
        assert ttl.headers["content-type"].startswith("text/turtle") and "sameAs" in ttl.text
        assert client.get("/ui/actors/nonexistent").status_code == 404
