"""Zendesk on real API responses (../shared/formats/zendesk and zendesk_talk), and joins.

The real files are read where they are and the tests skip when the folder is absent.
Samples written for these tests (tickets to join calls to, comments pages) are built
here, in our own words.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from servicecoach.analysis.analyzer import Context
from servicecoach.analysis.analyzers.responsiveness import ResponsivenessAnalyzer
from servicecoach.ingest.base import HEAD_BYTES
from servicecoach.ingest.zendesk import ZendeskImporter
from servicecoach.model.conversation import Channel, Conversation, Role
from servicecoach.testing import read_all

FORMATS = Path(__file__).resolve().parents[2].parent / "shared" / "formats"
ZENDESK = FORMATS / "zendesk"
TALK = FORMATS / "zendesk_talk"
TICKETS = ZENDESK / "zenpy_incremental_tickets.json"
AUDITS = ZENDESK / "zenpy_ticket_audits.json"
COMMENTS_33 = ZENDESK / "zenpy_ticket33_comments.json"
ASSEMBLED = ZENDESK / "assembled_all_tickets.ndjson"
ASSEMBLED_1 = ZENDESK / "assembled_ticket1_with_audit_comments.json"
CALL = TALK / "zenpy_spec_talk_call.json"
VOICE_COMMENT = TALK / "zenpy_spec_talk_voice_comment.json"
IMPORTER = ZendeskImporter()

needs_zendesk = pytest.mark.skipif(not ZENDESK.is_dir(), reason="../shared/formats is absent")
needs_talk = pytest.mark.skipif(not TALK.is_dir(), reason="../shared/formats is absent")


def _summary(conversations: list[Conversation]) -> tuple[int, int, dict[str, int]]:
    roles = Counter(str(m.role) for c in conversations for m in c)
    return len(conversations), sum(len(c) for c in conversations), dict(roles)


def _by_id(conversations: list[Conversation]) -> dict[str, Conversation]:
    return {c.id: c for c in conversations}


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


@needs_zendesk
@pytest.mark.parametrize(
    ("files", "expected", "problems"),
    [
        # tickets endpoint alone: descriptions only, every ticket is a problem
        ([TICKETS], (0, 0, {}), 87),
        # audits alone: the requester comes from the audit's Create event
        ([AUDITS], (86, 88, {"customer": 84, "agent": 4}), 0),
        # tickets and their audits: ticket 4034 has no audit, so no comment
        ([TICKETS, AUDITS], (86, 88, {"customer": 84, "agent": 4}), 1),
        # the comments endpoint alone cannot say who the customer is
        ([COMMENTS_33], (0, 0, {}), 1),
        # tickets plus ticket 33's comments page: its ticket id comes from its links
        ([TICKETS, COMMENTS_33], (1, 1, {"agent": 1}), 86),
        ([TICKETS, AUDITS, COMMENTS_33], (86, 89, {"customer": 84, "agent": 5}), 1),
        ([ASSEMBLED], (86, 88, {"customer": 84, "agent": 4}), 1),
        ([ASSEMBLED_1], (1, 3, {"customer": 1, "agent": 2}), 0),
    ],
    ids=[
        "tickets",
        "audits",
        "tickets+audits",
        "comments",
        "tickets+comments",
        "all-three",
        "assembled-ndjson",
        "assembled-ticket1",
    ],
)
def test_zendesk_real_files_counts(
    files: list[Path], expected: tuple[int, int, dict[str, int]], problems: int
) -> None:
    conversations, found = read_all(IMPORTER, files)
    assert _summary(conversations) == expected
    assert len(found) == problems
    for conversation in conversations:
        assert conversation.source == "zendesk"
        assert all(m.text.strip() for m in conversation)
        assert all(m.at is not None for m in conversation)


@needs_zendesk
def test_zendesk_tickets_without_comments_say_what_to_import() -> None:
    _, problems = read_all(IMPORTER, [TICKETS])
    first = problems[0]
    assert (first.path, first.location) == (TICKETS, "ticket 1 (id 28)")
    assert "came without its comments" in first.message
    assert "import its comments or audits with it" in first.fix


@needs_zendesk
def test_zendesk_comments_page_alone_asks_for_its_ticket() -> None:
    _, (problem,) = read_all(IMPORTER, [COMMENTS_33])
    assert problem.location == "ticket 33"
    assert "without the ticket" in problem.message
    assert "import the tickets file" in problem.fix


@needs_zendesk
def test_zendesk_ticket_1_is_the_same_from_audits_and_from_the_assembled_export() -> None:
    (assembled,) = read_all(IMPORTER, [ASSEMBLED_1])[0]
    audited = _by_id(read_all(IMPORTER, [AUDITS])[0])["zendesk-1"]
    joined = _by_id(read_all(IMPORTER, [TICKETS, AUDITS])[0])["zendesk-1"]
    for conversation in (assembled, audited, joined):
        assert conversation.customer.id == "6130869168922"
        assert [(m.role, m.internal, m.at) for m in conversation] == [
            (Role.CUSTOMER, False, _at("2023-09-09T23:52:05Z")),
            (Role.AGENT, False, _at("2024-02-07T00:09:24Z")),
            (Role.AGENT, True, _at("2024-02-07T00:11:18Z")),
        ]
        assert conversation.messages[0].text.startswith("Hi there,")
        assert conversation.messages[2].text == "Hmm this customer has been here before"
    assert [m.id for m in audited] == [m.id for m in assembled]
    # the audits rebuild the ticket's fields from its Create and Change events
    assert audited.meta["subject"] == assembled.meta["subject"] == "Sample ticket: Meet the ticket"
    assert audited.meta["tags"] == ["sample", "support", "zendesk"]
    assert (audited.meta["type"], audited.meta["priority"]) == ("incident", "normal")


@needs_zendesk
def test_zendesk_comments_page_joins_ticket_33() -> None:
    conversations, _ = read_all(IMPORTER, [TICKETS, AUDITS, COMMENTS_33])
    ticket = _by_id(conversations)["zendesk-33"]
    # one comment from the audits, one from the comments page (by another user: an agent)
    assert [(m.id, m.role, m.at, m.text) for m in ticket] == [
        ("6162870066458", Role.CUSTOMER, _at("2023-09-18T15:57:42Z"), "test"),
        ("33144692244499", Role.AGENT, _at("2024-09-06T18:52:11Z"), "Some comment"),
    ]


# Joins with samples written here ----------------------------------------------------


def _write(folder: Path, name: str, data: object) -> Path:
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _comment(cid: int, author: int, at: str, body: str, **more: Any) -> dict[str, Any]:
    return {"id": cid, "author_id": author, "created_at": at, "body": body, **more}


def _plain_ticket(tid: int = 5, channel: str = "web") -> dict[str, Any]:
    return {"id": tid, "requester_id": 100, "via": {"channel": channel}, "subject": "Late order"}


@pytest.mark.parametrize(
    "name",
    ["ticket5_comments.json", "Ticket-5-comments.json", "export_ticket_5.json"],
)
def test_zendesk_comments_page_ticket_from_its_file_name(tmp_path: Path, name: str) -> None:
    page = {"comments": [_comment(1, 100, "2024-05-01T09:00:00Z", "Where is my parcel?")]}
    tickets = _write(tmp_path, "tickets.json", {"tickets": [_plain_ticket()]})
    (conversation,), problems = read_all(IMPORTER, [tickets, _write(tmp_path, name, page)])
    assert problems == []
    assert [(m.role, m.text) for m in conversation] == [(Role.CUSTOMER, "Where is my parcel?")]


def test_zendesk_comments_page_without_a_ticket_is_a_problem(tmp_path: Path) -> None:
    page = {"comments": [_comment(1, 100, "2024-05-01T09:00:00Z", "Hello")], "links": {}}
    tickets = _write(tmp_path, "tickets.json", {"tickets": [_plain_ticket()]})
    conversations, problems = read_all(IMPORTER, [_write(tmp_path, "page.json", page), tickets])
    assert conversations == []
    assert [p.path.name for p in problems] == ["page.json", "tickets.json"]
    assert "1 comment without a ticket" in problems[0].message
    assert "came without its comments" in problems[1].message


def test_zendesk_comments_with_their_own_ticket_id(tmp_path: Path) -> None:
    page = {
        "comments": [
            _comment(1, 100, "2024-05-01T09:00:00Z", "Hello", ticket_id=5),
            _comment(2, 7, "2024-05-01T09:03:00Z", "Hi, checking now", ticket_id=5),
            _comment(
                3, 7, "2024-05-01T09:04:00Z", "carrier says Friday", ticket_id=5, public=False
            ),
        ]
    }
    tickets = _write(tmp_path, "tickets.json", [_plain_ticket()])
    (conversation,), problems = read_all(IMPORTER, [tickets, _write(tmp_path, "c.json", page)])
    assert problems == []
    assert [(m.role, m.internal) for m in conversation] == [
        (Role.CUSTOMER, False),
        (Role.AGENT, False),
        (Role.AGENT, True),
    ]


def test_zendesk_bad_joined_comment_names_its_own_file(tmp_path: Path) -> None:
    page = {
        "comments": [
            _comment(1, 100, "2024-05-01T09:00:00Z", "Hello"),
            {"id": 2, "body": "no author"},
        ],
        "links": {"next": "https://acme.zendesk.com/api/v2/tickets/5/comments.json?page=2"},
    }
    tickets = _write(tmp_path, "tickets.json", [_plain_ticket()])
    (conversation,), (problem,) = read_all(IMPORTER, [tickets, _write(tmp_path, "c.json", page)])
    assert len(conversation) == 1
    assert (problem.path.name, problem.location) == ("c.json", "ticket 5, comment 2")


def test_zendesk_audit_without_ticket_id_is_a_problem(tmp_path: Path) -> None:
    audits = {"audits": [{"id": 1, "events": []}]}
    conversations, (problem,) = read_all(IMPORTER, [_write(tmp_path, "a.json", audits)])
    assert conversations == []
    assert (problem.location, problem.message) == ("audit 1", "the audit has no ticket_id")


def test_zendesk_ticket_with_empty_comments_is_a_problem(tmp_path: Path) -> None:
    ticket = {**_plain_ticket(), "comments": []}
    conversations, (problem,) = read_all(IMPORTER, [_write(tmp_path, "t.json", [ticket])])
    assert conversations == []
    assert problem.message == (
        "the ticket has no comment with text: nothing to score, so it was not imported"
    )
    assert problem.warning  # reported beside the import, which goes on


def test_zendesk_voicemail_comment_uses_its_transcription(tmp_path: Path) -> None:
    voice = _comment(
        1,
        100,
        "2024-05-01T09:00:00Z",
        "Voicemail from: +1 555 0100\nLength of voicemail: 0:21",
        type="VoiceComment",
        data={"transcription_text": "Hi, my order never came, please call me back."},
    )
    ticket = {**_plain_ticket(channel="voice"), "comments": [voice]}
    (conversation,) = read_all(IMPORTER, [_write(tmp_path, "t.json", [ticket])])[0]
    assert conversation.channel is Channel.PHONE
    assert conversation.messages[0].text == "Hi, my order never came, please call me back."


# Zendesk Talk ------------------------------------------------------------------------


def _ticket_for_the_call() -> dict[str, Any]:
    """Ticket 1059354, which the real Talk call sample names, as our own sample."""
    return {
        "id": 1059354,
        "requester_id": 2,
        "via": {"channel": "voice"},
        "subject": "Call about a double charge",
        "comments": [
            _comment(
                9001,
                5,
                "2020-10-15T13:33:00Z",
                "Refunded the second charge as agreed on the phone; 3-5 working days.",
            )
        ],
    }


@needs_talk
def test_zendesk_talk_call_alone_asks_for_its_ticket() -> None:
    conversations, (problem,) = read_all(IMPORTER, [CALL])
    assert conversations == []
    assert problem.location == "call 1 (id 123), ticket 1059354"
    assert "not in this import" in problem.message


@needs_talk
def test_zendesk_talk_voice_comment_request_is_explained() -> None:
    conversations, (problem,) = read_all(IMPORTER, [VOICE_COMMENT])
    assert conversations == []
    assert "voice comment" in problem.message


@needs_talk
def test_zendesk_talk_call_joins_its_ticket_as_phone_times(tmp_path: Path) -> None:
    # the sample call was answered by agent 1
    users = [{"id": 2, "name": "Ana Ruiz", "role": "end-user"}, {"id": 1, "name": "Tom Ek"}]
    ticket = _write(tmp_path, "t.json", {"tickets": [_ticket_for_the_call()], "users": users})
    (conversation,), problems = read_all(IMPORTER, [CALL, ticket])
    assert problems == []
    assert conversation.channel is Channel.PHONE
    call, answer, note = conversation.messages
    assert (call.role, call.author, call.at) == (
        Role.CUSTOMER,
        "Ana Ruiz",
        _at("2020-10-15T13:19:09Z"),
    )
    # answered time_to_answer (31 s) after the call came in; talked talk_time (751 s)
    assert (answer.role, answer.author, answer.at, answer.end) == (
        Role.AGENT,
        "Tom Ek",
        _at("2020-10-15T13:19:40Z"),
        _at("2020-10-15T13:32:11Z"),
    )
    assert call.text == "[Phone call; no transcript]"
    assert answer.text == "[Answered the phone call, 12 min 31 s talk time; no transcript]"
    assert call.meta["transcript"] is False
    assert call.meta["call"]["wait_time"] == 16
    assert note.role is Role.AGENT
    finding = ResponsivenessAnalyzer().analyze(conversation, Context())
    assert finding.score == 100  # answered in 31 s, within the phone target of a minute


@pytest.mark.parametrize(
    ("call", "roles"),
    [
        ({"agent_id": None, "completion_status": "abandoned_in_queue"}, [Role.CUSTOMER]),
        ({"voicemail": True}, [Role.CUSTOMER]),
        ({"direction": "outbound"}, [Role.AGENT]),
        ({}, [Role.CUSTOMER, Role.AGENT]),
    ],
    ids=["abandoned", "voicemail", "outbound", "answered"],
)
def test_zendesk_talk_call_kinds(tmp_path: Path, call: dict[str, Any], roles: list[Role]) -> None:
    record = {
        "id": 77,
        "ticket_id": 1059354,
        "agent_id": 5,
        "created_at": "2020-10-15T13:00:00Z",
        "direction": "inbound",
        "completion_status": "completed",
        "wait_time": 20,
        "talk_time": 60,
        **call,
    }
    files = [
        _write(tmp_path, "calls.json", {"calls": [record]}),
        _write(tmp_path, "t.json", [_ticket_for_the_call()]),
    ]
    (conversation,), problems = read_all(IMPORTER, files)
    assert problems == []
    assert [m.role for m in conversation if "call" in m.meta] == roles


def test_zendesk_talk_bad_call_is_a_problem(tmp_path: Path) -> None:
    calls = {"calls": [{"id": 3, "ticket_id": 1059354, "talk_time": 5, "wait_time": 2}]}
    files = [
        _write(tmp_path, "calls.json", calls),
        _write(tmp_path, "t.json", [_ticket_for_the_call()]),
    ]
    (conversation,), (problem,) = read_all(IMPORTER, files)
    assert len(conversation) == 1
    assert problem.message == "the call has no created_at"


@needs_talk
@pytest.mark.parametrize(("path", "score"), [(CALL, 80), (VOICE_COMMENT, 60), (AUDITS, 90)])
def test_zendesk_detects_talk_and_audit_files(path: Path, score: int) -> None:
    assert IMPORTER.detect(path, path.read_bytes()[:HEAD_BYTES]) == score


def test_zendesk_audit_events_of_odd_types_are_skipped(tmp_path: Path) -> None:
    audit = {
        "id": 1,
        "ticket_id": 5,
        "created_at": "2024-05-01T09:00:00Z",
        "events": [
            {"type": ["Comment"], "author_id": 100, "body": "a list is no event type"},
            {"type": "Create", "field_name": ["requester_id"], "value": "100"},
            {"type": "Create", "field_name": "requester_id", "value": "100"},
            {"type": "Comment", "id": 2, "author_id": 100, "body": "Where is my parcel?"},
        ],
    }
    (conversation,), problems = read_all(
        IMPORTER, [_write(tmp_path, "a.json", {"audits": [audit]})]
    )
    assert problems == []
    assert [(m.id, m.role) for m in conversation] == [("2", Role.CUSTOMER)]
