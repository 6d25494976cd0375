"""The Chatwoot hook: webhook events in, scores out, a private note posted back.

- :mod:`~servicecoach.server.chatwoot.event_model` types the webhook body (a field of the
  wrong type is a 422 naming it);
- :mod:`~servicecoach.server.chatwoot.events` reads ``message_created`` events and
  assembles the conversation through the Chatwoot importer;
- :mod:`~servicecoach.server.chatwoot.client` calls Chatwoot's API (read messages, post a
  note) with timeouts;
- :mod:`~servicecoach.server.chatwoot.note` writes the note;
- :mod:`~servicecoach.server.chatwoot.hook` ties them together for one event;
- the route is in :mod:`servicecoach.server.routes.chatwoot`.
"""

from __future__ import annotations

from servicecoach.server.chatwoot.client import ChatwootApiError, ChatwootClient
from servicecoach.server.chatwoot.hook import ChatwootHook

__all__ = ["ChatwootApiError", "ChatwootClient", "ChatwootHook"]
