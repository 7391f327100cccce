"""One score, 0-100, for how well a label answers a query, with the reason in plain words.

Every candidate - from any term list, any cached authority, any live authority search - is
scored here, so scores rank across sources. The tiers, from the top:
  100  the label as typed                          96  the same without a leading article
   98  the same ignoring case/accents/punctuation  92  singular/plural of the label
   97  an inverted name ("Rubens, Peter Paul")     90  the same words in another order / spacing,
                                                       or a qualifier on one side only
  <=88 a near spelling (typos) or a label containing the query's words (RapidFuzz)
then adjustments: alt label -1, hidden label -2; life dates that agree +3 and differ -20;
a different qualifier ("bord (vaatwerk)" vs "bord (spel)") -8; a different country -10.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

from erfgoed.graph.terms.normalise import IRREGULAR, Forms, stem_variants, years
from erfgoed.harvesters.authorities.base import Entry, Label

FUZZY_CAP = 88.0          # a near spelling never outranks a key match (plural, article, order)
PLURAL_ENDINGS = ("s", "en")
ONE_QUALIFIER = 90.0      # a qualifier on one side only separates homonyms: never matched unseen
_SHORT_VOWEL = re.compile(r"^[^aeiouy]*[aeiou][^aeiouy]$")   # kar, kat, pen: short vowel + 1 consonant


def describe(label: Label) -> str:
    lang = f" ({label.lang})" if label.lang else ""
    return f"{label.kind}Label '{label.text}'{lang}"


def _ignoring(a: str, b: str) -> str:
    def strip_accents(s: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))

    if a.casefold() == b.casefold():
        return "ignoring case"
    if strip_accents(a) == strip_accents(b):
        return "ignoring accents"
    if strip_accents(a).casefold() == strip_accents(b).casefold():
        return "ignoring case and accents"
    if "".join(filter(str.isalnum, a)) == "".join(filter(str.isalnum, b)):
        return "ignoring punctuation"
    return "ignoring punctuation, case and accents"


def _plural_pair(a: str, b: str) -> bool:
    """Do two folded labels differ only by number: every differing word pair an -s/-en/-eren/
    -ies form or an irregular plural of the other, not a typo the singular key happened to hide."""
    aw, bw = a.split(), b.split()
    if len(aw) != len(bw):
        return False
    for x, y in zip(aw, bw, strict=True):
        if x != y:
            short, long = sorted((x, y), key=len)
            suffixed = long.endswith(PLURAL_ENDINGS) and len(long) > len(short)
            if long == short + "en" and _SHORT_VOWEL.match(short):
                suffixed = False                      # kar -> karren; "karen" is another word
            if IRREGULAR.get(long) != short and not suffixed:
                return False
    return True


def score_label(q: Forms, f: Forms, label: Label, kind: str = "concept") -> tuple[float, str]:
    """How well one label (its forms `f`) answers the query (its forms `q`), before adjustments.
    Singular/plural folding counts for concepts only: "Ruben" is no singular of "Rubens"."""
    what = describe(label)
    if label.text.strip() == q.text.strip():
        return 100.0, f"exact {what}"
    if f.folded == q.folded:
        if bool(f.qualifier) != bool(q.qualifier):   # "zwarte spar" (wood? tree?) vs "zwarte spar (hout)"
            side = "the label" if f.qualifier else "the query"
            return ONE_QUALIFIER, f"{what}, but only {side} has a qualifier"
        if f.dates != q.dates:
            return 98.0, f"{what}, apart from the dates"
        return 98.0, f"{what}, {_ignoring(q.text.strip(), label.text.strip())}"
    if f.direct == q.direct:
        return 97.0, f"inverted name: {what}"
    if f.core == q.core:
        return 96.0, f"{what} without its article"
    same_stem = f.stem == q.stem or (abs(len(f.stem) - len(q.stem)) == 1 and f.stem in stem_variants(q.core))
    if kind == "concept" and same_stem and _plural_pair(q.core, f.core):
        if bool(f.qualifier) != bool(q.qualifier):
            return ONE_QUALIFIER, f"number differs from {what}, and only one has a qualifier"
        if len(q.core) == len(f.core):
            return 92.0, f"singular/plural variant of {what}"
        return 92.0, f"{'plural' if len(q.core) > len(f.core) else 'singular'} of {what}"
    if sorted(f.core.split()) == sorted(q.core.split()):
        return 90.0, f"same words in another order as {what}"
    if f.core.replace(" ", "") == q.core.replace(" ", ""):
        return 90.0, f"{what} written with other spacing"
    return _fuzzy(q, f, what, kind)


def _fuzzy(q: Forms, f: Forms, what: str, kind: str) -> tuple[float, str]:
    spelled = Levenshtein.normalized_similarity(q.core, f.core) * 100 - 4
    singular = (Levenshtein.normalized_similarity(q.stem, f.stem) * 100 - 6   # a typo in a plural
                if kind == "concept" else 0.0)
    qw, fw = set(q.stem.split()), set(f.stem.split())
    words = fuzz.token_set_ratio(q.stem, f.stem) * (0.8 if (qw <= fw or fw <= qw) else 0.7)
    best = max(spelled, singular, words)
    if best == words and words > max(spelled, singular):
        if qw <= fw:
            return min(words, FUZZY_CAP), f"the query's words are in {what}"
        if fw <= qw:
            return min(words, FUZZY_CAP), f"{what} is part of the query"
        return min(words, FUZZY_CAP), f"shares words with {what}"
    typos = OSA.distance(q.core, f.core)
    if typos <= 3:
        return min(best, FUZZY_CAP), f"{typos} typo{'s' if typos > 1 else ''} in {what}"
    return min(best, FUZZY_CAP), f"similar to {what}"


@dataclass(frozen=True)
class Facts:
    """What a query says besides its words: life years, a qualifier, a country."""

    birth: int | None = None
    death: int | None = None
    qualifier: str = ""
    country: str = ""

    @classmethod
    def of(cls, q: Forms, properties: Mapping[str, str] | None = None) -> Facts:
        """From the query's own "(1577-1640)" / "(qualifier)", else Reconciliation properties
        birth/birthDate, death/deathDate, country."""
        props = properties or {}
        birth, death = years(q.dates)
        birth = birth or years((str(props.get("birth") or props.get("birthDate") or ""), ""))[0]
        death = death or years((str(props.get("death") or props.get("deathDate") or ""), ""))[0]
        return cls(birth, death, q.qualifier, str(props.get("country") or "").strip().upper())


def adjust(score: float, why: str, facts: Facts, f: Forms, label: Label, entry: Entry) -> tuple[float, str]:
    """Label kind, life dates, qualifier and country: what agrees or differs besides spelling."""
    reasons = [why]
    score -= {"alt": 1.0, "hidden": 2.0}.get(label.kind, 0.0)
    if facts.birth is not None or facts.death is not None:
        eb, ed = years((entry.birth, entry.death)) if (entry.birth or entry.death) else years(f.dates)
        pairs = [(x, y) for x, y in ((facts.birth, eb), (facts.death, ed)) if x is not None and y is not None]
        shown = f"{facts.birth or '?'}-{facts.death or '?'} vs {eb or '?'}-{ed or '?'}"
        if pairs and all(abs(x - y) <= 1 for x, y in pairs):
            score += 3.0
            reasons.append("life dates agree")
        elif any(abs(x - y) > 2 for x, y in pairs):
            score -= 20.0
            reasons.append(f"life dates differ ({shown})")
    if facts.qualifier and f.qualifier and facts.qualifier != f.qualifier:
        score -= 8.0
        reasons.append(f"qualifier differs ('{facts.qualifier}' vs '{f.qualifier}')")
    if facts.country and entry.country:
        if entry.country.upper() == facts.country:
            reasons.append(f"country {facts.country} agrees")
        else:
            score -= 10.0
            reasons.append(f"country differs ({entry.country})")
    return max(0.0, min(100.0, round(score, 1))), "; ".join(reasons)
