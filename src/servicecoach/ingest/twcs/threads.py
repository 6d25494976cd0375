"""Tweets linked into threads, and each thread made a conversation.

The first pass over the files links every tweet into :class:`Threads` keeping only
integers per tweet; the second pass asks it where each row belongs, so that a thread is
built as soon as its last row has been read.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

from servicecoach.ingest.twcs.rows import Tweet
from servicecoach.model.conversation import Channel, Conversation, Customer, Message, Role
from servicecoach.model.text import normalize_text, unescape_entities

__all__ = ["Changed", "Threads", "build_conversations"]


class Threads:
    """Union-find over tweet ids, kept in arrays of integers (the first pass)."""

    def __init__(self) -> None:
        self._nodes: dict[int, int] = {}
        self._parent = array("q")
        self._last_seq = array("q")
        self._complete_at = array("q")

    def _node(self, tweet_id: int) -> int:
        node = self._nodes.get(tweet_id)
        if node is None:
            node = len(self._parent)
            self._nodes[tweet_id] = node
            self._parent.append(node)
            self._last_seq.append(-1)
        return node

    def find(self, node: int) -> int:
        """The representative of the thread ``node`` is in."""
        parent = self._parent
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def add(self, seq: int, tweet: Tweet) -> None:
        """Record the ``seq``-th valid row and link it to the tweets it names."""
        node = self._node(tweet.id)
        self._last_seq[node] = seq
        linked = (tweet.parent, *tweet.replies) if tweet.parent is not None else tweet.replies
        for other in linked:
            a, b = self.find(node), self.find(self._node(other))
            if a != b:
                self._parent[max(a, b)] = min(a, b)

    def finish(self) -> None:
        """Compute, per thread, the last row that belongs to it."""
        self._complete_at = array("q", [-1]) * len(self._parent)
        for node, seq in enumerate(self._last_seq):
            if seq >= 0:
                root = self.find(node)
                self._complete_at[root] = max(self._complete_at[root], seq)

    def place(self, seq: int, tweet_id: int) -> tuple[int, bool] | None:
        """The thread of row ``seq`` and whether it is the thread's last row.

        ``None`` when a later row has the same tweet id (that row wins).
        """
        node = self._nodes.get(tweet_id)
        if node is None or self._last_seq[node] < seq:
            raise Changed
        if self._last_seq[node] != seq:
            return None
        root = self.find(node)
        return root, self._complete_at[root] == seq


class Changed(Exception):
    """The files changed between the two passes."""


def build_conversations(tweets: Sequence[Tweet], source: str) -> list[Conversation]:
    """One conversation per customer of one thread's tweets (any order).

    Each customer's tweets go to their own conversation, with the brand tweets that
    answer them (see :func:`_owners`); the conversation holding the thread's root is
    ``twcs-<root id>``, the others ``twcs-<their first tweet id>``. A thread without
    any customer tweet is one conversation without a customer.

    Args:
        tweets: every tweet of one thread.
        source: the importer's name.
    """
    ordered = sorted(tweets, key=lambda t: (t.at, t.id))
    present = {t.id for t in ordered}
    root = next((t for t in ordered if t.parent not in present), ordered[0])
    owners = _owners(ordered, root)
    parts: dict[str | None, list[Tweet]] = {owners[root.id]: []}
    for tweet in ordered:
        parts.setdefault(owners[tweet.id], []).append(tweet)
    thread_id = f"twcs-{root.id}"
    thread_brands = list(dict.fromkeys(t.author for t in ordered if not t.inbound))
    thread_meta: dict[str, object] = {}
    if len(parts) > 1:
        thread_meta = {"thread_id": thread_id, "thread_customers": list(parts)}
    return [
        _conversation(
            thread_id if owner == owners[root.id] else f"twcs-{part[0].id}",
            owner,
            part,
            thread_brands,
            thread_meta,
            source,
        )
        for owner, part in parts.items()
    ]


def _owners(ordered: Sequence[Tweet], root: Tweet) -> dict[int, str | None]:
    """The customer each tweet of a thread belongs to.

    A customer tweet belongs to its author. A brand tweet belongs to the customer of
    the nearest customer tweet it answers (up the reply chain); a brand tweet that
    answers no customer (it started the thread) belongs to the first customer who
    replied under it (directly or further down), else to the thread's first customer; ``None`` when the thread
    has no customer at all.
    """
    by_id = {t.id: t for t in ordered}
    first_customer = next((t.author for t in ordered if t.inbound), None)
    children: dict[int, list[Tweet]] = {}
    for tweet in ordered:
        if tweet.parent in by_id:
            children.setdefault(tweet.parent, []).append(tweet)
    answered: dict[int, str | None] = {}  # brand tweet -> customer of the nearest ancestor
    owners: dict[int, str | None] = {}
    for tweet in ordered:
        if tweet.inbound:
            owners[tweet.id] = tweet.author
            continue
        chain: dict[int, None] = {}  # ordered, with set look-ups
        node = tweet
        while True:
            if node.id in answered:
                owner = answered[node.id]
                break
            chain[node.id] = None
            parent = by_id.get(node.parent) if node.parent is not None else None
            if parent is None or parent.id in chain:
                owner = None
                break
            if parent.inbound:
                owner = parent.author
                break
            node = parent
        for tweet_id in chain:
            answered[tweet_id] = owner
        owners[tweet.id] = owner or _first_customer_below(tweet, children) or first_customer
    return owners


def _first_customer_below(tweet: Tweet, children: dict[int, list[Tweet]]) -> str | None:
    """The author of the earliest customer tweet in the replies under ``tweet``."""
    found: Tweet | None = None
    stack = list(children.get(tweet.id, ()))
    seen: set[int] = set()
    while stack:
        child = stack.pop()
        if child.id in seen:
            continue
        seen.add(child.id)
        if child.inbound:
            if found is None or (child.at, child.id) < (found.at, found.id):
                found = child
            continue
        stack.extend(children.get(child.id, ()))
    return found.author if found is not None else None


def _conversation(
    conversation_id: str,
    owner: str | None,
    tweets: Sequence[Tweet],
    thread_brands: Sequence[str],
    thread_meta: dict[str, object],
    source: str,
) -> Conversation:
    brands = list(dict.fromkeys(t.author for t in tweets if not t.inbound)) or list(
        thread_brands[:1]
    )
    meta: dict[str, object] = {"brand": brands[0]} if brands else {}
    if len(brands) > 1:
        meta["brands"] = brands
    meta.update(thread_meta)
    messages = tuple(
        Message(
            id=str(t.id),
            role=Role.CUSTOMER if t.inbound else Role.AGENT,
            text=normalize_text(unescape_entities(t.text)),
            author=t.author,
            at=t.at,
            meta={"in_reply_to": str(t.parent)} if t.parent is not None else {},
        )
        for t in tweets
    )
    return Conversation(
        id=conversation_id,
        channel=Channel.SOCIAL,
        messages=messages,
        customer=Customer(id=owner, handles={"twitter": owner}) if owner else Customer(),
        public=True,
        source=source,
        meta=meta,
    )
