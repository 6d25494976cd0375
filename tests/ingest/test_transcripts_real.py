"""Whisper output recorded by another project (../shared/formats/whisper/), read right.

Skipped when ../shared/formats is absent. Amazon's Transcribe examples are tested in
test_aws.py, caption files in test_captions.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servicecoach.ingest.base import ImportOptions
from servicecoach.ingest.registry import detect_format, importers
from servicecoach.ingest.transcripts import WhisperImporter
from servicecoach.model.conversation import Role
from servicecoach.testing import read_all

FORMATS = Path(__file__).resolve().parents[2].parent / "shared" / "formats"


@pytest.fixture
def whisper_file() -> Path:
    path = FORMATS / "whisper" / "ajinkya_whisper_wordts.json"
    if not path.exists():
        pytest.skip(f"{path} is absent (real export files live in ../shared/formats)")
    return path


def test_transcripts_real_whisper_word_timestamps(whisper_file: Path) -> None:
    assert detect_format(whisper_file, importers().values()).name == "whisper"
    document = json.loads(whisper_file.read_text(encoding="utf-8"))
    conversations, problems = read_all(WhisperImporter(), [whisper_file])
    assert problems == []
    [call] = conversations
    assert call.id == "call-ajinkya_whisper_wordts"
    # Plain Whisper does not say who spoke: one turn, never scored as the agent's.
    [turn] = call.messages
    assert (turn.author, turn.role) == ("speaker", Role.SYSTEM)
    assert call.meta["diarised"] is False and call.meta["language"] == "en"
    assert (turn.start_s, turn.end_s, call.meta["duration_s"]) == (0.66, 29.7, 29.7)
    assert turn.text == document["text"].strip()  # every segment once, in order
    assert turn.text.count("Jane? Mark?") == 1


def test_transcripts_real_whisper_mapped_speaker(whisper_file: Path) -> None:
    options = ImportOptions(speaker_roles={"speaker": Role.AGENT})
    [call], _ = read_all(WhisperImporter(), [whisper_file], options)
    assert call.messages[0].role is Role.AGENT
    assert call.meta["roles_from"] == "speaker_option"
