"""Check a draft reply before it is sent: the live analysers run on the conversation plus the draft.

The draft is appended to the conversation as the agent's next message and the same
analysers as batch scoring (those declared ``live``) run over it through the same
:class:`~servicecoach.analysis.pipeline.Pipeline`. Their evidence in the draft - and on
the customer's messages where it concerns the draft, such as a question the draft leaves
unanswered - becomes suggestions (``assist/kinds.toml``) with rewrites fitted to the
customer's words (``assist/rewrites.toml``). No rule is implemented a second time here.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

from servicecoach.analysis.analyzer import Analyzer
from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.pipeline import Pipeline
from servicecoach.analysis.result import ConversationResult
from servicecoach.analysis.skills import FAMILY_SKILL
from servicecoach.assist.draft import DraftText
from servicecoach.assist.facts import Facts, gather_facts
from servicecoach.assist.judge import shared_live_judge
from servicecoach.assist.kinds import Rules, SuggestRule
from servicecoach.assist.limits import DraftLimits, replace_surrogates
from servicecoach.assist.rewrites import (
    Target,
    asked_data,
    choose_rewrite,
    fill,
    private_channel,
)
from servicecoach.assist.suggestion import SEVERITIES, DraftCheck, Praise, Suggestion
from servicecoach.assist.team import team_rules, team_templates
from servicecoach.assist.templates import Templates
from servicecoach.errors import InputError
from servicecoach.model.conversation import Channel, Conversation, Message, Role
from servicecoach.nlp.sentences import Sentence, sentences
from servicecoach.nlp.spans import SpanIndex
from servicecoach.nlp.words import word_count
from servicecoach.rubric import Rubric

if TYPE_CHECKING:
    from servicecoach.analysis.learned import Judge

__all__ = ["DraftChecker", "check_draft"]

_GRADE = re.compile(r"grade (\d+)")
_QUOTED = re.compile(r"\"([^\"]+)\"")
_MAX_QUOTE = 60
_MAX_QUESTION = 140
_WARM_UP = Conversation(
    id="warm-up",
    channel=Channel.CHAT,
    messages=(Message("c1", Role.CUSTOMER, "Hi, my order #1234 arrived broken. Can you help?"),),
)


@dataclass(frozen=True, slots=True)
class _Found:
    """A suggestion before its rewrite: the rule, the evidence, the span in the draft text."""

    rule: SuggestRule
    evidence: Evidence
    start: int
    end: int


class DraftChecker:
    """Checks drafts against one rubric; build it once and reuse it (e.g. per process).

    Building it validates the live analysers and loads the lexicons, templates (and any
    models the analysers use) by checking a small built-in draft, so the first real check
    is as fast as the rest.

    Args:
        rubric: the team's rubric (``None``: the defaults).
        analyzers: the analysers to choose from (default: every registered one); only
            those declared ``live`` run.
        fast: run the rules alone, without the learned models.
        judge: the learned models to use (default: the process-wide
            :func:`~servicecoach.assist.judge.shared_live_judge`, the bundled models with
            a cache of sentence embeddings, since the conversation's sentences do not
            change while the draft does).
        limits: how large a draft and the conversation before it may be (default:
            :class:`~servicecoach.assist.limits.DraftLimits`).

    Raises:
        ConfigError: the analysers or the rubric's configuration are inconsistent.
    """

    def __init__(
        self,
        rubric: Rubric | None = None,
        analyzers: Sequence[Analyzer] | None = None,
        *,
        fast: bool = False,
        judge: Judge | None = None,
        limits: DraftLimits | None = None,
    ) -> None:
        from servicecoach.analysis.registry import analyzers as registered

        self.rubric = rubric or Rubric()
        self.limits = limits or DraftLimits()
        chosen = list(analyzers) if analyzers is not None else list(registered().values())
        live = [a for a in chosen if a.live]
        names = {a.name for a in live}
        config = {k: v for k, v in self.rubric.analyzer_config().items() if k in names}
        if not fast and judge is None:
            judge = shared_live_judge()
        self.pipeline = Pipeline(
            live, config, self.rubric.weights, None if fast else judge,
            act_thresholds=self.rubric.act_thresholds(),  # the team's thresholds and heads
            lexicons=self.rubric.team_lexicons(),  # and its lexicons, as in batch analysis
        )  # fmt: skip
        self.rules: Rules = team_rules(self.rubric)  # the shipped tables, or the team's
        self.templates: Templates = team_templates(self.rubric)  # [assist] overrides merged
        self.check(_WARM_UP, "I'm so sorry about that - I've sent a replacement today.")

    @property
    def versions(self) -> dict[str, str]:
        """Skill to ``name.vN`` of each live analyser that runs."""
        return self.pipeline.versions

    def check(
        self, conversation: Conversation, draft: str, *, limits: DraftLimits | None = None
    ) -> DraftCheck:
        """Suggestions for ``draft`` as the agent's next message in ``conversation``.

        Lone surrogates in the draft (``"\\ud800"``) are read as U+FFFD. The work is
        linear in the sizes of the draft and the conversation, which ``limits`` (default:
        the checker's) cap.

        Raises:
            DraftTooLarge: the draft or the conversation is over the caps.
            InputError: the draft is empty.
        """
        (limits or self.limits).check(conversation, draft)
        draft = replace_surrogates(draft)
        text = DraftText.of(draft)
        if not text.text:
            raise InputError("the draft is empty: write the reply you want checked")
        message = _draft_message(conversation, text.text)
        extended = replace(conversation, messages=(*conversation.messages, message))
        result = self.pipeline.analyze(extended)
        if result.not_scored is not None:
            return DraftCheck(draft, language=result.language, not_scored=result.not_scored)
        facts = gather_facts(
            extended, message.id, result.emotions, self.templates, self.pipeline.lexicons
        )
        found = self._found(extended, message, result)
        suggestions = self._suggestions(found, text, facts, word_count(text.text))
        criticised = [(f.start, f.end) for f in found if f.rule.where in ("evidence", "sentence")]
        return DraftCheck(
            draft,
            suggestions=suggestions,
            good=self._good(result, message, text, criticised),
            language=result.language,
        )

    def _found(
        self, conversation: Conversation, draft: Message, result: ConversationResult
    ) -> list[_Found]:
        by_id = {m.id: m for m in conversation.messages}
        parts = sentences(draft.text)
        opening = (parts[0].start, parts[0].end) if parts else (0, len(draft.text))
        found: list[_Found] = []
        seen: set[tuple[str, int, int, str]] = set()
        for finding in result.skills.values():
            for evidence in finding.evidence:
                rule = self.rules.suggest.get(evidence.signal) or _plugin_rule(evidence)
                source = by_id.get(evidence.message)
                if rule is None or source is None or evidence.polarity >= 0:
                    continue
                on_draft = evidence.message == draft.id
                if rule.source == "draft" and not on_draft:
                    continue
                if rule.source == "customer" and source.role is not Role.CUSTOMER:
                    continue
                if rule.source == "reply" and not source.is_reply:
                    continue
                if rule.where == "end":
                    span = (len(draft.text), len(draft.text))
                elif rule.where == "opening" and not on_draft:
                    span = opening
                elif rule.where == "sentence":
                    span = _sentence_span(parts, evidence.start, evidence.end)
                else:
                    span = (evidence.start, evidence.end)
                key = (rule.kind, *span, evidence.quote if rule.where == "end" else "")
                if key in seen:
                    continue
                seen.add(key)
                found.append(_Found(rule, evidence, *span))
        return found

    def _suggestions(
        self, found: list[_Found], text: DraftText, facts: Facts, words: int
    ) -> tuple[Suggestion, ...]:
        kinds_at: dict[tuple[int, int], set[str]] = {}
        for item in found:
            kinds_at.setdefault((item.start, item.end), set()).add(item.rule.kind)
        out: list[Suggestion] = []
        for item in found:
            target = Target(
                kind=item.rule.kind,
                text=text.text[item.start : item.end],
                quote=item.evidence.quote,
                advice=item.evidence.suggestion,
                companions=frozenset(kinds_at[(item.start, item.end)] - {item.rule.kind}),
            )
            start, end = text.span(item.start, item.end)
            out.append(
                Suggestion(
                    kind=item.rule.kind,
                    severity=item.rule.severity,
                    start=start,
                    end=end,
                    reason=self._reason(item, text, facts, words),
                    rewrite=choose_rewrite(target, facts, self.templates),
                )
            )
        rank = {severity: index for index, severity in enumerate(SEVERITIES)}
        out.sort(key=lambda s: (-rank[s.severity], s.start, s.end, s.kind))
        return tuple(out)

    def _reason(self, item: _Found, text: DraftText, facts: Facts, words: int) -> str:
        """The rule's reason with the quote, emotion, question or data it names.

        ``words`` is the draft's word count (counted once, not once per suggestion).
        """
        evidence = item.evidence
        advice = evidence.suggestion or ""
        given = _QUOTED.search(advice)
        grade = _GRADE.search(advice)
        reasons = self.templates.table("reasons")
        asked = asked_data(text.text[item.start : item.end], facts.lexicon("public_to_private"))
        values = {
            "quote": _short(evidence.quote, _MAX_QUOTE),
            "question": _short(evidence.quote, _MAX_QUESTION),
            "emotion": str(self.templates.table("emotion_words").get(facts.emotion or "", "upset")),
            "words": str(words),
            "channel": facts.channel.value if facts.channel.value != "other" else "this channel",
            "grade": grade.group(1) if grade else "10+",
            "private": private_channel(facts, self.templates),
            "given": given.group(1) if given else _short(evidence.quote, _MAX_QUOTE),
            "data_reason": str(reasons.get("data_asked" if asked else "data_written", "")),
        }
        return fill(item.rule.reason, values)

    def _good(
        self,
        result: ConversationResult,
        draft: Message,
        text: DraftText,
        criticised: Sequence[tuple[int, int]],
    ) -> tuple[Praise, ...]:
        """One praise per positive signal in the draft, not on words a suggestion criticises."""
        chosen: dict[str, Evidence] = {}
        spans = SpanIndex(criticised)
        for finding in result.skills.values():
            for evidence in finding.evidence:
                if (
                    evidence.message == draft.id
                    and evidence.polarity > 0
                    and evidence.signal in self.rules.good
                    and evidence.signal not in chosen
                    and not spans.overlaps(evidence.start, evidence.end)
                ):
                    chosen[evidence.signal] = evidence
        praise = []
        for signal, evidence in chosen.items():
            start, end = text.span(evidence.start, evidence.end)
            praise.append(Praise(signal, start, end, self.rules.good[signal].reason))
        return tuple(sorted(praise, key=lambda p: (p.start, p.end, p.kind)))


def _plugin_rule(evidence: Evidence) -> SuggestRule | None:
    """A suggestion for a negative signal of a skill a plugin adds, on the draft's own
    words: its analyser's suggestion is the reason (kinds.toml covers the built-ins)."""
    family = evidence.signal.partition(".")[0]
    if family in FAMILY_SKILL or family == "criteria":
        return None
    reason = '"{quote}": ' + (evidence.suggestion or "reconsider this wording")
    return SuggestRule(evidence.signal, evidence.signal, "warning", "evidence", "draft", reason)


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _sentence_span(parts: Sequence[Sentence], start: int, end: int) -> tuple[int, int]:
    """The sentences of the draft that ``[start, end)`` touches (``parts`` in order)."""
    # The sentences are in order and apart: those touched are a run, found by bisection.
    first = bisect_right(parts, start, key=_end)
    last = bisect_left(parts, max(end, start + 1), key=_start) - 1
    if first > last:
        return start, end
    return min(start, parts[first].start), max(end, parts[last].end)


def _start(sentence: Sentence) -> int:
    return sentence.start


def _end(sentence: Sentence) -> int:
    return sentence.end


def _draft_message(conversation: Conversation, text: str) -> Message:
    """The draft as the agent's next message: a fresh id, the last agent's name, the latest time."""
    ids = {m.id for m in conversation.messages}
    draft_id = "draft"
    counter = 1
    while draft_id in ids:
        counter += 1
        draft_id = f"draft-{counter}"
    times = [m.at for m in conversation.messages if m.at is not None]
    author = next((m.author for m in reversed(conversation.messages) if m.is_reply), None)
    return Message(draft_id, Role.AGENT, text, author=author, at=max(times) if times else None)


@cache
def _default_checker() -> DraftChecker:
    """The checker for the default rubric, built on first use."""
    return DraftChecker()


_BY_RUBRIC: dict[str, DraftChecker] = {}
_MAX_RUBRICS = 8
_LOCK = threading.Lock()


def check_draft(conversation: Conversation, draft: str, config: Rubric | None = None) -> DraftCheck:
    """Check ``draft``, the agent's next message in ``conversation``, before it is sent.

    Args:
        conversation: the conversation so far.
        draft: the reply as typed (spans in the result index this string).
        config: the team's rubric (``None``: the defaults).

    Returns:
        Suggestions (kind, severity, span, reason, rewrite) and what the draft does well.

    Raises:
        DraftTooLarge: the draft or the conversation is over the caps
            (:class:`~servicecoach.assist.limits.DraftLimits`).
        InputError: the draft is empty.
    """
    if config is None:
        return _default_checker().check(conversation, draft)
    key = config.model_dump_json()
    with _LOCK:
        checker = _BY_RUBRIC.get(key)
        if checker is None:
            if len(_BY_RUBRIC) >= _MAX_RUBRICS:
                _BY_RUBRIC.pop(next(iter(_BY_RUBRIC)))
            checker = _BY_RUBRIC[key] = DraftChecker(config)
    return checker.check(conversation, draft)
