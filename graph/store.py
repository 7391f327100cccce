"""The Store interface: what the rest of erfgoed-kg may ask of a graph store.

One interface, two implementations: embedded pyoxigraph (graph/embedded.py) and SPARQL-protocol
servers (graph/remote.py, with each server's quirks in graph/dialects.py).
Results are pyoxigraph objects whatever the backend, so callers never see the difference.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from erfgoed.errors import UserError

QueryResult = ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean


class Store(ABC):
    """A quad store with one named graph per record.

    Queries run over the union of all named graphs unless told otherwise; every write is one
    transaction unless `bulk=True` (faster, not atomic: callers commit through a later
    transactional write, see graph/ingest.py).
    """

    location: str

    @abstractmethod
    def query(self, sparql: str, *, substitutions: dict[ox.Variable, Any] | None = None,
              custom_functions: dict[ox.NamedNode, Callable[..., Any]] | None = None,
              union: bool = True) -> QueryResult: ...

    @abstractmethod
    def update(self, sparql: str) -> None: ...

    @abstractmethod
    def add(self, quads: Iterable[ox.Quad], *, bulk: bool = False) -> None: ...

    def add_nquads(self, data: bytes, *, bulk: bool = False) -> None:
        """`add` for N-Quads text (what the ingest's workers produce); backends that can load
        text directly skip building Python quads."""
        self.add(ox.parse(data, format=ox.RdfFormat.N_QUADS), bulk=bulk)

    @abstractmethod
    def replace(self, *, drop_graphs: Iterable[str] = (), delete_subjects: Iterable[tuple[str, str]] = (),
                insert: Iterable[ox.Quad] = ()) -> None:
        """In one transaction: drop whole graphs, delete every triple of (graph, subject), insert."""

    @abstractmethod
    def has_graph(self, graph: str) -> bool: ...

    @abstractmethod
    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]: ...

    @abstractmethod
    def count(self) -> int: ...

    @abstractmethod
    def dump(self, path: Path) -> int:
        """Write every quad as N-Quads; returns the number written."""

    @abstractmethod
    def restore(self, path: Path) -> None:
        """Load an N-Quads dump (into an empty store, or on top of what is there)."""

    def close(self) -> None:  # noqa: B027 - optional for backends holding no resources
        pass

    def flush(self) -> None:  # noqa: B027 - optional: for backends that buffer writes in memory
        """Write buffered changes out (an embedded store's memtables grow with every write until
        flushed: ~1 KB per quad, so a long ingest flushes after each batch)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# The standard SPARQL Update operations of a write, written once: the embedded store's `replace`
# and every SPARQL server's (graph/dialects.py; a server that needs others overrides them there).
def delete_ops(drop_graphs: Iterable[str], delete_subjects: Iterable[tuple[str, str]]) -> list[str]:
    """Operations dropping whole graphs and every triple of (graph, subject)."""
    return ([f"DROP SILENT GRAPH <{g}>" for g in drop_graphs]
            + [f"DELETE WHERE {{ GRAPH <{g}> {{ <{s}> ?p ?o }} }}" for g, s in delete_subjects])


def insert_ops(quads: Iterable[ox.Quad]) -> list[str]:
    """One INSERT DATA for `quads` (none when empty), a block per graph: one operation, so a blank
    node in two graphs stays one node (a blank node label may not span two operations of a request)."""
    blocks: dict[str, list[str]] = {}
    for q in quads:
        g = "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
        blocks.setdefault(g, []).append(f"{q.subject} {q.predicate} {q.object} .")
    body = " ".join(f"GRAPH <{g}> {{ {' '.join(ts)} }}" if g else " ".join(ts) for g, ts in blocks.items())
    return [f"INSERT DATA {{ {body} }}"] if blocks else []


def update_text(drop_graphs: Iterable[str], delete_subjects: Iterable[tuple[str, str]],
                insert: Iterable[ox.Quad]) -> str:
    """One SPARQL Update request doing a `replace` (a request is one transaction)."""
    return " ;\n".join(delete_ops(drop_graphs, delete_subjects) + insert_ops(insert))


BACKENDS = "a directory (embedded), oxigraph+http://HOST:PORT, virtuoso+http://HOST:PORT or sparql+https://.../query"


def open_store(location: str, config: Any = None) -> Store:
    """The store a `--store` value names: a directory (embedded) or a server URL whose scheme names
    the server's kind. `config` (an erfgoed Config) supplies the generic backend's update and Graph
    Store URLs and the request timeout; credentials come from ERFGOED_STORE_USER/_PASSWORD."""
    if "://" not in location:
        from erfgoed.graph.embedded import EmbeddedStore

        return EmbeddedStore(Path(location))
    from erfgoed.graph import dialects
    from erfgoed.graph.remote import RemoteStore

    scheme, rest = location.split("://", 1)
    kind, _, transport = scheme.partition("+")
    setting = (lambda key: config[key]) if config is not None else _default_setting
    if transport not in ("http", "https") or kind not in ("oxigraph", "virtuoso", "sparql"):
        raise UserError(f"store '{location}': the {scheme} backend is not available in this version; "
                        f"use {BACKENDS}.")
    url = f"{transport}://{rest}"
    user = os.environ.get("ERFGOED_STORE_USER", "")
    if kind == "oxigraph":
        dialect: dialects.GenericSparql = dialects.OxigraphServer(url)
    elif kind == "virtuoso":
        dialect = dialects.Virtuoso(url, authenticated=bool(user))
    else:
        dialect = dialects.GenericSparql(url, setting("store.update_url"), setting("store.graph_store_url"))
    return RemoteStore(location, dialect, timeout=setting("store.timeout_seconds"), user=user,
                       password=os.environ.get("ERFGOED_STORE_PASSWORD", ""))


def _default_setting(key: str) -> Any:
    from erfgoed.config import SETTINGS

    return SETTINGS[key].default
