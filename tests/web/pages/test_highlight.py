"""Evidence highlighted in place: marks at the right offsets, text escaped around them."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from servicecoach.server import ServiceSettings, create_app
from servicecoach.web.pages.highlight import Highlight, highlight, signal_reason
from tests.store.dashboard_data import Built
from tests.web.pages.conftest import login_page


def _span(start: int, end: int, polarity: int = 1, signal: str = "empathy.validation") -> Highlight:
    return Highlight("empathy", signal, polarity, start, end, "why", "say this")


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


@pytest.mark.parametrize(
    ("text", "spans", "marked"),
    [
        ("I'm sorry <b>", [_span(0, 9)], ["I&#39;m sorry"]),
        ("a < b & c", [_span(2, 5, -1)], ["&lt; b"]),
        ("hello world", [_span(0, 5), _span(3, 11, -1)], ["hel", "lo", " world"]),
        ("short", [_span(2, 50)], ["ort"]),
        ("none", [_span(2, 2), _span(9, 12)], []),
    ],
)
def test_marks_cover_the_spans_and_the_text_is_unchanged(
    text: str, spans: list[Highlight], marked: list[str]
) -> None:
    out = str(highlight(text, spans))
    assert _plain(out) == text
    assert re.findall(r"<mark [^>]*>(.*?)</mark>", out) == marked
    assert "<b>" not in out


def test_a_piece_is_red_when_any_covering_span_costs() -> None:
    out = str(highlight("hello world", [_span(0, 5), _span(3, 11, -1, "patience.blame")]))
    classes = re.findall(r'<mark class="(\w+)"', out)
    assert classes == ["earn", "cost", "cost"]
    assert 'data-signals="empathy.validation patience.blame">lo</mark>' in out


def test_the_tooltip_names_signal_reason_and_suggestion() -> None:
    out = str(highlight("Sorry!", [_span(0, 6)]))
    assert 'title="+ empathy.validation: why Try: say this"' in out
    assert 'tabindex="0"' in out


def test_signal_reasons_fall_back_to_the_skill() -> None:
    assert signal_reason("made.up", "extra_mile", 1) == "Earns extra mile score."
    assert signal_reason("made.up", "closing", -1) == "Costs closing score."
    assert signal_reason("made.up", "closing", 0) == "Noted for closing."


def test_experimental_evidence_says_so_in_its_tip() -> None:
    marked = Highlight.from_evidence(
        "active_listening",
        {
            "signal": "listening.paraphrase",
            "polarity": 1,
            "start": 0,
            "end": 5,
            "experimental": True,
        },
    )
    plain = Highlight.from_evidence(
        "apology", {"signal": "apology.apology", "polarity": 1, "start": 0, "end": 5}
    )
    assert marked.experimental and "not counted in the score" in marked.describe()
    assert not plain.experimental and "experimental" not in plain.describe()


def test_a_team_reason_shows_on_its_conversation_page(
    pages_db: tuple[str, Built], tmp_path: Path
) -> None:
    """The rubric's ``[assist] kinds`` wording is what the service's pages say too, not
    the shipped reason beside the team's own in live assist."""
    (tmp_path / "kinds.toml").write_text(
        '[good."empathy.validation"]\nreason = "Names the feeling, the way our stores do."\n',
        encoding="utf-8",
    )
    (tmp_path / "rubric.toml").write_text('[assist]\nkinds = "kinds.toml"\n', encoding="utf-8")
    db, built = pages_db
    settings = ServiceSettings(db=db, fast=True, rubric=tmp_path / "rubric.toml")
    with TestClient(create_app(settings)) as client:
        login_page(client, "root")
        page = client.get(f"/conversations/{built.pks['c1']}").text
    assert "empathy.validation: Names the feeling, the way our stores do." in html.unescape(page)
    assert "Acknowledges how they feel." not in page


def test_the_shipped_reason_shows_without_a_team_wording(
    pages_db: tuple[str, Built],
) -> None:
    db, built = pages_db
    with TestClient(create_app(ServiceSettings(db=db, fast=True))) as client:
        login_page(client, "root")
        page = client.get(f"/conversations/{built.pks['c1']}").text
    assert "empathy.validation: Acknowledges how they feel." in html.unescape(page)
