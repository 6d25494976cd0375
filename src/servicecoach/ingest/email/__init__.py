"""Email: ``.eml`` files and ``.mbox`` mailboxes, threaded across every file of an import.

All email files of an import are read together, so a thread whose first messages are in
a mailbox export and whose replies are single ``.eml`` files becomes one conversation.

Decisions a user should know:

- Threads are rebuilt from ``Message-ID``, ``In-Reply-To`` and ``References`` only
  (messages that share a subject but no ids stay apart). Ids a message refers to but
  that are not in the import still join the messages that refer to them.
- The thread id is ``email-<root>``, where the root is ``References[0]`` of the earliest
  message that has a ``References`` header; else the ``Message-ID`` of the earliest
  message without parents; else ``In-Reply-To`` of the earliest message. An overlapping
  export that adds or lacks messages keeps the same id, as long as replies keep the
  thread's first id in ``References`` (as RFC 5322 asks).
- A message id seen twice keeps its last copy. A message without ``Message-ID`` gets the
  stable id ``nomid-<hash of from, date, subject and body>``.
- Roles: a sender matching ``ImportOptions.support_addresses`` (addresses or domains) is
  an agent, everyone else the customer (a relayed comment: see below). With no support addresses, the sender of the
  earliest message of a thread is the customer and every other sender an agent (wrong
  for threads your team started: pass support addresses for those).
- The customer is the first non-agent sender (email and display name); for a thread
  written only by agents, the first recipient who is not a support address.
- Helpdesk notifications (Zendesk-style mails relaying one ticket comment from the
  support address) keep only the new comment, with its author named in the body; the
  author's role comes from the thread (:mod:`servicecoach.ingest.email.helpdesk`,
  :func:`servicecoach.ingest.email.threads.build_conversation`).
- Text: ``text/plain`` is preferred, else ``text/html`` is converted (so is a plain part
  that is plainly HTML, ``meta["html_in_plain"]``); quoted history in many languages and
  the signature are trimmed (:mod:`servicecoach.model.email_reply`). A charset that is
  unknown or does not match the bytes falls back to UTF-8, then Windows-1252; UTF-8
  labelled as a one-byte charset is read as UTF-8 (``meta["decoded_as"]`` says which
  was used). A mail without text says why in ``meta["no_text"]``.
- Dates: a missing ``Date`` leaves ``at`` unset; a ``Date`` that is not an RFC 5322
  date (``yesterday``) is reported as a problem naming the file, the message and its
  ``Message-ID``, and that message is skipped (a wrong time would mislead the
  time-based skills). A date without a zone (``-0000``) is read as UTC and marked
  ``meta["date_assumed_utc"]``. A ``Date`` more than two days after the newest
  ``Received`` header (or the import) is not trusted: the ``Received`` time replaces
  it (``meta["time_from"] = "received"``) or the time is left unknown, and
  ``meta["date_untrusted"]`` keeps it. Messages are ordered by time, untimed ones last.
- A file or mailbox message with none of the ``From``, ``To``, ``Subject``, ``Date`` or
  ``Message-ID`` headers, or an empty ``.eml`` file, is reported as a problem (not an
  email) and skipped, so one stray file does not stop the rest of the import. An empty
  ``.mbox`` is an empty mailbox: nothing is reported.
- ``meta["subject"]`` holds the thread's subject without ``Re:``/``Fwd:`` prefixes.
"""

from __future__ import annotations

from servicecoach.ingest.email.importer import EmailImporter

__all__ = ["EmailImporter"]
