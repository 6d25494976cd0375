"""Persuasion: when steering the customer to another option, give reasons, not pressure.

Applies only when, after the customer has written, an agent or bot reply steers them away
from what they asked; otherwise not applicable. A reply steers with a redirect ("a better
option", "instead of", "rather than", "suits you better"), or with a recommendation ("I'd
recommend", "I'd suggest") when it also turns the request down ("unfortunately", "can't",
"I wouldn't recommend") or the customer's last message asked for something specific ("I
want", "can I get", "I'll take", "should I upgrade"). A recommendation in answer to a
problem ("I'd recommend restarting it") is advice, not persuasion.

Signals, in the agent's and bot's replies (text quoted from the customer, in ``>`` lines
or in quotation marks copied from a customer message, is not the agent's and is skipped):

- ``persuasion.steer`` (0): the redirect or recommendation that makes the skill apply.
- ``persuasion.reason`` (+1): in a reply that steers, a reason or benefit ("because",
  "so that", "which means", "you'll get", "that way", "cheaper"); in any other reply, a
  reason or an appeal to what the customer gains ("because", "your donation will help",
  "it'll save you time", "so you can") - reported as evidence, scored only once a reply
  steers.
- ``persuasion.pressure`` (-1): pressure instead of reasons. Urgency and ultimatums
  ("only today", "act now", "final offer", "no other choice") count in every reply from
  the first one that steers; insisting ("you have to", "you must") only in a reply that
  steers, since the same words also give plain instructions; never "you must be
  frustrated" or "all you have to do is", and not when negated.

Scoring: 60; +25 when a steering reply gives a reason; -30 per pressure phrase; clamped to
0-100. A rubric's ``[analyzers.persuasion]`` table may change these numbers
(:class:`~servicecoach.analysis.analyzers.persuasion_settings.PersuasionSettings`).
"""

from __future__ import annotations

import re
from typing import ClassVar, cast

from servicecoach.analysis.analyzer import Analyzer, Context
from servicecoach.analysis.analyzers.common import (
    NO_ACTS,
    Acts,
    evidence,
    is_negated,
    learned_acts,
)
from servicecoach.analysis.analyzers.persuasion_settings import PersuasionSettings
from servicecoach.analysis.analyzers.quoting import normalise as _normalise
from servicecoach.analysis.analyzers.quoting import own_words as _own_words
from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.lexicon import Lexicon
from servicecoach.model.conversation import Conversation, Message, Role
from servicecoach.nlp.formulaic import is_formulaic
from servicecoach.nlp.masking import QUOTE_LINE as _QUOTE_LINE
from servicecoach.nlp.masking import mask
from servicecoach.nlp.phrases import PhraseMatch, fold
from servicecoach.nlp.sentences import sentences
from servicecoach.nlp.spans import SpanIndex, starting_in

__all__ = ["PersuasionAnalyzer"]

_ASKS_OR_LINKS = re.compile(r"\?|https?://|www\.", re.IGNORECASE)
"""A question or a link is no reason given, whatever the acts head reads in it."""
_ANYWHERE = frozenset(
    {
        "because", "so that", "which means", "this means", "that means", "that way", "this way",
        "the benefit", "the advantage", "you'll get", "you will get", "you'll save", "saves you",
        "save you",
    }
)  # fmt: skip
"""Reason phrases that give a reason in any reply; the rest ("so you") only while steering."""


class PersuasionAnalyzer(Analyzer):
    """Steers the customer to a better option with reasons and benefits, never pressure."""

    name: ClassVar[str] = "persuasion"
    version: ClassVar[int] = 2
    skill: ClassVar[str] = "persuasion"
    Config: ClassVar[type[PersuasionSettings]] = PersuasionSettings

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        settings = cast(PersuasionSettings, self.settings(context))
        lexicon = context.lexicon("persuasion")
        customer_texts = [
            _normalise(m.text) for m in conversation.messages if m.role is Role.CUSTOMER
        ]
        found: list[Evidence] = []
        customer_spoke = wants = steered = reasons = False
        pressure = 0
        for index, message in enumerate(conversation.messages):
            if message.role is Role.CUSTOMER:
                customer_spoke = True
                text = message.text
                own = mask(_QUOTE_LINE, text) if ">" in text else text  # needs a >
                wants = any(m.label == "want" for m in lexicon.matcher.find(own))
                continue
            if not (message.is_reply and customer_spoke):
                continue
            matches = _matches(lexicon, message, customer_texts)
            labels = {m.label for m in matches}
            steer = [
                m
                for m in matches
                if m.label == "redirect"
                or (m.label == "recommend" and (wants or "refusal" in labels))
            ]
            steers = bool(steer)
            steered = steered or steers
            if not steered:
                # Not steering: an appeal to what the customer gains is still a reason
                # offered (evidence), though the skill applies only once a reply steers.
                found.extend(_reasons(message, matches, learned_acts(context, index)))
                continue
            steering = set(steer)
            reason_spans = SpanIndex((m.start, m.end) for m in matches if m.label == "reason")
            for match in matches:
                if match in steering:
                    found.append(evidence(message, match, "persuasion.steer", 0))
                elif match.label == "appeal" and reason_spans.overlaps(match.start, match.end):
                    continue  # "that way you": one reason, not two
                elif match.label in ("reason", "appeal") and steers:
                    found.append(evidence(message, match, "persuasion.reason", 1))
                    reasons = True
                elif match.label == "pressure" or (match.label == "insistence" and steers):
                    found.append(
                        evidence(
                            message,
                            match,
                            "persuasion.pressure",
                            -1,
                            lexicon.text("suggestions", "pressure"),
                        )
                    )
                    pressure += 1
        if not steered:
            return SkillFinding.not_applicable(tuple(found))
        reasons = reasons and context.scores("persuasion.reason")
        pressure *= context.scores("persuasion.pressure")
        points = settings.points
        score = settings.start + points["reason"] * reasons + points["pressure"] * pressure
        return SkillFinding(max(0, min(100, score)), tuple(found))


def _reasons(message: Message, matches: list[PhraseMatch], acts: Acts) -> list[Evidence]:
    """Reasons and appeals in a reply that does not steer, one per overlapping pair.

    A sentence the learned acts head reads as giving a reason counts too (on the whole
    sentence) when no phrase in it did.
    """
    picked: list[PhraseMatch] = []
    for match in sorted(matches, key=lambda m: (m.start, -m.end)):
        if not (match.label == "appeal" or fold(match.phrase) in _ANYWHERE):
            continue  # "so you", "you get": reasons only while steering
        if picked and match.start < picked[-1].end:
            continue  # "that way you": one reason, not two
        picked.append(match)
    found = [evidence(message, m, "persuasion.reason", 1) for m in picked]
    if acts is NO_ACTS:
        return found  # fast mode: no sentence is judged by the head
    for sentence in sentences(message.text):
        if starting_in(picked, sentence.start, sentence.end):
            continue
        plain = not (is_formulaic(sentence.text) or _ASKS_OR_LINKS.search(sentence.text))
        if plain and acts(sentence.start, sentence.end, "reason"):
            found.append(
                Evidence(
                    message.id,
                    sentence.start,
                    sentence.end,
                    "persuasion.reason",
                    1,
                    sentence.text,
                )
            )
    return found


def _matches(lexicon: Lexicon, message: Message, customer_texts: list[str]) -> list[PhraseMatch]:
    """The reply's phrases in its own words, without exceptions and negated phrases."""
    own = _own_words(message.text, customer_texts)
    found = lexicon.matcher.find(own)
    if not found:
        return found  # most replies: nothing to fold for the negation check
    folded = fold(own)
    negators = lexicon.words("negation")
    exceptions = SpanIndex((m.start, m.end) for m in found if m.label == "exception")
    return [
        m
        for m in found
        if m.label != "exception"
        and not exceptions.covers(m.start, m.end)
        and not (m.label != "reason" and is_negated(folded, m.start, negators, window=1))
    ]
