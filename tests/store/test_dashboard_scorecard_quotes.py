"""Scorecard examples always show their quote: a high score with nothing that earned it
(a skill that starts high and only loses points) is passed over for one with evidence,
on every supported backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.result import Outcome
from servicecoach.model.conversation import Channel, Customer
from servicecoach.store.analyses import finish_run, save_results, start_run
from servicecoach.store.database import Store
from servicecoach.store.filters import Filters, Scope
from servicecoach.store.reader import iter_conversations
from servicecoach.store.scorecards import SCAN, agent_scorecard
from servicecoach.store.writer import ConversationWriter
from tests.store.dashboard_data import conversation, result

ALL = Scope.everything()
OUTCOME = Outcome("neutral", "neutral", None, None, 70)
START = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)


def _build(store: Store, plan: list[tuple[int, int]]) -> dict[str, int]:
    """Conversations ``q0, q1, ...`` of agent sam with a clarity score and evidence of
    polarity +1, -1 or none (0) each, a day apart; their primary keys."""
    chats = [
        conversation(
            f"q{i}",
            Channel.CHAT,
            START + timedelta(days=i),
            [("customer", "Ann", 0, "my card was charged twice"),
             ("agent", "sam", 2, "I see the two charges and refunded one today.")],
            Customer(id=f"a{i}", name="Ann"),
        )
        for i in range(len(plan))
    ]  # fmt: skip
    results = []
    for chat, (score, polarity) in zip(chats, plan, strict=True):
        text = chat.messages[1].text
        words = "refunded one today" if polarity > 0 else "I see the two charges"
        start = text.index(words)
        suggestion = "be concrete" if polarity < 0 else None
        evidence = [
            Evidence("m2", start, start + len(words), "clarity.x", polarity, words, suggestion)
        ]
        results.append(
            result(chat, {"clear_communication": (score, evidence if polarity else [])}, OUTCOME)
        )
    with store.begin() as connection:
        ConversationWriter(connection).write(chats)
        pks = {s.conversation.id: s.pk for s in iter_conversations(connection)}
        run = start_run(connection, {}, {})
        save_results(connection, run, [(pks[r.conversation], r) for r in results])
        finish_run(connection, run, len(results))
    return pks


def _card(store: Store, examples: int = 3) -> tuple[list[str], list[str], list[str | None]]:
    with store.connect() as connection:
        card = agent_scorecard(connection, "sam", Filters(), ALL, examples=examples)
    clarity = next(c for c in card.skills if c.skill == "clear_communication")
    shown = [*clarity.strongest, *clarity.weakest]
    return (
        [e.external_id for e in clarity.strongest],
        [e.external_id for e in clarity.weakest],
        [e.quote for e in shown],
    )


def test_dashboard_scorecard_passes_over_scores_without_a_quote(store: Store) -> None:
    # q0-q3 score 85 with nothing to quote; q4 scores 90 and q5 80 with a quote; q6 40.
    _build(store, [(85, 0), (85, 0), (85, 0), (85, 0), (90, 1), (80, 1), (40, -1)])
    strongest, weakest, quotes = _card(store)
    assert strongest == ["q4", "q5"]
    assert weakest == ["q6"]
    assert None not in quotes and "refunded one today" in quotes


def test_dashboard_scorecard_shows_no_row_rather_than_no_quote(store: Store) -> None:
    _build(store, [(85, 0), (90, 0), (70, 0)])
    assert _card(store) == ([], [], [])


def test_dashboard_scorecard_stops_looking_after_scan(store: Store) -> None:
    # the only quoted conversation is beyond the SCAN best ones: not read, not shown
    plan = [(95, 0)] * SCAN + [(60, 1)]
    _build(store, plan)
    strongest, _, _ = _card(store, examples=1)
    assert strongest == []


@pytest.mark.parametrize("examples", [0, 1])
def test_dashboard_scorecard_example_count(store: Store, examples: int) -> None:
    _build(store, [(90, 1), (80, 1), (30, -1), (20, -1)])
    strongest, weakest, _ = _card(store, examples=examples)
    assert (len(strongest), len(weakest)) == (examples, examples)
