"""Personal and organisation names, parsed for actor resolution.

Built on the term network's normalisation (graph/terms/normalise.py: folding, inverted names, life
dates in parentheses or after a comma), so a name is normalised one way everywhere. On top of it:
family and given names, initials ("P.P. Rubens"), generation markers ("Pieter Bruegel I",
"de Oude", "Jr."), name particles ("van", "de", "von") and a phonetic key that lets spelling
variants meet ("Bruegel"/"Brueghel", "Bakhuizen"/"Backhuysen", "Pieter"/"Peter").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from erfgoed.graph.terms.normalise import direct_order, fold, split_dates, strip_article
from erfgoed.graph.terms.normalise import years as _years

PARTICLES = frozenset(
    {
        "van",
        "de",
        "der",
        "den",
        "von",
        "vander",
        "vanden",
        "vande",
        "la",
        "le",
        "du",
        "des",
        "ter",
        "ten",
        "t",
        "d",
        "di",
        "da",
        "del",
        "della",
        "zu",
        "af",
        "op",
        "in",
    }
)
# Generation markers -> a canonical token; two actors with different markers are different people.
# "Pieter Bruegel I" is "de Oude" (the Elder), "Pieter Brueghel II" "de Jonge": I/II read as elder/younger.
GENERATIONS = {
    "i": "1",
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "sr": "1",
    "senior": "1",
    "jr": "2",
    "junior": "2",
    "oude": "1",
    "elder": "1",
    "jonge": "2",
    "younger": "2",
}
_GENERATION_WORDS = {"de", "the"}  # "de Oude", "the Elder"
# Names that say "we do not know who": never resolved into one actor.
UNKNOWN = frozenset(
    {
        "onbekend",
        "anoniem",
        "unknown",
        "anonymous",
        "anoniem kunstenaar",
        "onbekende maker",
        "nn",
        "n n",
        "x",
        "divers",
        "diverse",
        "various",
    }
)
_PHONETIC = [
    ("sch", "s"),
    ("ch", "g"),
    ("gh", "g"),
    ("ph", "f"),
    ("th", "t"),
    ("ck", "k"),
    ("dt", "t"),
    ("ij", "i"),
    ("ei", "i"),
    ("ey", "i"),
    ("ae", "a"),
    ("oe", "u"),
    ("c", "k"),
    ("q", "k"),
    ("z", "s"),
    ("y", "i"),
    ("w", "v"),
]


@dataclass(frozen=True, slots=True)
class Name:
    """One written name, parsed. All fields folded (lower case ASCII) except `text`."""

    text: str  # as written
    direct: str  # "peter paul rubens": direct order, no dates
    family: str  # "rubens" / "dyck" (last word of the family name, no particles)
    given: tuple[str, ...]  # ("peter", "paul"); initials are one-letter words ("p", "p")
    generation: str  # "1", "2", "elder", ... or ""
    years: tuple[int | None, int | None]  # life dates written in the name
    unknown: bool  # "Onbekend", "anonymous"

    @property
    def initials(self) -> str:
        return "".join(g[0] for g in self.given)

    @property
    def has_initials_only(self) -> bool:
        return bool(self.given) and all(len(g) == 1 for g in self.given)


@lru_cache(maxsize=200_000)
def phonetic(word: str) -> str:
    """A spelling-variant key: first letter, then the consonants after Dutch/English spelling folds
    ("brueghel" -> "brgl", "bakhuysen" -> "bksn"); vowels and doubled letters do not count."""
    if not word:
        return ""
    w = word
    for a, b in _PHONETIC:
        w = w.replace(a, b)
    first = word[0] if word[0] not in "ckqz" else {"c": "k", "k": "k", "q": "k", "z": "s"}[word[0]]
    rest = re.sub(r"[aeiouh]", "", w[1:])
    return first + re.sub(r"(.)\1+", r"\1", rest)


_LEADING_INITIALS = re.compile(r"^(?:\s*[^\W\d_]\.)+(?=\s*[^\W\d_]{2})")


@lru_cache(maxsize=200_000)
def parse(text: str) -> Name:
    """ "Rubens, Peter Paul" / "P.P. Rubens" / "Pieter Paul Rubens (1577-1640)" -> Name."""
    rest, dates, qualifier = split_dates(text.strip())
    years = _years(dates)
    inverted = rest.count(",") == 1
    in_order = direct_order(rest)
    # initials written as such ("T. Reemol", "A. Peeters") are given names, never a particle ('t)
    # or an article (a) to drop
    lead = _LEADING_INITIALS.match(in_order)
    n_initials = sum(ch.isalpha() for ch in lead.group(0)) if lead else 0
    words = fold(in_order).split()
    generation, words = _generation(words)
    if not generation and qualifier:  # "Bruegel, Pieter (de Oude)"
        generation, _ = _generation(["x", *qualifier.split()])
    if inverted:
        family_part = fold(rest.split(",")[0]).split()
        family_part = [w for w in family_part if w not in GENERATIONS or len(family_part) == 1]
        given_words = words[: max(0, len(words) - len(family_part))]
    else:
        family_part, given_words = _split_direct(words, n_initials)
    core = [w for w in family_part if w not in PARTICLES] or family_part
    family = core[-1] if core else ""
    given = tuple(w for i, w in enumerate(given_words) if i < n_initials or w not in PARTICLES)
    direct = " ".join(words) if n_initials else strip_article(" ".join(words))
    return Name(text, direct, family, given, generation, years, direct in UNKNOWN or not direct)


def _split_direct(words: list[str], initials: int = 0) -> tuple[list[str], list[str]]:
    """ "peter paul rubens" -> (["rubens"], ["peter", "paul"]); "antoon van dyck" keeps "van" with the
    family name; one word ("Rembrandt") is a family name with no given names. The first `initials`
    words were written as initials: given names, whatever particle they spell."""
    if len(words) <= 1:
        return words, []
    start = len(words) - 1
    while start > initials and words[start - 1] in PARTICLES:
        start -= 1
    return words[start:], words[:start]


def _generation(words: list[str]) -> tuple[str, list[str]]:
    """Take a generation marker off the end (or the start, for "de Oude Bruegel" written inverted)."""
    if (
        len(words) >= 3
        and words[-2] in _GENERATION_WORDS
        and words[-1] in ("oude", "jonge", "elder", "younger")
    ):
        return GENERATIONS[words[-1]], words[:-2]
    if len(words) >= 2 and words[-1] in GENERATIONS:
        return GENERATIONS[words[-1]], words[:-1]
    for i, w in enumerate(words[1:-1], start=1):  # "Bruegel, Pieter I" -> "pieter i bruegel"
        if w in ("i", "ii", "iii", "iv", "jr", "sr"):
            return GENERATIONS[w], words[:i] + words[i + 1 :]
    return "", words


def year_of(text: str | None) -> int | None:
    """The year of "1577", "1577-06-28", "ca. 1460"; None when there is none."""
    m = re.search(r"(?<!\d)(\d{3,4})(?!\d)", text or "")
    return int(m.group(1)) if m else None


def given_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> str:
    """How two lists of given names agree: "same", "variant" (same spelling keys), "initials"
    ("p p" against "peter paul", or "peter" against "peter paul"), "" when they conflict."""
    if a == b:
        return "same"
    if len(a) == len(b) and all(phonetic(x) == phonetic(y) for x, y in zip(a, b, strict=True)):
        return "variant"
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    for i, w in enumerate(short):
        other = long_[i]
        if len(w) == 1 or len(other) == 1:
            if w[0] != other[0]:
                return ""
        elif phonetic(w) != phonetic(other):
            return ""
    return "initials"
