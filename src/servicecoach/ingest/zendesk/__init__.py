"""Zendesk ticket exports: API pages, arrays and NDJSON, with comments, audits and calls.

Accepted shapes (files given to one import are read together and joined by ticket id):

- tickets: a JSON object ``{"tickets": [...], "users": [...]}`` (an API page or the
  incremental export; side-loaded users are optional), ``{"ticket": {...}}``, a plain
  JSON array of tickets, one ticket object, or NDJSON (one ticket per line, as
  Zendesk's JSON export writes it). A ticket's comments may be embedded as
  ``comments``; the tickets endpoints give none (only the ``description``);
- comments pages ``{"comments": [...]}`` (``GET /tickets/{id}/comments``): the answer
  has no ticket id, so the ticket is taken from the page's ``links`` (or
  ``next_page``/``previous_page``) URLs, else from a comment's own ``ticket_id``, else
  from the file name (``ticket33_comments.json``); without any, the file is a problem;
- ticket audits ``{"audits": [...]}``: each audit has its ``ticket_id``; ``Comment`` and
  ``VoiceComment`` events are the comments (time and channel from their audit), and the
  ``Create``/``Change`` events give requester, subject, status, priority, type and tags,
  so audits alone make whole tickets;
- Zendesk Talk calls (one call object, ``{"call": {...}}`` or ``{"calls": [...]}``),
  attached to their ticket (see :mod:`servicecoach.ingest.zendesk.talk`);
- a ``{"users": [...]}`` document: users found in any file of the import are used for
  every ticket.

Large JSON documents are streamed (:func:`servicecoach.ingest.jsonload.stream_json`):
memory stays flat with the number of tickets. Comments pages, audits and calls given
apart from their tickets are held until the tickets are read.

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
  ``ticket-<ticket id>-comment-<position>``; a Talk call's messages are
  ``talk-call-<call id>`` (and ``-answer``). Messages are sorted by time; comments
  without a time keep their order after the timed ones.
- **Tickets without text**: a ticket that ends with no comment (the tickets endpoint
  alone, ``comments: []``, or every comment unreadable) is a problem, never an empty
  conversation: it has nothing to score, and its description alone would read as a
  customer nobody answered. The problem says to import its comments or audits with it.
- **Comments or calls without their ticket** (a comments page or a call whose ticket is
  not in the import) are problems: they do not say who the customer is.
- **Voice comments** use the voicemail's ``data.transcription_text`` when there is one.
  A Talk "voice comment" request body (``call_fields``, ``display_to_agent``) names no
  ticket or time and is refused with that reason.
- **Errors**: a bad ticket is reported as ``ticket N (id X)`` (and its line in NDJSON)
  and skipped; a bad comment is reported and skipped, the rest of its ticket is kept.
  A document that is not valid JSON is rejected with the line and column of the error
  (up to 16 MiB; in a larger one, the record after which it was met); the tickets read
  before the error are kept.
"""

from __future__ import annotations

from servicecoach.ingest.zendesk.importer import ZendeskImporter

__all__ = ["ZendeskImporter"]
