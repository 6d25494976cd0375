"""A small hand-built store with known dashboard answers (see the module's table).

=====  =======  ==========  =====  =======================  ============================
conv   channel  day         agent  waits (s)                outcome / scores
=====  =======  ==========  =====  =======================  ============================
c1     chat     2024-05-06  sam    60, 180                  frustration→gratitude, resolved;
                                                            empathy 80, responsiveness 100
                                                            (first reply within), quality 80
c2     email    2024-05-13  sam    7200, 600 (ana once)     neutral→neutral, unknown;
                                                            empathy 40, responsiveness 70
                                                            (within), continuity 30 (retell),
                                                            quality 50
c3     chat     2024-05-07  ana    180 (zed: internal)      anger→anger, unresolved;
                                                            empathy 60, responsiveness 40
                                                            (over), quality 50
c4     social   2024-06-10  lee    1800                     neutral→satisfaction, resolved;
                                                            empathy 100, quality 100
c5     chat     2024-05-08  (bot)  30                       confusion→confusion, unresolved
=====  =======  ==========  =====  =======================  ============================

Dana writes c1 and c2; teams: sam and ana are ``north``, lee is ``south``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.result import ConversationResult, Outcome
from servicecoach.model.conversation import Channel, Conversation, Customer, Message, Role
from servicecoach.store.agents import set_agent_team
from servicecoach.store.analyses import finish_run, save_results, start_run
from servicecoach.store.database import Store
from servicecoach.store.reader import iter_conversations
from servicecoach.store.writer import ConversationWriter

__all__ = ["Built", "build_dashboard_store", "conversation", "result"]

DANA = Customer(id="d", name="Dana Reyes", email="dana@example.com")
Turn = tuple[str, str | None, float, str]


def conversation(
    id: str,
    channel: Channel,
    start: datetime,
    turns: list[Turn],
    customer: Customer,
    *,
    public: bool = False,
    internal: frozenset[int] = frozenset(),
) -> Conversation:
    """A conversation from ``(role, author, minutes after start, text)`` turns."""
    return Conversation(
        id=id,
        channel=channel,
        messages=tuple(
            Message(
                id=f"m{i}",
                role=Role(role),
                text=text,
                author=author,
                at=start + timedelta(minutes=minutes),
                internal=i in internal,
            )
            for i, (role, author, minutes, text) in enumerate(turns, start=1)
        ),
        customer=customer,
        public=public,
    )


def _evidence(chat: Conversation, message: str, words: str, signal: str, polarity: int) -> Evidence:
    text = next(m.text for m in chat.messages if m.id == message)
    start = text.index(words)
    return Evidence(message, start, start + len(words), signal, polarity, words, "try this")


def result(
    chat: Conversation,
    scores: dict[str, tuple[int, list[Evidence]]],
    outcome: Outcome,
) -> ConversationResult:
    """A result with the given ``{skill: (score, evidence)}`` and outcome."""
    return ConversationResult(
        conversation=chat.id,
        analyzers={skill: f"{skill}.v1" for skill in scores},
        skills={skill: SkillFinding(score, tuple(ev)) for skill, (score, ev) in scores.items()},
        messages=tuple((m.id, m.role.value) for m in chat.messages),
        outcome=outcome,
    )


def _conversations() -> list[Conversation]:
    may = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
    return [
        conversation(
            "c1",
            Channel.CHAT,
            may,
            [
                ("customer", "Dana", 0, "My parcel has not arrived and I am furious"),
                ("agent", "sam", 1, "I'm sorry to hear that, let me check."),
                ("customer", "Dana", 5, "ok where is it"),
                ("agent", "sam", 8, "It arrives tomorrow."),
            ],
            DANA,
        ),
        conversation(
            "c2",
            Channel.EMAIL,
            may + timedelta(days=7, hours=1),
            [
                ("customer", "Dana", 0, "As I told your colleague, the parcel is late."),
                ("agent", "sam", 120, "Thanks, looking into it."),
                ("customer", "Dana", 130, "Any news?"),
                ("agent", "ana", 140, "Still checking."),
                ("agent", "sam", 150, "Found it, it is on its way."),
            ],
            DANA,
        ),
        conversation(
            "c3",
            Channel.CHAT,
            may + timedelta(days=1, hours=2),
            [
                ("customer", "Omar", 0, "WHY IS MY REFUND NOT HERE"),
                ("agent", "zed", 1, "internal: refund pending"),
                ("agent", "ana", 3, "Let me look at the refund."),
            ],
            Customer(id="o", name="Omar", email="omar@example.com"),
            internal=frozenset({2}),
        ),
        conversation(
            "c4",
            Channel.SOCIAL,
            datetime(2024, 6, 10, 12, 0, tzinfo=UTC),
            [
                ("customer", "Priya", 0, "@shop my order is missing a sock"),
                ("agent", "lee", 30, "=SUM(A1) Sorry! DM us, we'll send one."),
            ],
            Customer(id="p", name="Priya", handles={"twitter": "priya"}),
            public=True,
        ),
        conversation(
            "c5",
            Channel.CHAT,
            datetime(2024, 5, 8, 15, 0, tzinfo=UTC),
            [
                ("customer", "Ken", 0, "how do I reset my password"),
                ("bot", "helpbot", 0.5, "Here is the reset link."),
            ],
            Customer(id="k", name="Ken", email="ken@example.com"),
        ),
    ]


def _results(chats: dict[str, Conversation]) -> dict[str, ConversationResult]:
    c1, c2, c3, c4, c5 = (chats[k] for k in ("c1", "c2", "c3", "c4", "c5"))
    first = "responsiveness.first_response"
    return {
        "c1": result(
            c1,
            {
                "empathy": (
                    80,
                    [_evidence(c1, "m2", "I'm sorry to hear that", "empathy.validation", 1)],
                ),
                "responsiveness": (100, [_evidence(c1, "m2", "let me check", first, 1)]),
            },
            Outcome("frustration", "gratitude", True, 90, 80),
        ),
        "c2": result(
            c2,
            {
                "empathy": (40, [_evidence(c2, "m2", "Thanks", "empathy.missed", -1)]),
                "responsiveness": (70, [_evidence(c2, "m2", "looking into it", first, 1)]),
                "continuity": (
                    30,
                    [_evidence(c2, "m1", "As I told your colleague", "continuity.retell", -1)],
                ),
            },
            Outcome("neutral", "neutral", None, 55, 50),
        ),
        "c3": result(
            c3,
            {
                "empathy": (60, [_evidence(c3, "m3", "Let me look", "empathy.missed", -1)]),
                "responsiveness": (40, [_evidence(c3, "m3", "Let me look", first, -1)]),
            },
            Outcome("anger", "anger", False, 10, 50),
        ),
        "c4": result(
            c4,
            {"empathy": (100, [_evidence(c4, "m2", "Sorry!", "empathy.validation", 1)])},
            Outcome("neutral", "satisfaction", True, 90, 100),
        ),
        "c5": result(c5, {}, Outcome("confusion", "confusion", False, 30, None)),
    }


@dataclass(frozen=True, slots=True)
class Built:
    """What :func:`build_dashboard_store` made."""

    run: int
    pks: dict[str, int]
    customers: dict[str, int | None]


def build_dashboard_store(store: Store, *, teams: bool = True) -> Built:
    """Import the five conversations, save their results as one run, set the teams."""
    chats = {c.id: c for c in _conversations()}
    results = _results(chats)
    with store.begin() as connection:
        ConversationWriter(connection).write(list(chats.values()))
        stored = {s.conversation.id: s for s in iter_conversations(connection)}
        run = start_run(connection, {}, {})
        save_results(
            connection,
            run,
            [(stored[k].pk, results[k]) for k in ("c1", "c2", "c3")],
            {stored[k].pk: stored[k] for k in ("c1", "c2")},  # c3 is read back from the store
        )
        save_results(connection, run, [(stored[k].pk, results[k]) for k in ("c4", "c5")])
        finish_run(connection, run, 5)
        if teams:
            set_agent_team(connection, "sam", "north")
            set_agent_team(connection, "ana", "north")
            set_agent_team(connection, "lee", "south")
    return Built(
        run,
        {k: s.pk for k, s in stored.items()},
        {k: s.customer_id for k, s in stored.items()},
    )
