"""Decision thresholds for the learned signals, tuned on labelled data by a script.

``analysis/thresholds.json`` is written by ``python scripts/tune_thresholds.py``, which
records for each threshold the data it was tuned on, the objective and the figures
reached. Nothing here is a guess: without the file the defaults below are the values the
script last wrote (a test checks they agree).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from functools import lru_cache
from importlib import resources

__all__ = ["Thresholds", "load_thresholds"]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Where a learned probability or similarity becomes a signal.

    Attributes:
        reflection: the counselling head's ``reflection`` probability an agent sentence
            needs to count as ``listening.paraphrase`` ...
        similarity: ... together with this cosine similarity to a sentence of the
            customer's recent messages.
        question: the ``question`` probability for a sentence without "?" (call
            transcripts) to count as ``listening.question``.
    """

    reflection: float = 0.35
    similarity: float = 0.1
    question: float = 0.4


@lru_cache(maxsize=1)
def load_thresholds() -> Thresholds:
    """The tuned thresholds shipped with servicecoach."""
    path = resources.files("servicecoach.analysis").joinpath("thresholds.json")
    if not path.is_file():
        return Thresholds()
    data = json.loads(path.read_text(encoding="utf-8"))
    names = {f.name for f in fields(Thresholds)}
    return Thresholds(**{k: float(v["value"]) for k, v in data["thresholds"].items() if k in names})
