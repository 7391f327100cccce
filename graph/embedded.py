"""The default backend: pyoxigraph on disk (RocksDB), no server to run."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from erfgoed.errors import UserError
from erfgoed.graph.store import QueryResult, Store, update_text


class EmbeddedStore(Store):
    def __init__(self, path: Path):
        self.location = str(path)
        # held by every write, and by the SPARQL workers while they open a snapshot (api/sparql_workers.py)
        self.write_lock = threading.RLock()
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

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """A write the disk refuses (full, read-only) is a plain error naming the store. RocksDB
        applies each write batch whole or not at all, so what was stored before stays intact."""
        try:
            with self.write_lock:
                yield
        except OSError as exc:
            raise UserError(f"cannot write to store {self.location}: {exc}. Nothing of this write was "
                            "stored; free disk space (or make the folder writable) and run it "
                            "again.") from None

    def update(self, sparql: str) -> None:
        with self._writing():
            self._store.update(sparql)

    def add(self, quads: Iterable[ox.Quad], *, bulk: bool = False) -> None:
        with self._writing():
            if bulk:
                self._store.bulk_extend(quads)
            else:
                self._store.extend(quads)

    def add_nquads(self, data: bytes, *, bulk: bool = False) -> None:
        with self._writing():
            if bulk:
                self._store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
            else:
                self._store.load(data, format=ox.RdfFormat.N_QUADS)

    def replace(self, *, drop_graphs: Iterable[str] = (),
                delete_subjects: Iterable[tuple[str, str]] = (),
                insert: Iterable[ox.Quad] = ()) -> None:
        text = update_text(drop_graphs, delete_subjects, insert)
        if text:
            with self._writing():
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
        with self._writing():
            self._store.flush()

    def close(self) -> None:
        if getattr(self, "_store", None) is not None:
            try:
                self._store.flush()
            except OSError:  # a full or read-only disk: the writes already failed with their error
                pass
            del self._store
            self._store = None
