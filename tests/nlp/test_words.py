"""The one word pattern every analyser counts and reads words with."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from servicecoach.nlp.phrases import fold_words
from servicecoach.nlp.words import WORD, at_sign_after, folded_words, word_count

SRC = Path(__file__).resolve().parents[2] / "src" / "servicecoach"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("don't panic", ["don't", "panic"]),
        ("don’t panic", ["don’t", "panic"]),  # a curly apostrophe keeps the word whole
        ("a follow-up call", ["a", "follow-up", "call"]),
        ("'quoted' words", ["quoted'", "words"]),  # a quote mark never starts a word
        ("snake_case __init__", ["snake_case", "init__"]),  # nor does an underscore
        ("3-5 working days", ["3-5", "working", "days"]),
        ("— dash – and - hyphen", ["dash", "and", "hyphen"]),
        ("café naïve", ["café", "naïve"]),
    ],
)
def test_what_a_word_is(text: str, words: list[str]) -> None:
    assert WORD.findall(text) == words


def test_word_count_with_letters_leaves_numbers_out() -> None:
    assert word_count("Sorry for the trouble. *TJN 2/2") == 7
    assert word_count("Sorry for the trouble. *TJN 2/2", letters=True) == 5
    assert word_count("order #1042, 3-5 days", letters=True) == 2  # "3-5" has no letter
    assert word_count("") == 0


def test_no_analyser_defines_its_own_word_pattern() -> None:
    """Analysers, emotion and live assist read words with :data:`WORD`; a second pattern
    would make "how many words" mean different things in different skills."""
    own = re.compile(
        r"^_WORDS? = re\.compile|re\.compile\(r\"(?:\[\^\\W_\]\[\\w'’-\]\*|\[\\w'\]\+|\[\^\\W\\d_\]\+)\"",
        re.MULTILINE,
    )
    places = [
        *(SRC / "analysis" / "analyzers").glob("*.py"),
        SRC / "analysis" / "emotion.py",
        SRC / "nlp" / "formulaic.py",
        *(SRC / "assist").glob("*.py"),
    ]
    offenders = [p.name for p in places if own.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


@pytest.mark.parametrize(
    "text",
    ["Don’t RESTART it, @dana", "It‘s the follow-up", "", "3-5 days, ok?", "İstanbul ΣΑΣ"],
)
def test_folded_words_are_fold_words_of_word(text: str) -> None:
    """The shared, remembered reading of a text's words is the one analysers made each."""
    assert folded_words(text) == tuple(fold_words(WORD, text))
    assert folded_words(text) is folded_words(text)  # read once


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@dana thanks, write to help@example.com", True),  # the address's own '@'
        ("@dana @sam thanks", False),  # handles: an '@' at the start or after a space
        ("no at sign at all", False),
        ("@", False),
        ("(@dana)", True),  # '(' is not white space: the caller's pattern decides
    ],
)
def test_at_sign_after_finds_an_at_that_follows_a_taken_character(
    text: str, expected: bool
) -> None:
    assert at_sign_after(text, lambda character: not character.isspace()) is expected
    assert not at_sign_after(text, lambda character: False)
