"""The review form: what it shows filled in, and what a submitted form means.

Field names (the page and its tests share them): ``score_<skill>`` (0-100) and
``na_<skill>`` (a checkbox: not applicable); ``verdict:<key>`` (``agree``, ``wrong`` or
blank) for each highlight, keyed ``message:start:end:signal``; ``drop:<key>`` removes a
missed span saved earlier; ``missed_message``, ``missed_signal``, ``missed_quote`` and
``missed_start`` add one missed span (the page's script fills the message, the words and
the offset from the reader's selection; without it the reviewer types the words);
``comment``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from servicecoach.analysis.skills import skill_names
from servicecoach.errors import ConfigError
from servicecoach.review.model import Review, SignalMark, Verdict
from servicecoach.review.validate import (
    NOT_APPLICABLE,
    check_mark,
    locate_quote,
    parse_scores,
)
from servicecoach.web.pages.conversation_view import ConversationView
from servicecoach.web.pages.highlight import Highlight

__all__ = ["FormError", "FormState", "HighlightRef", "highlight_refs", "message_texts", "read_form"]


@dataclass(frozen=True, slots=True)
class HighlightRef:
    """A highlight of the conversation, as a review refers to it."""

    message: str
    highlight: Highlight

    @property
    def key(self) -> str:
        """``message:start:end:signal`` (the same as :attr:`SignalMark.key`)."""
        h = self.highlight
        return f"{self.message}:{h.start}:{h.end}:{h.signal}"


def highlight_refs(view: ConversationView) -> list[HighlightRef]:
    """Every highlight of the conversation page, with its message."""
    return [HighlightRef(m.message.id, h) for m in view.messages for h in m.highlights]


def message_texts(view: ConversationView) -> dict[str, str]:
    """The conversation's message texts by message id."""
    return {m.id: m.text for m in view.stored.conversation.messages}


class FormError(ConfigError):
    """A submitted review form that cannot be saved, with what to show again."""

    def __init__(self, message: str, state: FormState) -> None:
        super().__init__(message)
        self.state = state


@dataclass(slots=True)
class FormState:
    """What the form shows: a saved review, or what was just submitted."""

    scores: dict[str, str] = field(default_factory=dict)
    not_applicable: set[str] = field(default_factory=set)
    verdicts: dict[str, str] = field(default_factory=dict)
    missed: list[SignalMark] = field(default_factory=list)
    comment: str = ""
    missed_message: str = ""
    missed_signal: str = ""
    missed_quote: str = ""

    @classmethod
    def from_review(cls, review: Review | None) -> FormState:
        """The form filled in with a saved review (empty without one)."""
        state = cls()
        if review is None:
            return state
        for skill, score in review.scores.items():
            if score is None:
                state.not_applicable.add(skill)
            else:
                state.scores[skill] = str(score)
        for mark in review.signals:
            if mark.verdict is Verdict.MISSED:
                state.missed.append(mark)
            else:
                state.verdicts[mark.key] = mark.verdict.value
        state.comment = review.comment
        return state


def read_form(
    form: Mapping[str, str],
    texts: Mapping[str, str],
    highlights: Sequence[HighlightRef],
    saved: Review | None,
) -> tuple[FormState, dict[str, int | None], list[SignalMark]]:
    """The submitted form's state, scores and marks.

    ``texts`` are the conversation's message texts by id; ``saved`` the reviewer's review
    so far (its missed spans are kept unless dropped).

    Raises:
        FormError: a bad score or missed span, with the state to show the form again.
    """
    state = FormState(comment=str(form.get("comment", "")))
    raw: dict[str, str | int | None] = {}
    for skill in skill_names():
        if form.get(f"na_{skill}"):
            state.not_applicable.add(skill)
            raw[skill] = NOT_APPLICABLE
        else:
            value = str(form.get(f"score_{skill}", "")).strip()
            state.scores[skill] = value
            raw[skill] = value
    marks: list[SignalMark] = []
    for ref in highlights:
        verdict = str(form.get(f"verdict:{ref.key}", ""))
        if verdict in (Verdict.AGREE.value, Verdict.WRONG.value):
            state.verdicts[ref.key] = verdict
            h = ref.highlight
            quote = texts.get(ref.message, "")[h.start : h.end]
            marks.append(SignalMark(ref.message, h.signal, Verdict(verdict), h.start, h.end, quote))
    if saved is not None:
        for mark in saved.signals:
            if mark.verdict is Verdict.MISSED and not form.get(f"drop:{mark.key}"):
                state.missed.append(mark)
    state.missed_message = str(form.get("missed_message", ""))
    state.missed_signal = str(form.get("missed_signal", ""))
    state.missed_quote = str(form.get("missed_quote", ""))
    try:
        scores = parse_scores(raw)
        if state.missed_quote.strip():
            state.missed.append(_missed(form, state, texts))
            state.missed_quote = state.missed_signal = state.missed_message = ""
        keys = {ref.key for ref in highlights}
        for mark in marks + state.missed:
            check_mark(mark, texts, keys)
    except ConfigError as exc:
        raise FormError(str(exc), state) from None
    unique = {mark.key: mark for mark in marks + state.missed}
    return state, scores, list(unique.values())


def _missed(form: Mapping[str, str], state: FormState, texts: Mapping[str, str]) -> SignalMark:
    message = state.missed_message
    if message not in texts:
        raise ConfigError("choose the message the missed signal is in")
    if not state.missed_signal:
        raise ConfigError("choose which signal servicecoach missed")
    raw_start = str(form.get("missed_start", "")).strip()
    start = int(raw_start) if raw_start.isdigit() else None
    begin, end = locate_quote(texts[message], state.missed_quote, start)
    text = texts[message]
    return SignalMark(message, state.missed_signal, Verdict.MISSED, begin, end, text[begin:end])
