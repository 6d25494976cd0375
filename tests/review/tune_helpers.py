"""A stand-in for the learned models in tune tests, and reviewed conversations built on it.

:class:`StubJudge` embeds with the fake topic encoder (tests/analysis/fake_encoder.py,
padded to the sentence model's width) and gives every agent sentence the same ``solution``
probability from the ``acts`` head that ``solution`` gives its words, so the shipped head
can be made wrong on purpose and the sentences' words are all a team head can learn from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
import pytest

from servicecoach.analysis.learned import LearnedView, ReadyViews, SentenceSpan
from servicecoach.evaluation.labels import LabelSet, parse_label
from servicecoach.model import Conversation
from servicecoach.model.conversation import Role
from servicecoach.nlp.embeddings import DIMENSION
from servicecoach.nlp.heads import load_head
from servicecoach.nlp.sentences import sentences
from servicecoach.review.tune import Item
from servicecoach.testing import make_conversation
from tests.analysis.fake_encoder import fake_encode

__all__ = ["REFUNDS", "SENDS", "THANKS", "StubJudge", "encode", "reviewed_set", "use_stub"]

THINGS = ("jacket", "lamp", "kettle", "tent", "phone", "rug", "shoes", "bag", "boots", "mug")
REFUNDS = [f"I have sent a refund for the {t}." for t in THINGS]
"""Replies the fake encoder puts on the refund topic."""
SENDS = [f"We are posting a new {t} to you tomorrow." for t in THINGS]
"""Replacements: no topic word, only their shared hashed words."""
THANKS = [f"Thanks for your patience with the {t} today." for t in THINGS]
"""Replies off every topic."""


def encode(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """The fake encoder's vectors, padded with zeros to the sentence model's width."""
    vectors = fake_encode(texts)
    return np.pad(vectors, ((0, 0), (0, DIMENSION - vectors.shape[1])))


class _Embedder:
    model_name = "stub-encoder"

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return encode(texts)


class StubJudge:
    """The learned models' stand-in: fake embeddings, neutral emotion, and the ``solution``
    probability ``solution(sentence)`` on every agent sentence (nothing else from the acts
    head)."""

    def __init__(self, solution: Callable[[str], float] = lambda _: 0.5) -> None:
        self.solution = solution
        self.embedder = _Embedder()
        self.heads = {name: load_head(name) for name in ("emotion", "counselling", "acts")}

    def view(self, conversation: Conversation) -> LearnedView:
        return self.views([conversation])[0]

    def prepare(self, conversations: Sequence[Conversation]) -> ReadyViews:
        return ReadyViews(self.views(conversations))

    def views(self, conversations: Sequence[Conversation]) -> list[LearnedView]:
        return [self._view(c) for c in conversations]

    def _view(self, conversation: Conversation) -> LearnedView:
        found = [
            (index, s, message.role)
            for index, message in enumerate(conversation.messages)
            for s in sentences(message.text)
            if s.text.strip()
        ]
        outputs = {}
        for name, head in self.heads.items():
            matrix = np.zeros((len(found), len(head.labels)), dtype=np.float32)
            if name == "emotion":
                matrix[:, head.labels.index("neutral")] = 1.0
            outputs[name] = matrix
        column = self.heads["acts"].labels.index("solution")
        for row, (_, sentence, role) in enumerate(found):
            if role is not Role.CUSTOMER:
                outputs["acts"][row, column] = self.solution(sentence.text)
        return LearnedView(
            tuple(SentenceSpan(i, s.start, s.end) for i, s, _ in found),
            encode([s.text for _, s, _ in found]),
            outputs,
            {name: head.labels for name, head in self.heads.items()},
            MappingProxyType({n: h.thresholds for n, h in self.heads.items() if h.thresholds}),
        )


def use_stub(monkeypatch: pytest.MonkeyPatch, judge: StubJudge | None = None) -> StubJudge:
    """Make ``judge`` (a new :class:`StubJudge` by default) the pipeline's learned models."""
    import servicecoach.analysis.learned as learned

    stub = judge or StubJudge()
    monkeypatch.setattr(learned, "default_judge", lambda: stub)
    return stub


def reviewed_set(
    replies: Mapping[str, str], labels: Mapping[str, Mapping[str, bool]]
) -> tuple[list[Item], LabelSet]:
    """One conversation per key: a customer's complaint and the agent's reply; each
    labelled on the reply with ``labels[key]`` (signal to verdict)."""
    items: list[Item] = []
    label_set = LabelSet()
    for key, reply in replies.items():
        conversation = make_conversation(
            [("customer", "My order has not arrived."), ("agent", reply)], id=key
        )
        items.append((key, conversation, None))
        label_set.add(
            parse_label(
                {
                    "conversation": key,
                    "message": conversation.messages[1].id,
                    "signals": dict(labels[key]),
                }
            )
        )
    return items, label_set
