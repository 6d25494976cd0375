"""Continuity (knowing the customer): use their history; never make them retell their story.

Uses ``Context.history`` (the customer's earlier conversations, oldest first, or ``None``
when unknown) when present; requires nothing. Applies when the history is non-empty, or
when a signal below fires; otherwise not applicable.

Signals:

- ``continuity.reference`` (+1), in the agent's and bot's replies: the agent uses the
  customer's history ("I see you wrote to us last week", "I can see your call with",
  "from your previous message", "last time you contacted us"). Text quoted from the
  customer (``>`` lines, or quotation marks around a customer's words) is skipped.
- ``continuity.retell`` (-1), on the customer's message: the customer has to tell their
  story again after switching channel or calling back ("I already explained this on the
  phone", "as I told your colleague", "I've already reported this", "I wrote to you
  before"); one per message, not when negated, ``>`` lines skipped. Repeating oneself
  inside one conversation ("as I said") is active listening's ``listening`` signals.

Scoring: 60; +30 when the agent refers to the history; -30 per customer message that
retells; clamped to 0-100. A rubric's ``[analyzers.continuity]`` table may change these
numbers (:class:`~servicecoach.analysis.analyzers.continuity_settings.ContinuitySettings`).

The organisation-level repeat-story rate (how often customers must retell their story
after switching channel or calling back, per team and period) is an aggregate over many
customer timelines, not a per-conversation score: it is left to a later report, which can
count the ``continuity.retell`` evidence this analyser records.
"""

from __future__ import annotations

from typing import ClassVar, cast

from servicecoach.analysis.analyzer import Analyzer, Context
from servicecoach.analysis.analyzers.common import evidence, is_negated
from servicecoach.analysis.analyzers.continuity_settings import ContinuitySettings
from servicecoach.analysis.analyzers.quoting import normalise as _normalise
from servicecoach.analysis.analyzers.quoting import own_words as _own_words
from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.signals import RETELL
from servicecoach.model.conversation import Conversation, Role
from servicecoach.nlp.masking import QUOTE_LINE as _QUOTE_LINE
from servicecoach.nlp.phrases import fold

__all__ = ["ContinuityAnalyzer"]


class ContinuityAnalyzer(Analyzer):
    """Uses the customer's history across channels, so they never retell their story."""

    name: ClassVar[str] = "continuity"
    version: ClassVar[int] = 1
    skill: ClassVar[str] = "continuity"
    Config: ClassVar[type[ContinuitySettings]] = ContinuitySettings

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        settings = cast(ContinuitySettings, self.settings(context))
        lexicon = context.lexicon("continuity")
        negators = lexicon.words("negation")
        customer_texts = [
            _normalise(m.text) for m in conversation.messages if m.role is Role.CUSTOMER
        ]
        found: list[Evidence] = []
        reference = False
        retells = 0
        for message in conversation.messages:
            if message.role is Role.CUSTOMER:
                own = _mask_lines(message.text)
                label = "retell"
            elif message.is_reply:
                own = _own_words(message.text, customer_texts)
                label = "reference"
            else:
                continue
            labelled = [m for m in lexicon.matcher.find(own) if m.label == label]
            if not labelled:
                continue  # most messages: nothing to fold for the negation check
            folded = fold(own)
            matches = [m for m in labelled if not is_negated(folded, m.start, negators, window=1)]
            if not matches:
                continue
            if label == "retell":
                found.append(
                    evidence(message, matches[0], RETELL, -1, lexicon.text("suggestions", "retell"))
                )
                retells += 1
            else:
                found.extend(evidence(message, m, "continuity.reference", 1) for m in matches)
                reference = True
        if not (context.history or found):
            return SkillFinding.not_applicable()
        points = settings.points
        score = settings.start + points["reference"] * reference + points["retell"] * retells
        return SkillFinding(max(0, min(100, score)), tuple(found))


def _mask_lines(text: str) -> str:
    """``text`` with lines quoted with ``>`` blanked out, offsets kept."""
    if ">" not in text:
        return text  # what a quoted line needs
    return _QUOTE_LINE.sub(lambda m: " " * len(m.group()), text)
