"""The kinds table (assist/kinds.toml): every FORMAT.md kind, with the severities promised."""

from __future__ import annotations

import pytest

from servicecoach.assist.kinds import load_rules, parse_rules
from servicecoach.errors import ConfigError

FORMAT_KINDS = [
    "empathy.missing",
    "clarity.negative_language",
    "clarity.too_long",
    "apology.missing",
    "apology.liability",
    "private.invite_missing",
    "private.data_in_public",
    "listening.unanswered_question",
    "listening.reask",
    "patience.blame",
    "patience.dismissive",
    "patience.shouting",
    "problem_solving.no_next_step",
    "closing.premature",
]


def test_kinds_cover_every_kind_format_md_names() -> None:
    assert set(FORMAT_KINDS) <= set(load_rules().kinds)


@pytest.mark.parametrize(
    ("kind", "severity"),
    [
        ("apology.liability", "error"),
        ("private.data_in_public", "error"),
        ("patience.shouting", "error"),
        ("patience.blame", "error"),
        ("empathy.missing", "warning"),
        ("clarity.negative_language", "warning"),
        ("listening.unanswered_question", "warning"),
        ("clarity.too_long", "info"),
        ("clarity.hard_to_read", "info"),
    ],
)
def test_kinds_severity(kind: str, severity: str) -> None:
    (rule,) = [r for r in load_rules().suggest.values() if r.kind == kind]
    assert rule.severity == severity


def test_kinds_every_signal_is_a_documented_signal() -> None:
    from tests.conftest import REPO

    documented = (REPO / "docs" / "analysis.md").read_text(encoding="utf-8")
    rules = load_rules()
    for signal in [*rules.suggest, *rules.good]:
        assert f"`{signal}`" in documented, signal


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {
                "suggest": {
                    "x.y": {"severity": "fatal", "where": "end", "from": "draft", "reason": "r"}
                }
            },
            "severity",
        ),
        (
            {
                "suggest": {
                    "x.y": {"severity": "info", "where": "middle", "from": "draft", "reason": "r"}
                }
            },
            "where",
        ),
        ({"suggest": {"x.y": {"severity": "info", "where": "end", "from": "draft"}}}, "reason"),
        ({"good": {"x.y": {}}}, "reason"),
    ],
)
def test_kinds_invalid_table_is_reported(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_rules(table)  # type: ignore[arg-type]
