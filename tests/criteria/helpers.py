"""Shared helpers of the criteria tests: example sentences, rubrics and views built by hand."""

from __future__ import annotations

from pathlib import Path

from servicecoach.analysis.learned import LearnedView, SentenceSpan
from servicecoach.model.conversation import Conversation
from servicecoach.nlp.sentences import sentences
from servicecoach.rubric import Criterion
from tests.analysis.fake_encoder import fake_encode

__all__ = ["MEETS", "MISSES", "criterion", "fake_view", "write_rubric"]

MEETS = [f"I have sent a refund for the {thing}." for thing in (
    "jacket", "order", "boots", "lamp", "kettle", "tent", "phone", "rug", "shoes", "bag",
)]  # fmt: skip
"""Sentences the fake encoder puts on the refund topic."""
MISSES = [f"Thanks for your patience with the {thing} today." for thing in (
    "wait", "call", "chat", "queue", "delay", "form", "email", "update", "survey", "reply",
)]  # fmt: skip
"""Sentences off every fake topic."""


def criterion(**changes: object) -> Criterion:
    """A valid criterion (refunds), with ``changes`` applied."""
    data: dict[str, object] = {"label": "Offers a refund", "meets": MEETS, "misses": MISSES}
    data.update(changes)
    return Criterion.model_validate(data)


def write_rubric(folder: Path, body: str) -> Path:
    """``body`` as ``rubric.toml`` in ``folder``."""
    path = folder / "rubric.toml"
    path.write_text(body, encoding="utf-8")
    return path


def fake_view(conversation: Conversation) -> LearnedView:
    """A learned view of every sentence, embedded with the fake encoder (no model)."""
    spans: list[SentenceSpan] = []
    texts: list[str] = []
    for index, message in enumerate(conversation.messages):
        for sentence in sentences(message.text):
            if sentence.text.strip():
                spans.append(SentenceSpan(index, sentence.start, sentence.end))
                texts.append(sentence.text)
    return LearnedView(tuple(spans), fake_encode(texts), {}, {})
