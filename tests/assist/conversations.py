"""Real-looking conversations for the live-assist tests (written for these tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from servicecoach.model.conversation import Channel, Conversation, Customer, Message, Role

__all__ = ["BILLING_CHAT", "CRASH_CHAT", "JACKET_EMAIL", "PARCEL_TWEET", "conversation"]

_START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def conversation(
    id: str,
    channel: Channel,
    turns: list[tuple[str, str]],
    *,
    name: str = "Dana Reyes",
    public: bool = False,
) -> Conversation:
    """A conversation of ``(role, text)`` turns, four minutes apart."""
    messages = tuple(
        Message(
            id=f"m{i}",
            role=Role(role),
            text=text,
            author=name if role == "customer" else "Sam (Northwind)",
            at=_START + timedelta(minutes=4 * i),
        )
        for i, (role, text) in enumerate(turns, start=1)
    )
    return Conversation(
        id=id,
        channel=channel,
        messages=messages,
        customer=Customer(id="cust-77", name=name, email="dana.reyes@example.com"),
        public=public,
    )


JACKET_EMAIL = conversation(
    "email-5521",
    Channel.EMAIL,
    [
        (
            "customer",
            "Hello,\n\nMy Ridgeline jacket (order #5521) arrived yesterday with a torn zip. "
            "I waited two weeks for it and I'm really frustrated.\n\n"
            "How fast can you send a replacement?\n\nThanks,\nDana",
        ),
    ],
)
"""An upset customer by email: a damaged item, a wait, an order number and a question."""

BILLING_CHAT = conversation(
    "chat-3120",
    Channel.CHAT,
    [
        ("customer", "Hi, I was charged twice for my March subscription."),
        ("agent", "Hi Dana, thanks for reaching out. Let me take a look at your account."),
        ("customer", "Thanks. Can the extra charge go back on my card?"),
    ],
)
"""A calm chat about a double charge, with one agent reply already sent."""

CRASH_CHAT = conversation(
    "chat-4410",
    Channel.CHAT,
    [
        ("customer", "The app keeps crashing every time I open my basket."),
        ("agent", "Sorry about that! Which phone are you using?"),
        ("customer", "An iPhone 13, and I've already restarted it twice."),
    ],
)
"""A chat with an open technical problem and a step the customer already tried."""

PARCEL_TWEET = conversation(
    "tw-88120",
    Channel.SOCIAL,
    [("customer", "@NorthwindHelp my parcel never arrived and nobody answers the phone. Fed up.")],
    name="danar",
    public=True,
)
"""A public complaint on social media."""
