"""Evidence spans highlighted in place: a message's text as HTML with one ``<mark>`` per
stretch of evidence (green earns, red costs), the way ``servicecoach report
conversation`` highlights them in the terminal.

Spans may overlap: the text is cut at every span boundary and each piece is marked
with every span that covers it. Text outside the marks is escaped unchanged, so the
page's text is exactly the message's text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from markupsafe import Markup, escape

from servicecoach.analysis.signals import is_experimental, signal_meaning
from servicecoach.assist.kinds import Rules, load_rules

__all__ = ["EXPERIMENTAL_NOTE", "Highlight", "highlight", "signal_reason"]

EXPERIMENTAL_NOTE = "experimental: shown for review, not counted in the score"


@dataclass(frozen=True, slots=True)
class Highlight:
    """One evidence span of a message (from a stored result).

    Attributes:
        skill: the skill it counts for.
        signal: the signal id.
        polarity: +1 earns, -1 costs, 0 neutral.
        start: first character.
        end: one past the last character.
        reason: why it counts, in words.
        suggestion: a better wording or next step, if any.
        experimental: the signal did not beat its baseline (docs/accuracy.md): shown,
            but it changes no score unless the team's rubric opts in.
    """

    skill: str
    signal: str
    polarity: int
    start: int
    end: int
    reason: str
    suggestion: str | None
    experimental: bool = False

    @classmethod
    def from_evidence(
        cls, skill: str, evidence: Mapping[str, Any], rules: Rules | None = None
    ) -> Highlight:
        """A highlight from one evidence object of a FORMAT.md result, its reason from
        ``rules`` (the team's live-assist wording; default: the shipped one)."""
        signal = str(evidence["signal"])
        return cls(
            skill=skill,
            signal=signal,
            polarity=int(evidence["polarity"]),
            start=int(evidence["start"]),
            end=int(evidence["end"]),
            reason=signal_reason(signal, skill, int(evidence["polarity"]), rules),
            suggestion=evidence.get("suggestion"),
            experimental=bool(evidence.get("experimental")) or is_experimental(signal),
        )

    @property
    def tone(self) -> str:
        """``earn``, ``cost`` or ``note`` (the mark's CSS class)."""
        return "earn" if self.polarity > 0 else "cost" if self.polarity < 0 else "note"

    def describe(self) -> str:
        """One line: signal, reason and suggestion (the mark's tooltip)."""
        sign = "+" if self.polarity > 0 else "−" if self.polarity < 0 else "·"
        text = f"{sign} {self.signal}: {self.reason}"
        if self.experimental:
            text += f" ({EXPERIMENTAL_NOTE})"
        if self.suggestion:
            text += f" Try: {self.suggestion}"
        return text


def signal_reason(signal: str, skill: str, polarity: int, rules: Rules | None = None) -> str:
    """Why a signal counts, in words: live assist's reason where it has a fixed one (in
    ``rules``, the team's wording from its rubric's ``[assist] kinds``; default: shipped)."""
    rules = rules if rules is not None else load_rules()
    rule = rules.suggest.get(signal) if polarity < 0 else rules.good.get(signal)
    if rule is not None and "{" not in rule.reason:
        return rule.reason
    meaning = signal_meaning(signal)
    if meaning is not None:
        return meaning
    name = skill.replace("_", " ")
    if polarity > 0:
        return f"Earns {name} score."
    if polarity < 0:
        return f"Costs {name} score."
    return f"Noted for {name}."


def highlight(text: str, spans: Sequence[Highlight]) -> Markup:
    """``text`` as HTML with each stretch covered by ``spans`` in a ``<mark>``.

    A mark's class is ``cost`` when any covering span costs, else ``earn`` or ``note``;
    its ``title`` and ``data-tip`` list every covering span's signal, reason and
    suggestion (the page's popover shows them on hover or focus). Spans outside the
    text are clipped; empty spans are left out.
    """
    size = len(text)
    usable = [s for s in spans if 0 <= s.start < size and min(s.end, size) > s.start]
    cuts = sorted({0, size, *(s.start for s in usable), *(min(s.end, size) for s in usable)})
    parts: list[str] = []
    for left, right in pairwise(cuts):
        piece = escape(text[left:right])
        covering = [s for s in usable if s.start <= left and min(s.end, size) >= right]
        if not covering:
            parts.append(str(piece))
            continue
        tones = {s.tone for s in covering}
        tone = "cost" if "cost" in tones else "earn" if "earn" in tones else "note"
        tip = escape("\n".join(s.describe() for s in covering))
        signals = escape(" ".join(s.signal for s in covering))
        parts.append(
            f'<mark class="{tone}" tabindex="0" title="{tip}" data-tip="{tip}" '
            f'data-signals="{signals}">{piece}</mark>'
        )
    return Markup("".join(parts))
