"""Deepgram responses: utterances, paragraphs, words, channels; roles from what was said.

Every file here is written for these tests in the shape of Deepgram's documented
``/v1/listen`` response.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import servicecoach
from servicecoach.ingest.base import ImportOptions
from servicecoach.ingest.transcripts import (
    AwsTranscribeImporter,
    DeepgramImporter,
    WhisperImporter,
)
from servicecoach.model.conversation import Conversation, Role
from servicecoach.testing import read_all

SAMPLE = Path(servicecoach.__file__).parent / "samples" / "calls" / "roaming-charge.json"
DEEPGRAM = DeepgramImporter()
A, C, S = Role.AGENT, Role.CUSTOMER, Role.SYSTEM

GREETING = "Thanks for calling Northwind, how can I help?"
PROBLEM = "Hi, I have a problem with my invoice."


def _one(path: Path, options: ImportOptions | None = None) -> Conversation:
    conversations, problems = read_all(DEEPGRAM, [path], options)
    assert problems == []
    [call] = conversations
    return call


def _write(results: dict[str, Any], tmp_path: Path, channels: int = 1) -> Path:
    document = {"metadata": {"request_id": "r-1", "duration": 9.5, "channels": channels}}
    path = tmp_path / "call-77.json"
    path.write_text(json.dumps({**document, "results": results}), encoding="utf-8")
    return path


def _words(text: str, start: float, speaker: int | None) -> list[dict[str, Any]]:
    words = []
    for index, word in enumerate(text.split()):
        entry: dict[str, Any] = {
            "word": word.strip(",.?!").lower(),
            "punctuated_word": word,
            "start": start + index * 0.3,
            "end": start + index * 0.3 + 0.25,
        }
        if speaker is not None:
            entry["speaker"] = speaker
        words.append(entry)
    return words


def test_deepgram_sample() -> None:
    head = SAMPLE.read_bytes()
    assert DEEPGRAM.detect(SAMPLE, head) == 95
    assert AwsTranscribeImporter().detect(SAMPLE, head) == 0
    assert WhisperImporter().detect(SAMPLE, head) == 0
    call = _one(SAMPLE)
    assert call.id == "call-roaming-charge"
    assert call.source == "deepgram"
    assert len(call) == 7
    assert [m.author for m in call.messages[:2]] == ["speaker_0", "speaker_1"]
    assert [m.role for m in call] == [C, A, C, A, C, A, C]  # the customer speaks first
    assert call.meta["roles_from"] == "content"
    assert call.meta["roles_note"].startswith("speaker speaker_1 taken as the agent")
    assert (call.messages[0].start_s, call.messages[-1].end_s) == (0.32, 32.4)
    assert call.messages[0].text == (
        "Hello, is this Northwind Mobile? I have a problem with my phone bill."
    )
    assert call.meta["language"] == "en"
    assert call.meta["model"] == "general-nova-3"
    assert call.meta["request_id"].startswith("3f9c2a5e")


def test_deepgram_speaker_option_overrides(tmp_path: Path) -> None:
    call = _one(SAMPLE, ImportOptions(speaker_roles={"speaker_0": A}))
    assert [m.role for m in call][:2] == [A, C]
    assert call.meta["roles_from"] == "speaker_option"


def test_deepgram_paragraphs_when_no_utterances(tmp_path: Path) -> None:
    paragraphs = [
        {"sentences": [{"text": PROBLEM, "start": 0.2, "end": 2.0}], "speaker": 0,
         "start": 0.2, "end": 2.0},
        {"sentences": [{"text": "Thanks for calling Northwind.", "start": 2.5, "end": 3.5},
                       {"text": "How can I help?", "start": 3.5, "end": 4.4}],
         "speaker": 1, "start": 2.5, "end": 4.4},
    ]  # fmt: skip
    alternative = {"transcript": "...", "paragraphs": {"paragraphs": paragraphs}}
    call = _one(_write({"channels": [{"alternatives": [alternative]}]}, tmp_path))
    assert [(m.author, m.role, m.start_s, m.end_s, m.text) for m in call] == [
        ("speaker_0", C, 0.2, 2.0, PROBLEM),
        ("speaker_1", A, 2.5, 4.4, "Thanks for calling Northwind. How can I help?"),
    ]


def test_deepgram_words_when_no_paragraphs(tmp_path: Path) -> None:
    words = _words(GREETING, 0.0, 0) + _words(PROBLEM, 4.0, 1)
    call = _one(_write({"channels": [{"alternatives": [{"words": words}]}]}, tmp_path))
    assert [(m.author, m.role, m.text) for m in call] == [
        ("speaker_0", A, GREETING),
        ("speaker_1", C, PROBLEM),
    ]


def test_deepgram_multichannel_speakers_are_channels(tmp_path: Path) -> None:
    channels = [
        {"alternatives": [{"words": _words(PROBLEM, 0.5, 0)}]},
        {"alternatives": [{"words": _words(GREETING, 3.0, 0)}]},
    ]
    call = _one(_write({"channels": channels}, tmp_path, channels=2))
    assert [(m.author, m.role) for m in call] == [("channel_0", C), ("channel_1", A)]


def test_deepgram_multichannel_utterances(tmp_path: Path) -> None:
    utterances = [
        {"start": 0.0, "end": 2.0, "channel": 1, "speaker": 0, "transcript": GREETING},
        {"start": 2.5, "end": 4.0, "channel": 0, "speaker": 0, "transcript": PROBLEM},
    ]
    channels = [{"alternatives": [{"transcript": "a"}]}, {"alternatives": [{"transcript": "b"}]}]
    call = _one(_write({"channels": channels, "utterances": utterances}, tmp_path, 2))
    assert [(m.author, m.role) for m in call] == [("channel_1", A), ("channel_0", C)]


def test_deepgram_without_diarisation_is_one_system_turn(tmp_path: Path) -> None:
    words = _words(GREETING, 0.0, None) + _words(PROBLEM, 4.0, None)
    call = _one(_write({"channels": [{"alternatives": [{"words": words}]}]}, tmp_path))
    [turn] = call.messages
    assert (turn.author, turn.role, turn.text) == ("speaker", S, f"{GREETING} {PROBLEM}")
    assert call.meta["diarised"] is False


def test_deepgram_transcript_only(tmp_path: Path) -> None:
    alternative = {"transcript": GREETING, "words": []}
    call = _one(_write({"channels": [{"alternatives": [alternative]}]}, tmp_path))
    [turn] = call.messages
    assert (turn.start_s, turn.end_s, turn.text, turn.role) == (0.0, 9.5, GREETING, S)


def test_deepgram_empty_response_is_a_call_without_messages(tmp_path: Path) -> None:
    call = _one(_write({"channels": [{"alternatives": [{"transcript": ""}]}]}, tmp_path))
    assert call.messages == ()


def test_deepgram_bad_records_reported(tmp_path: Path) -> None:
    utterances: list[Any] = [
        {"start": 0.0, "end": 2.0, "speaker": 0, "transcript": GREETING},
        "junk",
        {"start": 3.0, "end": 2.0, "speaker": 1, "transcript": "Backwards."},
        {"start": 3.0, "end": 4.0, "speaker": 1, "transcript": "  "},
        {"start": "x", "end": 4.0, "speaker": 1, "transcript": "No time."},
        {"start": 5.0, "end": 6.0, "speaker": 1, "transcript": PROBLEM},
    ]
    conversations, problems = read_all(DEEPGRAM, [_write({"utterances": utterances}, tmp_path)])
    assert [p.location for p in problems] == [f"results.utterances[{i}]" for i in (1, 2, 3, 4)]
    [call] = conversations
    assert [m.text for m in call] == [GREETING, PROBLEM]


def test_deepgram_bad_channel_reported(tmp_path: Path) -> None:
    channels: list[Any] = [{"alternatives": []}, "junk"]
    conversations, problems = read_all(DEEPGRAM, [_write({"channels": channels}, tmp_path, 2)])
    assert [p.location for p in problems] == ["results.channels[0]", "results.channels[1]"]
    assert conversations[0].messages == ()


def test_deepgram_no_results(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"metadata": {}, "results": []}', encoding="utf-8")
    conversations, [problem] = read_all(DEEPGRAM, [path])
    assert conversations == [] and "no 'results' object" in problem.message


@pytest.mark.parametrize(
    ("head", "score"),
    [
        (b'{"metadata": {"request_id": "x"}, "results": {"channels": [{"alternatives": []}]}}', 95),
        (b'{"results": {"utterances": []}}', 85),
        (b'{"jobName": "j", "results": {"items": [{"alternatives": []}]}}', 0),
        (b'{"results": {"channel_labels": {"channels": []}, "items": [{"alternatives": []}]}}', 0),
        (b'{"segments": [], "results": {"channels": [{"alternatives": []}]}}', 95 - 10),
        (b'{"results": {"foo": 1}}', 0),
        (b"[1]", 0),
    ],
)
def test_deepgram_detect(head: bytes, score: int) -> None:
    assert DEEPGRAM.detect(Path("x.json"), head) == score
