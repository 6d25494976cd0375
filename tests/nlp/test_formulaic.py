"""Formulaic text: what the sentence model reads of an addressed, signed reply."""

from __future__ import annotations

import pytest

from servicecoach.nlp.formulaic import model_text, unaddressed


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("@dana_r @AcmeHelp Sorry to hear that! ^KS", "Sorry to hear that!"),
        ("@115803 Please DM us. -JM", "Please DM us."),
        ("Send a DM to @doordash_help!", "Send a DM to @doordash_help!"),  # mid-text stays
        ("^FR", "^FR"),  # nothing else: unchanged
        ("@dana", "@dana"),
    ],
)
def test_unaddressed_drops_the_address_and_the_signature(text: str, bare: str) -> None:
    assert unaddressed(text) == bare


def test_the_model_reads_a_reply_without_its_address_and_signature() -> None:
    """The same reply to two customers, signed by two agents, is one sentence to embed."""
    from servicecoach.analysis.learned import Judge
    from servicecoach.testing import make_conversation

    seen: list[list[str]] = []

    class Recorder:
        def encode(self, texts: list[str]) -> object:
            import numpy as np

            seen.append(list(texts))
            return np.zeros((len(texts), 384), dtype=np.float32)

    judge = Judge(embedder=Recorder())  # type: ignore[arg-type]
    judge.views(
        [
            make_conversation([("customer", "@Acme help"), ("agent", "@dana Sorry! ^KS")]),
            make_conversation([("customer", "@Acme hi"), ("agent", "@sam Sorry! -JM")]),
        ]
    )
    # the sign-off is a sentence of its own; the replies themselves are the same sentence
    assert seen == [["help", "Sorry!", "^KS", "hi", "Sorry!", "-JM"]]


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("@dana Track it here: https://t.co/x7Kp2qLm ^KS", "Track it here: link"),
        ("See www.example.com/help or HTTP://EXAMPLE.COM/a?b=1.", "See link or link"),
        ("https://t.co/x7Kp2qLm", "link"),  # a sentence that is only a link
        ("No link at all, just words.", "No link at all, just words."),
        ("Mail help@example.com about it", "Mail help@example.com about it"),
    ],
)
def test_the_model_reads_each_link_as_one_word(text: str, read: str) -> None:
    assert model_text(text) == read


def test_replies_that_differ_only_in_their_link_are_one_sentence_to_embed() -> None:
    """A link costs the model about ten word pieces of noise; the word keeps its meaning."""
    from servicecoach.analysis.learned import Judge
    from servicecoach.testing import make_conversation

    seen: list[str] = []

    class Recorder:
        def encode(self, texts: list[str]) -> object:
            import numpy as np

            seen.extend(texts)
            return np.zeros((len(texts), 384), dtype=np.float32)

    Judge(embedder=Recorder()).views(  # type: ignore[arg-type]
        [
            make_conversation([("agent", "Reset it here: https://t.co/AbC123xyz")]),
            make_conversation([("agent", "Reset it here: https://t.co/QrS987uvw")]),
        ]
    )
    assert seen == ["Reset it here: link", "Reset it here: link"]
