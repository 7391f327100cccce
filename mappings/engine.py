"""Declarative mappings: a mapping file (TOML) + a SPARQL CONSTRUCT query, no Python per source.

How a batch of rows becomes OSLO RDF:
1. *Lift*: each row becomes a node `?row` with one `f:<field>` literal per value - lossless and
   generic (columns renamed to the query's fields by the mapping file; cells split on separators;
   paired fields, like maker + role, as `f:pair-<field>` nodes).
2. *Construct*: the query's WHERE clause runs once over the whole batch, as a SELECT, in an
   in-memory Oxigraph store; its template is then filled in per solution and the triples grouped
   by `?row`. Same result as running the CONSTRUCT row by row, at batch speed.
Extension functions (erf:date-edtf, erf:mint, ...) are in functions.py.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from lxml import etree

from erfgoed.errors import UserError
from erfgoed.graph.uris import Minter
from erfgoed.harvesters.record import Record
from erfgoed.mappings.functions import functions
from erfgoed.mappings.lift import ROW, JsonLift, RowLift, XmlLift, field_iri

MAPPINGS_DIR = Path(__file__).parent
MAPPING_KEYS = {"name", "title", "description", "query", "shapes", "id", "language", "required",
                "sheet", "columns", "split", "pairs", "defaults", "format", "namespaces", "fields",
                "groups", "record", "schema"}
FORMATS = ("table", "xml", "json", "rdf")


# -- the CONSTRUCT query, split into its template and a SELECT over its WHERE clause -----------
def _template_span(text: str) -> tuple[int, int, int]:
    """(start of CONSTRUCT, index of template '{', index after its '}') - skipping comments,
    strings and IRIs, which may hold braces."""
    i, n, depth, start, open_at = 0, len(text), 0, -1, -1
    while i < n:
        ch = text[i]
        if ch == "#":
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif ch in "\"'":
            quote = ch * 3 if text.startswith(ch * 3, i) else ch
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote) - 1
        elif ch == "<" and start >= 0:
            i = text.find(">", i)
        elif start < 0 and text[i:i + 9].upper() == "CONSTRUCT" and (i == 0 or not text[i - 1].isalnum()):
            start = i
            i += 8
        elif ch == "{" and start >= 0:
            if depth == 0:
                open_at = i
            depth += 1
        elif ch == "}" and start >= 0:
            depth -= 1
            if depth == 0:
                return start, open_at, i + 1
        i += 1
    raise UserError("mapping query: expected CONSTRUCT { template } WHERE { ... }")


def _term(t: object) -> ox.NamedNode | ox.Literal | ox.Variable:
    from rdflib import Literal, URIRef, Variable

    if isinstance(t, Variable):
        return ox.Variable(str(t))
    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, Literal):
        if t.language:
            return ox.Literal(str(t), language=t.language)
        return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)) if t.datatype else None)
    raise UserError(f"mapping query: blank node {t} in the template; mint an IRI instead "
                    "(e.g. BIND(IRI(CONCAT(STR(?object), '#productie')) AS ?productie)).")


@dataclass
class CompiledQuery:
    select: str
    template: list[tuple[object, object, object]]
    _emitters: dict = field(default_factory=dict, repr=False)

    def emitter(self, variables: tuple[str, ...]) -> Callable[[tuple, set, object], None]:
        """A function adding the template's triples for one solution (a tuple of values in
        `variables` order) to a set, as quads in graph `g`. Generated once per variable order:
        the per-solution work is then only None checks - CONSTRUCT drops a triple when a
        variable is unbound."""
        if variables in self._emitters:
            return self._emitters[variables]
        index = {v: i for i, v in enumerate(variables)}
        consts: list[object] = []
        body = []
        for triple in self.template:
            terms, conds = [], []
            for pos, t in zip("spo", triple, strict=True):
                if isinstance(t, ox.Variable):
                    if t.value not in index:
                        break  # never bound: CONSTRUCT never emits this triple
                    ref = f"v[{index[t.value]}]"
                    conds.append(f"{ref} is not None")
                    if pos == "s":
                        conds.append(f"type({ref}) is not Literal")
                    elif pos == "p":
                        conds.append(f"type({ref}) is NamedNode")
                    terms.append(ref)
                else:
                    consts.append(t)
                    terms.append(f"C[{len(consts) - 1}]")
            else:
                line = f"add(Quad({', '.join(terms)}, g))"
                body.append(f"    if {' and '.join(conds)}: {line}" if conds else f"    {line}")
        source = "def emit(v, out, g):\n    add = out.add\n" + "\n".join(body or ["    pass"])
        scope = {"Quad": ox.Quad, "Literal": ox.Literal, "NamedNode": ox.NamedNode, "C": consts}
        exec(compile(source, "<mapping template>", "exec"), scope)  # noqa: S102 - our own code
        self._emitters[variables] = scope["emit"]
        return scope["emit"]

    @classmethod
    def from_text(cls, text: str, name: str) -> CompiledQuery:
        from rdflib.plugins.sparql import prepareQuery

        try:
            parsed = prepareQuery(text)
        except Exception as exc:  # rdflib raises pyparsing errors of several kinds
            raise UserError(f"mapping query {name}: syntax error: {exc}") from None
        template = getattr(parsed.algebra, "template", None)
        if parsed.algebra.name != "ConstructQuery" or not template:
            raise UserError(f"mapping query {name}: must be CONSTRUCT {{ template }} WHERE {{...}}")
        triples = [tuple(_term(t) for t in triple) for triple in template]
        start, _, end = _template_span(text)
        brace = text.index("{", end)  # the WHERE group; the given values are injected there
        select = text[:start] + "SELECT *" + text[end:brace + 1] + "\n%(given)s\n" + text[brace + 1:]
        if "?row" not in text[end:]:
            raise UserError(f"mapping query {name}: the WHERE clause must match the lifted "
                            "row as ?row (e.g. ?row f:titel ?titel).")
        return cls(select=select, template=triples)


# -- mapping files ----------------------------------------------------------------------------
@dataclass
class Mapping:
    name: str
    query_name: str
    shapes: str
    id_column: str
    language: str = "nl"
    title: str = ""
    description: str = ""
    sheet: str | None = None
    required: tuple[str, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)
    split: dict[str, str] = field(default_factory=dict)
    pairs: dict[str, list[str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    format: str = "table"          # what the payload is: table row, xml, json, or rdf (OSLO as is)
    namespaces: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    groups: dict[str, dict[str, str]] = field(default_factory=dict)
    record: str = ""               # xml files: the element that is one record (e.g. lido:lido)
    schema: str = ""               # xml: the XSD to check records against (a key of xmlschema.SCHEMAS)
    source: str = ""               # the mapping file, so a worker process can load it too
    fingerprint: str = ""
    compiled: CompiledQuery | None = None

    def __post_init__(self) -> None:
        if self.format == "xml":
            self.lifter = XmlLift(self.namespaces, self.fields, self.groups)
        elif self.format == "json":
            self.lifter = JsonLift(self.columns)
        else:
            self.lifter = RowLift(self.columns, self.split, self.pairs, self.defaults)

    def column_of(self, field_name: str) -> str:
        """The source column that feeds a query field (for error messages)."""
        for col, f in self.columns.items():
            if f == field_name:
                return col
        return field_name

    # lift ------------------------------------------------------------------------------------
    def lift(self, index: int, record: Record) -> list[ox.Quad]:
        row = ox.NamedNode(f"{ROW}{index}")
        return [ox.Quad(row, field_iri("_id"), ox.Literal(record.local_id)),
                *self.lifter(row, record.payload)]

    # construct -------------------------------------------------------------------------------
    def map_batch(self, records: Sequence[Record], minter: Minter, dataset: str,
                  institution: str = "", graphs: Sequence[ox.NamedNode] | None = None,
                  errors: dict[int, str] | None = None) -> list[list[ox.Quad]]:
        """The OSLO triples of each record, in order, as quads in the record's graph (the
        default graph when `graphs` is not given). A record that cannot be read maps to nothing
        and its reason goes into `errors` (by position)."""
        errors = {} if errors is None else errors
        graph_of = list(graphs) if graphs is not None else [ox.DefaultGraph()] * len(records)
        lifted: list[ox.Quad] = []
        for i, r in enumerate(records):
            try:
                if self.format == "rdf":
                    lifted += parse_rdf(r.payload, graph_of[i])
                else:
                    lifted += self.lift(i, r)
            except (ValueError, SyntaxError, etree.XMLSyntaxError) as exc:
                errors[i] = f"{self.format.upper()} cannot be read: {exc}"
        if self.format == "rdf":
            out_rdf: list[list[ox.Quad]] = [[] for _ in records]
            index = {g.value if isinstance(g, ox.NamedNode) else "": i
                     for i, g in enumerate(graph_of)}
            for q in lifted:
                out_rdf[index[q.graph_name.value if isinstance(q.graph_name, ox.NamedNode)
                              else ""]].append(q)
            return out_rdf
        assert self.compiled is not None
        scratch = ox.Store()
        scratch.extend(lifted)
        # Given values as a VALUES row (substitutions would not reach variables that only
        # appear inside expressions, such as ?lang in STRLANG(?t, ?lang)).
        given = {"base": minter.base, "dataset": dataset, "lang": self.language,
                 "institution": institution or dataset}
        values = (f"VALUES ({' '.join('?' + k for k in given)}) "
                  f"{{ ({' '.join(str(ox.Literal(v)) for v in given.values())}) }}")
        out: list[set[ox.Quad]] = [set() for _ in records]
        solutions = scratch.query(self.compiled.select.replace("%(given)s", values),
                                  custom_functions=_functions(minter, dataset))
        variables = tuple(v.value for v in solutions.variables)
        emit = self.compiled.emitter(variables)
        row_at = variables.index("row")
        rows: dict[str, tuple[set[ox.Quad], object]] = {}
        for sol in solutions:
            vals = tuple(sol)
            row = vals[row_at]
            if row is None:
                continue
            target = rows.get(row.value)
            if target is None:
                i = int(row.value[len(ROW):])
                target = rows[row.value] = (out[i], graph_of[i])
            emit(vals, *target)
        return [list(t) for t in out]


def parse_rdf(payload: str, graph: ox.NamedNode | ox.DefaultGraph) -> list[ox.Quad]:
    """A record that is RDF already (an LDES member in OSLO): its N-Triples, in its graph."""
    return [ox.Quad(t.subject, t.predicate, t.object, graph)
            for t in ox.parse(payload.encode(), format=ox.RdfFormat.N_TRIPLES)]


_FN_CACHE: dict[tuple[str, str], dict[ox.NamedNode, Callable[..., object]]] = {}


def _functions(minter: Minter, dataset: str) -> dict[ox.NamedNode, Callable[..., object]]:
    key = (minter.base, dataset)
    if key not in _FN_CACHE:
        _FN_CACHE[key] = functions(minter, dataset)
    return _FN_CACHE[key]


def available_mappings() -> list[str]:
    return sorted(p.stem for p in MAPPINGS_DIR.glob("*.toml"))


def load_mapping(name_or_path: str) -> Mapping:
    """A mapping by name (mappings/<name>.toml) or by path to a .toml file."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = MAPPINGS_DIR / f"{name_or_path}.toml"
    if not path.exists():
        raise UserError(f"no mapping named '{name_or_path}'. Available: "
                        f"{', '.join(available_mappings())}.")
    text = path.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: not valid TOML: {exc}") from None
    unknown = set(raw) - MAPPING_KEYS
    if unknown:
        raise UserError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}; "
                        f"allowed: {', '.join(sorted(MAPPING_KEYS))}.")
    fmt = raw.get("format", "table")
    if fmt not in FORMATS:
        raise UserError(f"{path}: format '{fmt}' is not one of {', '.join(FORMATS)}.")
    for key in ("shapes", "id") + (() if fmt == "rdf" else ("query",)):
        if key not in raw:
            raise UserError(f"{path}: '{key}' is required.")
    query_text, compiled = "", None
    if fmt != "rdf":
        query_path = MAPPINGS_DIR / "queries" / f"{raw['query']}.rq"
        if not query_path.exists():
            raise UserError(f"{path}: query '{raw['query']}' not found in mappings/queries/.")
        query_text = query_path.read_text(encoding="utf-8")
        compiled = CompiledQuery.from_text(query_text, query_path.name)
    fingerprint = hashlib.sha256((text + "\x00" + query_text).encode()).hexdigest()[:16]
    return Mapping(
        name=raw.get("name", path.stem), query_name=raw.get("query", ""), shapes=raw["shapes"],
        id_column=raw["id"], language=raw.get("language", "nl"), title=raw.get("title", ""),
        description=raw.get("description", ""), sheet=raw.get("sheet"),
        required=tuple(raw.get("required", ())), columns=dict(raw.get("columns", {})),
        split=dict(raw.get("split", {})), defaults=dict(raw.get("defaults", {})),
        pairs={k: list(v) for k, v in raw.get("pairs", {}).items()}, format=fmt,
        namespaces=dict(raw.get("namespaces", {})), fields=dict(raw.get("fields", {})),
        groups={k: dict(v) for k, v in raw.get("groups", {}).items()},
        record=raw.get("record", ""), schema=raw.get("schema", ""), source=str(path),
        fingerprint=fingerprint, compiled=compiled)


__all__ = ["Mapping", "load_mapping", "available_mappings"]
