"""Phrase matching: word boundaries, case and quote folding, overlapping phrases."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicecoach.nlp import phrasebook
from servicecoach.nlp.phrasebook import PhraseBook
from servicecoach.nlp.phrases import PhraseMatcher, fold

MATCHER = PhraseMatcher(
    {
        "sorry": "apology",
        "i'm sorry": "apology",
        "sorry about": "apology",
        "dm": "invite",
        "send us a dm": "invite",
    }
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm sorry", [("I'm sorry", "apology")]),
        ("I’M SORRY!", [("I’M SORRY", "apology")]),
        ("I'm sorry about that", [("I'm sorry about", "apology")]),
        ("sorryyy", []),
        ("Please send us a DM.", [("send us a DM", "invite")]),
        ("ask the admin", []),
        ("see https://example.com/dm/123", [("dm", "invite")]),
        ("", []),
    ],
)
def test_phrases_find(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.phrase, m.label) for m in MATCHER.find(text)] == expected


def test_phrases_spans_index_the_original_text() -> None:
    text = "Oh no — I’m sorry, Dana."
    (match,) = MATCHER.find(text)
    assert text[match.start : match.end] == match.phrase == "I’m sorry"


@given(st.text())
def test_phrases_fold_keeps_offsets(text: str) -> None:
    assert len(fold(text)) == len(text)


@given(st.text(max_size=200))
def test_phrases_matches_are_spans_of_the_text(text: str) -> None:
    for match in MATCHER.find(text):
        assert text[match.start : match.end] == match.phrase


BOOK_PHRASES = [
    {"sorry": "apology", "i'm sorry": "apology", "sorry about": "apology", "dm": "invite"},
    {"sorry": "regret", "send us a dm": "invite", "so sorry": "regret"},
    {},
]


@pytest.mark.parametrize("longest", [True, False])
@pytest.mark.parametrize(
    "text",
    [
        "I'm so sorry about that, please send us a DM.",
        "sorry sorry SORRY",
        "ask the admin",
        "",
        "Oh no — I’m sorry, Dana.",
    ],
)
def test_phrases_book_finds_what_each_matcher_finds_alone(text: str, longest: bool) -> None:
    """Matchers sharing a book's automaton return exactly what each returns on its own."""
    book = PhraseBook()
    shared = [PhraseMatcher(phrases, book=book) for phrases in BOOK_PHRASES]
    alone = [PhraseMatcher(phrases) for phrases in BOOK_PHRASES]
    for _ in range(2):  # the second time from the book's kept scans
        for mine, theirs in zip(shared, alone, strict=True):
            assert mine.find(text, longest=longest) == theirs.find(text, longest=longest)


def test_phrases_book_takes_matchers_that_join_later() -> None:
    book = PhraseBook()
    first = PhraseMatcher({"refund": "money"}, book=book)
    assert [m.phrase for m in first.find("a refund, a DM")] == ["refund"]
    later = PhraseMatcher({"dm": "invite"}, book=book)
    assert [m.phrase for m in later.find("a refund, a DM")] == ["DM"]
    assert [m.phrase for m in first.find("a refund, a DM")] == ["refund"]


def test_phrases_book_results_cannot_be_changed_by_a_caller() -> None:
    matcher = PhraseMatcher({"sorry": "apology"}, book=PhraseBook())
    matcher.find("sorry").clear()
    assert [m.phrase for m in matcher.find("sorry")] == ["sorry"]


@given(st.text(alphabet="sorySORY ’'-_dmaiDMI\n", max_size=60))
def test_phrases_book_equals_separate_automata(text: str) -> None:
    book = PhraseBook()
    shared = [PhraseMatcher(phrases, book=book) for phrases in BOOK_PHRASES]
    alone = [PhraseMatcher(phrases) for phrases in BOOK_PHRASES]
    for mine, theirs in zip(shared, alone, strict=True):
        assert mine.find(text) == theirs.find(text)
        assert mine.find(text, longest=False) == theirs.find(text, longest=False)


def test_phrases_book_is_rebuilt_with_late_matchers_after_settling(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A matcher that joins late searches alone until the book has settled, then shares it."""
    monkeypatch.setattr(phrasebook, "_SETTLE", 3)
    book = PhraseBook()
    first = PhraseMatcher({"refund": "money"}, book=book)
    first.find("refund")  # builds the book's automaton with the first matcher only
    later = PhraseMatcher({"dm": "invite", "refund": "other"}, book=book)
    alone = PhraseMatcher({"dm": "invite", "refund": "other"})
    first_alone = PhraseMatcher({"refund": "money"})
    for text in ["a refund, a DM", "dm me", "refunds", "a refund, a DM", "DM"]:
        assert later.find(text) == alone.find(text)
        assert first.find(text) == first_alone.find(text)
