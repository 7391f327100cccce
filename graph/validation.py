"""SHACL validation of records before they are loaded.

The Rust `shacl` package (Oxigraph's parsers, ~30x faster than pyshacl here, 98/98 W3C core
tests) validates a whole batch at once; results are handed back per record, in plain Dutch and
English. pyshacl stays as the reference we cross-check against (tests/test_validation.py).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox
import shacl

from erfgoed.graph.namespaces import PREFIXES

SHAPES_DIR = Path(__file__).parent.parent / "shapes"
ONTOLOGY_DIR = Path(__file__).parent.parent / "ontology"
SH = PREFIXES["sh"]
SKOLEM = "urn:erfgoed:bnode:"
BLANK = re.compile(r"(^|\s)_:")

GENERIC = {  # component -> (nl, en), for shapes that carry no sh:message of their own
    "MinCountConstraintComponent": ("{name} ontbreekt.", "{name} is missing."),
    "MaxCountConstraintComponent": ("{name}: te veel waarden.", "{name}: too many values."),
    "DatatypeConstraintComponent": ("{name}: '{value}' heeft niet het juiste type.",
                                    "{name}: '{value}' is not of the right type."),
    "PatternConstraintComponent": ("{name}: '{value}' heeft niet de juiste vorm.",
                                   "{name}: '{value}' does not have the right form."),
}


@dataclass
class Problem:
    """One thing wrong with one record, as the institution should read it."""
    record: str
    severity: str                 # Violation (not published) | Warning | Info
    message_nl: str
    message_en: str
    field: str | None = None      # the mapping field (report adds the source column)
    value: str | None = None
    shape: str | None = None      # the property shape's IRI: the kind of problem
    focus: str | None = None
    path: str | None = None
    component: str | None = None
    line: int | None = None
    column: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class _ShapeText:
    field: str | None
    name: dict[str, str]
    message: dict[str, str]


def _shape_texts(shapes_path: Path) -> dict[str, _ShapeText]:
    """sh:name / sh:message per language and erf:field, for every shape with an IRI."""
    store = ox.Store()
    store.load(path=str(shapes_path), format=ox.RdfFormat.TURTLE)
    texts: dict[str, _ShapeText] = {}
    q = f"""PREFIX sh: <{SH}> PREFIX erf: <{PREFIXES['erf']}>
    SELECT ?shape ?p ?v WHERE {{ ?shape ?p ?v . FILTER(isIRI(?shape))
      VALUES ?p {{ sh:name sh:message erf:field }} }}"""
    for shape, p, v in store.query(q):
        t = texts.setdefault(shape.value, _ShapeText(None, {}, {}))
        if p.value.endswith("field"):
            t.field = v.value
        else:
            (t.name if p.value.endswith("name") else t.message)[v.language or "en"] = v.value
    return texts


class Validator:
    """Validates batches of records against one application profile (a shapes file)."""

    def __init__(self, profile: str | Path, context: tuple[Path, ...] | None = None):
        path = Path(profile) if Path(profile).suffix else SHAPES_DIR / f"{profile}.ttl"
        if not path.exists():
            from erfgoed.errors import UserError

            raise UserError(f"no shapes for profile '{profile}' ({path} not found).")
        self.path = path
        self.shapes = shacl.Shapes.from_file(str(path))
        self.texts = _shape_texts(path)
        context = tuple(sorted(ONTOLOGY_DIR.glob("*.ttl"))) if context is None else context
        self.context = "".join(
            ox.serialize(ox.parse(path=str(p), format=ox.RdfFormat.TURTLE),
                         format=ox.RdfFormat.N_TRIPLES).decode() for p in context)

    @property
    def fingerprint(self) -> str:
        import hashlib

        return hashlib.sha256(self.path.read_bytes() + self.context.encode()).hexdigest()[:16]

    def validate(self, graphs: list[list[ox.Quad]], ids: list[str]) -> list[list[Problem]]:
        """Problems per record (same order as `graphs`); all records validated in one run, as
        one data graph (the quads' graph names are ignored)."""
        all_quads = [q for g in graphs for q in g]
        text = ox.serialize(all_quads, format=ox.RdfFormat.N_QUADS).decode()
        blank = "_:" in text and BLANK.search(text) is not None
        if blank:  # the validator relabels blank nodes, so give them IRIs it keeps
            text = "".join(f"{_skolem(q.subject)} {q.predicate} {_skolem(q.object)} .\n"
                           for q in all_quads)
        report = self.shapes.validate_text(self.context + text, format="nquads")
        problems: list[list[Problem]] = [[] for _ in graphs]
        if not report.results:
            return problems
        focus = {r.focus_node for r in report.results}
        owners: dict[str, set[int]] = {}
        for i, quads in enumerate(graphs):  # only now, and only for nodes that have problems
            for q in quads:
                s = _skolem(q.subject) if blank else str(q.subject)
                if s in focus:
                    owners.setdefault(s, set()).add(i)
        seen: set[tuple] = set()
        for r in report.results:
            for i in sorted(owners.get(r.focus_node, ())):
                p = self._problem(ids[i], r)
                key = (i, p.message_en, p.focus, p.value)  # datatype + pattern on one value
                if key not in seen:
                    seen.add(key)
                    problems[i].append(p)
        return problems

    def _problem(self, record: str, r: shacl.Result) -> Problem:
        shape = (r.source_shape or "").strip("<>")
        text = self.texts.get(shape) or _ShapeText(None, {}, {})
        value = r.value_plain
        if text.message:
            nl = text.message.get("nl") or text.message.get("en", "")
            en = text.message.get("en") or nl
        else:
            name_nl = text.name.get("nl") or r.path or "waarde"
            name_en = text.name.get("en") or r.path or "value"
            tpl = GENERIC.get(r.component, ("{name}: ongeldig ({component}).",
                                            "{name}: invalid ({component})."))
            nl = tpl[0].format(name=name_nl, value=value, component=r.component)
            en = tpl[1].format(name=name_en, value=value, component=r.component)
        focus = r.focus_node.strip("<>")
        # Record-scoped nodes are minted as <object>#<field> (see mappings/queries), so the
        # fragment names the field more precisely than the shape can (#breedte vs #hoogte).
        fragment = focus.rsplit("#", 1)[1] if "#" in focus else ""
        field = fragment if text.field and fragment.isalpha() else text.field
        return Problem(record=record, severity=r.severity, message_nl=nl, message_en=en,
                       field=field, value=value, shape=shape or None,
                       focus=focus, path=r.path, component=r.component)


def _skolem(term: object) -> str:
    """Blank nodes get IRIs for validation: the validator relabels blank nodes, IRIs survive."""
    if isinstance(term, ox.BlankNode):
        return f"<{SKOLEM}{term.value}>"
    return str(term)
