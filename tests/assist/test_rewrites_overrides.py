"""A team's override of assist/rewrites.toml: texts replaced, word lists added to and
trimmed, phrase tables extended, patterns added first, and every mistake named with its
file, table and key."""

from __future__ import annotations

from typing import Any

import pytest

from servicecoach.assist.rewrites_overrides import merge_rewrites
from servicecoach.assist.templates import load_templates, parse_templates, shipped_rewrites
from servicecoach.errors import ConfigError

SOURCE = "team/rewrites.toml"


def test_rewrites_overrides_replace_add_and_remove() -> None:
    shipped = shipped_rewrites()
    before = repr(shipped)
    merged = parse_templates(
        merge_rewrites(
            shipped,
            {
                "openers": {"anger": "You have every right to be angry that {report}."},
                "report": {
                    "skip": ["hassle", "Problem"],
                    "remove_breaks": ["yet"],
                    "swap": {"Myself": "yourself too"},
                },
                "calm": {"That's Not My Problem": "that's something I'll sort out"},
                "listening": {"what": {"postcode": "postcode"}},
                "when": {"remove_bare": ["tonight"]},
            },
            SOURCE,
        )
    )
    assert merged.text("openers", "anger") == "You have every right to be angry that {report}."
    assert merged.text("openers", "frustration") == load_templates().text("openers", "frustration")
    skip = merged.table("report")["skip"]
    assert skip.count("problem") == 1 and skip[-1] == "hassle"  # "Problem" is there already
    assert "yet" not in merged.words("report", "breaks")
    assert merged.table("report")["swap"]["myself"] == "yourself too"
    assert merged.table("report")["swap"]["mine"] == "yours"  # entries kept
    assert merged.table("calm")["that's not my problem"] == "that's something I'll sort out"
    assert merged.table("listening")["what"]["postcode"] == "postcode"
    assert "tonight" not in merged.words("when", "bare")
    assert repr(shipped_rewrites()) == before  # the shipped tables are untouched
    assert "tonight" in load_templates().words("when", "bare")


def test_rewrites_overrides_team_patterns_are_tried_first() -> None:
    pattern = r"^(?P<who>we|i) can't (?P<action>.+?) on (?P<what>sale) items[.!]*$"
    merged = parse_templates(
        merge_rewrites(
            shipped_rewrites(),
            {
                "negative": [{"pattern": pattern, "template": "{what} items are final for {who}."}],
                "especially": [{"pattern": r"(?P<n>\d+) calls", "template": "after {n} calls"}],
            },
            SOURCE,
        )
    )
    shipped = load_templates()
    assert len(merged.negative) == len(shipped.negative) + 1
    assert merged.negative[0].regex.pattern == pattern
    assert merged.negative[1:] == shipped.negative
    assert merged.especially[0].template == "after {n} calls"


@pytest.mark.parametrize(
    ("override", "needles"),
    [
        ({"opener": {"anger": "x"}}, ["[opener]: rewrites.toml has no table [opener]", "openers"]),
        ({"openers": "x"}, ["[openers] must be a table of changes"]),
        (
            {"openers": {"anger": "Sorry about {thing} and {order}."}},
            ["[openers] anger: unknown placeholder {order}", "{especially}, {report}"],
        ),
        ({"openers": {"rage": "x"}}, ["[openers] rage: unknown key", "can change: anger"]),
        ({"apology": {"plain": ["x"]}}, ["[apology] plain must be a non-empty text"]),
        ({"report": {"skip": "hassle"}}, ["[report] skip must be a list of non-empty texts"]),
        (
            {"report": {"remove_skip": ["hassle"]}},
            ["[report] remove_skip: 'hassle' is not in the shipped list", "rewrites.toml"],
        ),
        ({"report": {"max_words": 20}}, ["[report] max_words: a number is tuning"]),
        ({"report": {"swap": ["x"]}}, ["[report.swap] must be a table of changes"]),
        ({"calm": {"not my problem": 3}}, ["[calm] 'not my problem' must be a non-empty text"]),
        ({"calm": {"not my problem": "{thing}"}}, ["unknown placeholder {thing}", "takes: none"]),
        ({"negative": {"pattern": "x"}}, ["negative must be [[negative]] tables"]),
        (
            {"negative": [{"pattern": "(", "template": "x"}]},
            ["[[negative]] number 1 pattern: not a regular expression"],
        ),
        ({"negative": [{"pattern": "x"}]}, ["[[negative]] number 1 template must be"]),
        (
            {"especially": [{"pattern": "(?P<d>x)", "template": "after {days}"}]},
            ["[[especially]] number 1 template: unknown placeholder {days}", "{d}"],
        ),
        (
            {"especially": [{"pattern": "x", "template": "y", "time_template": "z"}]},
            ["[[especially]] number 1 time_template: unknown key", "pattern, template"],
        ),
        (
            {"negative": [{"pattern": "(?P<who>we)", "template": "y", "time_template": "z"}]},
            ["[[negative]] number 1 time_template: used only when", "(?P<condition>"],
        ),
    ],
)
def test_rewrites_overrides_errors_name_file_table_and_key(
    override: dict[str, Any], needles: list[str]
) -> None:
    with pytest.raises(ConfigError) as caught:
        merge_rewrites(shipped_rewrites(), override, SOURCE)
    message = str(caught.value)
    assert message.startswith(f"{SOURCE}: ")
    for needle in needles:
        assert needle in message


def test_rewrites_overrides_when_phrase_only_with_a_time_group() -> None:
    ok = {
        "pattern": r"(?P<who>we) can't (?P<action>\w+) until (?P<when>.+)",
        "template": "{when_phrase}",
    }
    merge_rewrites(shipped_rewrites(), {"negative": [ok]}, SOURCE)
    bad = {"pattern": r"(?P<who>we) can't (?P<action>\w+)", "template": "{when_phrase}"}
    with pytest.raises(ConfigError, match=r"unknown placeholder \{when_phrase\}"):
        merge_rewrites(shipped_rewrites(), {"negative": [bad]}, SOURCE)


def test_rewrites_patterns_are_bounded_in_time() -> None:
    """A pattern that backtracks exponentially ("(a|aa)+$" on forty a's and a "!") counts
    as not matching instead of running for hours; a quick one matches as before."""
    merged = parse_templates(
        merge_rewrites(
            shipped_rewrites(),
            {"especially": [{"pattern": r"(?P<n>(?:a|aa)+)$", "template": "after {n}"}]},
            SOURCE,
        )
    )
    slow = merged.especially[0]
    assert slow.search("a" * 40 + "!") is None
    found = slow.search("aaaa")
    assert found is not None and found.group("n") == "aaaa"
