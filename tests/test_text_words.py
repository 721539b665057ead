"""The word layer (text/words.py): tokens, Snowball stems, the one stop list and its fact view."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parallax.text.words import (
    FACT_WORDS,
    REPORTING_WORDS,
    content_words,
    fact_stop_words,
    is_stop_word,
    singular,
    stem,
    stop_words,
    tokenize_words,
)

WORDS = st.text(alphabet=st.characters(categories=["Ll", "Lu", "Nd"]), min_size=1, max_size=12)


def test_words_tokenize_unifies_case_and_apostrophes() -> None:
    assert tokenize_words("Hamas’s ARMED branch, don`t") == ["hamas's", "armed", "branch", "don't"]


def test_words_stem_joins_inflections_and_keeps_different_words_apart() -> None:
    assert stem("hostages") == stem("hostage")
    assert stem("released") == stem("releasing") == stem("release")
    assert stem("detainees") == stem("detainee")
    assert stem("Israel's") == stem("israel")
    assert stem("hostage") != stem("host")


def test_words_singular_finds_the_dictionary_form() -> None:
    assert singular("hostages") == "hostage"
    assert singular("casualties") == "casualty"
    assert singular("press") == "press"
    assert singular("others") == "others"


def test_words_one_stop_list_and_its_fact_view() -> None:
    stops = stop_words()
    assert {"the", "of", "which"} <= stops
    assert is_stop_word("The") and not is_stop_word("hostage")
    facts = fact_stop_words()
    assert facts >= REPORTING_WORDS  # "said" tells no fact
    assert not FACT_WORDS & facts  # "never", "first" do
    assert facts - REPORTING_WORDS <= stops  # nothing else is added to the one list


def test_words_content_words_drop_stop_words_in_order() -> None:
    assert content_words("The talks on the release of hostages") == ["talks", "release", "hostages"]
    assert content_words("Talks on Friday", extra_stops=frozenset({"friday"})) == ["talks"]


@given(WORDS)
def test_words_stem_is_idempotent_on_lower_case_words(word: str) -> None:
    once = stem(word.lower())
    assert stem(once) == stem(once)  # stable
    assert once == once.lower()


@given(st.lists(WORDS, max_size=8))
def test_words_tokenize_round_trips_plain_words(words: list[str]) -> None:
    assert tokenize_words(" ".join(words)) == [w.lower() for w in words]
