"""The draft is normalised exactly as stored text is, and spans map back to the draft as typed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicecoach.assist.draft import DraftText
from servicecoach.model.text import normalize_text


@pytest.mark.parametrize(
    ("draft", "word"),
    [
        ("  Hi Dana,\r\n\r\n\r\n\r\nWe can't  refund it.  ", "refund"),
        ("\tWe\u00a0can't refund it.", "refund"),
        ("Cafe\u0301 order: we can't refund it.", "refund"),
        ("Line one.\rWe can't refund it.\x00", "refund"),
    ],
)
def test_draft_text_spans_map_back_to_the_typed_draft(draft: str, word: str) -> None:
    text = DraftText.of(draft)
    assert text.text == normalize_text(draft)
    start = text.text.index(word)
    original = text.span(start, start + len(word))
    assert draft[original[0] : original[1]] == word


def test_draft_text_end_of_text_maps_past_the_last_character() -> None:
    text = DraftText.of("  Thanks!  \n")
    assert text.span(len(text.text), len(text.text)) == (9, 9)


@given(
    st.text(
        alphabet=st.sampled_from("ab .\n\r\t\x0b\x1f\u00a0\u2003\u200b\x01\u0301é\u2028\x85"),
        max_size=40,
    )
)
def test_draft_text_matches_normalize_text(draft: str) -> None:
    text = DraftText.of(draft)
    assert text.text == normalize_text(draft)
    assert len(text.origin) == len(text.text)
    assert list(text.origin) == sorted(text.origin)
    for index, char in enumerate(text.text):
        if char.isalpha() and char.isascii():
            assert draft[text.origin[index]] == char
