"""A deterministic stand-in for the sentence encoder: words of one topic share a direction.

Each text's vector is the sum of one axis per topic word it contains plus a small
hashed direction per other word, L2-normalised, so texts about the same topic are close
whatever their other words.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["TOPICS", "fake_encode"]

TOPICS: tuple[frozenset[str], ...] = (
    frozenset({"parcel", "order", "package", "arrived", "delivery", "delivered", "tracking"}),
    frozenset({"refund", "money", "broken", "return", "jacket"}),
    frozenset({"password", "login", "account", "locked", "reset"}),
)
_WIDTH = 48


def fake_encode(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """``(len(texts), 48)`` unit vectors (see the module)."""
    out = np.zeros((len(texts), _WIDTH), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in "".join(c if c.isalnum() else " " for c in text.lower()).split():
            hits = [i for i, topic in enumerate(TOPICS) if word in topic]
            for i in hits:
                out[row, i] += 1.0
            if not hits:
                digest = int(hashlib.sha256(word.encode()).hexdigest(), 16)
                out[row, len(TOPICS) + digest % (_WIDTH - len(TOPICS))] += 0.25
        norm = float(np.linalg.norm(out[row]))
        out[row] = out[row] / norm if norm else out[row]
    return out
