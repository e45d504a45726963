import pytest

from loket.queueing.announce import announcement, number_words, spell_ticket


def test_the_example_from_the_issue():
    assert announcement("C007", "3") == "Nomor antrian C nol nol tujuh, silakan ke loket tiga."


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "nol"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (12, "dua belas"),
        (20, "dua puluh"),
        (21, "dua puluh satu"),
        (100, "seratus"),
        (115, "seratus lima belas"),
        (342, "tiga ratus empat puluh dua"),
    ],
)
def test_number_words(n, words):
    assert number_words(n) == words


def test_spell_ticket_two_letter_prefix():
    assert spell_ticket("AB120") == "A B satu dua nol"
