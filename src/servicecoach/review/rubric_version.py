"""The rubric version a review is stored with: a short digest of the team rubric.

A score means something only under the rubric it was given with; when the team changes
its rubric, reviews made under the old one can be told apart (and a tune can leave them
out). The digest is stable across processes: it hashes the rubric's canonical JSON.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from servicecoach.rubric import BONUS_POINTS, Rubric, load_rubric

__all__ = ["DEFAULT_RUBRIC_VERSION", "rubric_version", "rubric_version_of_file"]


def rubric_version(rubric: Rubric) -> str:
    """``rubric-`` and the first 12 hex digits of the SHA-256 of the rubric's JSON.

    A key added to the rubric later is left out while it has no value, so that rubrics
    written before it keep their version (and their reviews stay theirs).
    """
    data = rubric.model_dump(mode="json")
    if not data["signals"]["thresholds"]:
        del data["signals"]["thresholds"]
    del data["signals"]["heads"]  # the file's name: its heads are in team_heads
    if not data["signals"]["team_heads"]:
        del data["signals"]["team_heads"]
    if not data["analyzers"]:
        del data["analyzers"]
    for criterion in data["criteria"].values():
        if criterion["effect"] == "none":
            del criterion["effect"]
        if criterion["points"] == BONUS_POINTS:
            del criterion["points"]
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return "rubric-" + hashlib.sha256(canonical.encode()).hexdigest()[:12]


DEFAULT_RUBRIC_VERSION = rubric_version(Rubric())
"""The version of the default rubric (no rubric file)."""


def rubric_version_of_file(path: Path | None) -> str:
    """The version of the rubric in ``path`` (the default rubric when ``None``).

    Raises:
        ConfigError: the rubric file is invalid.
    """
    return DEFAULT_RUBRIC_VERSION if path is None else rubric_version(load_rubric(path))
