"""Label normalisation: the keys that let "Stoelen", "de stoel" and "stoel" find each other."""

from __future__ import annotations

import pytest

from erfgoed.graph.terms.normalise import (
    fold,
    forms,
    singular,
    singulars,
    split_dates,
    stem_variants,
    strip_article,
    years,
)


@pytest.mark.parametrize(("text", "folded"), [
    ("Ébène", "ebene"),
    ("SCHILDERIJ", "schilderij"),
    ("Sint-Niklaas", "sint niklaas"),
    ("  olieverf  op   doek ", "olieverf op doek"),
    ("Groß", "gross"),
    ("foto's", "foto"),
    ("'t Hooft", "t hooft"),
    ("'s-Hertogenbosch", "s hertogenbosch"),
    ("Zoë & Anaïs", "zoe anais"),
])
def test_fold_ignores_case_accents_and_punctuation(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(("text", "core"), [
    ("de stoel", "stoel"), ("het schilderij", "schilderij"), ("een kast", "kast"),
    ("'t Hooft", "hooft"), ("The Chair", "chair"), ("a chair", "chair"), ("an anchor", "anchor"),
])
def test_leading_articles_are_dropped_in_dutch_and_english(text, core):
    assert forms(text).core == core


def test_a_lone_article_or_an_inner_one_stays():
    assert strip_article("de") == "de"
    assert forms("kast van de pastoor").core == "kast van de pastoor"


def test_inverted_names_meet_their_direct_order():
    inverted, direct = forms("Rubens, Peter Paul"), forms("Peter Paul Rubens")
    assert inverted.direct == direct.direct == "peter paul rubens"
    assert inverted.inverted and not direct.inverted
    assert inverted.folded == "rubens peter paul"          # as written, for "Rubens Peter Paul"


def test_labels_with_several_commas_are_not_inverted():
    assert forms("Aalst, Gent, Brugge").direct == "aalst gent brugge"


@pytest.mark.parametrize(("label", "rest", "dates"), [
    ("Pieter Paul Rubens (1577-1640)", "Pieter Paul Rubens", ("1577", "1640")),
    ("Rubens, Peter Paul, 1577-1640.", "Rubens, Peter Paul", ("1577", "1640")),
    ("Rubens, P.P. (ca. 1577 - 1640)", "Rubens, P.P.", ("1577", "1640")),
    ("Jan Fabre (1958-)", "Jan Fabre", ("1958", "")),
    ("Memling, Hans (†1494)", "Memling, Hans", ("", "1494")),
])
def test_life_dates_are_set_aside_not_lost(label, rest, dates):
    assert split_dates(label)[:2] == (rest, dates)
    assert forms(label).dates == dates
    assert "15" not in forms(label).core


def test_a_qualifier_in_parentheses_is_set_aside():
    f = forms("bord (vaatwerk)")
    assert (f.core, f.qualifier, f.dates) == ("bord", "vaatwerk", None)
    assert forms("Glas (materiaal)").core == forms("glas").core


@pytest.mark.parametrize(("one", "many"), [
    ("stoel", "stoelen"), ("schilderij", "schilderijen"), ("kast", "kasten"), ("kat", "katten"),
    ("kind", "kinderen"), ("ei", "eieren"), ("foto", "foto's"), ("boom", "bomen"), ("straat", "straten"),
    ("huis", "huizen"), ("vaas", "vazen"), ("glas", "glazen"), ("duif", "duiven"), ("pen", "pennen"),
    ("keuken", "keukens"), ("tafel", "tafels"), ("schilder", "schilders"), ("knie", "knieën"),
    ("zee", "zeeën"), ("handschoen", "handschoenen"), ("doos", "dozen"), ("huisje", "huisjes"),
    ("schip", "schepen"), ("museum", "musea"),
    ("chair", "chairs"), ("box", "boxes"), ("church", "churches"), ("city", "cities"),
    ("glass", "glasses"), ("vase", "vases"), ("plate", "plates"), ("child", "children"),
])
def test_singular_and_plural_share_one_key(one, many):
    assert singular(fold(one)) == singular(fold(many))


@pytest.mark.parametrize(("a", "b"), [
    ("stoel", "stoep"), ("kast", "kist"), ("huis", "hui"), ("mens", "men"), ("glas", "gla"),
    ("schilder", "schilderij"), ("kar", "kam"),
])
def test_different_words_keep_different_keys(a, b):
    assert singular(fold(a)) != singular(fold(b))


def test_an_ambiguous_final_s_is_looked_up_both_ways():
    # "monstrans" is a Dutch singular, "prints" an English plural: the rule cannot tell, so a
    # query carries both readings and finds the label whichever way the index read it.
    assert set(singulars("monstransen")) & set(singulars("monstrans"))
    assert singular("prints") == singular("print")
    assert len(stem_variants("zilveren monstransen met voet")) == 2


def test_a_label_and_its_plural_share_every_index_key_but_spelling():
    one, many = forms("De eikenhouten Kast"), forms("eikenhouten kasten")
    assert one.stem == many.stem == "eikenhout kast"
    assert one.keys() & many.keys()
    assert "eikenhoutenkast" in one.keys()                   # "eiken houten kast" finds it too
    assert forms("eiken houten kast").keys() & one.keys()


def test_names_are_keyed_as_written_not_singularised():
    keys = forms("Janssens, Léon").keys(number=False)
    assert "leon janssens" in keys and "janssens leon" in keys
    assert not any("jans " in k or k.endswith(" jans") for k in keys)


def test_years_read_iso_dates_and_plain_years():
    assert years(("1577-06-28", "1640")) == (1577, 1640)
    assert years(("", "ca. 1640")) == (None, 1640)
    assert years(None) == (None, None)
