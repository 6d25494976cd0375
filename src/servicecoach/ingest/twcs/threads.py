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

__all__ = ["Changed", "Threads", "build_conversation"]


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


def build_conversation(tweets: Sequence[Tweet], source: str) -> Conversation:
    """The conversation of one thread's tweets (any order), read by importer ``source``."""
    ordered = sorted(tweets, key=lambda t: (t.at, t.id))
    present = {t.id for t in ordered}
    root = next((t for t in ordered if t.parent not in present), ordered[0])
    first_customer = root if root.inbound else next((t for t in ordered if t.inbound), None)
    brands = list(dict.fromkeys(t.author for t in ordered if not t.inbound))
    customer = (
        Customer(id=first_customer.author, handles={"twitter": first_customer.author})
        if first_customer
        else Customer()
    )
    meta: dict[str, object] = {"brand": brands[0]} if brands else {}
    if len(brands) > 1:
        meta["brands"] = brands
    messages = tuple(
        Message(
            id=str(t.id),
            role=Role.CUSTOMER if t.inbound else Role.AGENT,
            text=normalize_text(unescape_entities(t.text)),
            author=t.author,
            at=t.at,
            meta={"in_reply_to": str(t.parent)} if t.parent is not None else {},
        )
        for t in ordered
    )
    return Conversation(
        id=f"twcs-{root.id}",
        channel=Channel.SOCIAL,
        messages=messages,
        customer=customer,
        public=True,
        source=source,
        meta=meta,
    )
