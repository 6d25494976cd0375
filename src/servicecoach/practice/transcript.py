"""The practice conversation as the analysers read it: messages on the scenario's clock.

Practice replies are typed at the trainee's pace, so times come from the scenario: the
customer's first message at :data:`START`, each reply ``reply_minutes`` after the message
it answers, each customer message ``after_minutes`` after the reply before it (the
step's values, else the channel's). Responsiveness is scored on that clock, which is
what lets a scenario make the trainee pick up a chat that has already waited an hour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from servicecoach.model.conversation import Channel, Conversation, Customer, Message, Role
from servicecoach.practice.scenario import Scenario

__all__ = ["START", "Line", "history_of", "to_conversation"]

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
"""When every practice conversation starts (a Monday morning, inside business hours)."""


@dataclass(frozen=True, slots=True)
class Line:
    """One message of the practice conversation: the customer's (a step) or the trainee's."""

    role: Role
    text: str
    step: str
    minutes: float
    """Minutes since the previous message (0 for the first)."""


def to_conversation(
    scenario: Scenario, lines: Sequence[Line], *, public: bool, agent: str = "trainee"
) -> Conversation:
    """The conversation of ``lines``: ids ``c1, a1, c2, ...``, times on the scenario's clock."""
    messages: list[Message] = []
    at = START
    counts = {Role.CUSTOMER: 0, Role.AGENT: 0}
    for line in lines:
        at += timedelta(minutes=line.minutes)
        counts[line.role] += 1
        prefix = "c" if line.role is Role.CUSTOMER else "a"
        author = scenario.persona.name if line.role is Role.CUSTOMER else agent
        messages.append(
            Message(f"{prefix}{counts[line.role]}", line.role, line.text, author=author, at=at)
        )
    return Conversation(
        id=f"practice-{scenario.id}",
        channel=scenario.channel.channel,
        messages=tuple(messages),
        customer=Customer(id=f"practice-{scenario.id}", name=scenario.persona.name),
        public=public,
        source="practice",
    )


def history_of(scenario: Scenario) -> tuple[Conversation, ...] | None:
    """The persona's earlier contacts as conversations, oldest first (``None`` without any)."""
    if not scenario.persona.history:
        return None
    earlier = sorted(scenario.persona.history, key=lambda contact: -contact.days_ago)
    out = []
    for index, contact in enumerate(earlier, start=1):
        at = START - timedelta(days=contact.days_ago)
        out.append(
            Conversation(
                id=f"practice-{scenario.id}-history-{index}",
                channel=Channel(contact.channel),
                messages=(
                    Message("c1", Role.CUSTOMER, contact.customer, at=at),
                    Message("a1", Role.AGENT, contact.agent, at=at + timedelta(minutes=5)),
                ),
                customer=Customer(id=f"practice-{scenario.id}", name=scenario.persona.name),
                source="practice",
            )
        )
    return tuple(out)
