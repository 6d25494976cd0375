"""Sentence spans."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicecoach.nlp.sentences import sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi Dana. Thanks!", ["Hi Dana.", "Thanks!"]),
        ("Is it fixed?! Great.", ["Is it fixed?!", "Great."]),
        ("See e.g. the guide. Then retry.", ["See e.g. the guide.", "Then retry."]),
        ("Line one\nLine two", ["Line one", "Line two"]),
        ("It costs 4.50 today.", ["It costs 4.50 today."]),
        ("Oh no. It broke again.", ["Oh no.", "It broke again."]),
        ("Order no. 5521 is late.", ["Order no. 5521 is late."]),
        ("  ", []),
    ],
)
def test_sentences_split(text: str, expected: list[str]) -> None:
    assert [s.text for s in sentences(text)] == expected


@given(st.text())
def test_sentences_spans_index_the_text(text: str) -> None:
    for sentence in sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text.strip() == sentence.text != ""
