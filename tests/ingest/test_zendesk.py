"""Tests for the Zendesk ticket export importer."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicecoach.errors import InvalidFileError
from servicecoach.ingest.zendesk import ZendeskImporter
from servicecoach.model.conversation import Channel, Conversation, Role
from servicecoach.model.text import normalize_text
from servicecoach.testing import read_all
from tests.conftest import SAMPLES, TEST_DATA
from tests.ingest.jsonfiles import head, other_samples, sample_id

SAMPLE = SAMPLES / "zendesk" / "tickets.json"
DATA = TEST_DATA / "zendesk"
IMPORTER = ZendeskImporter()


def _read(*paths: Path) -> list[Conversation]:
    conversations, problems = read_all(IMPORTER, paths)
    assert problems == []
    return conversations


def _write(directory: Path, data: object, name: str = "tickets.json") -> Path:
    path = directory / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _ticket(channel: str = "web", rel: str | None = None, **fields: Any) -> dict[str, Any]:
    ticket: dict[str, Any] = {
        "id": 7,
        "requester_id": 9001,
        "via": {"channel": channel, "source": {"rel": rel}},
        "comments": [
            {"id": 1, "author_id": 9001, "created_at": "2024-05-01T09:00:00Z", "body": "help"},
            {"id": 2, "author_id": 7001, "created_at": "2024-05-01T09:05:00Z", "body": "sure"},
        ],
    }
    ticket.update(fields)
    return ticket


def _sample() -> dict[str, Conversation]:
    return {c.id: c for c in _read(SAMPLE)}


def test_zendesk_sample_tickets() -> None:
    conversations = _sample()
    assert {cid: (c.channel, c.public, len(c)) for cid, c in conversations.items()} == {
        "zendesk-48213": (Channel.EMAIL, False, 5),
        "zendesk-48230": (Channel.WEB, False, 4),
        "zendesk-48251": (Channel.SOCIAL, True, 2),
        "zendesk-48262": (Channel.CHAT, False, 5),
    }
    for conversation in conversations.values():
        assert conversation.source == "zendesk"
        assert conversation.messages == conversation.chronological()
        assert all(m.at is not None and m.at.utcoffset() is not None for m in conversation)


def test_zendesk_customer_comes_from_the_side_loaded_users() -> None:
    dana = _sample()["zendesk-48213"].customer
    assert (dana.id, dana.name, dana.email, dana.phone) == (
        "9001",
        "Dana Reyes",
        "dana.reyes@example.com",
        "+1 415 555 0134",
    )
    assert _sample()["zendesk-48251"].customer.handles == {"twitter": "danareyes"}


def test_zendesk_roles_authors_and_internal_notes() -> None:
    ticket = _sample()["zendesk-48213"]
    assert [(m.role, m.author, m.internal) for m in ticket] == [
        (Role.CUSTOMER, "Dana Reyes", False),
        (Role.AGENT, "Sam Ortiz", False),
        (Role.AGENT, "Sam Ortiz", True),
        (Role.CUSTOMER, "Dana Reyes", False),
        (Role.AGENT, "Sam Ortiz", False),
    ]
    assert ticket.messages[2].text.startswith("Replacement pole set")
    assert not ticket.messages[2].is_reply


def test_zendesk_email_comments_lose_quotes_and_signatures() -> None:
    ticket = _sample()["zendesk-48213"]
    reply = ticket.messages[3].text
    assert reply.endswith("Thank you for sorting it out so fast!\n\nDana")
    assert "wrote:" not in reply and "555 0134" not in reply
    assert "+1 415" not in ticket.messages[0].text
    # agent comments written in Zendesk (via web) keep their sign-off
    assert ticket.messages[1].text.endswith("Best,\nSam")


def test_zendesk_html_bodies_become_text() -> None:
    reply = _sample()["zendesk-48230"].messages[3].text
    assert "<" not in reply
    assert "* Amount: £129.00\n* Expected on your card: within 3 business days" in reply


def test_zendesk_meta() -> None:
    conversations = _sample()
    assert conversations["zendesk-48213"].meta == {
        "subject": "Ridgeline 2 tent arrived with a broken pole",
        "status": "solved",
        "priority": "high",
        "type": "problem",
        "tags": ["damaged", "replacement", "tents"],
        "via": "email",
        "satisfaction": "good",
    }
    assert "satisfaction" not in conversations["zendesk-48230"].meta
    assert "priority" not in conversations["zendesk-48251"].meta


def test_zendesk_ndjson_problems_name_ticket_and_line() -> None:
    conversations, problems = read_all(IMPORTER, [DATA / "export.ndjson"])
    assert [(p.line, p.location) for p in problems] == [
        (3, "line 3, column 26"),
        (4, "line 4, ticket 3"),
        (5, "line 5, ticket 4 (id 61003), comment 1"),
        (5, "line 5, ticket 4 (id 61003), comment 2"),
        (5, "line 5, ticket 4 (id 61003), comment 4"),
        (7, "line 7, ticket 6"),
    ]
    assert "not valid JSON" in problems[0].message
    assert "no id" in problems[1].message
    assert "not a date" in problems[2].message
    assert "no author_id" in problems[3].message
    assert all(p.fix for p in problems)
    assert [c.id for c in conversations] == ["zendesk-61001", "zendesk-61003", "zendesk-61004"]
    assert [m.id for m in conversations[1]] == ["3", "5"]


def test_zendesk_ndjson_inline_requester_and_email_trim() -> None:
    conversations, _ = read_all(IMPORTER, [DATA / "export.ndjson"])
    omar = conversations[0]
    assert omar.customer.name == "Omar Haddad"
    assert omar.customer.phone == "+44 20 7946 0321"
    assert omar.messages[0].author == "Omar Haddad"
    assert omar.messages[1].author == "7002"
    assert omar.messages[0].text == (
        "Hello,\n\nThe Granite boots in 10 are too tight. Can I swap them for a 10.5?"
    )


def test_zendesk_duplicate_comments_keep_the_last_and_untimed_go_last() -> None:
    conversations, _ = read_all(IMPORTER, [DATA / "export.ndjson"])
    chat = conversations[2]
    assert [m.id for m in chat] == ["9", "10", "11"]
    assert chat.messages[1].text == "Hi Dana, sorry about the zip! How can I help?"
    assert chat.messages[2].at is None


def test_zendesk_array_old_dates_and_separate_users_file() -> None:
    # the users file comes second but is read first
    read, problems = read_all(IMPORTER, [DATA / "array_old_dates.json", DATA / "users.json"])
    assert [(p.location, p.message) for p in problems] == [
        (
            "ticket 2 (id 62002)",
            "the ticket came without its comments (the tickets endpoints and the "
            "incremental export give only its description): nothing to score, so it was "
            "not imported",
        )
    ]
    tickets = {c.id: c for c in read}
    strap = tickets["zendesk-62001"]
    assert (strap.channel, strap.public) == (Channel.SOCIAL, False)
    assert [(m.role, m.author) for m in strap] == [
        (Role.CUSTOMER, "Dana Reyes"),
        (Role.BOT, "Answer Bot"),
        (Role.CUSTOMER, "Alex Reyes"),
        (Role.AGENT, "Sam Ortiz"),
    ]
    assert strap.messages[0].at is not None and strap.messages[0].at.isoformat() == (
        "2024-05-20T14:00:00+00:00"
    )
    assert strap.messages[3].text == "Yes! Pull the tab under the buckle & slide it up.\n\nSam"
    assert "zendesk-62002" not in tickets  # no comments: a problem, see below
    pigeon = tickets["zendesk-62003"]
    assert pigeon.channel is Channel.OTHER
    assert pigeon.meta["via"] == "carrier_pigeon"
    assert pigeon.messages[0].at is not None
    assert pigeon.messages[0].at.isoformat() == "2024-05-21T08:00:00+02:00"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("broken.json", r"line 5, column 5: not valid JSON \(Expecting property name"),
        ("wrong_structure.json", "not a Zendesk export"),
    ],
)
def test_zendesk_unreadable_documents(name: str, message: str) -> None:
    # Files are read together (side-loaded users apply to all): an unreadable file is
    # reported as a problem and the other files are still read.
    conversations, problems = read_all(IMPORTER, [DATA / name, SAMPLE])
    (problem,) = problems
    assert re.search(message, str(problem))
    assert problem.path == DATA / name
    assert len(conversations) == 4
    if name == "broken.json":
        assert problem.line == 5


@pytest.mark.parametrize(
    "content",
    [
        b'{"tickets": [{"id": 1, "subject": "caf\xe9"}]}',
        b'{"tickets": {"id": 1}}',
        b"42",
        b'"tickets"',
        b"[" * 100_000,
        b'{"tickets": [' + b"1" * 5000 + b"]}",
    ],
    ids=["not-utf8", "tickets-not-list", "number", "string", "too-deep", "huge-number"],
)
def test_zendesk_unreadable_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    conversations, problems = read_all(IMPORTER, [path])
    assert conversations == []
    assert [p.path for p in problems] == [path]


@pytest.mark.parametrize(
    ("channel", "rel", "expected", "public"),
    [
        ("email", None, Channel.EMAIL, False),
        ("web", None, Channel.WEB, False),
        ("web_form", None, Channel.WEB, False),
        ("api", None, Channel.WEB, False),
        ("any_channel", None, Channel.WEB, False),
        ("chat", None, Channel.CHAT, False),
        ("native_messaging", "whatsapp", Channel.CHAT, False),
        ("messaging", None, Channel.CHAT, False),
        ("voice", "inbound", Channel.PHONE, False),
        ("sms", None, Channel.SMS, False),
        ("twitter", "mention", Channel.SOCIAL, True),
        ("twitter", "direct_message", Channel.SOCIAL, False),
        ("facebook", "post", Channel.SOCIAL, True),
        ("facebook", "message", Channel.SOCIAL, False),
        ("instagram", None, Channel.SOCIAL, True),
        ("sample_ticket", None, Channel.OTHER, False),
    ],
)
def test_zendesk_channel_mapping(
    tmp_path: Path, channel: str, rel: str | None, expected: Channel, public: bool
) -> None:
    (ticket,) = _read(_write(tmp_path, {"tickets": [_ticket(channel, rel)]}))
    assert (ticket.channel, ticket.public) == (expected, public)


@pytest.mark.parametrize(
    "document",
    [
        [_ticket()],
        {"tickets": [_ticket()]},
        {"ticket": _ticket()},
        _ticket(),
    ],
    ids=["array", "page", "single", "bare-ticket"],
)
def test_zendesk_document_shapes(tmp_path: Path, document: object) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    (ticket,) = _read(path)
    assert ticket.id == "zendesk-7"
    assert [m.role for m in ticket] == [Role.CUSTOMER, Role.AGENT]


def test_zendesk_single_line_ticket_is_ndjson(tmp_path: Path) -> None:
    (ticket,) = _read(_write(tmp_path, _ticket(), "one.ndjson"))
    assert ticket.id == "zendesk-7"


def test_zendesk_role_follows_the_users(tmp_path: Path) -> None:
    data = {
        "tickets": [_ticket()],
        "users": [
            {"id": 9001, "name": "Mei Lin", "role": "end-user"},
            {"id": 7001, "name": "Priya Nair", "role": "admin"},
        ],
    }
    (ticket,) = _read(_write(tmp_path, data))
    assert [(m.role, m.author) for m in ticket] == [
        (Role.CUSTOMER, "Mei Lin"),
        (Role.AGENT, "Priya Nair"),
    ]
    assert ticket.customer.name == "Mei Lin"


@pytest.mark.parametrize(
    ("users", "requester", "handles"),
    [
        ([{"id": 9001, "external_id": "user-42"}], None, {"identifier": "user-42"}),
        ([{"id": 9001, "external_id": 42}], None, {"identifier": "42"}),
        ([{"id": 9001, "external_id": None}], None, {}),
        ([{"id": 9001, "external_id": " "}], None, {}),
        ([], {"id": 9001, "external_id": "inline-7"}, {"identifier": "inline-7"}),
        (
            [{"id": 9001, "external_id": "user-42"}],
            {"id": 9001, "external_id": "inline-7"},
            {"identifier": "inline-7"},
        ),
    ],
    ids=["text", "number", "null", "blank", "inline-requester", "inline-wins"],
)
def test_zendesk_external_id_is_a_handle(
    tmp_path: Path,
    users: list[dict[str, Any]],
    requester: dict[str, Any] | None,
    handles: dict[str, str],
) -> None:
    ticket = _ticket() if requester is None else _ticket(requester=requester)
    (read,) = _read(_write(tmp_path, {"tickets": [ticket], "users": users}))
    assert dict(read.customer.handles) == handles


def test_zendesk_external_id_from_a_separate_users_file(tmp_path: Path) -> None:
    users = _write(tmp_path, {"users": [{"id": 9001, "external_id": "user-42"}]}, "users.json")
    tickets = _write(tmp_path, {"tickets": [_ticket("twitter")]})
    (read,) = _read(tickets, users)
    assert read.customer.handles["identifier"] == "user-42"


def test_zendesk_message_ids_are_comment_ids(tmp_path: Path) -> None:
    assert IMPORTER.message_ids_are_global is True
    comments = [
        {"id": 501, "author_id": 9001, "body": "help"},
        {"author_id": 7001, "body": "no id"},
    ]
    (read,) = _read(_write(tmp_path, [_ticket(comments=comments)]))
    assert [m.id for m in read] == ["501", "ticket-7-comment-2"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"requester_id": None}, "no requester_id"),
        ({"comments": {"id": 1}}, "'comments' is not a list"),
        ({"id": True}, "no id"),
    ],
)
def test_zendesk_bad_tickets_are_skipped(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    data = {"tickets": [_ticket(**change), _ticket(id=8)]}
    conversations, problems = read_all(IMPORTER, [_write(tmp_path, data)])
    assert [c.id for c in conversations] == ["zendesk-8"]
    (problem,) = problems
    assert problem.location.startswith("ticket 1")
    assert message in problem.message


def test_zendesk_comment_without_text_is_reported(tmp_path: Path) -> None:
    ticket = _ticket()
    ticket["comments"].append({"id": 3, "author_id": 9001, "html_body": " ", "body": None})
    conversations, problems = read_all(IMPORTER, [_write(tmp_path, [ticket])])
    assert len(conversations[0]) == 2
    assert [p.location for p in problems] == ["ticket 1 (id 7), comment 3"]
    assert "no text" in problems[0].message


def test_zendesk_ndjson_line_with_a_huge_number_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "export.ndjson"
    path.write_text(json.dumps(_ticket()) + '\n{"id": ' + "9" * 5000 + "}\n", encoding="utf-8")
    conversations, problems = read_all(IMPORTER, [path])
    assert [c.id for c in conversations] == ["zendesk-7"]
    assert [(p.line, p.location) for p in problems] == [(2, "line 2")]
    assert "number too long to read" in problems[0].message


def test_zendesk_empty_export(tmp_path: Path) -> None:
    assert read_all(IMPORTER, [_write(tmp_path, {"tickets": []})]) == ([], [])
    empty = tmp_path / "empty.ndjson"
    empty.write_text("\n\n", encoding="utf-8")
    assert read_all(IMPORTER, [empty]) == ([], [])


def test_zendesk_emoji_and_huge_bodies(tmp_path: Path) -> None:
    body = "My tent 🏕️ leaks 😭 " * 20000
    ticket = _ticket()
    ticket["comments"][0]["body"] = body
    (conversation,) = _read(_write(tmp_path, [ticket]))
    assert conversation.messages[0].text == normalize_text(body)


@pytest.mark.parametrize(
    ("path", "score"),
    [
        (SAMPLE, 100),
        (DATA / "export.ndjson", 90),
        (DATA / "array_old_dates.json", 90),
        (DATA / "users.json", 40),
        (SAMPLES / "twcs" / "northwind_tweets.csv", 0),
    ],
)
def test_zendesk_detect(path: Path, score: int) -> None:
    assert IMPORTER.detect(path, head(path)) == score


@pytest.mark.parametrize("path", other_samples("zendesk"), ids=sample_id)
def test_zendesk_detect_ignores_other_formats(path: Path) -> None:
    assert IMPORTER.detect(path, head(path)) == 0


# Property-based tests ---------------------------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "tickets",
                    "users",
                    "comments",
                    "requester_id",
                    "author_id",
                    "via",
                    "channel",
                    "body",
                    "html_body",
                    "created_at",
                    "public",
                    "role",
                    "requester",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


def _read_fuzz(data: bytes) -> list[Conversation]:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fuzz.json"
        path.write_bytes(data)
        try:
            conversations, _ = read_all(IMPORTER, [path])
        except InvalidFileError:
            return []
    return conversations


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=_JSON)
def test_zendesk_fuzz_json_never_crashes(document: object) -> None:
    for conversation in _read_fuzz(json.dumps(document).encode()):
        assert conversation.id.startswith("zendesk-")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=200) | st.text(max_size=80).map(str.encode))
def test_zendesk_fuzz_bytes_never_crash(data: bytes) -> None:
    _read_fuzz(data)


_BODY = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda text: "<" not in text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tickets=st.lists(
        # a ticket whose every comment is blank is skipped with a warning (tested below)
        st.lists(_BODY, min_size=1, max_size=5).filter(
            lambda bodies: any(b.strip() for b in bodies)
        ),
        min_size=1,
        max_size=4,
    )
)
def test_zendesk_generated_tickets_round_trip(tickets: Sequence[Sequence[str]]) -> None:
    data = [
        {
            "id": number,
            "requester_id": 1,
            "via": {"channel": "chat"},
            "comments": [
                {
                    "id": index,
                    "author_id": 1 if index % 2 else 2,
                    "created_at": f"2024-05-01T09:{index:02d}:00Z",
                    "body": body,
                }
                for index, body in enumerate(bodies)
            ],
        }
        for number, bodies in enumerate(tickets, start=1)
    ]
    with tempfile.TemporaryDirectory() as directory:
        conversations = _read(_write(Path(directory), data))
    assert [len(c) for c in conversations] == [len(t) for t in tickets]
    for conversation, bodies in zip(conversations, tickets, strict=True):
        assert [m.text for m in conversation] == [normalize_text(b) for b in bodies]


def test_zendesk_a_ticket_of_blank_comments_is_skipped_with_a_warning(tmp_path: Path) -> None:
    blank = [{"id": 0, "author_id": 1, "created_at": "2024-05-01T09:00:00Z", "body": " \n "}]
    data = [{"id": 7, "requester_id": 1, "via": {"channel": "chat"}, "comments": blank}]
    conversations, problems = read_all(IMPORTER, [_write(tmp_path, data)])
    assert conversations == []
    assert [(p.location, p.warning) for p in problems] == [("ticket 1 (id 7)", True)]
    assert "no comment with text: nothing to score" in problems[0].message
