"""Going the extra mile: proactive help beyond the literal ask, weighted to loyal customers.

Applies when a customer message reports a problem or asks for something (problem words
such as "broken", "refund", "can you", "how do I", a question mark, or any message of four
or more words that is not thanks or a goodbye) and at least one agent or bot reply comes
after it; not applicable when the conversation has no such reply.

Signal, in the agent's and bot's replies after the customer's request (text quoted from
the customer, in ``>`` lines or in quotation marks copied from a customer message, is not
the agent's and is skipped):

- ``extra_mile.proactive`` (+1): help beyond the literal ask ("I've also", "while I was at
  it", "as a courtesy", "I've upgraded", "free of charge", "no cost", "expedited", "I've
  added a note so", "I've also checked"); not when a negation comes up to four words
  before it in the same clause ("we can't expedite", "unable to offer a complimentary
  upgrade").

The rubric counts extra help only when it actually helps with the customer's issue. That
is approximated by reading only the replies after the customer's problem or request: a
courtesy there is taken to be about it; a pitch for something unrelated is not in the
phrase list.

Scoring: 80 with one proactive sentence, 95 with two or more; when the customer is
long-standing (``Context.history`` holds 3 or more earlier conversations), +5 (at most
100). Without proactive help the skill is not applicable: most requests need no extra
mile, and the text cannot tell a missed chance from none, so a constant score would
tell a lead nothing. Leads read the share of conversations with extra help instead. A
rubric's ``[analyzers.extra_mile]`` table may change these numbers
(:class:`~servicecoach.analysis.analyzers.extra_mile_settings.ExtraMileSettings`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import ClassVar, cast

from servicecoach.analysis.analyzer import Analyzer, Context
from servicecoach.analysis.analyzers.common import is_negated
from servicecoach.analysis.analyzers.extra_mile_settings import ExtraMileSettings
from servicecoach.analysis.analyzers.quoting import normalise as _normalise
from servicecoach.analysis.analyzers.quoting import own_words as _own_words
from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.lexicon import Lexicon
from servicecoach.model.conversation import Conversation, Role
from servicecoach.nlp.masking import QUOTE_LINE as _QUOTE_LINE
from servicecoach.nlp.masking import mask
from servicecoach.nlp.phrases import fold
from servicecoach.nlp.sentences import sentences
from servicecoach.nlp.words import word_count

__all__ = ["ExtraMileAnalyzer"]

_NEGATION_WINDOW = 4
"""Words before a proactive phrase read for a negation ("unable to offer a complimentary")."""
_REQUEST_WORDS = 4
"""A customer message this long, without thanks or goodbyes, is taken as a request."""

_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


class ExtraMileAnalyzer(Analyzer):
    """Proactive help beyond the literal ask, weighted toward long-standing customers."""

    name: ClassVar[str] = "extra_mile"
    version: ClassVar[int] = 2
    skill: ClassVar[str] = "extra_mile"
    Config: ClassVar[type[ExtraMileSettings]] = ExtraMileSettings

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        settings = cast(ExtraMileSettings, self.settings(context))
        lexicon = context.lexicon("extra_mile")
        negators = lexicon.words("negation")
        customer_texts = [
            _normalise(m.text) for m in conversation.messages if m.role is Role.CUSTOMER
        ]
        found: list[Evidence] = []
        acts: set[tuple[str, int]] = set()  # (message, sentence start) with proactive help
        requested = answered = False
        for message in conversation.messages:
            if message.role is Role.CUSTOMER:
                requested = requested or _is_request(lexicon, message.text)
                continue
            if not (message.is_reply and requested):
                continue
            answered = True
            own = _own_words(message.text, customer_texts)
            folded = fold(own)
            starts = [s.start for s in sentences(own)]
            for match in lexicon.matcher.find(own):
                if match.label != "proactive" or is_negated(
                    folded, match.start, negators, window=_NEGATION_WINDOW
                ):
                    continue
                found.append(
                    Evidence(
                        message.id,
                        match.start,
                        match.end,
                        "extra_mile.proactive",
                        1,
                        message.text[match.start : match.end],
                    )
                )
                acts.add((message.id, starts[bisect_right(starts, match.start) - 1]))
        if not answered:
            return SkillFinding.not_applicable(tuple(found))
        if not acts:
            return SkillFinding.not_applicable(tuple(found))
        score = settings.tiers["one" if len(acts) == 1 else "several"]
        if len(context.history or ()) >= settings.long_standing:
            score = min(100, score + settings.long_standing_bonus)
        return SkillFinding(score, tuple(found))


def _is_request(lexicon: Lexicon, text: str) -> bool:
    """True when a customer message reports a problem or asks for something."""
    own = mask(_QUOTE_LINE, text) if ">" in text else text  # a quoted line needs a >
    if "?" in own and "?" in mask(_LINK, own):
        return True
    negators = lexicon.words("negation")
    found = lexicon.matcher.find(own)
    if any(m.label == "request" and not is_negated(own, m.start, negators) for m in found):
        return True
    courtesy = any(m.label == "courtesy" for m in found)
    return not courtesy and word_count(own, letters=True) >= _REQUEST_WORDS
