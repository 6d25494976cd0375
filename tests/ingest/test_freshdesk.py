"""Tests for the Freshdesk importer: real API samples (../shared/formats), our sample, joins."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from servicecoach.ingest.freshdesk import FreshdeskImporter
from servicecoach.model.conversation import Channel, Conversation, Role
from servicecoach.testing import read_all
from tests.conftest import SAMPLES
from tests.ingest.jsonfiles import JsonFiles, head, other_samples, sample_id

FORMATS = Path(__file__).resolve().parents[2].parent / "shared" / "formats" / "freshdesk"
TICKET_1 = FORMATS / "tests_sample_json_data_ticket_1.json"
ALL_TICKETS = FORMATS / "tests_sample_json_data_all_tickets.json"
CONVERSATIONS = FORMATS / "sample_json_data_conversations.json"
SAMPLE = SAMPLES / "freshdesk" / "tickets.json"
IMPORTER = FreshdeskImporter()
FILES = JsonFiles(IMPORTER)

needs_formats = pytest.mark.skipif(not FORMATS.is_dir(), reason="../shared/formats is absent")


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _sample() -> dict[str, Conversation]:
    conversations, problems = read_all(IMPORTER, [SAMPLE])
    assert problems == []
    return {c.id: c for c in conversations}


@needs_formats
@pytest.mark.parametrize(
    ("files", "conversations", "problem"),
    [
        ([TICKET_1], 0, "the ticket came without its conversations"),
        ([ALL_TICKETS], 0, "the ticket came without its conversations"),
        ([CONVERSATIONS], 0, "2 conversations of ticket 1 without the ticket"),
        ([TICKET_1, CONVERSATIONS], 1, None),
        ([CONVERSATIONS, ALL_TICKETS], 1, None),
    ],
    ids=["ticket", "list", "conversations", "ticket+conversations", "list+conversations"],
)
def test_freshdesk_real_files(files: list[Path], conversations: int, problem: str | None) -> None:
    read, problems = read_all(IMPORTER, files)
    assert len(read) == conversations
    assert len(problems) == (1 if problem else 0)
    if problem:
        assert problems[0].message.startswith(problem)
        assert problems[0].fix


@needs_formats
def test_freshdesk_real_ticket_with_its_conversations() -> None:
    (ticket,) = read_all(IMPORTER, [TICKET_1, CONVERSATIONS])[0]
    assert (ticket.id, ticket.channel, ticket.source) == ("freshdesk-1", Channel.WEB, "freshdesk")
    assert [(m.role, m.internal, m.author, m.at, m.text) for m in ticket] == [
        (
            Role.CUSTOMER,
            False,
            "6012691534",
            _utc("2016-05-18T04:36:04+00:00"),
            "This is a sample ticket, feel free to delete it.",
        ),
        (Role.AGENT, True, "1", _utc("2016-05-19T05:36:12+00:00"), "This is a private note"),
        (Role.AGENT, False, "Rachel", _utc("2016-05-19T05:36:14+00:00"), "This is a reply"),
    ]
    # the inline requester (id 43026449322) is not the requester_id: not used
    assert (ticket.customer.id, ticket.customer.name, ticket.customer.email) == (
        "6012691534",
        None,
        None,
    )
    assert ticket.meta == {
        "subject": "This is a sample ticket",
        "status": "open",
        "priority": "low",
        "type": "Question",
        "tags": ["foo", "bar"],
        "via": "portal",
    }


@needs_formats
def test_freshdesk_real_older_ticket_shape() -> None:
    (ticket,) = read_all(IMPORTER, [ALL_TICKETS, CONVERSATIONS])[0]
    assert (ticket.customer.id, ticket.customer.name) == ("5004272351", "Rachel")
    assert ticket.messages[0].text == "This is a sample ticket, feel free to delete it."
    assert ticket.messages[0].at == _utc("2014-12-31T12:27:09+10:00")
    assert ticket.meta["type"] == "Question"


def test_freshdesk_sample_roles_notes_and_text() -> None:
    kettle = _sample()["freshdesk-2301"]
    assert kettle.channel is Channel.EMAIL
    assert [(m.role, m.internal, m.author) for m in kettle] == [
        (Role.CUSTOMER, False, "Lena Park"),
        (Role.AGENT, False, "Omar Diaz"),
        (Role.CUSTOMER, False, "Lena Park"),
        (Role.AGENT, True, "66010"),
        (Role.AGENT, False, "Omar Diaz"),
    ]
    # the customer's emailed reply loses the quoted thread; the agent keeps the sign-off
    assert kettle.messages[2].text == "Here it is, thanks for the quick answer!"
    assert kettle.messages[1].text.endswith("ship a replacement today.\n\nOmar")
    assert kettle.customer.phone == "+1 206 555 0148"


def test_freshdesk_sample_html_body_and_outbound_email() -> None:
    conversations = _sample()
    address = conversations["freshdesk-2302"]
    assert address.channel is Channel.WEB
    assert address.messages[0].text.startswith("Can you send order FD-88340")
    assert "<p>" not in address.messages[1].text
    reminder = conversations["freshdesk-2303"]
    assert [m.role for m in reminder] == [Role.AGENT, Role.CUSTOMER]
    assert reminder.meta["via"] == "outbound_email"


def _ticket(**more: Any) -> dict[str, Any]:
    return {
        "id": 5,
        "requester_id": 10,
        "source": 7,
        "description_text": "My code does not work",
        "created_at": "2024-01-02T10:00:00Z",
        **more,
    }


def _reply(rid: int, incoming: bool | None, **more: Any) -> dict[str, Any]:
    reply = {
        "id": rid,
        "ticket_id": 5,
        "user_id": 10 if incoming else 20,
        "private": False,
        "body_text": f"reply {rid}",
        "created_at": f"2024-01-02T10:0{rid}:00Z",
        **more,
    }
    if incoming is not None:
        reply["incoming"] = incoming
    return reply


def test_freshdesk_joins_several_files(tmp_path: Path) -> None:
    files = [
        FILES.write(tmp_path, [_reply(1, False)], "c1.json"),
        FILES.write(tmp_path, {"tickets": [_ticket(), _ticket(id=6)]}, "tickets.json"),
        FILES.write(
            tmp_path, {"conversations": [_reply(2, True), _reply(3, None, ticket_id=6)]}, "c2.json"
        ),
    ]
    conversations, problems = read_all(IMPORTER, files)
    chat = {c.id: c for c in conversations}["freshdesk-5"]
    assert chat.channel is Channel.CHAT
    assert [(m.id, m.role) for m in chat] == [
        ("ticket-5-description", Role.CUSTOMER),
        ("1", Role.AGENT),
        ("2", Role.CUSTOMER),
    ]
    # without 'incoming', a reply by someone other than the requester is an agent's
    assert [m.role for m in {c.id: c for c in conversations}["freshdesk-6"]][1] is Role.AGENT
    assert problems == []


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        ({"ticket_id": None}, "the conversation has no ticket_id"),
        ({"id": None}, "the conversation has no id"),
        ({"body_text": " ", "body": None}, "the conversation has no text"),
        ({"created_at": "yesterday"}, "not a date"),
        ({"created_at": 5}, "not a date"),
    ],
)
def test_freshdesk_bad_conversation_is_reported(
    tmp_path: Path, reply: dict[str, Any], message: str
) -> None:
    files = [
        FILES.write(tmp_path, _ticket(), "t.json"),
        FILES.write(tmp_path, [_reply(1, False), _reply(2, True, **reply)], "c.json"),
    ]
    (ticket,), (problem,) = read_all(IMPORTER, files)
    assert len(ticket) == 2
    assert problem.path.name == "c.json"
    assert message in problem.message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"tickets": {"id": 1}}', "'tickets' is not a list"),
        (b'[{"id": 1, "requester_id": 2, "fr_due_by": null, ', "not valid JSON"),
        (b'[{"requester_id": 2, "description_text": "x"}]', "the ticket has no id"),
        (b'[{"id": 1, "conversations": {}}]', "'conversations' is not a list"),
        (b'[{"id": 1, "conversations": [{"id": 1}]}]', "has no text"),
        (b"[7]", "the ticket is not a JSON object"),
    ],
)
def test_freshdesk_unreadable(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "t.json"
    path.write_bytes(content)
    conversations, problems = read_all(IMPORTER, [path])
    assert conversations == []
    assert any(message in p.message for p in problems)


@pytest.mark.parametrize(
    ("path", "score"),
    [(SAMPLE, 90), (SAMPLES / "zendesk" / "tickets.json", 0)],
)
def test_freshdesk_detect(path: Path, score: int) -> None:
    assert IMPORTER.detect(path, head(path)) == score


@needs_formats
@pytest.mark.parametrize("path", [TICKET_1, ALL_TICKETS, CONVERSATIONS], ids=lambda p: p.name)
def test_freshdesk_detects_real_files(path: Path) -> None:
    assert IMPORTER.detect(path, head(path)) == 90


@pytest.mark.parametrize("path", other_samples("freshdesk"), ids=sample_id)
def test_freshdesk_detect_ignores_other_formats(path: Path) -> None:
    assert IMPORTER.detect(path, head(path)) == 0
