"""A servicecoach plugin: a 13th skill, ownership — the agent takes the customer's problem
on as their own, and does not pass it along."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files

from servicecoach.analysis import Analyzer, Context, Evidence, Skill, SkillFinding
from servicecoach.model.conversation import Conversation
from servicecoach.plugins import hookimpl

__all__ = ["OwnershipAnalyzer", "register_analyzers"]


@dataclass(frozen=True)
class _Cue:
    signal: str
    polarity: int
    suggestion: str | None
    pattern: re.Pattern[str]


def _cues() -> tuple[_Cue, ...]:
    table = tomllib.loads(files(__name__).joinpath("phrases.toml").read_text("utf-8"))
    cues = []
    for section in table.values():
        words = sorted(section["phrases"], key=len, reverse=True)
        alternation = "|".join(re.escape(w).replace("'", "['’]") for w in words)
        cues.append(
            _Cue(
                section["signal"],
                section["polarity"],
                section["suggestion"] or None,
                re.compile(rf"\b(?:{alternation})\b", re.IGNORECASE),
            )
        )
    return tuple(cues)


class OwnershipAnalyzer(Analyzer):
    """Scores whether the agent owns the next step: +20 per commitment from a base of 60,
    -30 per deflection; not applicable without an agent reply to a customer."""

    name = "ownership"
    skill = "ownership"
    new_skill = Skill(name="ownership", label="Ownership", head="own", family="ownership")

    def __init__(self) -> None:
        self.cues = _cues()

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        if not any(m.role == "customer" for m in conversation.messages):
            return SkillFinding.not_applicable()
        replies = [m for m in conversation.messages if m.is_reply]
        if not replies:
            return SkillFinding.not_applicable()
        found = [
            Evidence(m.id, hit.start(), hit.end(), cue.signal, cue.polarity, hit.group(),
                     cue.suggestion)
            for m in replies
            for cue in self.cues
            for hit in cue.pattern.finditer(m.text)
        ]  # fmt: skip
        earned = sum(20 for e in found if e.polarity > 0)
        lost = sum(30 for e in found if e.polarity < 0)
        return SkillFinding(max(0, min(100, 60 + earned - lost)), tuple(found))


@hookimpl
def register_analyzers(register: Callable[[Analyzer], None]) -> None:
    """Register the ownership analyser."""
    register(OwnershipAnalyzer())
