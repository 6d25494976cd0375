"""A team's override of assist/kinds.toml: reasons and severities replaced, entries removed,
and every mistake named with its file, table and key."""

from __future__ import annotations

from typing import Any

import pytest

from servicecoach.assist.kinds import load_rules
from servicecoach.assist.kinds_overrides import merge_rules
from servicecoach.errors import ConfigError


def test_kinds_overrides_replace_reason_and_severity_and_remove() -> None:
    shipped = load_rules()
    merged = merge_rules(
        shipped,
        {
            "suggest": {
                "clarity.negative_language": {"reason": "Lead with the yes.", "severity": "error"},
                "patience.blame": {"reason": '"{quote}" sounds like their fault.'},
                "remove": ["clarity.hard_to_read"],
            },
            "good": {"closing.warm": {"reason": "A warm goodbye."}, "remove": ["clarity.steps"]},
        },
        "team/kinds.toml",
    )
    negative = merged.suggest["clarity.negative_language"]
    assert (negative.reason, negative.severity) == ("Lead with the yes.", "error")
    assert (negative.kind, negative.where, negative.source) == (
        "clarity.negative_language",
        "evidence",
        "draft",
    )
    assert merged.suggest["patience.blame"].reason == '"{quote}" sounds like their fault.'
    assert merged.suggest["patience.blame"].severity == "error"  # kept
    assert "clarity.hard_to_read" not in merged.suggest
    assert merged.good["closing.warm"].reason == "A warm goodbye."
    assert "clarity.steps" not in merged.good
    # the shipped rules are untouched
    assert shipped.suggest["clarity.negative_language"].severity == "warning"
    assert "clarity.hard_to_read" in shipped.suggest
    assert shipped.good["closing.warm"].reason == "Closes warmly."


def test_kinds_overrides_empty_override_keeps_every_rule() -> None:
    assert merge_rules(load_rules(), {}, "kinds.toml") == load_rules()


@pytest.mark.parametrize(
    ("override", "needles"),
    [
        ({"sugest": {}}, ["[sugest]", "no table [sugest]", "good, suggest"]),
        ({"suggest": "x"}, ["[suggest] must be a table of signals"]),
        (
            {"suggest": {"clarity.jargonn": {"reason": "x"}}},
            ['[suggest."clarity.jargonn"]', "has no signal 'clarity.jargonn'"],
        ),
        (
            {"suggest": {"patience.blame": {"reason": "{quote} {words}"}}},
            ['[suggest."patience.blame"] reason', "unknown placeholder {words}", "{quote}"],
        ),
        (
            {"suggest": {"clarity.too_long": {"reason": ""}}},
            ['[suggest."clarity.too_long"] reason must be a non-empty text'],
        ),
        (
            {"suggest": {"closing.drag": {"severity": "fatal"}}},
            ['[suggest."closing.drag"] severity must be one of info, warning, error'],
        ),
        (
            {"suggest": {"closing.drag": {"kind": "closing.dragging"}}},
            ['[suggest."closing.drag"] kind: unknown key', "not wording", "reason, severity"],
        ),
        (
            {"good": {"closing.warm": {"severity": "info"}}},
            ['[good."closing.warm"] severity: unknown key', "can change: reason"],
        ),
        ({"suggest": {"closing.drag": "x"}}, ['[suggest."closing.drag"] must be a table']),
        (
            {"suggest": {"remove": ["closing.dragg"]}},
            ["[suggest] remove: 'closing.dragg' is not a signal", "servicecoach/assist/kinds.toml"],
        ),
        ({"good": {"remove": "closing.warm"}}, ["[good] remove must be a list of non-empty texts"]),
        (
            {"good": {"remove": ["closing.warm"], "closing.warm": {"reason": "x"}}},
            ['[good."closing.warm"]: also in [good] remove; keep one'],
        ),
    ],
)
def test_kinds_overrides_errors_name_file_table_and_key(
    override: dict[str, Any], needles: list[str]
) -> None:
    with pytest.raises(ConfigError) as caught:
        merge_rules(load_rules(), override, "team/kinds.toml")
    message = str(caught.value)
    assert message.startswith("team/kinds.toml: [")
    for needle in needles:
        assert needle in message
