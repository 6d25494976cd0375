"""Formulaic text: what the sentence model reads of an addressed, signed reply."""

from __future__ import annotations

import pytest

from servicecoach.nlp.formulaic import unaddressed


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
