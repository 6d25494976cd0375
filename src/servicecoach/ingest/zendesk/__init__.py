"""Zendesk ticket exports: API pages, plain arrays and NDJSON, with their comments.

Accepted shapes:

- a JSON object ``{"tickets": [...], "users": [...]}`` (an API page; side-loaded users
  are optional), or ``{"ticket": {...}}`` for a single ticket;
- a plain JSON array of tickets;
- NDJSON, one ticket per line, as Zendesk's JSON export writes it;
- a ``{"users": [...]}`` document next to the tickets: users found in any file given
  to the same import are used for every ticket.

Decisions a user should know:

- **Customer** is the requester (``requester_id``, or ``requester.id`` when the requester
  is inline): ``Customer(id=str(requester_id))`` with name, email and phone from the
  users or the inline requester. A ticket without a requester is reported and skipped.
- **Linking customers**: a requester's ``external_id`` (your own user id, as you gave it
  to Zendesk) becomes the handle ``{"identifier": external_id}``, the same handle the
  Chatwoot importer gives a contact's ``identifier``, so one person links across both
  helpdesks (and any other source that knows your user id).
- **Roles**: comments by the requester, or by a user whose role is ``end-user`` (a CC'd
  customer), are customer messages; Answer Bot comments (``via.channel`` starting with
  ``answer_bot``) are bot messages; every other author (role agent or admin, or unknown)
  is an agent. ``public: false`` comments are internal notes.
- **Text** comes from ``html_body`` (converted to text), else ``plain_body``, else
  ``body``. Comments that arrived by email (their own ``via.channel``, or the ticket's
  when the comment has none) have their quoted history and signature trimmed; comments
  written in the agent interface are kept whole, so sign-offs stay for the analysers.
- **Channel** from ``via.channel``: email; web, web_form, api, any_channel, mobile,
  mobile_sdk, web_widget, help_center -> web; chat, native_messaging, messaging -> chat;
  voice -> phone; sms -> sms; twitter, facebook, instagram -> social (public unless
  ``via.source.rel`` names a private message: direct_message, message, messenger);
  anything else -> other. A Twitter requester's ``via.source.from.username`` becomes the
  customer's ``twitter`` handle.
- **Ids**: ``zendesk-<ticket id>``; message ids are the comment ids, unique across the
  Zendesk account, so a ticket already imported is recognised by its comments (the last
  copy of a repeated comment id wins). A comment exported without an id gets
  ``ticket-<ticket id>-comment-<position>``. Messages are sorted by time; comments without a time keep
  their order after the timed ones.
- **Empty tickets**: a ticket without comments becomes a conversation with no messages,
  so its subject, status and customer are still imported.
- **Errors**: a bad ticket is reported as ``ticket N (id X)`` (and its line in NDJSON)
  and skipped; a bad comment is reported and skipped, the rest of its ticket is kept.
  A document that is not valid JSON is rejected with the line and column of the error.
"""

from __future__ import annotations

from servicecoach.ingest.zendesk.importer import ZendeskImporter

__all__ = ["ZendeskImporter"]
