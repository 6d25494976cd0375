"""The private note the Chatwoot hook posts: short, readable, with evidence."""

from __future__ import annotations

from servicecoach.analysis.pipeline import Pipeline
from servicecoach.analysis.result import ConversationResult
from servicecoach.rubric import Rubric
from servicecoach.server.chatwoot.note import NOTE_MARKER, summary_note
from servicecoach.testing import make_conversation


def _result(turns: list[tuple[str, str]]) -> ConversationResult:
    return Pipeline.from_rubric(Rubric(), fast=True).analyze(make_conversation(turns))


def test_note_names_quality_and_the_weakest_skills_with_a_quote() -> None:
    result = _result(
        [
            ("customer", "My order arrived broken and I'm furious, this is the second time!"),
            ("agent", "That's not our fault. You should have checked the box. We can't refund it."),
        ]
    )
    note = summary_note(result)
    lines = note.splitlines()
    assert lines[0].startswith(NOTE_MARKER)
    assert f"quality {result.outcome.quality}/100" in lines[0]
    assert "Weakest skills:" in note
    assert any('"' in line and "(" in line for line in lines if line.startswith("- "))
    assert len(lines) <= 10
    assert len([line for line in lines if line.startswith("- ")]) <= 3


def test_note_for_an_unscored_conversation_says_why() -> None:
    result = ConversationResult(
        conversation="chatwoot-9",
        analyzers={},
        skills={},
        messages=(),
        language="de",
        not_scored="language 'de' is not scored (servicecoach scores English)",
    )
    assert summary_note(result) == (
        f"{NOTE_MARKER} · not scored: language 'de' is not scored (servicecoach scores English)"
    )
