"""Help Scout conversations with their threads, as the Mailbox API 2.0 returns them.

Accepted documents (one per file, UTF-8 JSON):

- one conversation with its threads (``GET /v2/conversations/{id}?embed=threads``);
- a JSON array of conversations;
- the list endpoint, ``{"_embedded": {"conversations": [...]}}`` (with
  ``embed=threads``), or ``{"conversations": [...]}``.

A JSON array and ``{"conversations": [...]}`` are streamed one conversation at a time
(:func:`~servicecoach.ingest.jsonload.stream_json`), so memory stays flat whatever the
file size; an API page (at most 50 conversations) is read whole.

Decisions a user should know:

- **Messages** are the threads of ``_embedded.threads``, ordered by ``createdAt`` (ISO
  8601; the API lists the newest first). Message ids are thread ids.
- **Roles** from the thread ``type``: ``customer`` is the customer (also when an agent
  typed it in for them); ``reply`` and ``message`` (a conversation an agent started)
  are agent replies; ``chat`` threads are the customer's or an agent's according to
  ``createdBy.type`` (``customer`` or ``user``); ``note`` is an internal note;
  ``phone`` is the agent's log of a call, kept as an internal note (the customer never
  read it; its words are the agent's summary, not the call).
- **Dropped**: ``lineitem`` threads (status changes, assignments, "moved to
  mailbox"), forwarding markers (``forwardparent``) and threads that are not published
  (drafts, ``state`` other than ``published``) are not messages; they are counted by
  type in ``meta["dropped_threads"]``. A thread without a body but with attachments is
  kept with empty text (``meta["attachments"]``); one with neither is dropped and
  counted. An unknown thread type is a problem with that thread.
- **Text**: HTML bodies become text; on email conversations the customer's threads
  have quoted history and signature trimmed.
- **Channel** from the conversation ``type``: ``email``, ``chat`` or ``phone``;
  otherwise ``other``.
- **Customer**: ``primaryCustomer`` (else the conversation's ``customer``, else the
  author of the first customer thread): its id, ``first`` + ``last`` name and email.
- **No text, no conversation**: a conversation left without any message with text
  (e.g. listed without ``embed=threads``) is reported as a problem, never imported
  empty.
- Conversation ids are ``helpscout-<id>``; ``meta`` keeps ``number``, ``subject``,
  ``status``, ``mailbox_id``, ``tags``, ``assignee`` and ``created_at``.
"""

from __future__ import annotations

from servicecoach.ingest.helpscout.importer import HelpScoutImporter

__all__ = ["HelpScoutImporter"]
