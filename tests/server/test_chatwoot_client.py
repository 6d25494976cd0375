"""The Chatwoot API client: paging, limits and errors, against the fake of the API."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from servicecoach.server.chatwoot.client import ChatwootApiError, ChatwootClient
from tests.server.fake_chatwoot import FakeChatwoot


def _client(fake: FakeChatwoot, **options: object) -> ChatwootClient:
    return ChatwootClient(
        "https://chat.example.org/",
        fake.token,
        transport=httpx.ASGITransport(app=fake.app),
        **options,  # type: ignore[arg-type]
    )


def _fake(messages: int) -> FakeChatwoot:
    fake = FakeChatwoot()
    turns = [
        ("customer" if i % 2 == 0 else "agent", f"message number {i}") for i in range(messages)
    ]
    fake.add_conversation(40, turns)
    return fake


@pytest.mark.parametrize(("messages", "reads"), [(5, 2), (20, 2), (45, 3), (60, 4)])
def test_chatwoot_client_reads_every_page_oldest_first(messages: int, reads: int) -> None:
    fake = _fake(messages)

    async def run() -> dict[str, object]:
        client = _client(fake)
        try:
            return await client.conversation_messages(1, 40)
        finally:
            await client.aclose()

    data = asyncio.run(run())
    texts = [m["content"] for m in data["payload"]]  # type: ignore[union-attr, index]
    assert texts == [f"message number {i}" for i in range(messages)]
    assert data["meta"]["contact"]["name"] == "Priya Natarajan"  # type: ignore[index]
    assert len(fake.requests) == reads


def test_chatwoot_client_stops_at_max_messages() -> None:
    fake = _fake(100)

    async def run() -> list[str]:
        client = _client(fake, max_messages=30)
        try:
            data = await client.conversation_messages(1, 40)
        finally:
            await client.aclose()
        return [m["content"] for m in data["payload"]]

    texts = asyncio.run(run())
    assert texts == [f"message number {i}" for i in range(70, 100)]


@pytest.mark.parametrize(
    ("status", "message"),
    [(401, "refused the access token"), (404, "HTTP 404"), (500, "HTTP 500")],
)
def test_chatwoot_client_errors_say_which_call_failed(status: int, message: str) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["api_access_token"] == "t0ken-value"
        return httpx.Response(status, json={"error": "no"})

    async def run() -> None:
        client = ChatwootClient(
            "https://chat.example.org", "t0ken-value", transport=httpx.MockTransport(answer)
        )
        try:
            await client.conversation_messages(1, 40)
        finally:
            await client.aclose()

    with pytest.raises(
        ChatwootApiError, match=f"reading the messages of conversation 40: .*{message}"
    ):
        asyncio.run(run())


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(200, text="<html>login</html>"),
        httpx.Response(200, json={"data": []}),
    ],
)
def test_chatwoot_client_rejects_answers_of_the_wrong_shape(reply: httpx.Response) -> None:
    async def run() -> None:
        client = ChatwootClient(
            "https://chat.example.org", "token", transport=httpx.MockTransport(lambda _r: reply)
        )
        try:
            await client.conversation_messages(1, 40)
        finally:
            await client.aclose()

    with pytest.raises(ChatwootApiError):
        asyncio.run(run())


def test_chatwoot_client_connection_error_is_reported() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async def run() -> None:
        client = ChatwootClient(
            "https://chat.example.org", "token", transport=httpx.MockTransport(refuse)
        )
        try:
            await client.post_private_note(1, 40, "hello")
        finally:
            await client.aclose()

    with pytest.raises(ChatwootApiError, match="cannot reach Chatwoot"):
        asyncio.run(run())


def test_chatwoot_client_posts_a_private_note() -> None:
    fake = _fake(2)

    async def run() -> int | None:
        client = _client(fake)
        try:
            return await client.post_private_note(1, 40, "**servicecoach** · quality 80/100")
        finally:
            await client.aclose()

    number = asyncio.run(run())
    [note] = [m for m in fake.conversations[(1, 40)].messages if m["private"]]
    assert note["id"] == number
    assert note["message_type"] == 1
    assert fake.notes == [(40, "**servicecoach** · quality 80/100")]
