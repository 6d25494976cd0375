"""Gorgias tickets and their messages (REST API JSON).

Accepted shapes (files given to one import are read together and joined by ticket id):

- tickets with their ``messages`` (``GET /api/tickets/ID``), as one object, a list, or
  an API list answer ``{"data": [...], "meta": {...}}``;
- messages (``GET /api/tickets/ID/messages`` or ``GET /api/messages``: ``{"data":
  [...]}``), each naming its ``ticket_id``, joined to their tickets from other files.

The tickets list (``GET /api/tickets``) has no messages: such a ticket is a problem
that says to import its messages with it. Large lists are streamed; messages given
apart from their tickets are held until the tickets are read.

Decisions a user should know:

- **Customer** is the ticket's ``customer``: ``Customer(id=str(customer.id))`` with its
  name (``name``, else first and last name), email, the first ``phone`` of its
  ``channels`` and a ``twitter`` handle when it has one.
- **Roles**: ``from_agent: false`` is the customer; ``from_agent: true`` an agent, or a
  bot when the message was sent automatically (``via`` ``rule``, ``self_service``,
  ``ai_agent``, ``automation``). Internal notes (channel ``internal-note``, or
  ``public: false``) are internal.
- **Text**: customers' messages use ``stripped_text`` (Gorgias's reply without the
  quoted thread and signature), else ``body_text``, else the HTML as text, and email
  ones are trimmed again; agents' use ``body_text`` (sign-offs kept for the analysers),
  else the HTML, else ``stripped_text``.
- **Times**: an agent's message at ``sent_datetime`` (when it left) else
  ``created_datetime``; a customer's at ``created_datetime``.
- **Channel** from the ticket's ``channel``: email; chat, whatsapp -> chat; phone,
  aircall -> phone; sms; api, contact_form, help-center -> web; Facebook, Instagram,
  Twitter and review channels -> social, public except direct messages
  (facebook-messenger, instagram-direct-message, twitter-direct-message); anything else
  -> other.
- **Meta**: subject, status, priority, language, tag names, ``via`` (the channel) and
  ``satisfaction`` (the survey's score).
- **Ids**: ``gorgias-<ticket id>``; message ids are Gorgias message ids (unique in the
  account).
- **Dropped**: attachments, actions, macros, integrations' data, receivers and CCs.
- **Problems**: a ticket without messages, messages whose ticket is not in the import,
  a message without id, ``from_agent`` or text, a bad date; a bad message is skipped and
  the rest of its ticket kept.
"""

from __future__ import annotations

from servicecoach.ingest.gorgias.importer import GorgiasImporter

__all__ = ["GorgiasImporter"]
