"""Amazon Transcribe results and Call Analytics / Contact Lens output: turns, roles, markers.

Amazon's own Transcribe examples are read from ../shared/formats/aws_transcribe/ (the
tests skip when it is absent); every other file here is written for these tests, in the
shape Amazon documents.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import servicecoach
from servicecoach.ingest.base import ImportOptions
from servicecoach.ingest.transcripts import AwsCallAnalyticsImporter, AwsTranscribeImporter
from servicecoach.model.conversation import Conversation, Role
from servicecoach.testing import read_all

FORMATS = Path(__file__).resolve().parents[2].parent / "shared" / "formats" / "aws_transcribe"
SAMPLE = Path(servicecoach.__file__).parent / "samples" / "calls" / "gym-refund-0731.json"
AWS, TCA = AwsTranscribeImporter(), AwsCallAnalyticsImporter()
A, C = Role.AGENT, Role.CUSTOMER


def _shared(name: str) -> Path:
    path = FORMATS / name
    if not path.exists():
        pytest.skip(f"{path} is absent (real export files live in ../shared/formats)")
    return path


def _one(importer: Any, path: Path, options: ImportOptions | None = None) -> Conversation:
    conversations, problems = read_all(importer, [path], options)
    assert problems == []
    [call] = conversations
    return call


# ---------------------------------------------------------------------------------------
# Amazon's examples: the customer speaks first, and says so.

AMAZON = [
    ("awsdocs_diarization-output-batch.json", "spk_0", "spk_1", (4.87, 6.88), (8.49, 9.24)),
    ("awsdocs_channel-id-output-batch.json", "ch_0", "ch_1", (4.86, 6.87), (8.5, 9.25)),
]


@pytest.mark.parametrize(("name", "first", "second", "times1", "times2"), AMAZON)
def test_aws_amazon_examples_customer_speaks_first(
    name: str,
    first: str,
    second: str,
    times1: tuple[float, float],
    times2: tuple[float, float],
) -> None:
    path = _shared(name)
    assert AWS.detect(path, path.read_bytes()) == 95
    assert TCA.detect(path, path.read_bytes()) == 0
    call = _one(AWS, path)
    assert call.id == "call-my-first-transcription-job"
    assert [(m.author, m.role, m.text) for m in call] == [
        (first, C, "I've been on hold for an hour."),
        (second, A, "Sorry about that."),
    ]
    assert [(m.start_s, m.end_s) for m in call] == [times1, times2]
    assert call.meta["speakers"] == {first: "customer", second: "agent"}
    assert call.meta["roles_from"] == "content"
    note = call.meta["roles_note"]
    assert note.startswith(f"speaker {second} taken as the agent: ")
    assert f'speaker {first} states the problem ("I\'ve been on hold")' in note


@pytest.mark.parametrize(("name", "first", "second", "times1", "times2"), AMAZON)
def test_aws_amazon_examples_speaker_option_wins(
    name: str,
    first: str,
    second: str,
    times1: tuple[float, float],
    times2: tuple[float, float],
) -> None:
    call = _one(AWS, _shared(name), ImportOptions(speaker_roles={first: A}))
    assert [m.role for m in call] == [A, C]
    assert call.meta["roles_from"] == "speaker_option"


def _aws(turns: list[tuple[str, float, float, str]], tmp_path: Path) -> Path:
    """A Transcribe result with audio segments (the newer output), one per turn."""
    segments = [
        {"start_time": f"{a}", "end_time": f"{b}", "transcript": text, "speaker_label": who}
        for who, a, b, text in turns
    ]
    results = {"transcripts": [{"transcript": " ".join(t for *_, t in turns)}], "items": []}
    results["audio_segments"] = segments
    path = tmp_path / "call.json"
    path.write_text(json.dumps({"jobName": "j-1", "results": results}), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("turns", "roles", "how"),
    [
        (  # the agent greets second: customer first
            [
                ("spk_0", 0.5, 3.0, "Hi, I'd like to cancel my subscription."),
                ("spk_1", 3.5, 6.0, "Thank you for calling Northwind, this is Ada. I can help."),
            ],
            [C, A],
            "content",
        ),
        (  # an inbound call as usual: the agent answers
            [
                ("spk_0", 0.5, 3.0, "Northwind support, Ada speaking, how may I help you?"),
                ("spk_1", 3.5, 6.0, "My package arrived damaged."),
            ],
            [A, C],
            "content",
        ),
        (  # nothing tells them apart: --first-speaker (agent)
            [("spk_0", 0.5, 1.0, "Hello?"), ("spk_1", 1.5, 2.0, "Hello, yes.")],
            [A, C],
            "first_speaker",
        ),
    ],
    ids=["customer-first", "agent-first", "undecided"],
)
def test_aws_roles_from_what_was_said(
    turns: list[tuple[str, float, float, str]], roles: list[Role], how: str, tmp_path: Path
) -> None:
    call = _one(AWS, _aws(turns, tmp_path))
    assert [m.role for m in call] == roles
    assert call.meta["roles_from"] == how


# ---------------------------------------------------------------------------------------
# Call Analytics / Contact Lens


def test_aws_call_analytics_sample() -> None:
    assert TCA.detect(SAMPLE, SAMPLE.read_bytes()) == 95
    assert AWS.detect(SAMPLE, SAMPLE.read_bytes()) == 0
    call = _one(TCA, SAMPLE)
    assert call.id == "call-northwind-fitness-0731"
    assert call.source == "aws_call_analytics"
    assert [(m.author, m.role) for m in call] == [
        ("CUSTOMER", C), ("AGENT", A), ("CUSTOMER", C), ("AGENT", A),
        ("CUSTOMER", C), ("AGENT", A), ("CUSTOMER", C),
    ]  # fmt: skip
    assert call.meta["roles_from"] == "source"
    assert (call.messages[0].start_s, call.messages[-1].end_s) == (0.4, 35.8)
    assert call.messages[3].start_s == 13.4 and call.messages[3].end_s == 23.6  # two merged
    assert [m.meta.get("sentiment") for m in call] == [
        "negative", "neutral", "neutral", "positive", "positive", "positive", "positive",
    ]  # fmt: skip
    assert call.messages[0].meta["issues"] == ["I was charged twice this month"]
    assert call.messages[3].meta["outcomes"] == ["I've refunded the second payment"]
    assert call.messages[5].meta["action_items"] == ["I'll email you the refund receipt today"]
    assert call.meta["categories"] == ["billing-dispute"]
    assert call.meta["overall_sentiment"] == {"agent": 3.1, "customer": 1.4}
    assert call.meta["issues"] == ["I was charged twice this month"]
    assert call.meta["language"] == "en-US"


def _tca(turns: list[dict[str, Any]], tmp_path: Path, **top: Any) -> Path:
    path = tmp_path / "contact.json"
    path.write_text(json.dumps({"Transcript": turns, **top}), encoding="utf-8")
    return path


def _turn(role: str | None, begin: Any, end: int, content: str, **more: Any) -> dict[str, Any]:
    turn: dict[str, Any] = {"BeginOffsetMillis": begin, "EndOffsetMillis": end, "Content": content}
    if role is not None:
        turn["ParticipantRole"] = role
    return {**turn, **more}


def test_aws_call_analytics_speaker_option_overrides_the_source(tmp_path: Path) -> None:
    path = _tca([_turn("AGENT", 0, 900, "Hi."), _turn("CUSTOMER", 1000, 1900, "Hello.")], tmp_path)
    swapped = ImportOptions(speaker_roles={"agent": C, "customer": A})
    call = _one(TCA, path, swapped)
    assert [m.role for m in call] == [C, A]
    assert call.meta["roles_from"] == "speaker_option"


def test_aws_contact_lens_shape(tmp_path: Path) -> None:
    turns = [
        _turn(
            None,
            0,
            2500,
            "Thanks for calling, how can I help?",
            ParticipantId="AGENT",
            Sentiment="NEUTRAL",
        ),
        _turn(
            None,
            2600,
            5200,
            "My card was charged twice.",
            ParticipantId="CUSTOMER",
            Sentiment="NEGATIVE",
            IssuesDetected=[{"CharacterOffsets": {"BeginOffsetChar": 3, "EndOffsetChar": 25}}],
        ),
    ]
    path = _tca(turns, tmp_path, CustomerMetadata={"ContactId": "c0ffee-12", "InstanceId": "i"})
    assert TCA.detect(path, path.read_bytes()) == 95
    call = _one(TCA, path)
    assert call.id == "call-c0ffee-12" and call.meta["contact_id"] == "c0ffee-12"
    assert [m.role for m in call] == [A, C]
    assert call.messages[1].meta == {"sentiment": "negative", "issues": ["card was charged twice"]}


def test_aws_call_analytics_unknown_participant_decided_by_content(tmp_path: Path) -> None:
    turns = [
        _turn("PARTY_1", 0, 2000, "Hi, I'm calling about my refund."),
        _turn("PARTY_2", 2100, 4000, "Thanks for calling Northwind, how can I help?"),
    ]
    call = _one(TCA, _tca(turns, tmp_path, JobName="x"))
    assert [(m.author, m.role) for m in call] == [("PARTY_1", C), ("PARTY_2", A)]
    assert call.meta["roles_from"] == "content"


@pytest.mark.parametrize(
    ("sentiments", "merged"),
    [
        (["NEUTRAL", "POSITIVE"], "positive"),
        (["NEGATIVE", "NEUTRAL"], "negative"),
        (["POSITIVE", "NEGATIVE"], "mixed"),
        (["NEUTRAL", "NEUTRAL"], "neutral"),
    ],
)
def test_aws_call_analytics_merged_sentiment(
    sentiments: list[str], merged: str, tmp_path: Path
) -> None:
    turns = [
        _turn("AGENT", i * 1000, i * 1000 + 900, f"Part {i}.", Sentiment=s)
        for i, s in enumerate(sentiments)
    ]
    [message] = _one(TCA, _tca(turns, tmp_path)).messages
    assert message.text == "Part 0. Part 1."
    assert message.meta["sentiment"] == merged


def test_aws_call_analytics_bad_turns_reported(tmp_path: Path) -> None:
    turns: list[Any] = [
        _turn("AGENT", 0, 900, "Hello, Northwind."),
        "junk",
        _turn("CUSTOMER", 1000, 1900, "   "),
        _turn("CUSTOMER", 3000, 2000, "Backwards."),
        _turn("CUSTOMER", "soon", 2000, "No time."),
        _turn(
            "CUSTOMER",
            4000,
            4900,
            "Hi there.",
            IssuesDetected=[{"CharacterOffsets": {"Begin": "x", "End": 3}}, "junk"],
        ),
    ]
    conversations, problems = read_all(TCA, [_tca(turns, tmp_path)])
    assert [p.location for p in problems] == [f"Transcript[{i}]" for i in (1, 2, 3, 4)]
    assert all(p.message for p in problems)
    [call] = conversations
    assert [m.text for m in call] == ["Hello, Northwind.", "Hi there."]
    assert "issues" not in call.messages[1].meta  # an unreadable marker is left out


@pytest.mark.parametrize(
    ("document", "needle"),
    [
        ({"JobStatus": "IN_PROGRESS", "Transcript": None}, "its JobStatus is IN_PROGRESS"),
        ([1, 2], "not an object"),
    ],
)
def test_aws_call_analytics_unreadable_file(document: Any, needle: str, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    conversations, [problem] = read_all(TCA, [path])
    assert conversations == [] and needle in str(problem)


@pytest.mark.parametrize(
    ("head", "score"),
    [
        (b'{"JobStatus": "COMPLETED", "Transcript": [{"ParticipantRole": "AGENT"}]}', 95),
        (b'{"Transcript": [{"BeginOffsetMillis": 1}]}', 80),
        (b'{"jobName": "j", "results": {"transcripts": [{"Transcript": 1}]}}', 0),
        (b'{"Transcript": "just text"}', 0),
        (b'{"tickets": [], "Transcript": [{"ParticipantRole": "AGENT"}]}', 0),
    ],
)
def test_aws_call_analytics_detect(head: bytes, score: int) -> None:
    assert TCA.detect(Path("x.json"), head) == score
