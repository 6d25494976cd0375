"""Tests for the Gorgias importer: our sample (from the public API's shape) and joins."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from servicecoach.ingest.gorgias import GorgiasImporter
from servicecoach.model.conversation import Channel, Conversation, Role
from servicecoach.testing import read_all
from tests.conftest import SAMPLES
from tests.ingest.jsonfiles import JsonFiles, head, other_samples, sample_id

SAMPLE = SAMPLES / "gorgias" / "tickets.json"
IMPORTER = GorgiasImporter()
FILES = JsonFiles(IMPORTER)


def _sample() -> dict[str, Conversation]:
    conversations, problems = read_all(IMPORTER, [SAMPLE])
    assert problems == []
    return {c.id: c for c in conversations}


def test_gorgias_sample_conversations() -> None:
    conversations = _sample()
    assert {cid: (c.channel, c.public, len(c)) for cid, c in conversations.items()} == {
        "gorgias-51007": (Channel.EMAIL, False, 5),
        "gorgias-51019": (Channel.CHAT, False, 2),
        "gorgias-51023": (Channel.SOCIAL, True, 2),
    }
    for conversation in conversations.values():
        assert conversation.source == "gorgias"
        assert conversation.messages == conversation.chronological()


def test_gorgias_roles_bots_and_notes() -> None:
    ticket = _sample()["gorgias-51007"]
    assert [(m.role, m.internal, m.author) for m in ticket] == [
        (Role.CUSTOMER, False, "Ines Moreau"),
        (Role.BOT, False, "Sundown Support"),  # an automatic reply by a rule
        (Role.AGENT, True, "Maya Chen"),  # an internal note
        (Role.AGENT, False, "Maya Chen"),
        (Role.CUSTOMER, False, "Ines Moreau"),
    ]


def test_gorgias_text_choices() -> None:
    ticket = _sample()["gorgias-51007"]
    # the customer's stripped_text: no "Sent from my phone", no quoted thread
    assert ticket.messages[0].text.endswith("Order #40112. Can I swap it?")
    assert "Sent from my phone" not in ticket.messages[0].text
    assert ticket.messages[4].text == "Perfect, thank you Maya!"
    # the agent's body_text keeps the sign-off
    assert ticket.messages[3].text.endswith("return label.\n\nMaya")


def test_gorgias_customer_times_and_meta() -> None:
    ticket = _sample()["gorgias-51007"]
    customer = ticket.customer
    assert (customer.id, customer.name, customer.email, customer.phone) == (
        "88120",
        "Ines Moreau",
        "ines.moreau@example.com",
        "+33 6 55 01 22 19",
    )
    # an agent's message counts from when it was sent
    assert ticket.messages[3].at == datetime(2024, 7, 8, 10, 52, 31, tzinfo=UTC)
    assert ticket.meta == {
        "subject": "Wrong size sent",
        "status": "closed",
        "priority": "normal",
        "language": "en",
        "tags": ["exchange", "sizing"],
        "via": "email",
        "satisfaction": 5,
    }
    assert _sample()["gorgias-51019"].customer.name == "Jonas Berg"


def _ticket(**more: Any) -> dict[str, Any]:
    return {"id": 9, "channel": "sms", "customer": {"id": 3, "name": "Kim"}, **more}


def _message(mid: int, from_agent: object, **more: Any) -> dict[str, Any]:
    return {
        "id": mid,
        "ticket_id": 9,
        "from_agent": from_agent,
        "body_text": f"message {mid}",
        "created_datetime": f"2024-03-01T10:0{mid}:00Z",
        **more,
    }


def test_gorgias_messages_join_their_tickets(tmp_path: Path) -> None:
    files = [
        FILES.write(tmp_path, {"data": [_message(1, False), _message(2, True)]}, "messages.json"),
        FILES.write(tmp_path, _ticket(), "ticket.json"),
    ]
    (conversation,), problems = read_all(IMPORTER, files)
    assert problems == []
    assert conversation.channel is Channel.SMS
    assert [(m.role, m.author) for m in conversation] == [
        (Role.CUSTOMER, "Kim"),
        (Role.AGENT, None),
    ]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"t.json": {"data": [_ticket()], "meta": {}}}, "the ticket came without its messages"),
        ({"m.json": {"data": [_message(1, False)]}}, "1 message of ticket 9 without the ticket"),
        ({"m.json": [_message(1, False, ticket_id=None)]}, "the message has no ticket_id"),
        ({"t.json": [_ticket(messages=[_message(1, "yes")])]}, "the message has no from_agent"),
        ({"t.json": [_ticket(messages=[_message(1, False, body_text="")])]}, "no text"),
        ({"t.json": [_ticket(messages=[_message(1, False, created_datetime=3)])]}, "not a date"),
        ({"t.json": [_ticket(messages={})]}, "'messages' is not a list"),
        ({"t.json": {"data": {"id": 1}}}, "this is not a list of Gorgias records"),
        ({"t.json": [{"channel": "email"}]}, "the ticket has no id"),
    ],
)
def test_gorgias_problems(tmp_path: Path, files: dict[str, object], message: str) -> None:
    paths = [FILES.write(tmp_path, data, name) for name, data in files.items()]
    conversations, problems = read_all(IMPORTER, paths)
    assert conversations == []
    assert any(message in p.message for p in problems), problems
    assert all(p.fix for p in problems)


def test_gorgias_empty_list_answer(tmp_path: Path) -> None:
    path = FILES.write(
        tmp_path, {"data": [], "meta": {"next_cursor": None}, "object": "list"}, "t.json"
    )
    assert read_all(IMPORTER, [path]) == ([], [])


@pytest.mark.parametrize(
    ("path", "score"), [(SAMPLE, 90), (SAMPLES / "zendesk" / "tickets.json", 0)]
)
def test_gorgias_detect(path: Path, score: int) -> None:
    assert IMPORTER.detect(path, head(path)) == score


@pytest.mark.parametrize("path", other_samples("gorgias"), ids=sample_id)
def test_gorgias_detect_ignores_other_formats(path: Path) -> None:
    assert IMPORTER.detect(path, head(path)) == 0
