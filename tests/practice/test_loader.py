"""Scenario files: valid ones load; every mistake names the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from servicecoach.errors import NotFoundError
from servicecoach.practice import ScenarioError, find_scenario, load_scenario

VALID = """
format = 1
title = "A small scenario"
summary = "The customer's parcel is late."
channel = "chat"
skills = ["apology"]
briefing = "You work in chat support."

[persona]
name = "Kim"
mood = "annoyed"
about = "Waiting for a parcel."

[steps.opening]
customer = "My parcel is late."
model_answer = "I'm so sorry - it arrives tomorrow."
next = "thanks"

[[steps.opening.branches]]
missing = ["apology.apology"]
then = "angry"

[steps.angry]
ends = true
customer = "No apology? Goodbye."

[steps.thanks]
customer = "Thanks."
model_answer = "You're welcome!"
"""


def _write(tmp_path: Path, text: str, name: str = "my-case.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_loader_reads_a_valid_file(tmp_path: Path) -> None:
    scenario = load_scenario(_write(tmp_path, VALID))
    assert scenario.id == "my-case"
    assert scenario.paths() == [["opening", "angry"], ["opening", "thanks"]]
    assert find_scenario(str(tmp_path / "my-case.toml")) == scenario


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (("title = ", "titel = "), "titel", "unknown key"),
        (('title = "A small scenario"\n', ""), "title", "missing"),
        (('channel = "chat"', 'channel = "fax"'), "channel", "Input should be"),
        (('skills = ["apology"]', 'skills = ["apologies"]'), "skills.0", "did you mean 'apology'"),
        (('then = "angry"', 'then = "furious"'), "steps.opening.branches.0.then", "no step"),
        (('next = "thanks"', 'next = "nowhere"'), "steps.opening.next", "no step 'nowhere'"),
        (
            ('missing = ["apology.apology"]', 'missing = ["apology.apologise"]'),
            "steps.opening.branches.0.missing.0",
            "unknown signal 'apology.apologise'; did you mean 'apology.apology'",
        ),
        (('missing = ["apology.apology"]', "fired = []"), "steps.opening.branches.0", "condition"),
        (('model_answer = "You\'re welcome!"', ""), "steps.thanks.model_answer", "missing"),
        (("ends = true", 'ends = true\nnext = "thanks"'), "steps.angry", "takes no branches"),
        (("ends = true", "ends = 1"), "steps.angry.ends", "valid boolean"),
        (
            ('customer = "Thanks."', 'customer = "Thanks."\nnext = "opening"'),
            "steps.thanks",
            "loop",
        ),
        (
            ("[steps.thanks]", "[steps.extra]\ncustomer = 'x'\nends = true\n\n[steps.thanks]"),
            "steps",
            "unreachable from 'opening': extra",
        ),
        (("format = 1", 'format = 1\nid = "other"'), "id", "the id is the file's name"),
        (("[persona]\nname", "[persona]\nage = 40\nname"), "persona.age", "unknown key"),
    ],
)
def test_loader_errors_name_file_and_key(
    tmp_path: Path, change: tuple[str, str], key: str, message: str
) -> None:
    old, new = change
    assert old in VALID
    path = _write(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    text = str(caught.value)
    assert text.startswith(f"scenario {path}: ")
    assert f"{key}: " in text, text
    assert message in text, text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"title = ", "not valid TOML"),
        (b"\xff\xfe title", "not UTF-8"),
        (b"format = 1\n" + b"#" * (300 * 1024), "larger than 256 KiB"),
    ],
)
def test_loader_unreadable_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    with pytest.raises(ScenarioError, match=message):
        load_scenario(path)


def test_loader_missing_file_and_unknown_name(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        find_scenario(str(tmp_path / "absent.toml"))
    with pytest.raises(NotFoundError, match=r"no scenario 'nope'.*late-parcel-public"):
        find_scenario("nope")


def test_loader_too_many_turns(tmp_path: Path) -> None:
    steps = "".join(
        f'[steps.s{i}]\ncustomer = "m{i}"\nmodel_answer = "a{i}"\nnext = "s{i + 1}"\n\n'
        for i in range(13)
    )
    steps += '[steps.s13]\ncustomer = "end"\nends = true\n'
    head = VALID.split("[steps.opening]")[0].replace("[persona]", 'start = "s0"\n\n[persona]', 1)
    with pytest.raises(ScenarioError, match="steps: a path asks for 13 replies; at most 12"):
        load_scenario(_write(tmp_path, head + steps))
