"""Freshdesk tickets and their conversations (API v2 JSON).

Accepted shapes (files given to one import are read together and joined by ticket id):

- tickets: one ticket (``GET /api/v2/tickets/ID``, with ``include=conversations`` its
  replies embedded as ``conversations``), a list of tickets (``GET /api/v2/tickets``), or
  ``{"tickets": [...]}``; the older shape (``description`` as text beside
  ``description_html``, ``requester_name``, ``status_name``) is read too;
- a ticket's conversations (``GET /api/v2/tickets/ID/conversations``, a list, or
  ``{"conversations": [...]}``): each names its ``ticket_id``.

Large lists are streamed (memory stays flat with the number of tickets); conversations
given apart from their tickets are held until the tickets are read.

Decisions a user should know:

- **Customer** is the requester: ``Customer(id=str(requester_id))``, with name, email and
  phone from the inline ``requester`` (``include=requester``) only when its id is the
  requester_id (never another person's details), else ``requester_name``.
- **First message**: the ticket's description (``description_text``, else the
  ``description`` HTML as text) at the ticket's ``created_at``, by the customer; for an
  outbound email ticket (source 10) the agent wrote it.
- **Roles**: a conversation with ``incoming: true`` is the customer's, ``false`` an
  agent's (without ``incoming``: the requester's ``user_id`` is the customer);
  ``private: true`` is an internal note.
- **Text**: ``body_text`` when present, else the ``body`` HTML as text. On email tickets
  the customer's replies lose quoted history and signature; agents' replies are kept
  whole.
- **Channel** from the ticket's ``source``: 1 email, 2 portal -> web, 3 phone, 4 forum ->
  web, 5 Twitter and 6 Facebook -> social (not marked public: the API does not say
  whether a post was public), 7 chat, 8 Mobihelp -> chat, 9 feedback widget -> web,
  10 outbound email -> email, 12 bot and 13 WhatsApp -> chat; others -> other.
- **Meta**: subject, status (open, pending, resolved, closed), priority (low, medium,
  high, urgent), type, tags and ``via`` (the source's name).
- **Ids**: ``freshdesk-<ticket id>``; message ids are the conversation ids (unique in
  the account) and ``ticket-<id>-description`` for the description.
- **Dropped**: attachments, CC lists, custom fields, SLA dates and stats.
- **Problems**: a ticket with no conversations (the tickets endpoints give only the
  description, which alone would read as a customer nobody answered), conversations
  whose ticket is not in the import, a conversation without ``ticket_id``, id or text, a
  bad date; a bad conversation is skipped and the rest of its ticket kept.
"""

from __future__ import annotations

from servicecoach.ingest.freshdesk.importer import FreshdeskImporter

__all__ = ["FreshdeskImporter"]
