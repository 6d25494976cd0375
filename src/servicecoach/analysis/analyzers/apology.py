"""Apology: when the customer reports a problem, apologise early, and never admit liability.

Scoring (only when the customer reported a problem, or liability wording appears):
the first reply after the problem apologises: 100; a later reply does: 70; no apology:
20, with ``apology.missing`` on the first reply's opening sentence and a suggestion. Each phrase admitting legal fault
(``apology.liability``) costs 30 and carries a liability-safe alternative. A rubric's
``[analyzers.apology]`` table may change these numbers
(:class:`~servicecoach.analysis.analyzers.apology_settings.ApologySettings`).
"""

from __future__ import annotations

from typing import ClassVar, cast

from servicecoach.analysis.analyzer import Analyzer, Context
from servicecoach.analysis.analyzers.apology_settings import ApologySettings
from servicecoach.analysis.analyzers.common import evidence, is_negated, matches
from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.finding import SkillFinding
from servicecoach.model.conversation import Conversation, Role
from servicecoach.nlp.sentences import sentences

__all__ = ["ApologyAnalyzer"]


class ApologyAnalyzer(Analyzer):
    """Apologises for the customer's experience, early, without admitting legal liability."""

    name: ClassVar[str] = "apology"
    version: ClassVar[int] = 1
    skill: ClassVar[str] = "apology"
    Config: ClassVar[type[ApologySettings]] = ApologySettings

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        settings = cast(ApologySettings, self.settings(context))
        lexicon = context.lexicon("apology")
        negators = lexicon.words("negation")
        problem_at: int | None = None
        found: list[Evidence] = []
        first_reply_after: int | None = None
        apology_replies: list[int] = []
        liability = 0
        for index, message in enumerate(conversation.messages):
            if (
                message.role is Role.CUSTOMER
                and problem_at is None
                and matches(lexicon, message, "problem")
            ):
                problem_at = index
                continue
            if not message.is_reply:
                continue
            if problem_at is not None and first_reply_after is None:
                first_reply_after = index
            for match in matches(lexicon, message, "apology"):
                if is_negated(message.text, match.start, negators):
                    continue
                found.append(evidence(message, match, "apology.apology", 1))
                apology_replies.append(index)
            for match in matches(lexicon, message, "liability"):
                found.append(
                    evidence(
                        message, match, "apology.liability", -1, lexicon.suggestion("liability")
                    )
                )
                liability += 1
        if problem_at is None and not liability:
            return SkillFinding.not_applicable(tuple(found))
        after = [i for i in apology_replies if problem_at is None or i > problem_at]
        if first_reply_after is not None and after and after[0] == first_reply_after:
            score = settings.tiers["first_reply"]
        elif after:
            score = settings.tiers["later_reply"]
        else:
            score = settings.tiers["missing"]
            if first_reply_after is not None:
                reply = conversation.messages[first_reply_after]
                opening = sentences(reply.text)[:1]
                start, end = (opening[0].start, opening[0].end) if opening else (0, 0)
                quote = reply.text[start:end]
                found.append(
                    Evidence(
                        reply.id,
                        start,
                        end,
                        "apology.missing",
                        -1,
                        quote,
                        lexicon.text("suggestions", "missing"),
                    )
                )
        return SkillFinding(max(0, score + settings.points["liability"] * liability), tuple(found))
