"""The labels file: documented shape, every bad line named with its number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servicecoach.errors import ConfigError, ImportFailed, InvalidFileError
from servicecoach.evaluation.labels import MessageLabel, ScoreLabel, load_labels, parse_label


def _write(path: Path, *lines: object) -> Path:
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n",
        encoding="utf-8",
    )
    return path


def test_reads_message_and_conversation_labels(tmp_path: Path) -> None:
    labels = load_labels(
        _write(
            tmp_path / "labels.jsonl",
            {"conversation": "c1", "message": "m2", "signals": {"listening.question": True}},
            {"conversation": "c1", "message": "m1", "emotion": "anger", "sentiment": "negative"},
            "",
            {
                "conversation": "c2",
                "scores": {"empathy": 80, "satisfaction": -1.5},
                "resolved": True,
            },
        )
    )
    assert len(labels) == 3
    assert labels.conversation_ids == {"c1", "c2"}
    assert labels.messages["c1"][0] == MessageLabel(
        "c1", "m2", {"listening.question": True}, line=1
    )
    assert labels.conversations["c2"] == [
        ScoreLabel("c2", {"empathy": 80.0, "satisfaction": -1.5}, True, line=4)
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1], "JSON object"),
        ({"message": "m1", "emotion": "anger"}, '"conversation"'),
        ({"conversation": "c1", "message": "m1"}, "needs"),
        ({"conversation": "c1", "message": "m1", "emotion": "furious"}, "not one of"),
        ({"conversation": "c1", "message": "m1", "signals": {"question": True}}, "signal id"),
        ({"conversation": "c1", "message": "m1", "signals": {"a.b": "yes"}}, "true or false"),
        ({"conversation": "c1", "scores": {"kindness": 3}}, "not a skill"),
        ({"conversation": "c1", "scores": {"empathy": "high"}}, "number"),
        ({"conversation": "c1", "resolved": "yes"}, "true, false"),
        ({"conversation": "c1"}, '"scores" or "resolved"'),
        ({"conversation": "c1", "message": "m1", "emotion": "anger", "mood": 1}, "unknown keys"),
    ],
)
def test_bad_labels_say_what_is_wrong(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_label(data)


def test_bad_lines_are_reported_with_file_and_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "labels.jsonl",
        {"conversation": "c1", "message": "m1", "emotion": "anger"},
        "{not json",
        {"conversation": "c1", "message": "m1", "emotion": "livid"},
    )
    with pytest.raises(ImportFailed) as caught:
        load_labels(path)
    assert caught.value.problem_count == 2
    assert [p.line for p in caught.value.problems] == [2, 3]
    assert "labels.jsonl, line 3" in str(caught.value.problems[1])
    kept = load_labels(path, skip_invalid=True)
    assert len(kept) == 1


def test_missing_empty_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_labels(tmp_path / "nope.jsonl")
    with pytest.raises(ImportFailed, match="1 problem"):
        load_labels(_write(tmp_path / "empty.jsonl", ""))
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(InvalidFileError, match="UTF-8"):
        load_labels(binary)
