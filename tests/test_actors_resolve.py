"""Actor resolution without a store: names as curators write them, scores with reasons, clusters that
never join conflicting facts, blocking that does not compare all pairs."""

from __future__ import annotations

from erfgoed.graph.actors.names import parse, phonetic
from erfgoed.graph.actors.resolve import Candidate, blocks, candidate_pairs, resolution, resolve, score

VIAF_RUBENS = "http://viaf.org/viaf/54343141"


def _c(uri: str, *names: str, **kw) -> Candidate:
    return Candidate(f"http://kg.example.org/id/actor/{uri}", uri.split("/")[0], names, **kw)


def test_the_ways_rubens_is_written_parse_to_one_family_and_given_names():
    for text in ("Rubens, Peter Paul", "Peter Paul Rubens", "Pieter Paul Rubens (1577-1640)", "P.P. Rubens"):
        n = parse(text)
        assert n.family == "rubens" and len(n.given) == 2, text
    assert parse("Pieter Paul Rubens (1577-1640)").years == (1577, 1640)
    assert parse("P.P. Rubens").has_initials_only
    assert parse("Dyck, Antoon van").direct == parse("Antoon van Dyck").direct == "antoon van dyck"


def test_generations_are_read_however_they_are_written():
    assert parse("Bruegel, Pieter I").generation == parse("Pieter Bruegel de Oude").generation == "1"
    assert parse("Bruegel, Pieter (de Oude)").generation == "1"
    assert parse("Brueghel, Pieter II").generation == "2"


def test_spelling_variants_share_a_phonetic_key_and_different_names_do_not():
    assert phonetic("bruegel") == phonetic("brueghel")
    assert phonetic("bakhuizen") == phonetic("backhuysen")
    assert phonetic("rubens") != phonetic("jordaens")


def test_unknown_makers_are_never_resolved():
    assert parse("Onbekend").unknown and parse("anoniem").unknown
    clusters, _ = resolve([_c("a/1", "Onbekend"), _c("b/1", "onbekend")])
    assert all(len(c) == 1 for c in clusters)


def test_a_score_says_why():
    link = score(_c("a/1", "Pieter Paul Rubens (1577-1640)"), _c("b/1", "Rubens, Peter Paul", birth=1577))
    assert link.score >= 0.85 and any("born 1577" in r for r in link.reasons)
    link = score(_c("a/1", "P.P. Rubens"), _c("b/1", "Peter Paul Rubens"))
    assert 0.6 <= link.score < 0.85 and "initials" in link.reasons[0]


def test_a_shared_authority_id_merges_whatever_the_spelling():
    clusters, _ = resolve(
        [
            _c("a/1", "Rubens", ids=frozenset({VIAF_RUBENS})),
            _c("b/1", "P. P. Rubens (schilder)", ids=frozenset({VIAF_RUBENS})),
        ]
    )
    assert len(clusters) == 1


def test_namesakes_with_other_life_dates_or_ids_or_generations_stay_apart():
    cases = [
        [_c("a/1", "Jan Brueghel", birth=1568), _c("b/1", "Brueghel, Jan", birth=1601)],
        [
            _c("a/1", "Jan Brueghel", ids=frozenset({"http://viaf.org/viaf/1"})),
            _c("b/1", "Jan Brueghel", ids=frozenset({"http://viaf.org/viaf/2"})),
        ],
        [_c("a/1", "Bruegel, Pieter I"), _c("b/1", "Brueghel, Pieter II")],
        [_c("a/1", "De Wit", kind="person"), _c("b/1", "De Wit", kind="organisation")],
    ]
    for pair in cases:
        clusters, proposals = resolve(pair)
        assert len(clusters) == 2 and not proposals, pair


def test_a_chain_cannot_join_two_people_a_middle_record_resembles():
    """'Jan Brueghel' without dates looks like both namesakes: it joins neither on its own."""
    elder = _c("a/1", "Brueghel, Jan", birth=1568, death=1625)
    younger = _c("a/2", "Brueghel, Jan", birth=1601, death=1678)
    plain = _c("b/1", "Jan Brueghel")
    clusters, _ = resolve([elder, younger, plain])
    where = {u: i for i, c in enumerate(clusters) for u in c}
    assert where[elder.uri] != where[younger.uri]
    assert len(clusters) == 3  # known namesakes: the bare name waits for a curator


def test_below_the_merge_threshold_a_pair_is_proposed_not_merged():
    clusters, proposals = resolve([_c("a/1", "P.P. Rubens"), _c("b/1", "Peter Paul Rubens")])
    assert len(clusters) == 2 and len(proposals) == 1
    assert {proposals[0].a, proposals[0].b} == {c[0] for c in clusters}


def test_curator_decisions_win_over_scores():
    a, b = _c("a/1", "P.P. Rubens"), _c("b/1", "Peter Paul Rubens")
    clusters, proposals = resolve([a, b], merged_pairs=[(a.uri, b.uri)])
    assert len(clusters) == 1 and not proposals
    x, y = _c("a/2", "James Ensor"), _c("b/2", "James Ensor")
    clusters, proposals = resolve([x, y], apart_pairs=[(x.uri, y.uri)])
    assert len(clusters) == 2 and not proposals


def test_blocking_compares_far_fewer_pairs_than_all():
    people = [_c(f"d/{i}", f"Given{i} Family{i % 500}x{i // 500}") for i in range(3000)]
    pairs = list(candidate_pairs(blocks(people)))
    assert len(pairs) < 3000 * 10  # all pairs would be ~4.5 million


def test_a_family_name_spelled_two_ways_with_the_same_given_name_merges():
    clusters, _ = resolve([_c("a/1", "Ludolf Bakhuizen"), _c("b/1", "Ludolf Backhuysen")])
    assert len(clusters) == 1


def test_a_bare_name_shared_by_known_namesakes_is_proposed_not_merged():
    elder = _c("a/1", "Jan Peeters", birth=1820)
    younger = _c("a/2", "Jan Peeters", birth=1890)
    bare = _c("b/1", "Jan Peeters")
    clusters, proposals = resolve([elder, younger, bare])
    assert len(clusters) == 3 and proposals
    assert all("several people carry this name" in p.reasons for p in proposals)


def test_a_crowd_of_namesakes_costs_a_few_comparisons_per_record():
    """300 Jan Peeters born in 100 different years, written three ways: blocks stay cheap, each
    person's dated records still merge, and no two namesakes are joined."""
    people = []
    for k in range(100):
        birth = 1500 + 4 * k
        people += [
            _c(f"a/{k}", f"Jan Peeters ({birth}-{birth + 60})"),
            _c(f"b/{k}", "Peeters, Jan", birth=birth, death=birth + 60),
            _c(f"c/{k}", "Jan Peeters"),  # undated: could be any of them
        ]
    assert len(list(candidate_pairs(blocks(people)))) <= 3 * len(people)
    clusters, proposals = resolve(people)
    where = {u: i for i, c in enumerate(clusters) for u in c}
    for k in range(100):
        assert where[people[3 * k].uri] == where[people[3 * k + 1].uri]
    assert all(len({u.split("/")[-1] for u in c if "/c/" not in u}) <= 1 for c in clusters)
    assert not proposals  # a bare name among a hundred namesakes is no question the data can answer


def test_records_written_alike_merge_without_comparing_all_pairs():
    twins = [_c(f"d{i}/1", "Emile Claus (1849-1924)") for i in range(40)]
    assert len(list(candidate_pairs(blocks(twins)))) < 2 * len(twins)
    clusters, _ = resolve(twins)
    assert len(clusters) == 1


def test_no_proposal_between_two_actors_whose_records_conflict_elsewhere():
    """'Jan Vos' and 'J. Vos (1890-1950)' alone look alike (initials fit, no dates on one side), but
    'Jan Vos' has joined a Jan Vos born in 1820."""
    older, plain = _c("a/1", "Jan Vos", birth=1820), _c("a/2", "Jan Vos")
    younger, short = _c("b/1", "J. Vos", birth=1890, death=1950), _c("b/2", "J. Vos (1890-1950)")
    clusters, proposals = resolve([older, plain, younger, short])
    where = {u: i for i, c in enumerate(clusters) for u in c}
    assert where[older.uri] == where[plain.uri] and where[younger.uri] == where[short.uri]
    assert len(clusters) == 2 and not proposals


def test_initials_written_alike_are_neither_merged_nor_proposed_to_each_other():
    clusters, proposals = resolve([_c("a/1", "J. Peeters"), _c("b/1", "J. Peeters")])
    assert len(clusters) == 2 and not proposals


def test_an_initial_that_spells_a_particle_or_article_stays_a_given_name():
    assert parse("T. Reemol").given == ("t",) and parse("A. Reemol").given == ("a",)
    assert parse("Reemol, T.").has_initials_only and parse("Gerard 't Hooft").given == ("gerard",)
    clusters, proposals = resolve([_c("a/1", "T. Reemol"), _c("b/1", "A. Reemol")])
    assert len(clusters) == 2 and not proposals


def test_automatic_merges_keep_the_link_that_made_them():
    a, b = _c("a/1", "Pieter Paul Rubens (1577-1640)"), _c("b/1", "Rubens, Peter Paul", birth=1577)
    found = resolution([a, b])
    assert len(found.clusters) == 1 and len(found.merges) == 1
    assert {found.merges[0].a, found.merges[0].b} == {a.uri, b.uri} and "born 1577" in found.merges[0].reasons


def test_sole_fit_joins_initials_to_the_only_actor_they_fit_and_asks_when_two_fit():
    pp, rubens = _c("a/1", "P.P. Rubens"), _c("b/1", "Peter Paul Rubens")
    found = resolution([pp, rubens], sole_fit=True)
    assert len(found.clusters) == 1 and "the only actor these initials fit" in found.merges[0].reasons
    assert len(resolution([pp, rubens]).clusters) == 2  # off by default: a curator decides
    jan, jozef, j = _c("b/1", "Jan Vos"), _c("b/2", "Jozef Vos"), _c("a/1", "J. Vos")
    found = resolution([jan, jozef, j], sole_fit=True)
    assert len(found.clusters) == 3 and {p.a for p in found.proposals} | {p.b for p in found.proposals} >= {
        j.uri,
        jan.uri,
        jozef.uri,
    }
