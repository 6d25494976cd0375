"""The Chatwoot hook, against a local fake of Chatwoot's documented API (fake_chatwoot.py)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from servicecoach.model.conversation import Channel, Role
from servicecoach.server import ServiceSettings, create_app
from servicecoach.server.chatwoot.events import assemble_conversation, read_event
from servicecoach.server.chatwoot.note import NOTE_MARKER
from tests.server.fake_chatwoot import PAGE, FakeChatwoot, FakeConversation

SECRET = "hook-secret-4f9a1c2e7b"
URL = f"/v1/hooks/chatwoot?secret={SECRET}"

_OPENING = [
    ("customer", "Hello, I ordered the atlas and two notebooks on Monday (order HB-20931)."),
    ("customer", "The tracking page has said 'label created' for four days now."),
    ("agent", "Thanks for getting in touch, Priya. Let me look at order HB-20931 for you."),
    ("customer", "It was meant to be a gift for Saturday, so I'm getting quite worried."),
]
_MIDDLE = [
    ("agent", "I can see the parcel is still at our warehouse; it was missed at collection."),
    ("customer", "So it hasn't even left? That's really frustrating."),
]
_CLOSING = [
    ("agent", "I understand how frustrating that is with a gift on the line."),
    ("agent", "I've moved it to next-day delivery at no cost; it will arrive on Friday."),
    ("customer", "OK, Friday works. Will I get a new tracking number?"),
]


def _turns() -> list[tuple[str, str]]:
    """A long thread (over one page of the messages endpoint)."""
    filler = [
        ("customer", "Are you still there?"),
        ("agent", "Yes, still checking with the warehouse team, one moment please."),
    ] * 8
    return [*_OPENING, *_MIDDLE, *filler, *_CLOSING]


@pytest.fixture
def fake() -> FakeChatwoot:
    chatwoot = FakeChatwoot()
    chatwoot.add_conversation(312, _turns())
    return chatwoot


Factory = Callable[..., TestClient]


@pytest.fixture
def hook_client(tmp_path: Path, fake: FakeChatwoot) -> Iterator[Factory]:
    """Start an app with the hook configured (overrides as keyword settings)."""
    clients: list[TestClient] = []

    def start(transport: httpx.AsyncBaseTransport | None = None, **overrides: Any) -> TestClient:
        values: dict[str, Any] = {
            "db": str(tmp_path / f"hook{len(clients)}.db"),
            "fast": True,
            "chatwoot_secret": SECRET,
            "chatwoot_url": "https://chat.harbourbooks.example",
            "chatwoot_token": fake.token,
            "chatwoot_account": 1,
        }
        values.update(overrides)
        app = create_app(
            ServiceSettings(**values),
            chatwoot_transport=transport or httpx.ASGITransport(app=fake.app),
        )
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return client

    yield start
    for client in clients:
        client.__exit__(None, None, None)


def _conversation(fake: FakeChatwoot) -> FakeConversation:
    return fake.conversations[(1, 312)]


def _last_event(fake: FakeChatwoot) -> dict[str, Any]:
    conversation = _conversation(fake)
    return fake.event_for(conversation, conversation.messages[-1])


def test_hook_scores_the_whole_conversation_and_posts_a_note(
    hook_client: Factory, fake: FakeChatwoot
) -> None:
    client = hook_client()
    response = client.post(URL, json=_last_event(fake))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["status"] == "scored"
    assert answer["conversation"] == "chatwoot-312"
    assert answer["note_posted"] is True
    assert answer["problems"] == []
    assert len(answer["result"]["messages"]) == len(_turns())  # read past the first page
    assert len(_turns()) > PAGE
    reads = [query for method, _, query in fake.requests if method == "GET"]
    assert reads[0] == "" and reads[1].startswith("before=")
    [(conversation, note)] = fake.notes
    assert conversation == 312
    assert note.startswith(NOTE_MARKER)
    assert f"quality {answer['quality']}/100" in note
    assert "Weakest skills:" in note


def test_hook_ignores_its_own_note_so_there_is_no_loop(
    hook_client: Factory, fake: FakeChatwoot
) -> None:
    client = hook_client()
    assert client.post(URL, json=_last_event(fake)).json()["note_posted"] is True
    note_event = _last_event(fake)  # Chatwoot's message_created for the note just posted
    assert note_event["private"] is True
    answer = client.post(URL, json=note_event).json()
    assert answer == {
        "status": "ignored",
        "reason": "private notes are not scored",
        "note_posted": False,
        "problems": [],
    }
    not_private = {**note_event, "private": False}
    assert client.post(URL, json=not_private).json()["reason"] == "the hook's own note"
    assert len(fake.notes) == 1


def test_hook_scores_an_agent_reply_too(hook_client: Factory, fake: FakeChatwoot) -> None:
    conversation = _conversation(fake)
    reply = fake.append(conversation, "agent", "Yes - I'll email it to you within the hour.")
    answer = hook_client().post(URL, json=fake.event_for(conversation, reply)).json()
    assert answer["status"] == "scored"
    assert answer["result"]["messages"][-1]["role"] == "agent"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"event": "conversation_status_changed"}, "conversation_status_changed events"),
        ({"event": "message_updated"}, "message_updated events"),
        ({"message_type": "activity"}, "activity messages are not scored"),
        ({"message_type": "template"}, "template messages are not scored"),
        ({"private": True}, "private notes are not scored"),
        ({"content": f"{NOTE_MARKER} · quality 70/100"}, "the hook's own note"),
    ],
)
def test_hook_ignores_what_it_must_not_score(
    hook_client: Factory, fake: FakeChatwoot, change: dict[str, Any], reason: str
) -> None:
    answer = hook_client().post(URL, json={**_last_event(fake), **change}).json()
    assert answer["status"] == "ignored"
    assert reason in answer["reason"]
    assert fake.notes == []
    assert [r for r in fake.requests if r[0] == "GET"] == []


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        ("/v1/hooks/chatwoot", {}),
        ("/v1/hooks/chatwoot?secret=wrong-secret-value", {}),
        ("/v1/hooks/chatwoot", {"X-Servicecoach-Secret": "wrong-secret-value"}),
    ],
)
def test_hook_refuses_a_missing_or_wrong_secret(
    hook_client: Factory, fake: FakeChatwoot, url: str, headers: dict[str, str]
) -> None:
    response = hook_client().post(url, json=_last_event(fake), headers=headers)
    assert response.status_code == 401
    assert "hook secret" in response.json()["error"]["message"]
    assert "www-authenticate" in response.headers
    assert fake.requests == []


def test_hook_accepts_the_secret_in_a_header(hook_client: Factory, fake: FakeChatwoot) -> None:
    response = hook_client().post(
        "/v1/hooks/chatwoot", json=_last_event(fake), headers={"X-Servicecoach-Secret": SECRET}
    )
    assert response.json()["status"] == "scored"


def test_hook_is_off_without_a_secret(tmp_path: Path, fake: FakeChatwoot) -> None:
    settings = ServiceSettings(db=str(tmp_path / "off.db"), fast=True)
    with TestClient(create_app(settings)) as client:
        response = client.post(URL, json=_last_event(fake))
    assert response.status_code == 503
    assert "SERVICECOACH_CHATWOOT_SECRET" in response.json()["error"]["message"]


def test_hook_refuses_another_account(hook_client: Factory, fake: FakeChatwoot) -> None:
    event = {**_last_event(fake), "account": {"id": 7, "name": "Someone else"}}
    response = hook_client().post(URL, json=event)
    assert response.status_code == 403
    assert "account 7" in response.json()["error"]["message"]


def test_hook_rejects_a_body_that_is_not_an_event(hook_client: Factory) -> None:
    response = hook_client().post(URL, json={"content": "hello"})
    assert response.status_code == 422
    assert "'event'" in response.json()["error"]["message"]


def test_hook_scores_the_event_alone_when_chatwoot_cannot_be_read(
    hook_client: Factory, fake: FakeChatwoot
) -> None:
    fake.fail_reads = 502
    answer = hook_client().post(URL, json=_last_event(fake)).json()
    assert answer["status"] == "scored"
    assert "HTTP 502" in answer["problems"][0]
    assert len(answer["result"]["messages"]) == 1  # the message the event carries
    assert answer["note_posted"] is True


def test_hook_reports_a_refused_token(hook_client: Factory, fake: FakeChatwoot) -> None:
    client = hook_client(chatwoot_token="an-expired-token-value")
    answer = client.post(URL, json=_last_event(fake)).json()
    assert answer["status"] == "scored"
    assert answer["note_posted"] is False
    assert any("refused the access token" in p for p in answer["problems"])
    assert fake.notes == []


def test_hook_reports_a_failed_note(hook_client: Factory, fake: FakeChatwoot) -> None:
    fake.fail_posts = 500
    answer = hook_client().post(URL, json=_last_event(fake)).json()
    assert answer["note_posted"] is False
    assert answer["problems"] == [
        "posting a private note to conversation 312: Chatwoot answered HTTP 500"
    ]


def test_hook_survives_a_chatwoot_timeout(hook_client: Factory, fake: FakeChatwoot) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    client = hook_client(transport=httpx.MockTransport(slow), chatwoot_timeout=0.5)
    response = client.post(URL, json=_last_event(fake))
    assert response.status_code == 200
    answer = response.json()
    assert answer["status"] == "scored"
    assert all("did not answer in time" in p for p in answer["problems"])
    assert len(answer["problems"]) == 2  # the read and the note


def test_hook_without_the_api_scores_the_event(hook_client: Factory, fake: FakeChatwoot) -> None:
    client = hook_client(chatwoot_url=None, chatwoot_token=None)
    answer = client.post(URL, json=_last_event(fake)).json()
    assert answer["status"] == "scored"
    assert answer["note_posted"] is False
    assert "SERVICECOACH_CHATWOOT_URL" in answer["problems"][0]
    assert fake.requests == []


def test_hook_notes_can_be_turned_off(hook_client: Factory, fake: FakeChatwoot) -> None:
    answer = hook_client(chatwoot_notes=False).post(URL, json=_last_event(fake)).json()
    assert answer["status"] == "scored" and answer["note_posted"] is False
    assert fake.notes == []
    assert [r[0] for r in fake.requests] == ["GET", "GET"]


def test_hook_conversation_is_read_like_an_import(fake: FakeChatwoot) -> None:
    """Roles, channel, customer and authors come from the Chatwoot importer's rules."""
    conversation_data = _conversation(fake)
    event = read_event(fake.event_for(conversation_data, conversation_data.messages[-1]))
    fetched = {
        "meta": {"contact": conversation_data.contact},
        "payload": conversation_data.messages,
    }
    conversation, problems = assemble_conversation(event, fetched)
    assert problems == []
    assert conversation.id == "chatwoot-312"
    assert conversation.channel is Channel.CHAT
    assert conversation.customer.email == "priya.natarajan@example.org"
    assert conversation.customer.handles == {"identifier": "shop-user-88121"}
    assert [m.role for m in conversation.messages[:3]] == [
        Role.CUSTOMER, Role.CUSTOMER, Role.AGENT,
    ]  # fmt: skip
    assert conversation.messages[2].author == "Tomasz"
    assert len(conversation.messages) == len(_turns())
    assert conversation.meta["account_id"] == 1


def test_hook_skipped_messages_are_reported(fake: FakeChatwoot) -> None:
    conversation_data = _conversation(fake)
    event = read_event(fake.event_for(conversation_data, conversation_data.messages[-1]))
    broken = [*conversation_data.messages, {"id": 5, "message_type": 9, "content": "?"}]
    conversation, problems = assemble_conversation(event, {"meta": {}, "payload": broken})
    assert len(conversation.messages) == len(_turns())
    assert "unknown 'message_type' 9" in str(problems[0])


def test_hook_without_any_account_says_how_to_set_it(
    hook_client: Factory, fake: FakeChatwoot
) -> None:
    event = _last_event(fake)
    del event["account"]
    answer = hook_client(chatwoot_account=None).post(URL, json=event).json()
    assert answer["status"] == "scored"
    assert "--chatwoot-account" in answer["problems"][0]
    assert fake.requests == []


@pytest.mark.parametrize(
    ("change", "names"),
    [
        ({"message_type": {}}, "message_type: must be incoming, outgoing, activity or template"),
        ({"private": "yes"}, "private: must be true or false"),
        ({"content": ["hello"]}, "content: must be a string"),
        ({"id": 4.5}, "id: must be a number or a string"),
        ({"sender": "Priya"}, "sender: must be an object"),
        ({"account": [1]}, "account: must be an object"),
        ({"account": {"id": {}}}, "account.id: must be a number or a string"),
        ({"conversation": "312"}, "conversation: must be an object"),
        ({"conversation": {"id": 312, "meta": "open"}}, "conversation.meta: must be an object"),
        (
            {"conversation": {"id": 312, "meta": {"sender": [4417]}}},
            "conversation.meta.sender: must be an object",
        ),
        ({"conversation": {"id": 312, "messages": {}}}, "conversation.messages: must be a list"),
        ({"created_at": [2026]}, "created_at: must be a Unix time or an ISO 8601 string"),
    ],
)
def test_hook_refuses_fields_of_the_wrong_type_naming_them(
    hook_client: Factory, fake: FakeChatwoot, change: dict[str, Any], names: str
) -> None:
    response = hook_client().post(URL, json={**_last_event(fake), **change})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["message"].startswith(names)
    assert error["details"][0]["location"] == names.partition(":")[0]
    assert fake.requests == []


def test_hook_lone_surrogates_are_scored_as_replacement_characters(
    hook_client: Factory, fake: FakeChatwoot
) -> None:
    event = _last_event(fake)
    event["content"] = "I'm so sorry \ud800 - it will arrive on Friday."
    event["sender"]["name"] = "Tomasz \udfff"
    event["message_type"] = "outgoing"
    event["conversation"]["meta"]["sender"]["name"] = "Priya \udc80"
    body = json.dumps(event).encode()  # json escapes the surrogates: valid JSON
    client = hook_client(chatwoot_url=None, chatwoot_token=None)
    response = client.post(URL, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "scored"
    conversation, problems = assemble_conversation(read_event(json.loads(body)), None)
    assert problems == []
    [*_, message] = conversation.messages
    assert message.text == "I'm so sorry \ufffd - it will arrive on Friday."
    assert message.author == "Tomasz \ufffd"
    assert conversation.customer.name == "Priya \ufffd"


def test_hook_time_out_of_range_skips_the_message_and_says_so(
    hook_client: Factory, fake: FakeChatwoot
) -> None:
    event = {**_last_event(fake), "created_at": "9999-12-31T23:59:59-14:00"}
    answer = hook_client(chatwoot_url=None, chatwoot_token=None).post(URL, json=event).json()
    assert answer["status"] == "scored"
    assert any(
        "skipped a message" in p and "'created_at' is out of range" in p for p in answer["problems"]
    )


@pytest.mark.parametrize("payload", [5, "x", {"id": 1}, None])
def test_hook_reads_a_strange_messages_answer_without_failing(
    fake: FakeChatwoot, payload: object
) -> None:
    conversation_data = _conversation(fake)
    event = read_event(fake.event_for(conversation_data, conversation_data.messages[-1]))
    conversation, _ = assemble_conversation(event, {"meta": [], "payload": payload})
    assert len(conversation.messages) == 1  # the event's own message


# The 2020 shape, and events with nothing to score ------------------------------------------

FORMATS = Path(__file__).parents[3] / "shared" / "formats" / "chatwoot"


def _event_2020(**fields: Any) -> dict[str, Any]:
    """A message_created event in the shape of Chatwoot's 2020 webhook docs (own words)."""
    event: dict[str, Any] = {
        "event": "message_created",
        "id": "31",
        "content": "Hello, my parcel HB-20931 never came and I need it by Saturday.",
        "created_at": "2020-03-03 13:05:57 UTC",
        "message_type": "incoming",
        "source_id": "",
        "sender": {"id": "2", "name": "Tomasz", "email": "tomasz@harbourbooks.example"},
        "contact": {"id": "4417", "name": "Priya Natarajan"},
        "conversation": {"display_id": "312", "additional_attributes": {"referer": "x"}},
        "account": {"id": "1", "name": "Harbour Books"},
    }
    event.update(fields)
    return event


def test_hook_scores_an_event_of_the_2020_shape(hook_client: Factory) -> None:
    client = hook_client(chatwoot_url=None, chatwoot_token=None)
    response = client.post(URL, json=_event_2020())
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["status"], answer["conversation"]) == ("scored", "chatwoot-312")
    assert [m["role"] for m in answer["result"]["messages"]] == ["customer"]
    conversation, problems = assemble_conversation(read_event(_event_2020()), None)
    assert problems == []
    (message,) = conversation.messages
    assert message.at is not None and message.at.isoformat() == "2020-03-03T13:05:57+00:00"
    assert message.author == "Priya Natarajan"
    assert (conversation.customer.id, conversation.customer.name) == ("4417", "Priya Natarajan")


def test_hook_never_says_scored_when_no_message_could_be_read(
    hook_client: Factory, fake: FakeChatwoot
) -> None:
    client = hook_client(chatwoot_url=None, chatwoot_token=None)
    response = client.post(URL, json=_event_2020(created_at="the third of March"))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["status"] == "ignored"
    assert answer["reason"].startswith("no customer or agent message with text to score")
    assert "'created_at' is not a date: 'the third of March'" in answer["problems"][-1]
    assert answer["note_posted"] is False and "result" not in answer
    assert fake.notes == []


def test_hook_ignores_an_attachment_without_text_and_posts_no_note(
    hook_client: Factory, fake: FakeChatwoot
) -> None:
    event = _event_2020(content=None, attachments=[{"file_type": "image"}])
    client = hook_client(chatwoot_url=None, chatwoot_token=None)
    answer = client.post(URL, json=event).json()
    assert answer["status"] == "ignored"
    assert answer["reason"] == "no customer or agent message with text to score"
    assert fake.notes == []


def test_hook_refuses_a_2020_contact_of_the_wrong_type(hook_client: Factory) -> None:
    response = hook_client().post(URL, json=_event_2020(contact="Priya"))
    assert response.status_code == 422
    assert response.json()["error"]["message"].startswith("contact: must be an object")


@pytest.mark.shared_data
def test_hook_scores_the_2020_sample_of_chatwoot_docs(hook_client: Factory) -> None:
    path = FORMATS / "chatwoot_docs_2020_webhook_sample.json"
    if not path.is_file():
        pytest.skip("../shared/formats/chatwoot is not present")
    event = json.loads(path.read_text(encoding="utf-8"))
    client = hook_client(chatwoot_url=None, chatwoot_token=None, chatwoot_account=None)
    answer = client.post(URL, json=event).json()
    assert (answer["status"], answer["conversation"]) == ("scored", "chatwoot-1")
    assert [m["id"] for m in answer["result"]["messages"]] == ["1"]
