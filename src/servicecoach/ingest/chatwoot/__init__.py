"""Chatwoot conversations and messages, as the Chatwoot API returns them.

Accepted documents (one per file, UTF-8 JSON):

- a JSON array of conversation objects;
- the conversation list endpoint, ``{"data": {"payload": [conversations]}}``;
- ``{"payload": [conversations]}``;
- one conversation object, ``{"id": ..., "messages": [...], "meta": {...}}``;
- one conversation's messages endpoint, ``{"meta": {"contact": {...}}, "payload":
  [messages]}``: the conversation id comes from each message's ``conversation_id``;
- webhook bodies, one event or a JSON array of events, in the current and the 2020
  shape (see :mod:`servicecoach.ingest.chatwoot.webhook`): a ``message_*`` event adds its
  message to its conversation, a ``conversation_*`` event is the conversation, other
  events are reported as holding no conversation.

Decisions a user should know:

- Files are merged by conversation id, so the pages of a paginated messages endpoint
  (or a list export plus messages pages) make one conversation; a message id seen twice
  keeps its last copy. Conversations are yielded after every file is read. A file that
  cannot be read does not stop the others: the first one is raised as
  :class:`InvalidFileError` after the other files' conversations, any further ones are
  reported as problems.
- Times: Unix seconds (the API), ISO 8601 (webhooks; no zone means UTC) or
  ``2020-03-03 13:05:57 UTC`` (2020 webhooks).
- Roles: incoming (0) is the customer; outgoing (1) is an agent, or a bot when its
  sender is an agent bot or assistant; template (3) is a bot; activity (2, "assigned
  to ...", "resolved by ...") is system. Private notes are ``internal``.
- Channels: WebWidget, Telegram, Line and Api inboxes are ``chat`` (Api inboxes are
  nearly always custom chat widgets); Email is ``email``; Whatsapp, Sms and TwilioSms
  are ``sms``; FacebookPage, Twitter, Instagram and Tiktok are ``social`` with
  ``public`` false (Chatwoot only carries their direct messages); Voice is ``phone``.
  Unknown inboxes are ``other``. A messages-endpoint file says no channel: it is
  ``email`` when a message has content type ``incoming_email``, else ``other`` unless
  another file gives it. The Chatwoot channel name is kept in ``meta["channel"]``.
- A message without content (an attachment only) is kept with empty text, its
  attachment types in ``meta["attachments"]``. HTML content becomes text; incoming
  email-channel messages have their quoted history and signature trimmed.
- The customer is the conversation's contact: ``id`` is the Chatwoot contact id,
  ``handles`` come from ``additional_attributes.social_profiles`` (and the Twitter
  ``screen_name``). The contact's ``identifier`` (your own user id, set through the
  Chatwoot SDK or API) becomes the handle ``{"identifier": value}`` so that the customer
  links with the same person in other sources (the Zendesk importer gives a user's
  ``external_id`` the same handle); it is also kept in ``meta["contact_identifier"]``.
- Conversation ids are ``chatwoot-<id>``; ``meta`` keeps ``status``, ``labels``,
  ``inbox_id``, ``account_id``, ``assignee`` and ``created_at`` when present.
"""

from __future__ import annotations

from servicecoach.ingest.chatwoot.importer import ChatwootImporter

__all__ = ["ChatwootImporter"]
