import pytest

from erfgoed.mappings.dates import parse_date

CASES = [
    ("1650", "1650", 1650, 1650),
    ("ca. 1650", "1650~", 1645, 1655),
    ("circa 1890", "1890~", 1885, 1895),
    ("1650-1660", "1650/1660", 1650, 1660),
    ("1650 - 1660", "1650/1660", 1650, 1660),
    ("ca. 1900-1910", "1900~/1910~", 1895, 1915),
    ("17de eeuw", "16XX", 1600, 1699),
    ("XVIIe eeuw", "16XX", 1600, 1699),
    ("eerste helft 19de eeuw", "1800/1849", 1800, 1849),
    ("eind 19de eeuw", "1880/1899", 1880, 1899),
    ("1887?", "1887?", 1887, 1887),
    ("voor 1914", "../1914", None, 1914),
    ("na 1945", "1945/..", 1945, None),
    ("1923-05-14", "1923-05-14", 1923, 1923),
    ("14/05/1923", "1923-05-14", 1923, 1923),
    ("mei 1923", "1923-05", 1923, 1923),
]


@pytest.mark.parametrize("text,edtf,begin,end", CASES)
def test_registrar_dates_become_edtf_and_a_year_range(text, edtf, begin, end):
    p = parse_date(text)
    assert (p.edtf, p.begin, p.end) == (edtf, begin, end)


@pytest.mark.parametrize("text", ["", "onbekend", "z.d.", "blabla", "1923-02-30", "1700-1600"])
def test_what_is_not_a_date_stays_unparsed(text):
    assert parse_date(text) is None
