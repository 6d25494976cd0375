"""Call-transcript importers: WebVTT, SRT, AWS Transcribe and Whisper/WhisperX JSON."""

from __future__ import annotations

import json
import string
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import servicecoach
from servicecoach.errors import ConfigError, InvalidFileError, Problem
from servicecoach.ingest import transcripts
from servicecoach.ingest.base import HEAD_BYTES, Importer, ImportOptions, Source
from servicecoach.ingest.transcripts import (
    AwsCallAnalyticsImporter,
    AwsTranscribeImporter,
    DeepgramImporter,
    SrtImporter,
    WebVttImporter,
    WhisperImporter,
    aws,
    aws_analytics,
    calls,
    captions,
    deepgram,
    jsondoc,
    roles,
    srt,
    turns,
    vtt,
    whisper,
)
from servicecoach.ingest.transcripts.turns import Segment, build_call
from servicecoach.model.conversation import Channel, Conversation, Customer, Role
from servicecoach.model.native import conversation_from_dict, conversation_to_dict
from servicecoach.testing import read_all

SAMPLES = Path(servicecoach.__file__).parent / "samples"
CALLS = SAMPLES / "calls"
DATA = Path(__file__).parent.parent / "data" / "calls"

VTT, SRT, AWS, WHISPER = WebVttImporter(), SrtImporter(), AwsTranscribeImporter(), WhisperImporter()
TCA, DEEPGRAM = AwsCallAnalyticsImporter(), DeepgramImporter()
IMPORTERS: dict[str, Importer] = {i.name: i for i in (VTT, SRT, AWS, WHISPER, TCA, DEEPGRAM)}

# ---------------------------------------------------------------------------------------
# Writers: the same spoken segments in each format, so behaviour is tested for all four.
# A spec segment is (speaker index, start ms, end ms, text).

Spec = Sequence[tuple[int, int, int, str]]
LABELS = {
    "vtt": ("Sam Ortiz", "Dana Reyes"),
    "srt": ("Sam Ortiz", "Dana Reyes"),
    "aws_transcribe": ("spk_0", "spk_1"),
    "whisper": ("SPEAKER_00", "SPEAKER_01"),
}


def _clock(ms: int, sep: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{sep}{millis:03d}"


def write_vtt(spec: Spec) -> str:
    labels = LABELS["vtt"]
    cues = [
        f"{n}\n{_clock(a, '.')} --> {_clock(b, '.')}\n<v {labels[s]}>{text}</v>"
        for n, (s, a, b, text) in enumerate(spec, start=1)
    ]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def write_srt(spec: Spec) -> str:
    labels = LABELS["srt"]
    cues = [
        f"{n}\n{_clock(a, ',')} --> {_clock(b, ',')}\n{labels[s]}: {text}"
        for n, (s, a, b, text) in enumerate(spec, start=1)
    ]
    return "\n\n".join(cues) + "\n"


def write_aws(spec: Spec) -> str:
    labels = LABELS["aws_transcribe"]
    items: list[dict[str, object]] = []
    segments = []
    for s, a, b, text in spec:
        words = text.split()
        bounds = [a + (b - a) * k // len(words) for k in range(len(words))] + [b]
        seg_items = []
        for k, word in enumerate(words):
            start, end = f"{bounds[k] / 1000:.3f}", f"{bounds[k + 1] / 1000:.3f}"
            items.append(
                {
                    "start_time": start,
                    "end_time": end,
                    "type": "pronunciation",
                    "alternatives": [{"confidence": "0.98", "content": word}],
                }
            )
            seg_items.append({"start_time": start, "end_time": end, "speaker_label": labels[s]})
        segments.append(
            {
                "start_time": f"{a / 1000:.3f}",
                "end_time": f"{b / 1000:.3f}",
                "speaker_label": labels[s],
                "items": seg_items,
            }
        )
    transcript = " ".join(text for *_, text in spec)
    results = {
        "transcripts": [{"transcript": transcript}],
        "speaker_labels": {"speakers": 2, "segments": segments},
        "items": items,
    }
    return json.dumps({"jobName": "job-7", "results": results}, ensure_ascii=False)


def write_whisper(spec: Spec) -> str:
    labels = LABELS["whisper"]
    segments = [
        {"id": i, "start": a / 1000, "end": b / 1000, "text": " " + text, "speaker": labels[s]}
        for i, (s, a, b, text) in enumerate(spec)
    ]
    return json.dumps({"segments": segments, "language": "en"}, ensure_ascii=False)


WRITERS: dict[str, tuple[str, Callable[[Spec], str]]] = {
    "vtt": (".vtt", write_vtt),
    "srt": (".srt", write_srt),
    "aws_transcribe": (".json", write_aws),
    "whisper": (".json", write_whisper),
}
FORMATS = list(WRITERS)


def read_spec(
    fmt: str, spec: Spec, folder: Path, options: ImportOptions | None = None
) -> tuple[list[Conversation], list[Problem]]:
    suffix, writer = WRITERS[fmt]
    path = folder / f"call{suffix}"
    path.write_text(writer(spec), encoding="utf-8")
    return read_all(IMPORTERS[fmt], [path], options)


def read_one(
    fmt: str, spec: Spec, folder: Path, options: ImportOptions | None = None
) -> Conversation:
    conversations, problems = read_spec(fmt, spec, folder, options)
    assert problems == []
    assert len(conversations) == 1
    return conversations[0]


def read_text(
    importer: Importer, text: str, folder: Path, name: str = "call.txt"
) -> tuple[list[Conversation], list[Problem]]:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return read_all(importer, [path])


# ---------------------------------------------------------------------------------------
# Bundled samples


@pytest.mark.parametrize(
    ("importer", "name", "conv_id", "count", "first", "second", "language"),
    [
        (VTT, "tent-pole.vtt", "call-tent-pole", 11, "Sam Ortiz", "Dana Reyes", None),
        (SRT, "boot-sizing.srt", "call-boot-sizing", 8, "Priya Nair", "Mei Lin", None),
        (AWS, "billing-0412.json", "call-northwind-billing-0412", 10, "spk_0", "spk_1", None),
        (WHISPER, "login-trouble.json", "call-login-trouble", 8, "SPEAKER_00", "SPEAKER_01", "en"),
    ],
)
def test_transcripts_samples_read_cleanly(
    importer: Importer,
    name: str,
    conv_id: str,
    count: int,
    first: str,
    second: str,
    language: str | None,
) -> None:
    conversations, problems = read_all(importer, [CALLS / name])
    assert problems == []
    [call] = conversations
    assert call.id == conv_id
    assert call.source == importer.name
    assert call.channel is Channel.PHONE
    assert call.public is False
    assert call.customer == Customer()
    assert len(call) == count
    assert call.meta["speakers"] == {first: "agent", second: "customer"}
    assert call.meta["diarised"] is True
    assert call.meta.get("language") == language
    assert call.meta["duration_s"] == max(m.end_s or 0.0 for m in call)
    json.dumps(dict(call.meta))
    assert [m.id for m in call] == [f"m{i}" for i in range(1, count + 1)]
    for index, message in enumerate(call):
        assert message.role is (Role.AGENT if index % 2 == 0 else Role.CUSTOMER)
        assert message.author == (first if index % 2 == 0 else second)
        assert message.at is None and message.end is None
        assert message.start_s is not None and message.end_s is not None
        assert message.start_s <= message.end_s
        assert message.text and message.text == message.text.strip()
    starts = [m.start_s or 0.0 for m in call]
    assert starts == sorted(starts)


def test_transcripts_samples_survive_native_format() -> None:
    importers = [VTT, SRT, AWS, WHISPER]
    names = ["tent-pole.vtt", "boot-sizing.srt", "billing-0412.json", "login-trouble.json"]
    for importer, name in zip(importers, names, strict=True):
        [call], _ = read_all(importer, [CALLS / name])
        data = json.loads(json.dumps(conversation_to_dict(call)))
        assert conversation_from_dict(data) == call


def test_transcripts_one_call_per_file() -> None:
    paths = [CALLS / "tent-pole.vtt", DATA / "bad-cues.vtt", DATA / "empty.vtt"]
    conversations, _ = read_all(VTT, paths)
    assert [c.id for c in conversations] == ["call-tent-pole", "call-bad-cues", "call-empty"]


def test_transcripts_vtt_sample_overlap_kept() -> None:
    [call], _ = read_all(VTT, [CALLS / "tent-pole.vtt"])
    dana, sam = call.messages[3], call.messages[4]
    assert (dana.author, sam.author) == ("Dana Reyes", "Sam Ortiz")
    assert sam.start_s == 29.15 and dana.end_s == 30.26  # Sam talks over her
    assert dana.text.endswith("ten days and")
    assert "&" in call.messages[6].text and "&amp;" not in call.messages[6].text
    assert call.messages[9].text.endswith("🙏")


def test_transcripts_srt_sample_unprefixed_cue_continues_speaker() -> None:
    [call], _ = read_all(SRT, [CALLS / "boot-sizing.srt"])
    mei = call.messages[3]
    assert mei.author == "Mei Lin"
    assert mei.text == (
        "Usually a 38, but my feet swell on long hikes. And I'll be wearing thick wool socks."
    )
    assert (mei.start_s, mei.end_s) == (14.7, 21.6)
    assert "Tip: if it feels roomy" in call.messages[4].text  # only the first prefix goes


def test_transcripts_whisper_sample_majority_word_speaker() -> None:
    [call], _ = read_all(WHISPER, [CALLS / "login-trouble.json"])
    assert call.messages[3].author == "SPEAKER_01"  # its segment has no speaker, its words do
    assert call.messages[3].text == "It's dana dot reyes at example dot com."


# ---------------------------------------------------------------------------------------
# Shared behaviour, table-driven over the four formats


@pytest.mark.parametrize("fmt", FORMATS)
def test_transcripts_merges_consecutive_same_speaker(fmt: str, tmp_path: Path) -> None:
    spec = [
        (0, 500, 2000, "Northwind Outfitters, Sam speaking."),
        (0, 2000, 3500, "How can I help?"),
        (1, 4000, 6000, "My tent pole snapped."),
        (0, 6500, 8000, "Sorry to hear that."),
        (0, 8200, 9900, "Let me send a new one."),
    ]
    call = read_one(fmt, spec, tmp_path)
    first, second = LABELS[fmt]
    assert [(m.author, m.start_s, m.end_s, m.text) for m in call] == [
        (first, 0.5, 3.5, "Northwind Outfitters, Sam speaking. How can I help?"),
        (second, 4.0, 6.0, "My tent pole snapped."),
        (first, 6.5, 9.9, "Sorry to hear that. Let me send a new one."),
    ]
    assert call.meta["duration_s"] == 9.9


@pytest.mark.parametrize("fmt", FORMATS)
def test_transcripts_float_times(fmt: str, tmp_path: Path) -> None:
    spec = [(0, 1234, 5678, "Hello there."), (1, 3_723_456, 3_725_001, "Hi.")]
    call = read_one(fmt, spec, tmp_path)
    assert [(m.start_s, m.end_s) for m in call] == [(1.234, 5.678), (3723.456, 3725.001)]
    assert all(isinstance(m.start_s, float) for m in call)


@pytest.mark.parametrize("fmt", FORMATS)
def test_transcripts_overlap_kept(fmt: str, tmp_path: Path) -> None:
    spec = [
        (1, 0, 5000, "I have been waiting three weeks for this"),
        (0, 4000, 6000, "I understand, sorry"),
        (1, 6500, 7000, "Okay."),
    ]
    call = read_one(fmt, spec, tmp_path)
    customer, agent, _ = call.messages
    assert (customer.start_s, customer.end_s) == (0.0, 5.0)
    assert (agent.start_s, agent.end_s) == (4.0, 6.0)
    assert agent.start_s is not None and customer.end_s is not None
    assert agent.start_s < customer.end_s
    # The customer speaks first, and says so ("I have been waiting"): roles from content.
    assert [m.role for m in call] == [Role.CUSTOMER, Role.AGENT, Role.CUSTOMER]
    assert call.meta["roles_from"] == "content"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (ImportOptions(), (Role.AGENT, Role.CUSTOMER)),
        (ImportOptions(first_speaker=Role.CUSTOMER), (Role.CUSTOMER, Role.AGENT)),
        (
            ImportOptions(speaker_roles={"#1": Role.AGENT, "#0": Role.CUSTOMER}),
            (Role.CUSTOMER, Role.AGENT),
        ),
        (ImportOptions(speaker_roles={"#0": Role.CUSTOMER}), (Role.CUSTOMER, Role.AGENT)),
        (ImportOptions(speaker_roles={"#1": Role.BOT}), (Role.AGENT, Role.BOT)),
        (ImportOptions(speaker_roles={"#0!": Role.CUSTOMER}), (Role.CUSTOMER, Role.AGENT)),
    ],
    ids=["default", "first-customer", "map-both", "map-first", "map-second", "map-any-case"],
)
def test_transcripts_speaker_mapping(
    fmt: str, options: ImportOptions, expected: tuple[Role, Role], tmp_path: Path
) -> None:
    labels = LABELS[fmt]

    def label(key: str) -> str:
        name = labels[int(key[1])]
        return name.upper() if key.endswith("!") else name

    roles = {label(key): role for key, role in options.speaker_roles.items()}
    options = ImportOptions(speaker_roles=roles, first_speaker=options.first_speaker)
    spec = [(0, 0, 1000, "Hello."), (1, 1500, 2500, "Hi."), (0, 3000, 3500, "Bye.")]
    call = read_one(fmt, spec, tmp_path, options)
    assert [m.role for m in call] == [expected[0], expected[1], expected[0]]
    assert call.meta["speakers"] == {labels[0]: expected[0].value, labels[1]: expected[1].value}


@pytest.mark.parametrize("fmt", FORMATS)
def test_transcripts_unicode_and_long_text(fmt: str, tmp_path: Path) -> None:
    long = " ".join(["pole"] * 5000)
    spec = [(0, 0, 1000, "Café ünïcode 😀 ok"), (1, 1000, 600_000, long)]
    call = read_one(fmt, spec, tmp_path)
    assert call.messages[0].text == "Café ünïcode 😀 ok"
    assert call.messages[1].text == long


@pytest.mark.parametrize(
    ("importer", "name"),
    [(VTT, "empty.vtt"), (SRT, "empty.srt")],
)
def test_transcripts_empty_caption_file_is_call_without_messages(
    importer: Importer, name: str
) -> None:
    conversations, problems = read_all(importer, [DATA / name])
    assert problems == []
    [call] = conversations
    assert call.messages == ()
    assert dict(call.meta) == {"speakers": {}, "duration_s": 0.0, "diarised": False}


@pytest.mark.parametrize(
    ("importer", "text"),
    [
        (AWS, '{"jobName": "j", "results": {"transcripts": [{"transcript": ""}], "items": []}}'),
        (WHISPER, '{"text": "", "segments": [], "language": "en"}'),
    ],
)
def test_transcripts_empty_json_is_call_without_messages(
    importer: Importer, text: str, tmp_path: Path
) -> None:
    conversations, problems = read_text(importer, text, tmp_path, "empty.json")
    assert problems == []
    [call] = conversations
    assert call.messages == ()
    assert call.meta["duration_s"] == 0.0


# ---------------------------------------------------------------------------------------
# Malformed input


@pytest.mark.parametrize(
    ("importer", "name", "locations", "texts"),
    [
        (
            VTT,
            "bad-cues.vtt",
            [
                ("cue 2, line 8", 8),
                ("cue 3, line 12", 12),
                ("cue 4, line 16", 16),
                ("cue 5, line 18", 18),
            ],
            ["Northwind Outfitters, Sam speaking.", "My tent pole arrived broken."],
        ),
        (
            SRT,
            "bad-cues.srt",
            [
                ("cue 2, line 6", 6),
                ("cue 3, line 10", 10),
                ("cue 4, line 13", 13),
                ("cue 6, line 21", 21),
            ],
            ["Northwind Outfitters, Sam speaking.", "My tent pole arrived broken."],
        ),
        (
            AWS,
            "aws-bad-items.json",
            [("results.items[5]", None), ("results.items[6]", None), ("results.items[7]", None)],
            ["Hello, Northwind.", "Hi there."],
        ),
        (
            AWS,
            "aws-audio-segments.json",
            [("results.audio_segments[2]", None)],
            [
                "Northwind billing, Priya speaking.",
                "Hi, I was charged twice.",
                "I'm sorry about that. Let me check.",
            ],
        ),
        (
            WHISPER,
            "whisper-bad-segments.json",
            [(f"segments[{i}]", None) for i in range(1, 6)],
            ["Northwind Outfitters, Sam speaking.", "My tent pole is broken."],
        ),
    ],
)
def test_transcripts_bad_records_reported_and_skipped(
    importer: Importer,
    name: str,
    locations: list[tuple[str, int | None]],
    texts: list[str],
) -> None:
    conversations, problems = read_all(importer, [DATA / name])
    assert [(p.location, p.line) for p in problems] == locations
    assert all(p.path == DATA / name and p.message for p in problems)
    [call] = conversations
    assert [m.text for m in call] == texts


@pytest.mark.parametrize(
    ("importer", "name", "needle"),
    [
        (VTT, "not-webvtt.vtt", "must start with the line WEBVTT"),
        (SRT, "not-srt.srt", "not an SRT file"),
        (WHISPER, "not-json.json", "not valid JSON"),
        (AWS, "not-json.json", "not valid JSON"),
        (WHISPER, "whisper-not-segments.json", "no 'segments' list"),
        (AWS, "aws-no-results.json", "no 'results' object"),
        (AWS, "whisper-plain.json", "no 'results' object"),
        (WHISPER, "aws-no-results.json", "no 'segments' list"),
    ],
)
def test_transcripts_invalid_file(importer: Importer, name: str, needle: str) -> None:
    # Files are read together (to catch two files that are one call): an unreadable
    # file is a reported problem, and the call files after it are still read.
    good = {"vtt": "tent-pole.vtt", "srt": "boot-sizing.srt"}.get(importer.name, "")
    paths = [DATA / name] + ([CALLS / good] if good else [])
    conversations, [problem] = read_all(importer, paths)
    assert needle in str(problem)
    assert problem.path == DATA / name
    assert [c.id for c in conversations] == ([f"call-{Path(good).stem}"] if good else [])


@pytest.mark.parametrize("importer", [AWS, WHISPER])
@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[1, 2]", "a list, not an object"),
        ('"segments"', "a str, not an object"),
        ("\xff", "not valid UTF-8"),
    ],
)
def test_transcripts_json_not_an_object(
    importer: Importer, text: str, needle: str, tmp_path: Path
) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(text.encode("latin-1"))
    conversations, [problem] = read_all(importer, [path])
    assert conversations == []
    assert needle in problem.message and problem.path == path


def test_transcripts_windows_1252_caption(tmp_path: Path) -> None:
    path = tmp_path / "x.vtt"
    path.write_bytes(
        b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Far\xedas>Un caf\xe9, por favor.\n"
    )
    [call], problems = read_all(VTT, [path])
    assert problems == []
    assert [(m.author, m.text) for m in call] == [("Farías", "Un café, por favor.")]
    assert call.meta["decoded_as"] == "cp1252"


def test_transcripts_binary_caption_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "x.vtt"
    path.write_bytes(b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\x00\x01\x02 binary\n")
    conversations, [problem] = read_all(VTT, [path])
    assert conversations == []
    assert "not text" in problem.message and problem.path == path


@pytest.mark.parametrize("fmt", FORMATS)
def test_transcripts_same_call_twice_in_one_import(fmt: str, tmp_path: Path) -> None:
    suffix, writer = WRITERS[fmt]
    first, second = tmp_path / "a" / f"recording{suffix}", tmp_path / "b" / f"recording{suffix}"
    for path, text in ((first, "Hello."), (second, "Goodbye.")):
        path.parent.mkdir()
        path.write_text(writer([(0, 0, 1000, text), (1, 1000, 2000, "Hi.")]), encoding="utf-8")
    conversations, [problem] = read_all(IMPORTERS[fmt], [first, second])
    [call] = conversations
    assert call.messages[0].text == "Hello."  # the first file is kept, never overwritten
    assert problem.path == second
    conv_id = "call-job-7" if fmt == "aws_transcribe" else "call-recording"
    assert problem.message.startswith(f"another file in this import, {first}, is also {conv_id}")
    assert "rename one of them" in problem.message


def test_transcripts_same_job_name_in_two_files(tmp_path: Path) -> None:
    paths = [tmp_path / "one.json", tmp_path / "two.json"]
    for path in paths:
        path.write_text(write_aws([(0, 0, 1000, "Hello.")]), encoding="utf-8")
    conversations, [problem] = read_all(AWS, paths)
    assert [c.id for c in conversations] == ["call-job-7"]
    assert problem.path == paths[1]
    assert "a call's id is its jobName" in problem.message


def test_transcripts_same_call_after_an_unreadable_file(tmp_path: Path) -> None:
    bad, good = tmp_path / "x" / "call.vtt", tmp_path / "y" / "call.vtt"
    bad.parent.mkdir()
    good.parent.mkdir()
    bad.write_text("not a caption file\n", encoding="utf-8")
    good.write_text(write_vtt([(0, 0, 1000, "Hello.")]), encoding="utf-8")
    conversations, [problem] = read_all(VTT, [bad, good])
    assert [c.id for c in conversations] == ["call-call"]  # an unreadable file is no call
    assert problem.path == bad


@pytest.mark.parametrize("importer", [VTT, SRT, AWS, WHISPER, TCA, DEEPGRAM])
def test_transcripts_read_together(importer: Importer) -> None:
    assert importer.reads_together is True
    assert importer.message_ids_are_global is False  # m1, m2, ... in every call


# ---------------------------------------------------------------------------------------
# WebVTT and SRT details


def test_transcripts_vtt_inconsistent_prefixes_are_text() -> None:
    [call], problems = read_all(VTT, [DATA / "no-prefixes.vtt"])
    assert problems == []
    assert call.meta["speakers"] == {"speaker": "system"}
    assert call.meta["diarised"] is False
    [turn] = call.messages
    assert turn.role is Role.SYSTEM
    assert "Note: the rain fly ships separately" in turn.text


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (  # Zoom style: "Name: text" on every cue, no voice tags
            "1\n00:00:01.000 --> 00:00:02.000\nSam Ortiz: Hi, Northwind.\n\n"
            "2\n00:00:02.500 --> 00:00:04.000\nDana Reyes: Hi Sam!\n",
            [("Sam Ortiz", "Hi, Northwind."), ("Dana Reyes", "Hi Sam!")],
        ),
        (  # two voices in one cue
            "00:00:01.000 --> 00:00:03.000\n<v Sam Ortiz>Anything else?\n<v Dana Reyes>No, thanks.\n",
            [("Sam Ortiz", "Anything else?"), ("Dana Reyes", "No, thanks.")],
        ),
        (  # voice classes, closing tags, styling tags, entities, settings
            "00:00:01.000 --> 00:00:03.000 align:start line:0\n"
            "<v.loud Sam Ortiz><b>Tents</b> &amp; <i>poles</i> &lt;3</v>\n",
            [("Sam Ortiz", "Tents & poles <3")],
        ),
        (  # NOTE and STYLE blocks ignored; text after a blank line continues the cue
            "STYLE\n::cue { color: white }\n\nNOTE recorded by Teams\n\n"
            "00:00:01.000 --> 00:00:03.000\n<v Sam Ortiz>First part\n\nsecond part.\n",
            [("Sam Ortiz", "First part second part.")],
        ),
        (  # a cue without a voice tag continues the speaker before it
            "00:00:01.000 --> 00:00:02.000\n<v Sam Ortiz>Hello.\n\n"
            "00:00:02.000 --> 00:00:03.000\nStill me.\n\n"
            "00:00:03.000 --> 00:00:04.000\n<v Dana Reyes>Hi.\n",
            [("Sam Ortiz", "Hello. Still me."), ("Dana Reyes", "Hi.")],
        ),
        (  # short timestamps and cues without a blank line between them
            "00:01.5 --> 00:02.000\n<v A>One.\n00:03.000 --> 00:04.000\n<v B>Two.\n",
            [("A", "One."), ("B", "Two.")],
        ),
    ],
    ids=["prefixes", "two-voices", "tags", "note-style-blank", "untagged", "compact"],
)
def test_transcripts_vtt_cues(body: str, expected: list[tuple[str, str]], tmp_path: Path) -> None:
    conversations, problems = read_text(VTT, "WEBVTT\n\n" + body, tmp_path, "c.vtt")
    assert problems == []
    assert [(m.author, m.text) for m in conversations[0]] == expected


def test_transcripts_vtt_crlf_and_bom_keep_line_numbers(tmp_path: Path) -> None:
    text = "\ufeffWEBVTT\r\n\r\n00:00:01.000 --> 00:00:00.500\r\n<v A>Backwards.\r\n"
    path = tmp_path / "c.vtt"
    path.write_bytes(text.encode("utf-8"))
    assert VTT.detect(path, path.read_bytes()) == 100
    [call], [problem] = read_all(VTT, [path])
    assert (problem.location, problem.line) == ("cue 1, line 3", 3)
    assert call.messages == ()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "1\n00:00:07,5 --> 00:00:09.250\n{\\an8}<i>Agent:</i> Hello.\n",
            [("Agent", 7.5, 9.25, "Hello.")],
        ),
        (
            "\n\n1\n00:00:01,000 --> 00:00:02,000\n- Agent: Hi.\n\n2\n\n00:00:03,000 --> 00:00:04,000\nCustomer: Hey.\n",
            [("Agent", 1.0, 2.0, "Hi."), ("Customer", 3.0, 4.0, "Hey.")],
        ),
        (
            "1\n00:00:01,000 --> 00:00:02,000 X1:10 X2:20\nAgent: One.\n2\n00:00:03,000 --> 00:00:04,000\nCustomer: Two.\n",
            [("Agent", 1.0, 2.0, "One."), ("Customer", 3.0, 4.0, "Two.")],
        ),
    ],
    ids=["decimal-and-tags", "leading-blank-and-lone-index", "no-blank-between"],
)
def test_transcripts_srt_cues(
    body: str, expected: list[tuple[str, float, float, str]], tmp_path: Path
) -> None:
    conversations, problems = read_text(SRT, body, tmp_path, "c.srt")
    assert problems == []
    got = [(m.author, m.start_s, m.end_s, m.text) for m in conversations[0]]
    assert got == [(a or "speaker", s, e, t) for a, s, e, t in expected]


# ---------------------------------------------------------------------------------------
# AWS Transcribe and Whisper details


def test_transcripts_aws_channels_keep_overlap() -> None:
    [call], problems = read_all(AWS, [DATA / "aws-channels.json"])
    assert problems == []
    assert call.id == "call-refund-channels-0519"
    assert call.meta["language"] == "en-GB"
    assert [(m.author, m.role, m.start_s, m.end_s, m.text) for m in call] == [
        ("ch_0", Role.AGENT, 0.5, 1.5, "Northwind billing."),
        ("ch_1", Role.CUSTOMER, 2.0, 12.6, "Hi my refund is late. I've waited three weeks."),
        ("ch_0", Role.AGENT, 11.9, 14.1, "Sorry, I'm sorry."),
    ]


def test_transcripts_aws_without_job_name_uses_file_stem(tmp_path: Path) -> None:
    data = json.loads(write_aws([(0, 0, 1000, "Hello."), (1, 1000, 2000, "Hi.")]))
    del data["jobName"]
    del data["results"]["speaker_labels"]
    conversations, problems = read_text(AWS, json.dumps(data), tmp_path, "0412.json")
    assert problems == []
    [call] = conversations
    assert call.id == "call-0412"
    assert [m.text for m in call] == ["Hello. Hi."]  # no speaker labels: one speaker
    assert call.meta["diarised"] is False


def test_transcripts_whisper_plain_is_one_speaker() -> None:
    [call], problems = read_all(WHISPER, [DATA / "whisper-plain.json"])
    assert problems == []
    [turn] = call.messages
    assert (turn.author, turn.role, turn.start_s, turn.end_s) == ("speaker", Role.SYSTEM, 0.0, 6.72)
    assert call.meta == {
        "speakers": {"speaker": "system"},
        "duration_s": 6.72,
        "diarised": False,
        "roles_from": "undiarised",
        "roles_note": "the file does not say who spoke: one turn with the role system "
        "(pass --speaker speaker=agent to score it)",
        "language": "en",
    }


UNDIARISED: list[tuple[Importer, str, str]] = [
    (WHISPER, "w.json", '{"segments": [{"start": 0, "end": 1, "text": "Hi."}]}'),
    (VTT, "c.vtt", "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHi.\n"),
    (SRT, "c.srt", "1\n00:00:00,000 --> 00:00:01,000\nHi.\n"),
    (
        AWS,
        "a.json",
        json.dumps(
            {
                "results": {
                    "items": [
                        {
                            "start_time": "0.0",
                            "end_time": "1.0",
                            "type": "pronunciation",
                            "alternatives": [{"content": "Hi"}],
                        }
                    ]
                }
            }
        ),
    ),
]


@pytest.mark.parametrize(
    ("options", "role"),
    [
        (ImportOptions(), Role.SYSTEM),
        (ImportOptions(first_speaker=Role.CUSTOMER), Role.SYSTEM),
        (ImportOptions(speaker_roles={"speaker": Role.AGENT}), Role.AGENT),
        (ImportOptions(speaker_roles={"Speaker": Role.CUSTOMER}), Role.CUSTOMER),
        (ImportOptions(speaker_roles={"spk_0": Role.AGENT}), Role.SYSTEM),
    ],
    ids=["default", "first-speaker-ignored", "mapped", "mapped-any-case", "other-label"],
)
@pytest.mark.parametrize(
    ("importer", "name", "text"), UNDIARISED, ids=[i.name for i, _, _ in UNDIARISED]
)
def test_transcripts_undiarised_call_is_system_unless_mapped(
    importer: Importer, name: str, text: str, options: ImportOptions, role: Role, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    [call], problems = read_all(importer, [path], options)
    assert problems == []
    [turn] = call.messages
    assert (turn.author, turn.role) == ("speaker", role)
    assert call.meta["speakers"] == {"speaker": role.value}
    assert call.meta["diarised"] is False


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ([{"speaker": "B"}, {"speaker": "A"}, {"speaker": "A"}], "A"),
        ([{"speaker": "B"}, {"speaker": "A"}], "B"),  # tie: the first seen
        ([{"word": "uh"}, "junk", {"speaker": 3}], "3"),
        ([], "speaker"),
    ],
)
def test_transcripts_whisper_majority_speaker(
    words: list[object], expected: str, tmp_path: Path
) -> None:
    doc = {"segments": [{"start": 0, "end": 1, "text": "Hi.", "words": words}]}
    conversations, _ = read_text(WHISPER, json.dumps(doc), tmp_path, "w.json")
    assert conversations[0].messages[0].author == expected


# ---------------------------------------------------------------------------------------
# turns.py


def test_transcripts_turns_unlabelled_segments_join_a_neighbour() -> None:
    segments = [
        Segment("B", 5.0, 6.0, "b1"),
        Segment(None, 1.0, 2.0, "lead"),  # opens the call: first known speaker (by time)
        Segment("A", 2.0, 3.0, "a1"),
        Segment(None, 3.0, 4.0, "a2"),
        Segment("B", 4.0, 4.5, "b0"),
    ]
    call = build_call(segments, conversation_id="call-x", source="t", options=ImportOptions())
    assert [(m.author, m.text, m.start_s, m.end_s) for m in call] == [
        ("A", "lead a1 a2", 1.0, 4.0),
        ("B", "b0 b1", 4.0, 6.0),
    ]


def test_transcripts_turns_end_is_latest_end() -> None:
    segments = [Segment("A", 0.0, 9.0, "long"), Segment("A", 1.0, 2.0, "short")]
    call = build_call(segments, conversation_id="c", source="t", options=ImportOptions())
    assert (call.messages[0].start_s, call.messages[0].end_s) == (0.0, 9.0)


def test_transcripts_turns_bad_role_option() -> None:
    options = ImportOptions(speaker_roles={"A": "boss"})  # type: ignore[dict-item]
    with pytest.raises(ConfigError, match="not a role"):
        build_call([Segment("A", 0, 1, "x")], conversation_id="c", source="t", options=options)


# ---------------------------------------------------------------------------------------
# Detection


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(HEAD_BYTES)


OWN = {
    "tent-pole.vtt": "vtt",
    "boot-sizing.srt": "srt",
    "billing-0412.json": "aws_transcribe",
    "login-trouble.json": "whisper",
    "gym-refund-0731.json": "aws_call_analytics",
    "roaming-charge.json": "deepgram",
}


@pytest.mark.parametrize("name", sorted(OWN))
def test_transcripts_detect_samples(name: str) -> None:
    path = CALLS / name
    scores = {n: i.detect(path, _head(path)) for n, i in IMPORTERS.items()}
    assert scores.pop(OWN[name]) >= 90
    assert set(scores.values()) == {0}


def test_transcripts_detect_other_formats_samples() -> None:
    others = [p for p in SAMPLES.rglob("*") if p.is_file() and CALLS not in p.parents]
    for path in others:
        for importer in IMPORTERS.values():
            assert importer.detect(path, _head(path)) == 0, (importer.name, path)


@pytest.mark.parametrize(
    ("name", "head"),
    [
        (
            "c.jsonl",
            b'{"format": 1, "id": "c1", "channel": "phone", "messages": [{"text": "\\"segments\\": \\"start\\": \\"end\\":"}]}\n',
        ),
        ("t.json", b'{"tickets": [{"id": 1, "segments": [{"start": 1, "end": 2, "text": "x"}]}]}'),
        ("c.json", b'{"payload": [{"results": {"items": []}, "jobName": "x"}]}'),
        ("x.json", b'[{"start": 1, "end": 2, "text": "x"}]'),
        ("x.json", b'{"name": "no", "start": 1, "end": 2}'),
        ("x.txt", b"Hello\n00:00:01,000 --> 00:00:02,000\n"),
        ("x.csv", b"id,text\n1,WEBVTT\n"),
    ],
)
def test_transcripts_detect_rejects_other_formats(name: str, head: bytes) -> None:
    for importer in IMPORTERS.values():
        assert importer.detect(Path(name), head) == 0, importer.name


@pytest.mark.parametrize(
    ("importer", "name", "head", "score"),
    [
        (VTT, "x.vtt", b"1\n00:00:01,000 --> 00:00:02,000\nhi\n", 10),
        (VTT, "x.txt", b"WEBVTT\n", 100),
        (SRT, "x.srt", b"", 10),
        (SRT, "x.txt", b"1\n00:00:01.000 --> 00:00:02.000\n", 60),
        (AWS, "x.json", b'{"results": {"transcripts": [', 85),
        (WHISPER, "x.json", b'{"segments": [{"start": 0, "end": 1}]', 60),
    ],
)
def test_transcripts_detect_scores(importer: Importer, name: str, head: bytes, score: int) -> None:
    assert importer.detect(Path(name), head) == score


# ---------------------------------------------------------------------------------------
# Module hygiene


@pytest.mark.parametrize(
    "module",
    [
        transcripts, aws, aws_analytics, calls, captions, deepgram, jsondoc, roles, srt, turns,
        vtt, whisper,
    ],
)  # fmt: skip
def test_transcripts_all_names_exist(module: object) -> None:
    """Every public name exists once (ruff's RUF022 keeps ``__all__`` sorted)."""
    names = module.__all__  # type: ignore[attr-defined]
    assert len(set(names)) == len(names)
    assert all(hasattr(module, name) for name in names)


# ---------------------------------------------------------------------------------------
# Property-based tests

_WORD = st.text(alphabet=string.ascii_letters + string.digits + ".,!?'éß😀", min_size=1, max_size=8)
_TEXT = st.lists(_WORD, min_size=1, max_size=5).map(" ".join)


@st.composite
def _specs(draw: st.DrawFn) -> list[tuple[int, int, int, str]]:
    """Non-overlapping segments in time order, each long enough for its words."""
    spec = []
    t = draw(st.integers(0, 5000))
    for _ in range(draw(st.integers(0, 8))):
        text = draw(_TEXT)
        start = t + draw(st.integers(0, 3000))
        end = start + len(text.split()) * 10 + draw(st.integers(0, 4000))
        spec.append((draw(st.integers(0, 1)), start, end, text))
        t = end
    return spec


def _expected_turns(spec: Spec) -> list[tuple[int, float, float, str]]:
    merged: list[tuple[int, int, int, str]] = []
    for speaker, start, end, text in spec:
        if merged and merged[-1][0] == speaker:
            _, first_start, _, said = merged[-1]
            merged[-1] = (speaker, first_start, end, f"{said} {text}")
        else:
            merged.append((speaker, start, end, text))
    return [(s, a / 1000, b / 1000, t) for s, a, b, t in merged]


_FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_FUZZ
@given(spec=_specs(), fmt=st.sampled_from(FORMATS))
def test_transcripts_roundtrip_generated_calls(
    spec: list[tuple[int, int, int, str]], fmt: str, tmp_path: Path
) -> None:
    call = read_one(fmt, spec, tmp_path)
    labels = LABELS[fmt]
    got = [(m.author, m.start_s, m.end_s, m.text) for m in call]
    assert got == [(labels[s], a, b, t) for s, a, b, t in _expected_turns(spec)]
    if spec:
        first = spec[0][0]
        assert all((m.role is Role.AGENT) == (m.author == labels[first]) for m in call)


def _check_items(importer: Importer, path: Path) -> None:
    assert 0 <= importer.detect(path, _head(path)) <= 100
    try:
        for item in importer.read([Source(path)], ImportOptions()):
            assert isinstance(item, Conversation | Problem)
    except InvalidFileError:
        pass


@_FUZZ
@given(data=st.binary(max_size=600))
def test_transcripts_fuzz_bytes_never_crash(data: bytes, tmp_path: Path) -> None:
    for importer in IMPORTERS.values():
        path = tmp_path / f"fuzz{importer.extensions[0]}"
        path.write_bytes(data)
        _check_items(importer, path)


_CAPTION_LINES = st.sampled_from(
    [
        "WEBVTT", "", " ", "1", "2", "NOTE hi", "STYLE", "REGION", "-->", "a-->b",
        "00:00:01.000 --> 00:00:02.000", "00:00:01,000 --> 00:00:02,000",
        "00:00:05.000 --> 00:00:01.000", "99:99:99.999 --> 00:00:01.000",
        "9999999999:59:59.999 --> 99999999999:00:00.000", "00:01.000 --> 00:02.000 align:start",
        "<v Sam>Hello", "<v>", "<v.x Dana Reyes>Hi</v>", "Agent: hello", "Note: x",
        "<b>bold</b> &amp; &bogus; <", "{\\an8}text", "\r", "é😀", "- Customer: hey",
    ]
)  # fmt: skip


@_FUZZ
@given(lines=st.lists(_CAPTION_LINES | st.text(max_size=12), max_size=30))
def test_transcripts_fuzz_caption_lines_never_crash(lines: list[str], tmp_path: Path) -> None:
    text = "\n".join(lines)
    for importer, name in ((VTT, "f.vtt"), (SRT, "f.srt")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        _check_items(importer, path)
        path.write_text("WEBVTT\n\n" + text, encoding="utf-8")
        _check_items(importer, path)


_KEYS = [
    "start", "end", "text", "speaker", "words", "start_time", "end_time", "type",
    "alternatives", "content", "speaker_label", "channel_label", "items", "segments",
    "channels", "transcript", "id", "language", "language_code",
]  # fmt: skip
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**400), 10**400)
    | st.floats()
    | st.sampled_from(["1.5", "pronunciation", "punctuation", "x", ""]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(_KEYS), inner, max_size=6)
    ),
    max_leaves=25,
)


@_FUZZ
@given(segments=_JSON, results=st.dictionaries(st.sampled_from(
    ["items", "speaker_labels", "audio_segments", "channel_labels", "language_code"]), _JSON))  # fmt: skip
def test_transcripts_fuzz_json_structures_never_crash(
    segments: object, results: dict[str, object], tmp_path: Path
) -> None:
    path = tmp_path / "f.json"
    path.write_text(json.dumps({"segments": segments, "language": segments}), encoding="utf-8")
    _check_items(WHISPER, path)
    path.write_text(json.dumps({"jobName": segments, "results": results}), encoding="utf-8")
    _check_items(AWS, path)
