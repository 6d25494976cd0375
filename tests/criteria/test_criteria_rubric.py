"""Rubric ``[criteria.NAME]`` tables: validated strictly, errors naming the file and the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servicecoach.errors import ConfigError
from servicecoach.rubric import MIN_EXAMPLES, load_rubric
from tests.criteria.helpers import MEETS, MISSES, write_rubric

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "criteria"


def _table(**keys: object) -> str:
    lines = ["[criteria.offers_remedy]", 'label = "Offers a refund"']
    lines += [f"{key} = {json.dumps(value)}" for key, value in keys.items()]
    return "\n".join(lines) + "\n"


def test_criteria_rubric_loads_inline_examples(tmp_path: Path) -> None:
    rubric = load_rubric(write_rubric(tmp_path, _table(meets=MEETS, misses=MISSES, polarity=-1)))
    found = rubric.criteria["offers_remedy"]
    assert (found.label, found.polarity, found.meets, found.phrases) == (
        "Offers a refund",
        -1,
        MEETS,
        [],
    )


def test_criteria_rubric_reads_examples_file_beside_it(tmp_path: Path) -> None:
    (tmp_path / "remedy.toml").write_text(
        f"meets = {json.dumps(MEETS[2:])}\nmisses = {json.dumps(MISSES)}\n", encoding="utf-8"
    )
    rubric = load_rubric(write_rubric(tmp_path, _table(examples="remedy.toml", meets=MEETS[:2])))
    assert rubric.criteria["offers_remedy"].meets == MEETS  # inline first, then the file's


def test_criteria_rubric_example_in_docs_loads() -> None:
    rubric = load_rubric(EXAMPLES / "rubric.toml")
    assert set(rubric.criteria) == {"offers_remedy", "mentions_competitor"}
    assert all(len(c.meets) >= 30 and len(c.misses) >= 30 for c in rubric.criteria.values())


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (_table(meets=MEETS[:3], misses=MISSES), f"meets has 3 distinct sentences; give at least {MIN_EXAMPLES}"),
        (_table(meets=MEETS, misses=MISSES[:1] * 9), "misses has 1 distinct sentences"),
        (_table(meets=MEETS, misses=MISSES, colour="red"), "criteria.offers_remedy.colour: unknown key (known: label, description"),
        (_table(meets=MEETS, misses=[*MISSES, MEETS[0]]), "in both meets and misses"),
        (_table(meets=MEETS, misses=MISSES, polarity=2), "criteria.offers_remedy.polarity"),
        (_table(meets=[*MEETS, " "], misses=MISSES), "criteria.offers_remedy.meets: empty text"),
        (_table(examples="nowhere.toml"), "criteria.offers_remedy.examples: "),
        (_table(examples="nowhere.toml"), "nowhere.toml does not exist"),
        (
            _table(meets=MEETS, misses=MISSES).replace("offers_remedy", "Offers-Remedy"),
            "criterion name 'Offers-Remedy' must be lower-case letters and underscores",
        ),
        ("[criteria.offers_remedy]\nmeets = []\n", "criteria.offers_remedy.label: Field required"),
    ],
)  # fmt: skip
def test_criteria_rubric_errors_name_file_and_key(tmp_path: Path, body: str, expected: str) -> None:
    path = write_rubric(tmp_path, body)
    with pytest.raises(ConfigError) as caught:
        load_rubric(path)
    assert f"rubric {path}" in str(caught.value)
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("meets = [\n", "is not valid TOML"),
        ('meets = ["a"]\nphrases = ["b"]\n', "unknown key 'phrases' (an examples file holds"),
        ("meets = 3\n", "meets must be a list of sentences"),
    ],
)
def test_criteria_rubric_bad_examples_file(tmp_path: Path, content: str, expected: str) -> None:
    (tmp_path / "remedy.toml").write_text(content, encoding="utf-8")
    path = write_rubric(tmp_path, _table(examples="remedy.toml"))
    with pytest.raises(ConfigError) as caught:
        load_rubric(path)
    message = str(caught.value)
    assert f"rubric {path}: criteria.offers_remedy.examples" in message
    assert "remedy.toml" in message and expected in message
