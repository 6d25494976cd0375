"""What the hook does with one event: filter, assemble, score, post the note back.

- Events other than ``message_created``, private notes, activity and template messages,
  and the hook's own notes are ignored (answered ``"ignored"`` with the reason). This is
  what keeps the hook from scoring, and answering, its own notes in a loop.
- A conversation without any customer or agent message with text (every message was
  skipped, or only attachments) is not scored either: ``"ignored"``, the reason, and the
  skipped messages in ``problems`` - never ``"scored"`` on nothing.
- With the Chatwoot API configured, every message of the conversation is read from it;
  otherwise (or when that fails) the messages the event carries are scored.
- With notes on, the summary is posted as a private note.

A failing Chatwoot call never fails the request: it is logged and listed in the
answer's ``problems``, and whatever could be done is done.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Any

from fastapi.concurrency import run_in_threadpool

from servicecoach.analysis.pipeline import Pipeline
from servicecoach.model.conversation import Message, Role
from servicecoach.server.chatwoot.client import ChatwootApiError, ChatwootClient
from servicecoach.server.chatwoot.events import MessageEvent, assemble_conversation
from servicecoach.server.chatwoot.note import NOTE_MARKER, summary_note
from servicecoach.server.settings import ServiceSettings

__all__ = ["ChatwootHook"]

log = logging.getLogger("servicecoach.server.chatwoot")
_REMEMBERED_NOTES = 1000
_SCORED_ROLES = (Role.CUSTOMER, Role.AGENT, Role.BOT)


class ChatwootHook:
    """The Chatwoot hook's client and memory for one running service.

    Args:
        settings: the service settings (Chatwoot URL, token, notes).
        pipeline: the analysers.
        client: the API client; ``None`` when no URL and token are configured.
    """

    def __init__(
        self, settings: ServiceSettings, pipeline: Pipeline, client: ChatwootClient | None
    ) -> None:
        self.settings = settings
        self.pipeline = pipeline
        self.client = client
        self._own_notes: deque[int] = deque(maxlen=_REMEMBERED_NOTES)

    async def aclose(self) -> None:
        """Close the API client."""
        if self.client is not None:
            await self.client.aclose()

    def ignore_reason(self, event: MessageEvent) -> str | None:
        """Why the hook does nothing for ``event``, or ``None`` when it scores it."""
        if event.event != "message_created":
            return f"{event.event} events are not scored (subscribe to message_created)"
        if event.private:
            return "private notes are not scored"
        if not event.scored_type:
            return f"{event.message_type} messages are not scored"
        if event.content.lstrip().startswith(NOTE_MARKER) or (
            event.message_id is not None and event.message_id in self._own_notes
        ):
            return "the hook's own note"
        return None

    async def handle(self, event: MessageEvent) -> dict[str, Any]:
        """Score the event's conversation and post the note; the hook's JSON answer."""
        reason = self.ignore_reason(event)
        if reason is not None:
            return {"status": "ignored", "reason": reason, "note_posted": False, "problems": []}
        assert event.conversation is not None  # read_event guarantees it for message events
        problems: list[str] = []
        fetched = None
        account = self.settings.chatwoot_account or event.account
        if self.client is not None and account is not None:
            try:
                fetched = await self.client.conversation_messages(account, event.conversation)
            except ChatwootApiError as exc:
                log.warning("chatwoot hook: %s", exc)
                problems.append(f"{exc}; scored the messages the event carries")
        elif self.client is not None:
            problems.append(
                "the event names no Chatwoot account: start the service with "
                "--chatwoot-account to read the conversation and post notes"
            )
        else:
            problems.append(
                "scored the messages the event carries only: set SERVICECOACH_CHATWOOT_URL "
                "and SERVICECOACH_CHATWOOT_TOKEN to read the whole conversation"
            )
        conversation, skipped = assemble_conversation(event, fetched)
        problems.extend(f"skipped a message: {problem}" for problem in skipped)
        if not any(_scorable(m) for m in conversation):
            return {
                "status": "ignored",
                "reason": "no customer or agent message with text to score"
                + (" (the skipped messages are listed in problems)" if skipped else ""),
                "conversation": conversation.id,
                "note_posted": False,
                "problems": problems,
            }
        result = await run_in_threadpool(self.pipeline.analyze, conversation)
        posted = False
        if self.settings.chatwoot_notes and self.client is not None and account is not None:
            try:
                note_id = await self.client.post_private_note(
                    account, event.conversation, summary_note(result)
                )
            except ChatwootApiError as exc:
                log.warning("chatwoot hook: %s", exc)
                problems.append(str(exc))
            else:
                posted = True
                if note_id is not None:
                    self._own_notes.append(note_id)
        return {
            "status": "scored",
            "reason": None,
            "conversation": conversation.id,
            "quality": result.outcome.quality,
            "note_posted": posted,
            "problems": problems,
            "result": result.to_dict(),
        }


def _scorable(message: Message) -> bool:
    """True for a customer, agent or bot message the customer saw, with text."""
    return message.role in _SCORED_ROLES and not message.internal and bool(message.text.strip())
