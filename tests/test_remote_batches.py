"""Requests to a remote store stay below the server's size limits without splitting a blank node
over two requests (each request scopes its own blank node labels)."""

import pyoxigraph as ox

from erfgoed.graph.remote import _batches

G, H = ox.NamedNode("http://kg.example.org/graph/meta"), ox.NamedNode("http://kg.example.org/graph/r/1")
P = ox.NamedNode("http://example.org/p")


def _quad(i: int, graph: ox.NamedNode, blank: ox.BlankNode | None = None) -> ox.Quad:
    return ox.Quad(blank or ox.NamedNode(f"http://example.org/s{i}"), P, ox.Literal(str(i)), graph)


def test_a_graph_larger_than_a_batch_is_cut_into_several_requests():
    quads = [_quad(i, G) for i in range(25)] + [_quad(i, H) for i in range(3)]
    batches = list(_batches(quads, 10))
    assert [len(b) for b in batches] == [10, 10, 5 + 3]
    assert [q for b in batches for q in b] == quads


def test_a_graph_with_a_blank_node_is_not_cut_after_it():
    blank = ox.BlankNode("x")
    quads = [_quad(i, G) for i in range(12)] + [_quad(i, G, blank) for i in range(15)] + [_quad(0, H)]
    batches = list(_batches(quads, 10))
    # cut once before the blank node appears, never between its quads
    assert [len(b) for b in batches] == [10, 17, 1]
    assert sum(any(q.subject == blank for q in batch) for batch in batches) == 1
