"""A rubric's ``[assist]`` files in live assist: read with the rubric, part of its version,
checked when a checker is built (errors name the rubric, file, table and key, also on the
command line), changing the reasons and rewrites a team's agents read, and never leaking
into another rubric's checker in the same process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servicecoach.assist import DraftCheck, DraftChecker, check_draft
from servicecoach.assist.kinds import load_rules
from servicecoach.assist.team import team_rules, team_templates
from servicecoach.assist.templates import load_templates
from servicecoach.errors import ConfigError
from servicecoach.model.native import conversation_to_dict
from servicecoach.review.rubric_version import DEFAULT_RUBRIC_VERSION, rubric_version
from servicecoach.rubric import Rubric, load_rubric
from tests.assist.conversations import JACKET_EMAIL
from tests.cli.helpers import run_cli
from tests.conftest import REPO

KINDS = """\
[suggest."clarity.negative_language"]
reason = "A flat no reads as a won't: lead with what we can do."
severity = "error"
"""
REWRITES = """\
[[negative]]
pattern = '''^(?P<who>we|i)\\s+can't\\s+(?P<action>.+?)\\s+until\\s+(?P<condition>.+?)[.!]*$'''
template = "The moment {condition}, {who} will {action}."
"""
DRAFT = "We can't refund the jacket until it is back."
SHIPPED_REASON = "Says what can't be done without offering what can."
SHIPPED_REWRITE = "As soon as it is back, we can refund the jacket."


def _rubric(folder: Path, **files: str) -> Path:
    """A rubric whose ``[assist]`` names one file per keyword, written in ``assist/``."""
    (folder / "assist").mkdir(parents=True, exist_ok=True)
    lines = ["[assist]"]
    for name, text in files.items():
        (folder / "assist" / f"{name}.toml").write_text(text, encoding="utf-8")
        lines.append(f'{name} = "assist/{name}.toml"')
    path = folder / "team.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _negative(check: DraftCheck) -> tuple[str, str, str | None]:
    (found,) = [s for s in check.suggestions if s.kind == "clarity.negative_language"]
    return found.severity, found.reason, found.rewrite


# --- the default stays as it was --------------------------------------------------------


def test_team_overrides_default_rubric_unchanged() -> None:
    rubric = Rubric()
    assert "assist" not in rubric.model_dump()  # so earlier rubrics keep their version
    assert rubric_version(rubric) == DEFAULT_RUBRIC_VERSION
    assert team_rules(rubric) is load_rules()  # the process-wide tables, the very objects
    assert team_templates(rubric) is load_templates()
    checker = DraftChecker(fast=True)
    assert checker.rules is load_rules() and checker.templates is load_templates()
    assert _negative(checker.check(JACKET_EMAIL, DRAFT)) == (
        "warning",
        SHIPPED_REASON,
        SHIPPED_REWRITE,
    )


# --- read with the rubric, part of its version ------------------------------------------


def test_team_overrides_are_part_of_the_rubric_version(tmp_path: Path) -> None:
    one = load_rubric(_rubric(tmp_path / "a", kinds=KINDS))
    same = load_rubric(_rubric(tmp_path / "b", kinds=KINDS))  # elsewhere, the same content
    other = load_rubric(_rubric(tmp_path / "c", kinds=KINDS.replace("error", "info")))
    assert one.assist["kinds"].file == "assist/kinds.toml"
    assert rubric_version(one) == rubric_version(same)
    assert len({DEFAULT_RUBRIC_VERSION, rubric_version(one), rubric_version(other)}) == 3
    assert Rubric.model_validate(one.model_dump()) == one.model_copy(
        update={"assist": {"kinds": one.assist["kinds"].model_copy(update={"rubric": ""})}}
    )


@pytest.mark.parametrize(
    ("body", "needles"),
    [
        ('[assist]\nkind = "k.toml"\n', ["assist.kind: live assist has no table 'kind'"]),
        ("[assist.kinds]\nsuggest = 1\n", ["assist.kinds: name the override file"]),
        ('[assist]\nkinds = "assist/nope.toml"\n', ["assist.kinds: ", "nope.toml does not exist"]),
        ('[assist]\nrewrites = "bad.toml"\n', ["assist.rewrites: ", "bad.toml is not valid TOML"]),
    ],
)
def test_team_overrides_rubric_file_errors(tmp_path: Path, body: str, needles: list[str]) -> None:
    (tmp_path / "bad.toml").write_text("[calm\n", encoding="utf-8")
    path = tmp_path / "team.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_rubric(path)
    assert str(caught.value).startswith(f"rubric {path}: assist")
    for needle in needles:
        assert needle in str(caught.value)


@pytest.mark.parametrize(
    ("name", "text", "needle"),
    [
        (
            "kinds",
            '[suggest."patience.blame"]\nreason = "{quote} {emotion}"\n',
            'assist/kinds.toml: [suggest."patience.blame"] reason: unknown placeholder {emotion}',
        ),
        (
            "rewrites",
            "[calm]\n'like i said' = ['to recap']\n",
            "assist/rewrites.toml: [calm] 'like i said' must be a non-empty text",
        ),
    ],
)
def test_team_overrides_errors_name_rubric_file_and_key(
    tmp_path: Path, name: str, text: str, needle: str
) -> None:
    path = _rubric(tmp_path, **{name: text})
    rubric = load_rubric(path)  # the rubric layer reads the file; assist checks it
    with pytest.raises(ConfigError) as caught:
        DraftChecker(rubric, fast=True)
    assert str(caught.value) == str(caught.value).strip()
    assert str(caught.value).startswith(f"rubric {path}: assist.{name}: {needle}")


def test_team_overrides_bad_file_on_the_command_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _rubric(tmp_path, kinds='[suggest."clarity.jargonn"]\nreason = "x"\n')
    conversation = tmp_path / "jacket.jsonl"
    conversation.write_text(json.dumps(conversation_to_dict(JACKET_EMAIL)) + "\n")
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    result = run_cli(
        capsys, "check", "-c", str(conversation), "-d", str(draft), "--fast", "--rubric", str(path)
    )
    assert result.code == 2
    assert f"rubric {path}: assist.kinds: assist/kinds.toml: [suggest." in " ".join(
        result.err.split()
    )
    assert "Traceback" not in result.err


# --- overrides change live assist, and stay with their rubric ----------------------------


def test_team_overrides_change_reason_and_rewrite(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _rubric(tmp_path, kinds=KINDS, rewrites=REWRITES)
    team = DraftChecker(load_rubric(path), fast=True)
    assert _negative(team.check(JACKET_EMAIL, DRAFT)) == (
        "error",
        "A flat no reads as a won't: lead with what we can do.",
        "The moment it is back, we will refund the jacket.",
    )
    conversation = tmp_path / "jacket.jsonl"
    conversation.write_text(json.dumps(conversation_to_dict(JACKET_EMAIL)) + "\n")
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    args = ["check", "-c", str(conversation), "-d", str(draft), "--fast", "--json"]
    for extra, want in (([], SHIPPED_REASON), (["--rubric", str(path)], "A flat no reads")):
        result = run_cli(capsys, *args, *extra)
        assert result.code == 0, result.err
        suggestions = json.loads(result.out)["suggestions"]
        (found,) = [s for s in suggestions if s["kind"] == "clarity.negative_language"]
        assert found["reason"].startswith(want)


def test_team_overrides_two_rubrics_in_one_process_do_not_leak(tmp_path: Path) -> None:
    first = load_rubric(_rubric(tmp_path / "a", kinds=KINDS))
    second = load_rubric(_rubric(tmp_path / "b", rewrites=REWRITES))
    for _ in range(2):  # interleaved, after each has built its tables
        assert _negative(check_draft(JACKET_EMAIL, DRAFT, first))[:2] == (
            "error",
            "A flat no reads as a won't: lead with what we can do.",
        )
        assert _negative(check_draft(JACKET_EMAIL, DRAFT, first))[2] == SHIPPED_REWRITE
        assert _negative(check_draft(JACKET_EMAIL, DRAFT, second)) == (
            "warning",
            SHIPPED_REASON,
            "The moment it is back, we will refund the jacket.",
        )
        assert _negative(check_draft(JACKET_EMAIL, DRAFT))[1:] == (SHIPPED_REASON, SHIPPED_REWRITE)
    assert load_rules().suggest["clarity.negative_language"].reason == SHIPPED_REASON
    assert team_rules(first) is team_rules(load_rubric(tmp_path / "a" / "team.toml"))


# --- the documented example ------------------------------------------------------------


def test_team_overrides_documented_example() -> None:
    """docs/examples/assist/ loads and does what docs/assist.md says it does."""
    rubric = load_rubric(REPO / "docs" / "examples" / "assist" / "rubric.toml")
    checker = DraftChecker(rubric, fast=True)
    draft = (
        "Unfortunately we can't offer a refund on clearance items. That's not my problem. "
        "Have a great weekend!"
    )
    result = checker.check(JACKET_EMAIL, draft)
    by_kind = {s.kind: s for s in result.suggestions}
    negative = by_kind["clarity.negative_language"]
    assert negative.severity == "error"
    assert negative.rewrite == (
        "Clearance items are final, and what we can offer is [an exchange or store credit]."
    )
    assert by_kind["patience.dismissive"].rewrite == "That's something I'll sort out for you"
    assert by_kind["empathy.missing"].rewrite is not None
    assert "that's a real let-down: your Ridgeline jacket" in by_kind["empathy.missing"].rewrite
    assert {p.reason for p in result.good} >= {"Signs off like one of our stores would."}
    dispatch = checker.check(JACKET_EMAIL, "We can't ship it until dispatch day.")
    assert _negative(dispatch)[2] == "We can ship it on dispatch day."
    assert "clarity.hard_to_read" not in checker.rules.suggest


# --- a team's pattern that backtracks cannot stall a check --------------------------------

SLOW = """\
[[negative]]
pattern = '''^(?P<who>we|i)\\s+can't\\s+(?P<action>(?:\\w|\\w\\w)+)$'''
template = "{who} will {action}."
"""
"""Nested alternatives that each match one letter: on a long word that does not end the
sentence, ``re`` tries every way of splitting it (2^n) before it fails."""


def test_a_team_pattern_that_backtracks_is_cut_short_and_named_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from servicecoach.assist import templates

    monkeypatch.setattr(templates, "_warned", set())  # warned once per process: start afresh
    team = DraftChecker(load_rubric(_rubric(tmp_path, rewrites=SLOW)), fast=True)
    draft = "We can't " + "refund" * 12 + " the jacket until it is back."
    with caplog.at_level("WARNING", logger="servicecoach.assist.templates"):
        first = team.check(JACKET_EMAIL, draft)
        second = team.check(JACKET_EMAIL, draft)
    # the team's pattern counts as not matching; the shipped ones still rewrite the draft
    assert _negative(first)[2] == _negative(second)[2] is not None
    assert "refund" in str(_negative(first)[2])
    warnings = [r.getMessage() for r in caplog.records if "rewrite pattern" in r.getMessage()]
    assert len(warnings) == 1  # once per pattern, not once per check
    assert "ran over 50 ms" in warnings[0] and "(?:\\w|\\w\\w)+" in warnings[0]
