"""The matcher: one ranked search over term lists, cached authority records and live searches."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from erfgoed.graph.terms.index import LabelIndex, index_from_store, network_graphs, source_of_graph
from erfgoed.graph.terms.matcher import MATCH_SCORE, Matcher
from erfgoed.harvesters.authorities.base import Entry, Label

FIXTURES = Path(__file__).parent / "fixtures"
AAT = "http://vocab.getty.edu/aat/"


def entries() -> list[Entry]:
    return [
        Entry("http://kg.example.org/id/term/meubels/stoel", "list:meubels", labels=[Label("stoel", "nl")]),
        Entry("http://kg.example.org/id/term/meubels/kast", "list:meubels", labels=[Label("kasten", "nl")]),
        Entry("http://kg.example.org/id/term/meubels/houten-stoel", "list:meubels",
              labels=[Label("houten stoel", "nl")]),
        Entry(AAT + "300033618", "aat", labels=[Label("schilderijen", "nl"), Label("paintings", "en"),
                                                 Label("schilderij", "nl", "alt")]),
        Entry(AAT + "300012055", "aat", labels=[Label("ebbenhout", "nl"), Label("ébène", "fr", "alt")]),
        Entry("http://example.org/viaf/rubens", "viaf", "person",
              labels=[Label("Rubens, Peter Paul"), Label("Rubens, Pieter Paul", "", "alt")],
              birth="1577-06-28", death="1640"),
        Entry("http://example.org/viaf/rubens-jr", "viaf", "person", labels=[Label("Rubens, Peter Paul")],
              birth="1905", death="1980"),
        Entry("http://example.org/geonames/2797656", "geonames", "place", labels=[Label("Gent", "nl")],
              country="BE"),
        Entry("http://example.org/list/steden/gent", "list:steden", "concept", labels=[Label("Gent", "nl")]),
    ]


@pytest.fixture
def matcher() -> Matcher:
    return Matcher(LabelIndex(entries()))


def top(result):
    return result.candidates[0]


def test_an_exact_label_is_a_match_with_its_reason(matcher):
    best = top(matcher.match("stoel"))
    assert best.entry.uri.endswith("/stoel")
    assert (best.score, best.match) == (100.0, True)
    assert best.explanation == "exact prefLabel 'stoel' (nl)"


@pytest.mark.parametrize(("query", "uri_end", "why"), [
    ("stoelen", "/stoel", "plural of prefLabel 'stoel'"),
    ("kast", "/kast", "singular of prefLabel 'kasten'"),
    ("Schilderijen", "300033618", "prefLabel 'schilderijen' (nl), ignoring case"),
    ("EBBENHOUT", "300012055", "ignoring case"),
    ("ebene", "300012055", "altLabel 'ébène' (fr), ignoring accents"),
    ("het schilderij", "300033618", "without its article"),
    ("Peter Paul Rubens", "/rubens", "inverted name"),
])
def test_spelling_variants_find_their_term(matcher, query, uri_end, why):
    best = top(matcher.match(query))
    assert best.entry.uri.endswith(uri_end)
    assert why in best.explanation
    assert best.score >= MATCH_SCORE


def test_a_typo_is_found_but_not_matched_unseen(matcher):
    best = top(matcher.match("schilderj"))
    assert best.entry.uri == AAT + "300033618"
    assert "1 typo in" in best.explanation
    assert not best.match and best.score < MATCH_SCORE


def test_the_query_words_inside_a_longer_label_rank_below_the_label_itself(matcher):
    found = [c.entry.uri for c in matcher.match("stoel")]
    assert found.index("http://kg.example.org/id/term/meubels/stoel") < found.index(
        "http://kg.example.org/id/term/meubels/houten-stoel")


def test_life_dates_decide_between_namesakes(matcher):
    result = matcher.match("Pieter Paul Rubens (1577-1640)", kind="person")
    assert top(result).entry.uri == "http://example.org/viaf/rubens"
    assert "life dates agree" in top(result).explanation and top(result).match
    other = next(c for c in result if c.entry.uri.endswith("rubens-jr"))
    assert "life dates differ" in other.explanation and other.score < top(result).score - 20
    by_property = matcher.match("Rubens, Peter Paul", properties={"birthDate": "1905"})
    assert top(by_property).entry.uri.endswith("rubens-jr")


def test_the_same_label_in_two_sources_is_no_match_unless_they_are_linked(matcher):
    result = matcher.match("Gent")
    assert [c.score for c in result][:2] == [100.0, 100.0]
    assert not any(c.match for c in result)
    linked = entries()
    linked[-1].matches.append(("exactMatch", "http://example.org/geonames/2797656"))
    assert top(Matcher(LabelIndex(linked)).match("Gent")).match


def test_kind_and_source_filters(matcher):
    assert {c.entry.source for c in matcher.match("Gent", kind="place")} == {"geonames"}
    assert [c.entry.source for c in matcher.match("Gent", sources=["list:steden"])] == ["list:steden"]
    assert top(matcher.match("Gent", kind="place")).match


def test_scores_rank_across_sources_on_one_scale(matcher):
    result = matcher.match("schilderij")
    assert top(result).entry.source == "aat"
    assert top(result).explanation == "exact altLabel 'schilderij' (nl)"
    assert top(result).score == 99.0                  # an alt label counts a little less than a pref label


def test_nonsense_finds_no_match(matcher):
    assert not any(c.match for c in matcher.match("qorbelvintrax"))


def test_live_searchers_are_scored_alike_and_an_unavailable_one_is_reported(matcher):
    def wikidata(label: str, kind: str | None) -> list[Entry]:
        assert (label, kind) == ("stoelen", None)
        return [Entry("http://www.wikidata.org/entity/Q15026", "wikidata", labels=[Label("stoel", "nl")])]

    def viaf(label: str, kind: str | None) -> list[Entry]:
        raise TimeoutError("VIAF did not answer within 10 s")

    live = Matcher(matcher.index, {"wikidata": wikidata, "viaf": viaf})
    result = live.match("stoelen")
    scores = {c.entry.uri: c.score for c in result}
    assert scores["http://www.wikidata.org/entity/Q15026"] == scores["http://kg.example.org/id/term/meubels/stoel"]
    assert result.unavailable == {"viaf": "VIAF did not answer within 10 s"}
    assert not top(result).match                      # two equal candidates: a curator decides
    assert live.match("stoelen", sources=["list:meubels"]).unavailable == {}


def test_suggest_completes_labels_and_words(matcher):
    assert [c.entry.uri for c in matcher.suggest("sto")][:2] == [
        "http://kg.example.org/id/term/meubels/stoel", "http://kg.example.org/id/term/meubels/houten-stoel"]
    assert matcher.suggest("rub")[0].entry.uri.startswith("http://example.org/viaf/rubens")
    assert "has a word starting with 'stoe'" in matcher.suggest("stoe")[1].explanation
    assert [c.entry.source for c in matcher.suggest("gen", kind="place")] == ["geonames"]
    assert [c.entry.source for c in matcher.suggest("gen", sources=["list:steden"])] == ["list:steden"]
    assert matcher.suggest("Peter Paul R")[0].entry.kind == "person"


def test_a_curator_edit_adds_and_removes_one_entry(matcher):
    index = matcher.index
    assert index.remove("http://kg.example.org/id/term/meubels/stoel")
    assert not index.remove("http://kg.example.org/id/term/meubels/stoel")
    assert "http://kg.example.org/id/term/meubels/stoel" not in [c.entry.uri for c in matcher.match("stoel")]
    assert "http://kg.example.org/id/term/meubels/stoel" not in [c.entry.uri for c in matcher.suggest("sto")]
    index.add(Entry("http://kg.example.org/id/term/meubels/stoel", "list:meubels",
                    labels=[Label("zetel", "nl"), Label("stoel", "nl", "alt")]))
    assert top(matcher.match("zetels")).entry.uri.endswith("/stoel")
    index.add(Entry("http://kg.example.org/id/term/meubels/stoel", "list:meubels",
                    labels=[Label("fauteuil")]))
    assert len(index) == len(entries())
    assert not any(c.entry.uri.endswith("/stoel") for c in matcher.match("zetel"))
    assert top(matcher.match("fauteuils")).entry.uri.endswith("/stoel")


def test_index_from_store_reads_term_lists_and_authority_caches(store):
    store.add(ox.parse(path=str(FIXTURES / "terms-network.trig"), format=ox.RdfFormat.TRIG))
    graphs = network_graphs(store, "http://kg.example.org")
    assert graphs == ["http://kg.example.org/graph/authority/aat", "http://kg.example.org/graph/authority/viaf",
                      "http://kg.example.org/graph/terms/meubels"]
    index = index_from_store(store, graphs)
    assert {e.source for e in index.entries if e} == {"aat", "viaf", "list:meubels"}
    m = Matcher(index)
    assert top(m.match("stoelen")).entry.uri == "http://kg.example.org/id/term/meubels/stoel"
    person = top(m.match("Peter Paul Rubens (1577-1640)"))
    assert person.entry.kind == "person" and "life dates agree" in person.explanation
    piano = m.match("piano")                           # our term and the AAT record it is linked to
    assert {c.entry.source for c in piano.candidates[:2]} == {"list:meubels", "aat"}
    assert piano.candidates[0].match
    only_list = index_from_store(store, ["http://kg.example.org/graph/terms/meubels"])
    assert not [c for c in Matcher(only_list).match("porselein") if c.score > 50]


def test_graph_names_give_source_names():
    assert source_of_graph("http://kg.example.org/graph/terms/meubels") == "list:meubels"
    assert source_of_graph("http://kg.example.org/graph/authority/aat") == "aat"
