"""A FAKE of Chatwoot, for tests only: the documented API shape, not Chatwoot itself.

It answers the two application-API endpoints the hook calls, in the shape Chatwoot
documents and its source writes (``app/views/api/v1/accounts/conversations/messages``
and ``app/finders/message_finder.rb``):

- ``GET /api/v1/accounts/{account}/conversations/{id}/messages``: ``{"meta": {"labels",
  "additional_attributes", "contact", "assignee", "agent_last_seen_at"}, "payload":
  [messages]}`` - the newest 20 messages, oldest first; ``?before=ID`` gives the 20
  before that message. Messages have ``message_type`` as a number and ``created_at`` as
  Unix seconds.
- ``POST /api/v1/accounts/{account}/conversations/{id}/messages`` with ``content``,
  ``message_type`` and ``private``: the created message.

Both need the ``api_access_token`` header (401 otherwise, as Chatwoot answers). It also
builds ``message_created`` webhook events in the shape of Chatwoot's webhook docs (the
new message at the top level, ``created_at`` in ISO 8601, ``message_type`` as a word,
``conversation`` and ``account`` beside it), including the event Chatwoot sends for a
private note the hook itself posted. Every conversation text here was written for these
tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

__all__ = ["PAGE", "FakeChatwoot", "FakeConversation"]

PAGE = 20
"""Messages per page, as Chatwoot's MessageFinder returns them."""
_TYPES = {0: "incoming", 1: "outgoing", 2: "activity", 3: "template"}
_START = 1_763_640_000  # 2025-11-20T12:00:00Z


@dataclass
class FakeConversation:
    """One conversation the fake holds: its contact, assignee, channel and messages."""

    account: int
    display_id: int
    inbox_id: int
    channel: str
    contact: dict[str, Any]
    assignee: dict[str, Any] | None
    messages: list[dict[str, Any]] = field(default_factory=list)
    status: str = "open"
    labels: list[str] = field(default_factory=list)


class FakeChatwoot:
    """The fake server: conversations, the notes posted to it, and switches to fail.

    Attributes:
        token: the access token it accepts.
        app: the ASGI app (give ``httpx.ASGITransport(app=fake.app)`` to the client).
        notes: the private notes posted, as ``(conversation, content)``.
        requests: every request, as ``(method, path, query)``.
        fail_reads / fail_posts: answer reads / posts with this HTTP status instead.
    """

    def __init__(self, token: str = "cw-agent-token-0123456789") -> None:
        self.token = token
        self.conversations: dict[tuple[int, int], FakeConversation] = {}
        self.notes: list[tuple[int, str]] = []
        self.requests: list[tuple[str, str, str]] = []
        self.fail_reads: int | None = None
        self.fail_posts: int | None = None
        self._next_id = 90_000
        self.app = self._build()

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def add_conversation(
        self,
        display_id: int,
        turns: list[tuple[str, str]],
        *,
        account: int = 1,
        channel: str = "Channel::WebWidget",
        contact: dict[str, Any] | None = None,
        agent: dict[str, Any] | None = None,
    ) -> FakeConversation:
        """Add a conversation of ``(role, text)`` turns; role is customer, agent or note."""
        contact = contact or {
            "id": 4417,
            "name": "Priya Natarajan",
            "email": "priya.natarajan@example.org",
            "phone_number": "+447700900123",
            "identifier": "shop-user-88121",
            "additional_attributes": {},
            "type": "contact",
        }
        agent = agent or {
            "id": 12,
            "name": "Tomasz Wilk",
            "available_name": "Tomasz",
            "type": "user",
        }
        conversation = FakeConversation(
            account, display_id, 3, channel, contact, agent, labels=["delivery"]
        )
        for index, (role, text) in enumerate(turns):
            self.append(conversation, role, text, at=_START + 90 * index)
        self.conversations[(account, display_id)] = conversation
        return conversation

    def append(
        self, conversation: FakeConversation, role: str, text: str, *, at: int | None = None
    ) -> dict[str, Any]:
        """Add one message (``customer``, ``agent`` or ``note``) and return it."""
        kind = 0 if role == "customer" else 1
        sender = conversation.contact if role == "customer" else conversation.assignee
        created = at if at is not None else _START + 90 * len(conversation.messages)
        message = {
            "id": self._new_id(),
            "content": text,
            "inbox_id": conversation.inbox_id,
            "conversation_id": conversation.display_id,
            "message_type": kind,
            "content_type": "text",
            "status": "sent",
            "content_attributes": {},
            "created_at": created,
            "private": role == "note",
            "source_id": None,
            "sender": dict(sender or {}),
        }
        conversation.messages.append(message)
        return message

    def event_for(self, conversation: FakeConversation, message: dict[str, Any]) -> dict[str, Any]:
        """The ``message_created`` webhook body Chatwoot sends for ``message``."""
        sender = dict(message.get("sender") or {})
        sender.pop("available_name", None)
        return {
            "event": "message_created",
            "id": message["id"],
            "content": message["content"],
            "created_at": datetime.fromtimestamp(message["created_at"], UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "message_type": _TYPES[message["message_type"]],
            "content_type": "text",
            "private": message["private"],
            "content_attributes": {},
            "source_id": None,
            "additional_attributes": {},
            "sender": sender,
            "inbox": {"id": conversation.inbox_id, "name": "Website chat"},
            "conversation": {
                "additional_attributes": {
                    "browser": {"browser_name": "Firefox", "platform_name": "Linux"},
                    "referer": "https://shop.example.org/orders",
                },
                "can_reply": True,
                "channel": conversation.channel,
                "id": conversation.display_id,
                "inbox_id": conversation.inbox_id,
                "contact_inbox": {
                    "id": 901,
                    "contact_id": conversation.contact["id"],
                    "inbox_id": conversation.inbox_id,
                    "source_id": "7c1e3f2a-55d1-4a8e-9d0b-2b6f0c4e9a11",
                    "hmac_verified": False,
                },
                "messages": [
                    {k: v for k, v in message.items() if k != "sender"}
                    | {"sender_type": "Contact" if message["message_type"] == 0 else "User"}
                ],
                "labels": conversation.labels,
                "meta": {
                    "sender": {
                        **conversation.contact,
                        "custom_attributes": {},
                        "thumbnail": "",
                    },
                    "assignee": conversation.assignee,
                    "channel": conversation.channel,
                    "hmac_verified": False,
                },
                "status": conversation.status,
                "unread_count": 1,
                "agent_last_seen_at": 0,
                "contact_last_seen_at": 0,
                "timestamp": message["created_at"],
            },
            "account": {"id": conversation.account, "name": "Harbour Books"},
        }

    def _authorised(self, request: Request) -> bool:
        return request.headers.get("api_access_token") == self.token

    def _build(self) -> FastAPI:
        app = FastAPI()
        unauthorised = {"errors": ["You need to sign in or sign up before continuing."]}

        @app.get("/api/v1/accounts/{account}/conversations/{display_id}/messages")
        def _messages(request: Request, account: int, display_id: int) -> JSONResponse:
            self.requests.append(("GET", request.url.path, request.url.query))
            if not self._authorised(request):
                return JSONResponse(unauthorised, status_code=401)
            if self.fail_reads is not None:
                return JSONResponse({"error": "boom"}, status_code=self.fail_reads)
            conversation = self.conversations.get((account, display_id))
            if conversation is None:
                return JSONResponse({"error": "Resource could not be found"}, status_code=404)
            messages = sorted(conversation.messages, key=lambda m: m["id"])
            before = request.query_params.get("before")
            if before is not None:
                messages = [m for m in messages if m["id"] < int(before)]
            page = messages[-PAGE:]
            meta = {
                "labels": conversation.labels,
                "additional_attributes": {},
                "contact": conversation.contact,
                "assignee": conversation.assignee,
                "agent_last_seen_at": _START,
            }
            return JSONResponse({"meta": meta, "payload": page})

        @app.post("/api/v1/accounts/{account}/conversations/{display_id}/messages")
        async def _create(request: Request, account: int, display_id: int) -> JSONResponse:
            self.requests.append(("POST", request.url.path, request.url.query))
            if not self._authorised(request):
                return JSONResponse(unauthorised, status_code=401)
            if self.fail_posts is not None:
                return JSONResponse({"error": "boom"}, status_code=self.fail_posts)
            conversation = self.conversations.get((account, display_id))
            if conversation is None:
                return JSONResponse({"error": "Resource could not be found"}, status_code=404)
            body = await request.json()
            role = "note" if body.get("private") else "agent"
            message = self.append(conversation, role, str(body.get("content", "")))
            self.notes.append((display_id, message["content"]))
            return JSONResponse(message)

        return app
