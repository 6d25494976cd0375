"""The "Customer Support on Twitter" (TWCS) CSV: brand and customer tweets, one per row.

Columns: ``tweet_id, author_id, inbound, created_at, text, response_tweet_id,
in_response_to_tweet_id``, found by name, so a pandas re-export with an extra unnamed
index column (and reply ids written as floats, ``3.0``) reads the same.

Decisions a user should know:

- **Threads** are the connected components of the reply links (``in_response_to_tweet_id``
  and every id in ``response_tweet_id``, which may be a comma-separated list), also
  through tweets that are missing from the file.
- **One conversation per customer of a thread.** A thread where one customer talks to
  the brand is one conversation. When several customers wrote in one thread (8.5% of
  the threads of the public corpus: people who chime in under someone else's
  complaint), each customer gets their own conversation: their tweets plus the brand
  tweets that answer them (the nearest customer tweet up the reply chain decides; a
  brand tweet that answers no customer, such as one that starts the thread, goes to
  the first customer who replied under it). Each customer is then linked as
  themselves, and scores and timelines are theirs. The thread stays visible in
  ``meta["thread_id"]`` (the id of the root's conversation) and
  ``meta["thread_customers"]`` (every customer of the thread, in order), and each
  message's ``meta["in_reply_to"]`` keeps the tweet it answers, also when that tweet
  is in another customer's conversation.
- **Conversation id** is ``twcs-<root tweet id>``; the root is the earliest tweet
  (``created_at``, then tweet id) whose parent is not in the file. The other customers
  of a split thread have ``twcs-<their first tweet id>``.
- **Roles**: inbound tweets are customer messages (author = the author id); the others
  are agent messages whose author is the brand handle. The customer is the author of
  the conversation's inbound tweets, with the handle ``{"twitter": author_id}``; a
  thread of brand tweets only has no customer. ``meta["brand"]`` is the first brand
  that replied (``meta["brands"]`` lists them all when several did; a customer nobody
  answered gets the thread's first brand).
- **Encoding**: any text encoding :mod:`servicecoach.ingest.textfile` recognises from
  the start of the file (UTF-8, UTF-16 with a BOM, a Windows-1252 re-export...); bytes
  that are no text, or that stop being the file's encoding further on, are an
  :class:`~servicecoach.errors.InvalidFileError` naming the byte.
- **Text**: HTML entities (``&amp;``) are unescaped, then the text is normalised; a bare
  carriage return inside an unquoted field (the public corpus has one) is kept as a
  line break instead of splitting the row.
- **Bad rows** (no or non-numeric tweet id, bad date, unknown ``inbound`` value, wrong
  number of columns) are reported with their line number and skipped. When a tweet id
  appears more than once (overlapping exports concatenated), the last row wins; the
  header lines of concatenated exports are skipped.
- **Memory**: the files are read twice. The first pass checks every row and links the
  tweets into threads keeping only integers per tweet; the second yields each thread
  as soon as its last tweet has been read, so only unfinished threads are held in
  memory (the full 2.8M-tweet corpus is grouped by thread). Each pass reports half of
  the progress through :meth:`Source.advance`.
"""

from __future__ import annotations

from servicecoach.ingest.twcs.importer import TwcsImporter

__all__ = ["TwcsImporter"]
