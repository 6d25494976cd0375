"""The helpers that keep the analysers linear give the answers of the scans they replaced.

Each helper is compared, on generated inputs, with the plain expression it stands for
(written out here); the analysers' own tests check that their findings did not change.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicecoach.analysis.analyzers.common import is_negated
from servicecoach.nlp.sentences import sentence_index, sentences
from servicecoach.nlp.spans import SpanIndex, starting_in
from servicecoach.nlp.words import last_words

_SPANS = st.lists(
    st.tuples(st.integers(0, 40), st.integers(0, 8)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=12,
)
_TEXT = st.text(alphabet="ab c,.'’-\nΣ!?", max_size=200)
_WORD = re.compile(r"[\w']+")
_CHUNK = re.compile(r"[^\W_][\w'’-]*")
_CLAUSE_END = re.compile(r"[,.;:!?()\-–—]")


@given(_SPANS, st.integers(-2, 50), st.integers(-2, 50))
def test_scaling_span_index_answers_as_the_scan(
    spans: list[tuple[int, int]], start: int, end: int
) -> None:
    index = SpanIndex(spans)
    assert index.covers(start, end) == any(s <= start and end <= e for s, e in spans)
    assert index.holds(start) == any(s <= start < e for s, e in spans)
    assert index.overlaps(start, end) == any(s < end and start < e for s, e in spans)
    assert index.within(start, end) == any(start <= s and e <= end for s, e in spans)
    assert index.starts_in(start, end) == any(start <= s < end for s, _ in spans)


@given(_TEXT, st.data())
def test_scaling_sentence_lookups_answer_as_the_scan(text: str, data: st.DataObject) -> None:
    parts = sentences(text)
    position = data.draw(st.integers(-1, len(text) + 1))
    expected = next((i for i, s in enumerate(parts) if s.start <= position < s.end), None)
    assert sentence_index(parts, position) == expected
    end = data.draw(st.integers(-1, len(text) + 1))
    assert list(starting_in(parts, position, end)) == [
        s for s in parts if position <= s.start < end
    ]


@given(_TEXT, st.data())
def test_scaling_last_words_read_as_the_whole_prefix(text: str, data: st.DataObject) -> None:
    end = data.draw(st.integers(0, len(text)))
    start = data.draw(st.integers(0, end))
    count = data.draw(st.integers(1, 4))
    for word in (_WORD, _CHUNK):
        for stop in (None, _CLAUSE_END):
            part = text[start:end] if stop is None else stop.split(text[start:end])[-1]
            expected = word.findall(part.lower())[-count:]
            got = last_words(text, end, count, word, start=start, stop=stop, fold=str.lower)
            assert got == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm not sorry", True),
        ("Oh no, I'm sorry", False),
        ("we don’t say sorry", True),
        ("x " * 5000 + "not " + "y " * 3 + "sorry", False),  # outside the window
        ("x" * 5000 + " never sorry", True),  # the word before reads back over a long one
    ],
)
def test_scaling_is_negated_reads_only_the_words_before(text: str, expected: bool) -> None:
    assert is_negated(text, text.rindex("sorry"), frozenset({"not", "never"})) is expected


def test_scaling_sentences_of_many_abbreviations() -> None:
    text = "Mr. " * 5000 + "Done. Next."
    assert [s.text for s in sentences(text)][-1] == "Next."
    assert sentences(text)[0].text.startswith("Mr. Mr.")
