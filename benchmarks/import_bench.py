"""Bulk import benchmark: generate a large file, import it twice with the real CLI.

Prints messages per second and the peak memory (max RSS) of the import process for the
first import (all inserts) and the re-import (all updates). The generated conversations
are synthetic (random words from a small vocabulary written here), so they carry no
data from any corpus.

Each format is written in the shape its importer reads (``src/servicecoach/samples``):
``jsonl`` and ``twcs`` in conversations of five messages; ``zendesk`` one
``{"tickets": [...], "users": [...]}`` document, comments embedded; ``freshdesk`` a
tickets list and a conversations file joined by ticket id; ``gorgias`` an API list of
tickets with their messages; ``intercom`` ``{"conversations": [...]}`` with
conversation parts; ``helpscout`` a list of conversations with ``_embedded.threads``;
``deepgram``, ``aws_call_analytics`` and ``vtt`` a folder of calls, one file a call of
30-70 turns. Every import must read the expected number of messages with no problem
or warning, each file detected as its format, or the benchmark stops.

Usage: python benchmarks/import_bench.py [--messages 200000] [--format jsonl|twcs|...|all]
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

WORDS = [
    "order",
    "tent",
    "pole",
    "delivery",
    "refund",
    "jacket",
    "size",
    "boots",
    "login",
    "password",
    "account",
    "package",
    "tracking",
    "late",
    "broken",
    "replace",
    "exchange",
    "warranty",
    "store",
    "online",
    "app",
    "payment",
    "card",
    "help",
    "thanks",
    "please",
    "today",
    "tomorrow",
    "week",
    "sorry",
    "check",
    "update",
    "email",
    "phone",
    "chat",
    "invoice",
]
AGENTS = ("Sam Ortiz", "Priya Shah", "Omar Diaz", "Maya Chen", "Lena Park", "Jonas Berg")
PER_CONVERSATION = 5
START = datetime(2024, 1, 1, tzinfo=UTC)


class Generated(NamedTuple):
    """A generated input: the file or folder to import and what it must import as."""

    path: Path
    conversations: int
    messages: int


# Shared helpers: words, times, sizes, people.


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40))).capitalize() + "."


def _paragraphs(rng: random.Random) -> str:
    """A helpdesk message: one to three paragraphs of one sentence."""
    return "\n\n".join(_sentence(rng) for _ in range(rng.randint(1, 3)))


def _quoted(text: str, at: datetime) -> str:
    """``text`` with the quoted history an email client adds below a reply."""
    first = text.split("\n", 1)[0]
    return f"{text}\n\nOn {at:%a, %d %b %Y at %H:%M}, Northwind Support wrote:\n> {first}"


def _html(text: str) -> str:
    """Paragraphs as ``<p>``, quoted lines in a ``<blockquote>``, text escaped."""
    blocks = []
    for block in text.split("\n\n"):
        if block.startswith("> "):
            blocks.append(f"<blockquote>{html.escape(block[2:])}</blockquote>")
        else:
            blocks.append(f"<p>{html.escape(block).replace(chr(10), '<br>')}</p>")
    return "".join(blocks)


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _started(n: int) -> datetime:
    return START + timedelta(minutes=7 * n)


def _later(rng: random.Random, at: datetime) -> datetime:
    """The next message of a ticket: minutes to hours later."""
    return at + timedelta(minutes=rng.randint(2, 480), seconds=rng.randint(0, 59))


def _sizes(rng: random.Random, total: int, low: int, high: int) -> list[int]:
    """Messages per conversation, ``low`` to ``high`` each (the last may be larger), summing
    to ``total``."""
    sizes = []
    left = total
    while left > 0:
        size = min(left, rng.randint(low, high))
        if left - size < low:
            size = left
        sizes.append(size)
        left -= size
    return sizes


def _customer(n: int, conversations: int) -> int:
    """The customer number of conversation ``n``: every customer has about two."""
    return n % max(1, conversations // 2)


def _write_list(path: Path, records: Iterable[object], before: str = "[", after: str = "]") -> None:
    """Write a JSON list one record at a time, between ``before`` and ``after``."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write(before)
        for index, record in enumerate(records):
            handle.write(("," if index else "") + "\n" + json.dumps(record))
        handle.write("\n" + after)


def _turns(
    rng: random.Random, size: int, agent: str, caller: str
) -> list[tuple[str, float, float, str]]:
    """A call of ``size`` alternating turns, (speaker, start s, end s, text): the agent
    greets, the caller states the problem."""
    turns = []
    at = rng.uniform(0.3, 1.5)
    for index in range(size):
        speaker = agent if index % 2 == 0 else caller
        text = _sentence(rng)
        if index == 0:
            text = f"Thanks for calling Northwind, this is {agent.split()[0]}. How can I help?"
        elif index == 1:
            text = f"Hi, I'm calling about my order. {text}"
        end = at + 0.35 * len(text.split())
        turns.append((speaker, round(at, 2), round(end, 2), text))
        at = end + rng.uniform(0.2, 1.5)
    return turns


# One generator per format: writes into ``folder``, returns what to import.


def generate_jsonl(folder: Path, messages: int, seed: int = 7) -> Generated:
    """Native JSON Lines, conversations of five messages."""
    rng = random.Random(seed)
    path = folder / "bench.jsonl"
    conversations = messages // PER_CONVERSATION
    with path.open("w", encoding="utf-8") as handle:
        for n in range(conversations):
            customer = _customer(n, conversations)
            at = _started(n)
            record = {
                "format": 1,
                "id": f"bench-{n}",
                "channel": ("email", "chat", "social", "phone")[n % 4],
                "public": n % 4 == 2,
                "customer": {
                    "id": f"cust-{customer}",
                    "name": f"Customer {customer}",
                    "email": f"customer{customer}@example.com",
                },
                "messages": [
                    {
                        "id": f"m{i}",
                        "role": "customer" if i % 2 == 0 else "agent",
                        "at": (at + timedelta(minutes=3 * i)).isoformat().replace("+00:00", "Z"),
                        "text": _sentence(rng),
                    }
                    for i in range(PER_CONVERSATION)
                ],
                "meta": {},
            }
            handle.write(json.dumps(record) + "\n")
    return Generated(path, conversations, conversations * PER_CONVERSATION)


def generate_twcs(folder: Path, messages: int, seed: int = 7) -> Generated:
    """A Twitter-corpus CSV of threads of five tweets."""
    rng = random.Random(seed)
    path = folder / "bench.csv"
    start = datetime(2017, 10, 1, tzinfo=UTC)
    threads = messages // PER_CONVERSATION
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["tweet_id", "author_id", "inbound", "created_at", "text",
             "response_tweet_id", "in_response_to_tweet_id"]
        )  # fmt: skip
        tweet = 1
        for n in range(threads):
            customer = str(100000 + n % max(1, threads // 2))
            ids = list(range(tweet, tweet + PER_CONVERSATION))
            tweet += PER_CONVERSATION
            for i, tid in enumerate(ids):
                inbound = i % 2 == 0
                at = start + timedelta(minutes=7 * n + 3 * i)
                writer.writerow([
                    tid,
                    customer if inbound else "NorthwindHelp",
                    inbound,
                    at.strftime("%a %b %d %H:%M:%S +0000 %Y"),
                    ("@NorthwindHelp " if inbound else f"@{customer} ") + _sentence(rng),
                    ids[i + 1] if i + 1 < len(ids) else "",
                    f"{ids[i - 1]}.0" if i else "",
                ])  # fmt: skip
    return Generated(path, threads, threads * PER_CONVERSATION)


def generate_zendesk(folder: Path, messages: int, seed: int = 7) -> Generated:
    """``{"tickets": [...], "users": [...]}``: tickets with 2-8 comments (one in ten of
    the agent's an internal note), requesters and agents side-loaded."""
    rng = random.Random(seed)
    path = folder / "tickets.json"
    sizes = _sizes(rng, messages, 2, 8)

    def tickets() -> Iterable[dict[str, Any]]:
        for n, size in enumerate(sizes):
            requester = 900_000 + _customer(n, len(sizes))
            agent = 7000 + n % len(AGENTS)
            channel = ("email", "web", "chat", "email")[n % 4]
            at = _started(n)
            comments = []
            for i in range(size):
                by_customer = i % 2 == 0
                text = _paragraphs(rng)
                if by_customer and i and channel == "email":
                    text = _quoted(text, at)
                comments.append({
                    "id": 10_000_000 + 10 * n + i,
                    "type": "Comment",
                    "author_id": requester if by_customer else agent,
                    "body": text,
                    "html_body": _html(text),
                    "plain_body": text,
                    "public": by_customer or rng.random() >= 0.1,
                    "attachments": [],
                    "created_at": _iso(at),
                    "via": {"channel": channel if by_customer else "web",
                            "source": {"from": {}, "to": {}, "rel": None}},
                })  # fmt: skip
                at = _later(rng, at)
            yield {
                "url": f"https://northwind.zendesk.com/api/v2/tickets/{50_000 + n}.json",
                "id": 50_000 + n,
                "created_at": comments[0]["created_at"],
                "updated_at": comments[-1]["created_at"],
                "type": ("question", "problem", "incident")[n % 3],
                "subject": _sentence(rng)[:60],
                "priority": ("low", "normal", "high")[n % 3],
                "status": "solved",
                "requester_id": requester,
                "submitter_id": requester,
                "assignee_id": agent,
                "tags": rng.sample(WORDS, 2),
                "via": {"channel": channel, "source": {"from": {}, "to": {}, "rel": None}},
                "satisfaction_rating": {"score": ("good", "offered", "bad")[n % 3]},
                "comments": comments,
            }

    customers = max(1, len(sizes) // 2)
    users = [
        {"id": 900_000 + c, "name": f"Customer {c}", "email": f"customer{c}@example.com",
         "role": "end-user"}
        for c in range(customers)
    ] + [
        {"id": 7000 + a, "name": name, "email": f"agent{a}@northwind.example", "role": "agent"}
        for a, name in enumerate(AGENTS)
    ]  # fmt: skip
    after = f'], "users": {json.dumps(users)}, "next_page": null, "count": {len(sizes)}}}'
    _write_list(path, tickets(), '{"tickets": [', after)
    return Generated(path, len(sizes), messages)


def generate_freshdesk(folder: Path, messages: int, seed: int = 7) -> Generated:
    """A tickets list (``GET /tickets?include=requester``: the description is the first
    message) and one file of every ticket's conversations (``GET
    /tickets/{id}/conversations``), joined by ``ticket_id``; one agent reply in ten a
    private note."""
    rng = random.Random(seed)
    path = folder / "freshdesk"
    path.mkdir()
    sizes = _sizes(rng, messages, 2, 8)
    tickets, conversations = [], []
    for n, size in enumerate(sizes):
        customer = _customer(n, len(sizes))
        requester = 77_000_000 + customer
        agent = 66_000 + n % len(AGENTS)
        source = (1, 2, 7, 1)[n % 4]  # email, portal, chat, email
        at = _started(n)
        description = _paragraphs(rng)
        tickets.append({
            "id": 2000 + n,
            "subject": _sentence(rng)[:60],
            "description": _html(description),
            "description_text": description,
            "requester_id": requester,
            "requester": {"id": requester, "name": f"Customer {customer}",
                          "email": f"customer{customer}@example.com", "mobile": None,
                          "phone": None},
            "responder_id": agent,
            "source": source,
            "status": (4, 5, 2)[n % 3],
            "priority": (1, 2, 3)[n % 3],
            "type": ("Question", "Problem", "Incident")[n % 3],
            "tags": rng.sample(WORDS, 2),
            "created_at": _iso(at),
            "updated_at": _iso(at + timedelta(days=1)),
            "fr_due_by": _iso(at + timedelta(hours=8)),
            "due_by": _iso(at + timedelta(days=3)),
        })  # fmt: skip
        for i in range(1, size):
            at = _later(rng, at)
            incoming = i % 2 == 0
            text = _paragraphs(rng)
            if incoming and source == 1:
                text = _quoted(text, at)
            conversations.append({
                "id": 90_000_000 + 10 * n + i,
                "ticket_id": 2000 + n,
                "user_id": requester if incoming else agent,
                "incoming": incoming,
                "private": not incoming and rng.random() < 0.1,
                "source": 0,
                "from_email": f"customer{customer}@example.com" if incoming
                else f"{AGENTS[n % len(AGENTS)]} <help@northwind.example>",
                "to_emails": [] if incoming else [f"customer{customer}@example.com"],
                "body": _html(text),
                "body_text": text,
                "attachments": [],
                "created_at": _iso(at),
                "updated_at": _iso(at),
            })  # fmt: skip
    _write_list(path / "tickets.json", tickets)
    _write_list(path / "conversations.json", conversations)
    return Generated(path, len(sizes), messages)


def generate_gorgias(folder: Path, messages: int, seed: int = 7) -> Generated:
    """An API list ``{"data": [...]}`` of tickets with their messages: a rule's automatic
    reply on one email ticket in four, an internal note on one ticket in ten."""
    rng = random.Random(seed)
    path = folder / "tickets.json"
    sizes = _sizes(rng, messages, 2, 8)

    def tickets() -> Iterable[dict[str, Any]]:
        for n, size in enumerate(sizes):
            number = _customer(n, len(sizes))
            customer = {
                "id": 88_000_000 + number,
                "email": f"customer{number}@example.com",
                "name": f"Customer {number}",
                "firstname": "Customer",
                "lastname": str(number),
                "channels": [{"type": "email", "address": f"customer{number}@example.com"}],
            }
            agent = {"id": 400 + n % len(AGENTS), "email": "help@northwind.example",
                     "name": AGENTS[n % len(AGENTS)]}  # fmt: skip
            channel = ("email", "chat", "email", "contact_form")[n % 4]
            at = _started(n)
            listed = []
            for i in range(size):
                message_id = 770_000_000 + 10 * n + i
                text = _paragraphs(rng)
                if i % 2 == 0:  # the customer
                    body = _quoted(text, at) if i and channel == "email" else text
                    listed.append({
                        "id": message_id, "ticket_id": 51_000 + n, "channel": channel,
                        "via": channel, "from_agent": False, "public": True,
                        "sender": {k: customer[k] for k in ("id", "email", "name")},
                        "body_text": body, "body_html": _html(body), "stripped_text": text,
                        "created_datetime": at.isoformat(timespec="microseconds"),
                    })  # fmt: skip
                else:
                    rule = i == 1 and n % 4 == 0
                    note = not rule and rng.random() < 0.1
                    listed.append({
                        "id": message_id, "ticket_id": 51_000 + n,
                        "channel": "internal-note" if note else channel,
                        "via": "rule" if rule else "helpdesk", "from_agent": True,
                        "public": not note,
                        "sender": {"id": 1, "email": "help@northwind.example",
                                   "name": "Northwind Support"} if rule else agent,
                        "body_text": text, "body_html": _html(text),
                        "created_datetime": at.isoformat(timespec="microseconds"),
                        "sent_datetime": (at + timedelta(seconds=1)).isoformat(
                            timespec="microseconds"),
                    })  # fmt: skip
                at = _later(rng, at)
            yield {
                "id": 51_000 + n,
                "uri": f"/api/tickets/{51_000 + n}/",
                "channel": channel,
                "via": channel,
                "status": "closed",
                "priority": "normal",
                "language": "en",
                "subject": _sentence(rng)[:60],
                "customer": customer,
                "tags": [{"id": 3, "name": rng.choice(WORDS)}],
                "satisfaction_survey": {"score": n % 5 + 1} if n % 3 == 0 else None,
                "created_datetime": listed[0]["created_datetime"],
                "updated_datetime": listed[-1]["created_datetime"],
                "messages": listed,
            }

    meta = {"next_cursor": None, "prev_cursor": None}
    after = f'], "meta": {json.dumps(meta)}}}'
    _write_list(path, tickets(), '{"object": "list", "uri": "/api/tickets", "data": [', after)
    return Generated(path, len(sizes), messages)


def generate_intercom(folder: Path, messages: int, seed: int = 7) -> Generated:
    """``{"type": "conversation.list", "conversations": [...]}``: the customer's opening
    ``source``, comment parts from admin and user by turns (one admin part in ten a
    note), and the assignment and close parts that have no body (not messages)."""
    rng = random.Random(seed)
    path = folder / "conversations.json"
    sizes = _sizes(rng, messages, 2, 8)

    def conversations() -> Iterable[dict[str, Any]]:
        for n, size in enumerate(sizes):
            number = _customer(n, len(sizes))
            user = {
                "type": "user",
                "id": f"u{number:06d}",
                "name": f"Customer {number}",
                "email": f"customer{number}@example.com",
            }
            admin = {
                "type": "admin",
                "id": str(7300 + n % len(AGENTS)),
                "name": AGENTS[n % len(AGENTS)],
                "email": "help@northwind.example",
            }
            kind = ("conversation", "email", "conversation", "conversation")[n % 4]
            at = int(_started(n).timestamp())

            def part(
                part_id: int, part_type: str, body: str | None, author: dict[str, str], when: int
            ) -> dict[str, Any]:
                return {"type": "conversation_part", "id": str(part_id), "part_type": part_type,
                        "body": body, "created_at": when, "updated_at": when,
                        "notified_at": when, "author": author, "attachments": [],
                        "redacted": False}  # fmt: skip

            first = 990_000_000 + 20 * n
            parts = [part(first, "assignment", None, admin, at + 30)]
            when = at
            for i in range(1, size):
                when += rng.randint(60, 7200)
                text = _paragraphs(rng)
                if i % 2 == 0:
                    parts.append(part(first + i, "comment", _html(text), user, when))
                else:
                    note = rng.random() < 0.1
                    parts.append(part(first + i, "note" if note else "comment", _html(text),
                                      admin, when))  # fmt: skip
            parts.append(part(first + 19, "close", None, admin, when + 60))
            yield {
                "type": "conversation",
                "id": str(88_000 + n),
                "title": None,
                "created_at": at,
                "updated_at": when + 60,
                "waiting_since": None,
                "snoozed_until": None,
                "open": False,
                "state": "closed",
                "read": True,
                "priority": "not_priority",
                "admin_assignee_id": int(admin["id"]),
                "team_assignee_id": None,
                "tags": {"type": "tag.list", "tags": [{"type": "tag", "id": "12",
                                                       "name": rng.choice(WORDS)}]},
                "conversation_rating": None,
                "source": {"type": kind, "id": str(4_000_000 + n),
                           "delivered_as": "customer_initiated",
                           "subject": _sentence(rng)[:60] if kind == "email" else "",
                           "body": _html(_paragraphs(rng)), "author": user, "attachments": [],
                           "url": None, "redacted": False},
                "contacts": {"type": "contact.list",
                             "contacts": [{"type": "contact", "id": user["id"],
                                           "external_id": f"nw-{number}"}]},
                "teammates": {"type": "admin.list", "admins": [{"type": "admin",
                                                                "id": admin["id"]}]},
                "custom_attributes": {},
                "conversation_parts": {"type": "conversation_part.list",
                                       "conversation_parts": parts,
                                       "total_count": len(parts)},
            }  # fmt: skip

    before = (
        '{"type": "conversation.list", "pages": {"type": "pages", "page": 1, '
        f'"per_page": {len(sizes)}, "total_pages": 1}}, "total_count": {len(sizes)}, '
        '"conversations": ['
    )
    _write_list(path, conversations(), before, "]}")
    return Generated(path, len(sizes), messages)


def generate_helpscout(folder: Path, messages: int, seed: int = 7) -> Generated:
    """A list of conversations (``GET /v2/conversations/{id}?embed=threads`` each) with
    their threads newest first, as the API lists them: customer and reply threads by
    turns (chat threads on a chat conversation), one in ten of the agent's a note, and a
    ``lineitem`` status change (not a message)."""
    rng = random.Random(seed)
    path = folder / "conversations.json"
    sizes = _sizes(rng, messages, 2, 8)

    def conversations() -> Iterable[dict[str, Any]]:
        for n, size in enumerate(sizes):
            number = _customer(n, len(sizes))
            first, last = AGENTS[n % len(AGENTS)].split()
            customer = {
                "id": 80_000_000 + number,
                "type": "customer",
                "first": "Customer",
                "last": str(number),
                "email": f"customer{number}@example.com",
            }
            user = {"id": 7300 + n % len(AGENTS), "type": "user", "first": first, "last": last,
                    "email": "help@northwind.example"}  # fmt: skip
            kind = ("email", "chat", "email", "email")[n % 4]
            at = _started(n)
            threads = []
            for i in range(size):
                text = _paragraphs(rng)
                by_customer = i % 2 == 0
                if by_customer and i and kind == "email":
                    text = _quoted(text, at)
                thread_type = "customer" if by_customer else "reply"
                if kind == "chat":
                    thread_type = "chat"  # by createdBy.type
                if not by_customer and rng.random() < 0.1:
                    thread_type = "note"
                threads.append({
                    "id": 700_000_000 + 10 * n + i, "type": thread_type, "status": "active",
                    "state": "published", "body": _html(text),
                    "source": {"type": kind, "via": "customer" if by_customer else "user"},
                    "createdBy": customer if by_customer else user,
                    "attachments": [], "createdAt": _iso(at),
                })  # fmt: skip
                at = _later(rng, at)
            threads.append({
                "id": 700_000_000 + 10 * n + 9, "type": "lineitem", "status": "closed",
                "state": "published", "body": None,
                "action": {"type": "changed-ticket-status", "text": f"{first} marked as Closed"},
                "createdBy": user, "createdAt": _iso(at),
            })  # fmt: skip
            yield {
                "id": 2_390_000 + n,
                "number": 1000 + n,
                "threads": len(threads),
                "type": kind,
                "folderId": 4412,
                "status": "closed",
                "state": "published",
                "subject": _sentence(rng)[:60],
                "preview": _sentence(rng)[:80],
                "mailboxId": 30211,
                "assignee": user,
                "createdBy": customer,
                "createdAt": threads[0]["createdAt"],
                "closedAt": _iso(at),
                "source": {"type": kind, "via": "customer"},
                "tags": [{"id": 501, "color": "#929499", "tag": rng.choice(WORDS)}],
                "primaryCustomer": customer,
                "_embedded": {"threads": threads[::-1]},
            }

    _write_list(path, conversations())
    return Generated(path, len(sizes), messages)


def generate_deepgram(folder: Path, messages: int, seed: int = 7) -> Generated:
    """A folder of ``/v1/listen`` responses (``diarize=true&utterances=true``), one per
    call: the channel's transcript and words, and the utterances with their words."""
    rng = random.Random(seed)
    path = folder / "deepgram"
    path.mkdir()
    sizes = _sizes(rng, messages, 30, 70)
    for n, size in enumerate(sizes):
        turns = _turns(rng, size, AGENTS[n % len(AGENTS)], f"Customer {n}")
        utterances, words = [], []
        for index, (_, start, end, text) in enumerate(turns):
            spoken = text.split()
            step = (end - start) / len(spoken)
            said = [
                {"word": word.strip(".,?!").lower(), "start": round(start + k * step, 3),
                 "end": round(start + (k + 1) * step, 3), "confidence": 0.98,
                 "speaker": index % 2, "speaker_confidence": 0.9, "punctuated_word": word}
                for k, word in enumerate(spoken)
            ]  # fmt: skip
            words.extend(said)
            utterances.append({
                "start": start, "end": end, "confidence": 0.97, "channel": 0,
                "transcript": text, "words": said, "speaker": index % 2,
                "id": f"00000000-0000-4000-8000-{n:06d}{index:06d}",
            })  # fmt: skip
        response = {
            "metadata": {
                "transaction_key": "deprecated",
                "request_id": f"3f9c2a5e-0000-4000-8000-{n:012d}",
                "created": _iso(_started(n)),
                "duration": turns[-1][2],
                "channels": 1,
                "models": ["00000000-0000-4000-8000-000000000002"],
                "model_info": {"00000000-0000-4000-8000-000000000002": {
                    "name": "general-nova-3", "version": "2024-12-20", "arch": "nova-3"}},
            },
            "results": {
                "channels": [{"alternatives": [{
                    "transcript": " ".join(turn[3] for turn in turns),
                    "confidence": 0.97, "words": words}]}],
                "utterances": utterances,
            },
        }  # fmt: skip
        (path / f"dg-{n:05d}.json").write_text(json.dumps(response), encoding="utf-8")
    return Generated(path, len(sizes), messages)


def generate_aws_call_analytics(folder: Path, messages: int, seed: int = 7) -> Generated:
    """A folder of Transcribe Call Analytics results, one per call: ``Transcript`` turns
    with ``ParticipantRole``, sentiment and loudness, the caller's first turn marked as
    the issue, and the call's categories and characteristics."""
    rng = random.Random(seed)
    path = folder / "aws_call_analytics"
    path.mkdir()
    sizes = _sizes(rng, messages, 30, 70)
    sentiments = ("NEUTRAL", "NEUTRAL", "POSITIVE", "NEGATIVE", "MIXED")
    for n, size in enumerate(sizes):
        turns = _turns(rng, size, "AGENT", "CUSTOMER")
        transcript = []
        for index, (role, start, end, text) in enumerate(turns):
            turn: dict[str, Any] = {
                "LoudnessScores": [
                    round(rng.uniform(60, 80), 1) for _ in range(int(end - start) + 1)
                ],
                "Content": text,
                "Id": f"{n:08d}-0000-4000-8000-{index:012d}",
                "BeginOffsetMillis": int(start * 1000),
                "EndOffsetMillis": int(end * 1000),
                "Sentiment": rng.choice(sentiments),
                "ParticipantRole": role,
            }
            if index == 1:
                turn["IssuesDetected"] = [{"CharacterOffsets": {"Begin": 4, "End": 31}}]
            transcript.append(turn)
        talk = {role: sum(int((e - s) * 1000) for r, s, e, _ in turns if r == role)
                for role in ("AGENT", "CUSTOMER")}  # fmt: skip
        result = {
            "JobStatus": "COMPLETED",
            "LanguageCode": "en-US",
            "Transcript": transcript,
            "AccountId": "000000000000",
            "Categories": {"MatchedCategories": [rng.choice(WORDS)], "MatchedDetails": {}},
            "Channel": "VOICE",
            "JobName": f"northwind-ca-{n:05d}",
            "Participants": [{"ParticipantRole": "AGENT"}, {"ParticipantRole": "CUSTOMER"}],
            "ConversationCharacteristics": {
                "NonTalkTime": {"Instances": [], "TotalTimeMillis": 0},
                "Interruptions": {"TotalCount": 0, "TotalTimeMillis": 0,
                                  "InterruptionsByInterrupter": {}},
                "TotalConversationDurationMillis": int(turns[-1][2] * 1000),
                "Sentiment": {"OverallSentiment": {"AGENT": 2.5, "CUSTOMER": 0.8}},
                "TalkSpeed": {"DetailsByParticipant": {
                    "AGENT": {"AverageWordsPerMinute": 150},
                    "CUSTOMER": {"AverageWordsPerMinute": 140}}},
                "TalkTime": {"DetailsByParticipant": {
                    role: {"TotalTimeMillis": ms} for role, ms in talk.items()},
                    "TotalTimeMillis": sum(talk.values())},
            },
            "ContentMetadata": {"Output": "Raw"},
        }  # fmt: skip
        (path / f"ca-{n:05d}.json").write_text(json.dumps(result), encoding="utf-8")
    return Generated(path, len(sizes), messages)


def _vtt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    return f"{millis // 3_600_000:02d}:{millis // 60_000 % 60:02d}:{millis // 1000 % 60:02d}.{millis % 1000:03d}"


def generate_vtt(folder: Path, messages: int, seed: int = 7) -> Generated:
    """A folder of WebVTT captions, one per call: voice tags, each turn in one to three
    cues of a few seconds (consecutive cues of one voice are one message)."""
    rng = random.Random(seed)
    path = folder / "vtt"
    path.mkdir()
    sizes = _sizes(rng, messages, 30, 70)
    for n, size in enumerate(sizes):
        lines = ["WEBVTT - Northwind support line", "", "NOTE", "Recorded with consent.", ""]
        cue = 1
        for speaker, start, end, text in _turns(
            rng, size, AGENTS[n % len(AGENTS)], f"Customer {n}"
        ):
            words = text.split()
            pieces = min(len(words), rng.randint(1, 3))
            cut = [len(words) * k // pieces for k in range(pieces + 1)]
            step = (end - start) / pieces
            for k in range(pieces):
                lines += [
                    str(cue),
                    f"{_vtt_time(start + k * step)} --> {_vtt_time(start + (k + 1) * step)}",
                    f"<v {speaker}>{html.escape(' '.join(words[cut[k] : cut[k + 1]]))}</v>",
                    "",
                ]
                cue += 1
        (path / f"vtt-{n:05d}.vtt").write_text("\n".join(lines), encoding="utf-8")
    return Generated(path, len(sizes), messages)


FORMATS: dict[str, Callable[[Path, int], Generated]] = {
    "jsonl": generate_jsonl,
    "twcs": generate_twcs,
    "zendesk": generate_zendesk,
    "freshdesk": generate_freshdesk,
    "gorgias": generate_gorgias,
    "intercom": generate_intercom,
    "helpscout": generate_helpscout,
    "deepgram": generate_deepgram,
    "aws_call_analytics": generate_aws_call_analytics,
    "vtt": generate_vtt,
}


class Row(NamedTuple):
    """One format's figures: messages per second of the whole command (Python start-up
    included, as a user sees it) and of the import alone (the report's ``seconds``), for
    the import and the re-import; the higher peak RSS of the two."""

    format: str
    conversations: int
    messages: int
    input_mib: float
    rates: tuple[float, float]
    alone: tuple[float, float]
    peak_mib: float


def _size_mib(path: Path) -> tuple[float, int]:
    """Size in MiB and number of files of a file or folder."""
    files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    return sum(p.stat().st_size for p in files) / 2**20, len(files)


def _run_import(path: Path, db: Path) -> tuple[float, float, dict[str, Any]]:
    """Import with the real CLI in a child process; return seconds, its peak MiB, report.

    The peak is that child's own (``wait4``), not the largest of every child so far.
    """
    command = [sys.executable, "-m", "servicecoach", "import", str(path), "--db", str(db), "--json"]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if child.returncode != 0:
        sys.exit(f"import failed ({child.returncode}): {stderr[-2000:]}{stdout[:2000]}")
    return seconds, usage.ru_maxrss / 1024, json.loads(stdout)


def _check(name: str, generated: Generated, report: dict[str, Any]) -> None:
    """Stop unless the import read every message as ``name``, with no problem or warning."""
    formats = {entry["format"] for entry in report["files"]}
    wrong = [
        f"{len(report['problems'])} problems" if report["problems"] else "",
        f"{len(report['warnings'])} warnings" if report["warnings"] else "",
        f"{report['messages']} messages, not {generated.messages}"
        if report["messages"] != generated.messages
        else "",
        f"{report['conversations_read']} conversations, not {generated.conversations}"
        if report["conversations_read"] != generated.conversations
        else "",
        f"read as {sorted(formats)}" if formats != {name} else "",
    ]
    if any(wrong):
        first = (report["problems"] or report["warnings"] or [None])[0]
        sys.exit(f"{name}: {'; '.join(w for w in wrong if w)} (first: {first})")


def bench(name: str, messages: int) -> Row:
    """Generate ``name``'s input, import it twice into a new database, print the figures."""
    with tempfile.TemporaryDirectory(prefix="servicecoach-bench-") as folder:
        generated = FORMATS[name](Path(folder), messages)
        size_mib, files = _size_mib(generated.path)
        db = Path(folder) / "bench.db"
        print(f"input: {name}, {generated.conversations} conversations, "
              f"{generated.messages} messages, {size_mib:.1f} MiB"
              + (f" in {files} files" if files > 1 else ""))  # fmt: skip
        rates, alone, peaks = [], [], []
        for label in ("first import (inserts)", "re-import (updates)"):
            seconds, peak, report = _run_import(generated.path, db)
            _check(name, generated, report)
            rate = int(report["messages"]) / seconds
            rates.append(rate)
            alone.append(int(report["messages"]) / max(float(report["seconds"]), 1e-3))
            peaks.append(peak)
            print(f"{label:<24} {seconds:6.1f} s  {rate:9,.0f} messages/s  "
                  f"peak RSS {peak:6.0f} MiB  (new {report['conversations_new']}, "
                  f"updated {report['conversations_updated']}, customers "
                  f"+{report['customers_new']}; import itself {report['seconds']:.1f} s)")  # fmt: skip
        print(f"database: {db.stat().st_size / 2**20:.1f} MiB")
    return Row(name, generated.conversations, generated.messages, size_mib,
               (rates[0], rates[1]), (alone[0], alone[1]), max(peaks))  # fmt: skip


def main() -> None:
    """Generate, import twice, print the figures (and one table for ``--format all``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--format", choices=(*FORMATS, "all"), default="jsonl")
    args = parser.parse_args()
    print(f"servicecoach import benchmark — {datetime.now(UTC):%Y-%m-%d}, "
          f"{platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs")  # fmt: skip
    names = list(FORMATS) if args.format == "all" else [args.format]
    rows = [bench(name, args.messages) for name in names]
    if args.format == "all":
        print()
        print("| format | conversations | messages | input MiB | import msg/s (alone) "
              "| re-import msg/s (alone) | peak RSS MiB |")  # fmt: skip
        print("|---|---:|---:|---:|---:|---:|---:|")
        for row in rows:
            cells = [
                f"{rate:,.0f} ({alone:,.0f})"
                for rate, alone in zip(row.rates, row.alone, strict=True)
            ]
            print(f"| `{row.format}` | {row.conversations:,} | {row.messages:,} "
                  f"| {row.input_mib:.1f} | {cells[0]} | {cells[1]} | {row.peak_mib:.0f} |")  # fmt: skip


if __name__ == "__main__":
    main()
