"""Intercom conversations, as Intercom's REST API returns them.

Accepted documents (one per file, UTF-8 JSON):

- one conversation (``GET /conversations/{id}``: ``{"type": "conversation", ...}``);
- a JSON array of conversations;
- ``{"conversations": [...]}`` (the list and search endpoints, ``conversation.list``).

A JSON array and ``{"conversations": [...]}`` are streamed one conversation at a time
(:func:`~servicecoach.ingest.jsonload.stream_json`), so memory stays flat whatever the
file size.

Decisions a user should know:

- **Messages**: the conversation's first message is its ``source`` (``body``,
  ``author``, the conversation's ``created_at``), with the id ``source-<source id>``;
  then every part of ``conversation_parts.conversation_parts`` that has a ``body``.
  Times are Unix seconds (ISO 8601 is read too). Messages are ordered by time.
- **Dropped**: parts without a body (``assignment``, ``close``, ``open``, ``snoozed``,
  ``participant_added``, attribute changes...) are state changes, not messages: they
  are counted by type in ``meta["dropped_parts"]``. A part with a body is a message
  whatever its type (a reply sent while assigning or closing is one). A part without
  a body but with attachments is kept with empty text, its attachment types in
  ``meta["attachments"]``. The list endpoint carries no parts: its conversations have
  their first message only.
- **Roles** from ``author.type``: ``user``, ``lead`` and ``contact`` are the customer;
  ``admin`` and ``team`` are agents; ``bot`` (Fin, custom bots) is a bot. ``note``
  parts are internal notes. An unknown author type is a problem with that part.
- **Text**: HTML bodies become text; on the email channel, customer messages have
  their quoted history and signature trimmed.
- **Channel** from ``source.type``: ``conversation`` (the Messenger) and ``chat`` are
  chat, ``email`` email, ``facebook``, ``instagram`` and ``twitter`` social (direct
  messages: not public), ``whatsapp`` and ``sms`` sms, ``phone_call`` and
  ``phone_switch`` phone; others are ``other``. The source type is kept in
  ``meta["source_type"]``.
- **Customer**: the first of the conversation's ``contacts`` (its Intercom id, and its
  ``external_id`` - your own user id - as the handle ``identifier``, which links the
  same person across helpdesks), with the name and email of their messages' author.
  Every contact id is in ``meta["contacts"]`` when there are several. Without
  contacts, the author of the first customer message.
- **No text, no conversation**: a conversation left without any message with text is
  reported as a problem, never imported empty.
- Conversation ids are ``intercom-<id>``; ``meta`` keeps ``title``, ``state``,
  ``priority``, ``tags``, ``subject``, ``delivered_as``, the assignees, the rating
  and ``created_at`` when present.
"""

from __future__ import annotations

from servicecoach.ingest.intercom.importer import IntercomImporter

__all__ = ["IntercomImporter"]
