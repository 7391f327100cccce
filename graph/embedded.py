"""The default backend: pyoxigraph on disk (RocksDB), no server to run."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from erfgoed.errors import UserError
from erfgoed.graph.store import QueryResult, Store, update_text


class EmbeddedStore(Store):
    def __init__(self, path: Path):
        self.location = str(path)
        try:
            path.mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(str(path))
        except OSError as exc:
            text = str(exc)
            if "lock" in text.lower():
                raise UserError(
                    f"store {path} is in use by another process (is `erfgoed serve` running?). "
                    "Stop it, or send the data through the running server's API."
                ) from None
            raise UserError(f"cannot open store {path}: {text}") from None

    def query(self, sparql: str, *, substitutions: dict[ox.Variable, Any] | None = None,
              custom_functions: dict[ox.NamedNode, Callable[..., Any]] | None = None,
              union: bool = True) -> QueryResult:
        return self._store.query(sparql, use_default_graph_as_union=union,
                                 substitutions=substitutions, custom_functions=custom_functions)

    def update(self, sparql: str) -> None:
        self._store.update(sparql)

    def add(self, quads: Iterable[ox.Quad], *, bulk: bool = False) -> None:
        if bulk:
            self._store.bulk_extend(quads)
        else:
            self._store.extend(quads)

    def replace(self, *, drop_graphs: Iterable[str] = (),
                delete_subjects: Iterable[tuple[str, str]] = (),
                insert: Iterable[ox.Quad] = ()) -> None:
        text = update_text(drop_graphs, delete_subjects, insert)
        if text:
            self._store.update(text)

    def has_graph(self, graph: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(graph))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        g = ox.NamedNode(graph) if graph else None
        return iter(self._store.quads_for_pattern(None, None, None, g))

    def count(self) -> int:
        return len(self._store)

    def dump(self, path: Path) -> int:
        self._store.dump(str(path), format=ox.RdfFormat.N_QUADS)
        return len(self._store)

    def restore(self, path: Path) -> None:
        try:
            self._store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        except SyntaxError as exc:
            raise UserError(f"{path}: not a valid N-Quads file: {exc}") from None
        self._store.flush()

    def flush(self) -> None:
        self._store.flush()

    def close(self) -> None:
        if getattr(self, "_store", None) is not None:
            self._store.flush()
            del self._store
            self._store = None
