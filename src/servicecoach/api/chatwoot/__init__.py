"""The Chatwoot hook: webhook events in, scores out, a private note posted back.

- :mod:`~servicecoach.api.chatwoot.event_model` types the webhook body (a field of the
  wrong type is a 422 naming it);
- :mod:`~servicecoach.api.chatwoot.events` reads ``message_created`` events and
  assembles the conversation through the Chatwoot importer;
- :mod:`~servicecoach.api.chatwoot.client` calls Chatwoot's API (read messages, post a
  note) with timeouts;
- :mod:`~servicecoach.api.chatwoot.note` writes the note;
- :mod:`~servicecoach.api.chatwoot.hook` ties them together for one event;
- the route is in :mod:`servicecoach.api.routes.chatwoot`.
"""

from __future__ import annotations

from servicecoach.api.chatwoot.client import ChatwootApiError, ChatwootClient
from servicecoach.api.chatwoot.hook import ChatwootHook

__all__ = ["ChatwootApiError", "ChatwootClient", "ChatwootHook"]
