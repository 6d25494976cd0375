"""Customer emotion read in context: the agent's reply before a message changes what it means."""

from __future__ import annotations

import numpy as np
import pytest

from servicecoach.analysis.emotion import customer_emotions
from servicecoach.analysis.emotion_context import TurnContext, is_refusal, turn_contexts
from servicecoach.analysis.emotion_context_reading import Reading, reread
from servicecoach.analysis.learned import LearnedView, SentenceSpan
from servicecoach.testing import make_conversation

REFUSAL = "I'm afraid we can't refund sale items."
FIX = "I've refunded the dress; it should reach your card in three days."


def _last_emotion(turns: list[tuple[str, str]]) -> tuple[str, float]:
    conversation = make_conversation(turns)
    found = customer_emotions(conversation)[conversation.messages[-1].id]
    return found.label, found.score


@pytest.mark.parametrize(
    ("turns", "label"),
    [
        # sarcasm: bare praise right after the agent says it cannot help
        ([("customer", "Can I get a refund on the sale dress?"), ("agent", REFUSAL), ("customer", "Great.")], "frustration"),
        ([("customer", "Can I get a refund on the sale dress?"), ("agent", REFUSAL), ("customer", "Perfect, just perfect.")], "frustration"),
        # the same words after a fix are meant
        ([("customer", "Can I get a refund on the sale dress?"), ("agent", FIX), ("customer", "Great, thanks!")], "satisfaction"),
        # resigned thanks after a refusal; real thanks after a fix
        ([("customer", "Can I get a refund on the sale dress?"), ("agent", REFUSAL), ("customer", "ok thanks")], "disappointment"),
        ([("customer", "Can I get a refund on the sale dress?"), ("agent", REFUSAL), ("customer", "Oh well.")], "disappointment"),
        ([("customer", "Can I get a refund on the sale dress?"), ("agent", FIX), ("customer", "ok thanks")], "gratitude"),
        # a correction of what the agent did
        ([("customer", "Please move my flight to the 14th."), ("agent", "Done, you're now flying on the 4th."), ("customer", "I said the 14th, not the 4th.")], "frustration"),
        ([("customer", "I need a double room."), ("agent", "I've booked a twin room for you."), ("customer", "That's not what I asked for.")], "frustration"),
        # a bare "no" to an offer is a mild rejection; to a question it is an answer
        ([("customer", "My order was wrong."), ("agent", "Would you like a 10% voucher instead?"), ("customer", "No.")], "disappointment"),
        ([("customer", "My order was wrong."), ("agent", "Have you opened the package yet?"), ("customer", "No, I haven't opened it.")], "neutral"),
        # "that's all" after "anything else?" closes; it is not dissatisfaction
        ([("customer", "Where's my parcel?"), ("agent", "It arrives today. Anything else I can help with?"), ("customer", "No, that's all.")], "neutral"),
        ([("customer", "Where's my parcel?"), ("agent", "It arrives today. Is there anything else?"), ("customer", "Nothing else.")], "neutral"),
        # ... unless the customer says more at the close
        ([("customer", "My heating is broken."), ("agent", "Anything else I can do?"), ("customer", "No, that's all. The heating is still broken though.")], "frustration"),
    ],
)  # fmt: skip
def test_emotion_context_cases(turns: list[tuple[str, str]], label: str) -> None:
    assert _last_emotion(turns)[0] == label


def test_emotion_context_repetition_after_an_answer_is_frustration() -> None:
    """The customer asks the same thing again after a reply that missed it (rules only:
    the share of its words said before)."""
    label, score = _last_emotion(
        [
            ("customer", "Why was I charged a 15 pound fee on my current account?"),
            ("agent", "You can view your statements in the app."),
            ("customer", "Why is there a 15 pound fee charged on my current account?"),
        ]
    )
    assert label == "frustration" and score >= 0.7


def test_emotion_context_new_question_is_no_repetition() -> None:
    label, _ = _last_emotion(
        [
            ("customer", "Why was I charged a 15 pound fee on my current account?"),
            ("agent", "It was an overdraft fee; I've refunded it."),
            ("customer", "How do I set up overdraft alerts on my phone?"),
        ]
    )
    assert label != "frustration"


def test_emotion_context_first_message_is_read_alone() -> None:
    """With no reply before it, a message reads as it always did: "Great." is praise."""
    conversation = make_conversation([("customer", "Great.")])
    assert turn_contexts(conversation) == {}


@pytest.mark.parametrize(
    ("reply", "refusal"),
    [
        ("I'm afraid there are no tables left on Friday.", True),
        ("Unfortunately we can't change the name on the ticket.", True),
        ("We can't refund it, but I can send you a voucher instead.", False),
        ("They don't allow pets, and it's on Walnut Street.", False),
        ("I've refunded it.", False),
    ],
)
def test_emotion_context_refusal(reply: str, refusal: bool) -> None:
    assert is_refusal(reply) is refusal


def _view(vectors: list[list[float]], messages: list[int], texts: list[str]) -> LearnedView:
    """A learned view with chosen sentence embeddings (one sentence per message)."""
    embeddings = np.asarray(vectors, dtype=np.float32)
    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
    spans = tuple(SentenceSpan(m, 0, len(t)) for m, t in zip(messages, texts, strict=True))
    return LearnedView(spans, embeddings, {}, {})


def test_emotion_context_repetition_by_embedding() -> None:
    """With the learned view, repetition is the cosine with the earlier, answered message."""
    texts = [
        "My internet keeps dropping every evening.",
        "Have you tried restarting the router?",
        "The connection still cuts out each night at home.",
    ]
    conversation = make_conversation(
        list(zip(["customer", "agent", "customer"], texts, strict=True))
    )
    close = _view([[1, 0, 0], [0, 1, 0], [0.95, 0.05, 0.3]], [0, 1, 2], texts)
    far = _view([[1, 0, 0], [0, 1, 0], [0.1, 0.2, 1]], [0, 1, 2], texts)
    assert turn_contexts(conversation, close)[2].repetition > 0.9
    assert turn_contexts(conversation, far)[2].repetition < 0.2


@pytest.mark.parametrize(
    ("text", "label", "context", "expected"),
    [
        ("Great.", "satisfaction", TurnContext(after_reply=True, refusal=True), ("frustration", Reading.SARCASM)),
        ("Thanks.", "gratitude", TurnContext(after_reply=True, refusal=True), ("disappointment", Reading.RESIGNED)),
        ("Thanks.", "gratitude", TurnContext(after_reply=True, solution=True), ("gratitude", Reading.THANKS)),
        ("That's all.", "disappointment", TurnContext(after_reply=True, closing_check=True), ("neutral", Reading.DONE)),
        ("Still no refund for the boots.", "neutral", TurnContext(after_reply=True, repetition=0.9), ("frustration", Reading.REPETITION)),
        ("Still no refund for the boots.", "neutral", TurnContext(after_reply=True, repetition=0.3), ("neutral", None)),
        ("Great.", "satisfaction", TurnContext(), ("satisfaction", None)),
    ],
)  # fmt: skip
def test_emotion_context_reread(
    text: str, label: str, context: TurnContext, expected: tuple[str, str | None]
) -> None:
    new_label, score, reading = reread(text, label, 0.6, context)
    assert (new_label, reading) == expected
    assert 0 < score <= 0.95


def test_emotion_context_fast_pipeline_reads_context() -> None:
    """``--fast`` (rules only, no model) reads the context too: sarcasm after a refusal."""
    from servicecoach.analysis.pipeline import Pipeline
    from servicecoach.rubric import load_rubric

    conversation = make_conversation(
        [("customer", "Can I get a refund on the sale dress?"), ("agent", REFUSAL), ("customer", "Lovely.")]
    )  # fmt: skip
    result = Pipeline.from_rubric(load_rubric(None), fast=True).analyze(conversation)
    assert result.emotions[conversation.messages[-1].id].label == "frustration"
    assert result.outcome.emotion_end == "frustration"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("turns", "label"),
    [
        (
            [("customer", "Why was I charged a 15 pound fee on my current account?"),
             ("agent", "You can view your statements in the app under Accounts."),
             ("customer", "I'm asking why there's a 15 pound fee charged to my current account.")],
            "frustration",
        ),
        ([("customer", "Can I get a refund on the sale dress?"), ("agent", REFUSAL), ("customer", "Perfect.")], "frustration"),
        ([("customer", "Can I get a refund on the sale dress?"), ("agent", REFUSAL), ("customer", "ok thanks")], "disappointment"),
        ([("customer", "Can I get a refund on the sale dress?"), ("agent", FIX), ("customer", "ok thanks")], "gratitude"),
        ([("customer", "Where's my parcel?"), ("agent", "It arrives today. Anything else I can help with?"), ("customer", "No, that's all.")], "neutral"),
    ],
)  # fmt: skip
def test_emotion_context_with_the_model(turns: list[tuple[str, str]], label: str) -> None:
    """With the sentence model and heads, as servicecoach runs by default."""
    from servicecoach.analysis.learned import default_judge

    conversation = make_conversation(turns)
    view = default_judge().view(conversation)
    assert customer_emotions(conversation, view)[conversation.messages[-1].id].label == label


def test_emotion_context_a_note_or_a_system_notice_is_not_the_reply() -> None:
    """What the customer answers is what they saw: not an internal note, not "Dana joined"."""
    from dataclasses import replace

    asked = [
        ("customer", "Can I bring my dog to the cabin?"),
        ("agent", "Yes of course, dogs are welcome!"),
        ("agent", "Unfortunately we cannot waive the pet fee."),
        ("customer", "Great."),
    ]
    conversation = make_conversation(asked)
    note = replace(conversation.messages[2], internal=True)
    noted = replace(
        conversation, messages=(*conversation.messages[:2], note, conversation.messages[3])
    )
    assert customer_emotions(noted)[noted.messages[-1].id].label != "frustration"
    assert customer_emotions(conversation)[conversation.messages[-1].id].label == "frustration"

    restated = "My heating stopped working last night and the house is freezing."
    joined = make_conversation(
        [("customer", restated), ("system", "Dana joined the chat"), ("customer", restated)]
    )
    assert turn_contexts(joined) == {}  # nothing answered the first message


def test_emotion_context_asking_again_is_a_correction() -> None:
    label, _ = _last_emotion(
        [
            ("customer", "When will my replacement card arrive?"),
            ("agent", "You can freeze your card in the app."),
            ("customer", "Do I have to ask again?"),
        ]
    )
    assert label == "frustration"


def test_emotion_context_compares_a_message_with_recent_ones_only() -> None:
    """A repeat is of something recent; a very long conversation stays linear."""
    from servicecoach.analysis.emotion_context import MAX_EARLIER

    first = "Why was I charged a 15 pound fee on my current account?"
    turns: list[tuple[str, str]] = [("customer", first), ("agent", "Let me look.")]
    for n in range(MAX_EARLIER + 2):
        turns += [("customer", f"Order {n} for the blue kettle arrived fine."), ("agent", "Noted.")]
    turns.append(("customer", first))
    conversation = make_conversation(turns)
    contexts = turn_contexts(conversation)
    assert contexts[len(turns) - 1].repetition < 0.5  # the first message is long past
    turns[-1:] = [("customer", f"Order {MAX_EARLIER + 1} for the blue kettle arrived fine.")]
    assert turn_contexts(make_conversation(turns))[len(turns) - 1].repetition == 1.0
