"""Phrase matching: word boundaries, case and quote folding, overlapping phrases."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
