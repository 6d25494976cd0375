"""The private note the hook posts: a short, readable summary of a conversation's result.

It starts with :data:`NOTE_MARKER`, which is also how the hook recognises its own notes
(besides their being private) and never scores them. Example::

    **servicecoach** · quality 58/100 · customer: frustration → neutral · not resolved yet
    Weakest skills:
    - Clear communication 35/100: "we can't refund that" (clarity.negative_language)
      → Try: lead with what you can do, e.g. "What I can do is ..."
    - Apology 40/100: no single sentence; see the full result
"""

from __future__ import annotations

from servicecoach.analysis.evidence import Evidence
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.result import ConversationResult

__all__ = ["NOTE_MARKER", "summary_note"]

NOTE_MARKER = "**servicecoach**"
_WEAKEST = 3
_QUOTE_MAX = 120


def _skill_title(skill: str) -> str:
    return skill.replace("_", " ").capitalize()


def _clip(text: str, limit: int = _QUOTE_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _worst_evidence(finding: SkillFinding) -> Evidence | None:
    costs = [e for e in finding.evidence if e.polarity < 0]
    if costs:
        return next((e for e in costs if e.suggestion), costs[0])
    return None


def _resolved(value: bool | None) -> str:
    if value is None:
        return "resolution unknown"
    return "resolved" if value else "not resolved yet"


def summary_note(result: ConversationResult) -> str:
    """The Markdown note for one result (Chatwoot renders Markdown in notes)."""
    if result.not_scored is not None:
        return f"{NOTE_MARKER} · not scored: {result.not_scored}"
    outcome = result.outcome
    head = [NOTE_MARKER]
    head.append(
        f"quality {outcome.quality}/100" if outcome.quality is not None else "quality not rated"
    )
    if outcome.emotion_start or outcome.emotion_end:
        start = outcome.emotion_start or "?"
        end = outcome.emotion_end or "?"
        head.append(f"customer: {start} → {end}" if start != end else f"customer: {end}")
    head.append(_resolved(outcome.resolved))
    lines = [" · ".join(head)]
    scored = sorted(
        ((skill, finding) for skill, finding in result.skills.items() if finding.score is not None),
        key=lambda pair: (pair[1].score, pair[0]),
    )
    if not scored:
        lines.append("No skill applies to this conversation yet.")
        return "\n".join(lines)
    lines.append("Weakest skills:")
    for skill, finding in scored[:_WEAKEST]:
        line = f"- {_skill_title(skill)} {finding.score}/100"
        evidence = _worst_evidence(finding)
        if evidence is None:
            lines.append(f"{line}: no single sentence; see the full result")
            continue
        lines.append(f'{line}: "{_clip(evidence.quote)}" ({evidence.signal})')
        if evidence.suggestion:
            lines.append(f"  → Try: {_clip(evidence.suggestion, 200)}")
    if result.failures:
        lines.append(f"({len(result.failures)} analyser(s) failed; see the server log)")
    return "\n".join(lines)
