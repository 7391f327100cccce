"""Label normalisation for matching: the keys under which a label is found, whatever its spelling.

`forms(label)` turns one label into `Forms`: the folded text (case, accents, punctuation), the
name in direct order ("Rubens, Peter Paul" -> "peter paul rubens"), without a leading article,
and with every word folded to its singular (Dutch and English). Life dates and qualifiers in
parentheses are set aside, not thrown away, so scoring can use them. Pure functions only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

ARTICLES = frozenset({"de", "het", "een", "t", "the", "a", "an"})

# Irregular plurals the suffix rules cannot derive (Dutch -eren plurals, vowel changes; English).
IRREGULAR = {
    "kinderen": "kind", "eieren": "ei", "liederen": "lied", "bladeren": "blad", "volkeren": "volk",
    "goederen": "goed", "runderen": "rund", "kalveren": "kalf", "lammeren": "lam", "raderen": "rad",
    "beenderen": "been", "hoenderen": "hoen", "gelederen": "gelid", "schepen": "schip", "steden": "stad",
    "smeden": "smid", "children": "child", "men": "man", "women": "woman", "feet": "foot", "teeth": "tooth",
    "mice": "mouse", "geese": "goose", "people": "person",
    "musea": "museum",
}
# Dutch singulars ending in consonant + s, which the English -s rule would otherwise cut.
KEEP_S = frozenset({"mens", "grens", "prins", "dans", "kans", "wens", "lens", "kers", "beurs", "koers",
                    "vers", "fiets", "heks", "hals", "pols", "mars", "kurs", "bons", "gids", "schets",
                    "kaars", "laars", "koets", "fles", "mes", "les", "fris", "ets", "kroos", "kolos",
                    "chaos"})
_DATES = re.compile(r"^(?:(?:ca?|c|circa|geb|born|b|fl|actief|active)\.?\s*)?"
                    r"(\d{3,4})?\s*(?:-|–|—|/|tot|to)?\s*(?:(?:ca?|c|circa|gest|died|d|†)\.?\s*)?(\d{3,4})?\s*$")
_PAREN = re.compile(r"\s*[\(\[]([^\)\]]*)[\)\]]")
_TRAILING_DATES = re.compile(r",\s*((?:ca?\.?\s*)?\d{3,4}\s*(?:-|–)\s*(?:\d{3,4})?)\.?\s*$")
_APOSTROPHES = "'’`´ʼ"
_NON_WORD = re.compile(r"[^\w]+")
_PLURAL_S = re.compile(rf"(?<=\w)[{_APOSTROPHES}]s\b")
_ARTICLE_T = re.compile(rf"(^|\s)[{_APOSTROPHES}]t\b")
_VOWELS = "aeiou"
_LONG = ("oo", "aa", "uu", "eu", "ou", "au")       # doos, neus: a long vowel before s is no plural


@dataclass(frozen=True, slots=True)
class Forms:
    """One label, normalised. Every field but `text` is lower case ASCII-folded."""

    text: str                      # as given
    folded: str                    # "rubens peter paul": case, accents, punctuation folded
    direct: str                    # "peter paul rubens": an inverted name put in direct order
    core: str                      # `direct` without a leading article
    stem: str                      # `core` with every word folded to its singular
    dates: tuple[str, str] | None  # ("1577", "1640") from "(1577-1640)"; "" for an open end
    qualifier: str                 # "vaatwerk" from "bord (vaatwerk)"

    @property
    def inverted(self) -> bool:
        return self.direct != self.folded

    def keys(self, number: bool = True) -> set[str]:
        """Every key the index files this label under (and a query looks up): the direct order,
        the order as written, the words without spaces ("eiken houten"/"eikenhouten", "Van den
        Broeck"/"Vandenbroeck") and, with `number` (concepts, not names), the singular words."""
        words = self.stem if number else self.core
        keys = {self.core, words, self.core.replace(" ", "")}
        if self.inverted:
            keys.add(self.folded)                  # "rubens peter paul" typed without its comma
        keys.discard("")
        return keys


def fold(text: str) -> str:
    """Case, accents and punctuation folded: "Ébène, fine-grained" -> "ebene fine grained"."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold()
    if any(c in text for c in _APOSTROPHES):
        text = _PLURAL_S.sub("", text)                     # foto's -> foto (plural), Rubens's
        text = _ARTICLE_T.sub(r"\1t", text)                # 't Hooft -> t hooft (an article)
    return " ".join(_NON_WORD.sub(" ", text.replace("_", " ")).split())


def split_dates(text: str) -> tuple[str, tuple[str, str] | None, str]:
    """(label without parentheses, life dates, other parenthesised text) of one label.

    "Pieter Paul Rubens (1577-1640)" -> ("Pieter Paul Rubens", ("1577", "1640"), "");
    "bord (vaatwerk)" -> ("bord", None, "vaatwerk"); VIAF's "Rubens, Peter Paul, 1577-1640" too.
    """
    dates: tuple[str, str] | None = None
    qualifiers: list[str] = []
    if "(" not in text and "[" not in text and "," not in text:
        return text, None, ""

    def take(match: re.Match[str]) -> str:
        nonlocal dates
        inner = match.group(1).strip()
        found = _DATES.match(inner.lower()) if inner else None
        if found and (found.group(1) or found.group(2)) and dates is None:
            dates = (found.group(1) or "", found.group(2) or "")
        elif inner:
            qualifiers.append(inner)
        return " "

    rest = _PAREN.sub(take, text)
    trailing = _TRAILING_DATES.search(rest)
    if trailing and dates is None:
        found = _DATES.match(trailing.group(1).lower())
        if found:
            dates = (found.group(1) or "", found.group(2) or "")
            rest = rest[:trailing.start()]
    return " ".join(rest.split()), dates, fold(" ".join(qualifiers))


def direct_order(label: str) -> str:
    """ "Rubens, Peter Paul" -> "Peter Paul Rubens"; labels with no or several commas unchanged."""
    parts = [p.strip() for p in label.split(",")]
    if len(parts) == 2 and all(parts):
        return f"{parts[1]} {parts[0]}"
    return label


def strip_article(folded: str) -> str:
    """ "de stoel" -> "stoel", "the hague" -> "hague"; a lone article stays what it is."""
    words = folded.split(" ", 1)
    return words[1] if len(words) == 2 and words[0] in ARTICLES else folded


@lru_cache(maxsize=100_000)
def singular(word: str) -> str:
    """A folded word reduced to a singular key, the same for singular and plural forms.

    Not a dictionary form: a key both spellings share. Dutch: -en/-s/-'s, a doubled consonant
    before -en (katten -> kat), z/v before -en (huizen -> huis), -ijen (schilderijen ->
    schilderij), the -eren plurals of IRREGULAR (kinderen -> kind). English: -ies, -es, -s.
    Vowel length is folded (bomen/boom, straten/straat) and a final -e dropped (vases/vase,
    digitale/digitaal), because Dutch spelling alternates them between singular and plural.
    """
    return singulars(word)[0]


@lru_cache(maxsize=100_000)
def singulars(word: str) -> tuple[str, ...]:
    """`singular(word)` first, then the key had a final consonant + s been read the other way
    (a Dutch singular such as "monstrans", or an English plural such as "prints"): a query
    looks both up, so "monstransen" finds "monstrans" whichever way the index read it."""
    if word in IRREGULAR:
        return (_canonical(IRREGULAR[word]),)
    if len(word) < 4 or not word.isalpha() or word in KEEP_S:
        return (_canonical(word),)
    stem, other = word, ""
    if stem.endswith("ies") and len(stem) > 4:
        stem = stem[:-3] + "ie"                                   # cities -> citie, lelies -> lelie
    elif stem.endswith("s") and not stem.endswith(("ss", "us", "is", "as")) and stem[-3:-1] not in _LONG:
        stem, other = stem[:-1], stem                             # stoels, tafels, chairs, boxes
        if stem.endswith("e") and stem[-2:-1] in ("s", "x", "z", "h"):
            stem = stem[:-1]                                      # boxes -> box, churches -> church
    if stem.endswith("en") and len(stem) >= 5 and _en_suffix(stem):
        stem = _undo_en(stem[:-2])                                # keukens -> keuken -> keuk, too
        if stem.endswith("s") and len(stem) >= 4 and stem[-2] not in _VOWELS:
            other = stem[:-1]                                     # monstransen -> monstrans(/n)
    return (_canonical(stem), _canonical(other)) if other else (_canonical(stem),)


def _en_suffix(stem: str) -> bool:
    """Is the final -en of this word a plural ending? Not in schoen or trein; yes in stoelen,
    knieën (knie-en), zeeën, boeien (boei-en)."""
    before = stem[-3]
    if before not in _VOWELS:
        return True
    return (before == "e" and stem[-4] in "ie") or (before == "i" and stem[-4] in _VOWELS)


def _undo_en(stem: str) -> str:
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS:
        return stem[:-1]                                           # katten -> kat, kasten -> kast
    if stem.endswith("z"):
        return stem[:-1] + "s"                                     # huizen -> huis, vazen -> vaas
    if stem.endswith("v"):
        return stem[:-1] + "f"                                     # duiven -> duif
    return stem                                                    # stoelen -> stoel, schilderijen


def _canonical(stem: str) -> str:
    if len(stem) > 3 and stem.endswith("e") and not stem.endswith(("ee", "ie")):
        stem = stem[:-1]                                           # vase/vases, digitale/digitaal
    if stem.endswith("y") and len(stem) > 3:
        stem = stem[:-1] + "ie"                                    # city -> citie (as cities)
    return re.sub(r"([aeou])\1", r"\1", stem)                      # boom/bomen, straat/straten


def stem_words(folded: str) -> str:
    return " ".join(singular(w) for w in folded.split())


def stem_variants(folded: str, cap: int = 4) -> list[str]:
    """`stem_words` and the other readings of ambiguous words (see `singulars`), at most `cap`."""
    out = [""]
    for word in folded.split():
        out = [f"{o} {s}".lstrip() for o in out for s in singulars(word)][:cap]
    return out


def forms(label: str) -> Forms:
    """Every normalised form of one label (or query)."""
    rest, dates, qualifier = split_dates(label.strip())
    folded = fold(rest)
    direct = fold(direct_order(rest)) if "," in rest else folded
    direct = folded if not direct or direct == folded else direct  # one string object where forms
    core = strip_article(direct)                                   # agree: an index holds 500k
    stem = stem_words(core)
    return Forms(label, folded, direct, core, core if stem == core else stem, dates, qualifier)


def years(dates: tuple[str, str] | None) -> tuple[int | None, int | None]:
    """Birth and death years of a `dates` pair or of ISO dates ("1577-06-28")."""
    if not dates:
        return None, None
    out = []
    for d in dates:
        m = re.search(r"\d{3,4}", d or "")
        out.append(int(m.group()) if m else None)
    return out[0], out[1]
