"""Caption files (WebVTT, SRT): real files from other projects, and the cases they taught.

The real files are read from ../shared/formats/{vtt,srt}/ (see its README) and the tests
skip when that folder is absent; the small files below are written for these tests.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from pathlib import Path

import pytest

from servicecoach.ingest.base import Importer, ImportOptions
from servicecoach.ingest.transcripts import SrtImporter, WebVttImporter
from servicecoach.ingest.transcripts.roles import unmatched_speaker_labels
from servicecoach.model.conversation import Conversation, Role
from servicecoach.testing import read_all

FORMATS = Path(__file__).resolve().parents[2].parent / "shared" / "formats"
VTT, SRT = WebVttImporter(), SrtImporter()


def _shared(relative: str) -> Path:
    path = FORMATS / relative
    if not path.exists():
        pytest.skip(f"{path} is absent (real export files live in ../shared/formats)")
    return path


def _one_call(importer: Importer, path: Path, options: ImportOptions | None = None) -> Conversation:
    conversations, problems = read_all(importer, [path], options)
    assert problems == []
    [call] = conversations
    return call


# ---------------------------------------------------------------------------------------
# Every real caption file: one call, no problems, the right times, clean text once.
# (file, start_s, end_s, decoded_as, words at its start, words at its end)

REAL = [
    ("vtt/webvtt-py/captions_with_bom.vtt", 0.5, 21.58, None, "Caption text #1", "#4"),
    ("vtt/webvtt-py/comments.vtt", 135.0, 150.0, None, "Ta en kopp varmt te.", "kopp"),
    ("vtt/webvtt-py/cue_tags.vtt", 16.5, 21.5, None, "When the moon hits", "That's amore"),
    ("vtt/webvtt-py/metadata_headers.vtt", 0.5, 11.89, None, "Caption text #1", "#2"),
    ("vtt/webvtt-py/netflix_chicas_del_cable.vtt", 7.96, 3148.6, None, "[Alba] En 1928,", None),
    ("vtt/webvtt-py/sample.vtt", 0.5, 64.3, None, "Caption text #1", "Caption text #16"),
    ("vtt/webvtt-py/styles.vtt", 0.0, 10.0, None, "Hello world.", "world."),
    ("vtt/webvtt-py/using_identifiers.vtt", 0.5, 27.28, None, "Caption text #1", "#6"),
    ("vtt/webvtt-py/youtube_dl.vtt", 286.07, 305.069, None, "yeah what this", "telling"),
    ("srt/webvtt-py/sample.srt", 0.5, 23.88, None, "Caption text #1", "Caption text #5"),
    ("srt/pysrt/bom-utf-8.srt", 6.5, 50.0, None, "About 2 months ago", None),
    ("srt/pysrt/bom-utf-16-le.srt", 6.5, 50.0, "utf-16-le", "About 2 months ago", None),
    ("srt/pysrt/no-indexes.srt", 6.5, 50.0, None, "About 2 months ago", None),
    ("srt/pysrt/capability_tester.srt", 0.0, 68.5, None, "Don't show this text", None),
    ("srt/pysrt/utf-8.srt", 1.0, 5849.634, None, "Downloaded From", None),
    ("srt/pysrt/windows-1252.srt", 1.0, 5849.634, "cp1252", "Downloaded From", None),
]


@pytest.mark.parametrize(
    ("relative", "start", "end", "decoded_as", "first", "last"),
    REAL,
    ids=[r[0].rsplit("/", 1)[1] for r in REAL],
)
def test_captions_real_files_import(
    relative: str, start: float, end: float, decoded_as: str | None, first: str, last: str | None
) -> None:
    path = _shared(relative)
    importer = VTT if path.suffix == ".vtt" else SRT
    assert importer.detect(path, path.read_bytes()[:65536]) >= 95
    call = _one_call(importer, path)
    # None of these files names its speakers: one undiarised turn, never scored as agent.
    [turn] = call.messages
    assert (turn.author, turn.role) == ("speaker", Role.SYSTEM)
    assert call.meta["diarised"] is False
    assert (turn.start_s, turn.end_s, call.meta["duration_s"]) == (start, end, end)
    assert call.meta.get("decoded_as") == decoded_as
    assert turn.text.startswith(first)
    assert last is None or turn.text.endswith(last)
    for leftover in ("<i>", "</", "<c", "{\\", "&amp;", "&#", "WEBVTT", "NOTE ", "-->", "\ufeff"):
        assert leftover not in turn.text, leftover
    assert not re.search(r"(?:^|\. )- ", turn.text)  # dialogue dashes gone


def test_captions_real_every_cue_once() -> None:
    text = _one_call(VTT, _shared("vtt/webvtt-py/sample.vtt")).messages[0].text
    assert [int(n) for n in re.findall(r"#(\d+)", text)] == list(range(1, 17))
    text = _one_call(VTT, _shared("vtt/webvtt-py/using_identifiers.vtt")).messages[0].text
    assert "second caption" not in text and "#3 4 Caption" not in text  # cue identifiers


def test_captions_real_youtube_rolling_captions_once() -> None:
    text = _one_call(VTT, _shared("vtt/webvtt-py/youtube_dl.vtt")).messages[0].text
    assert text == "yeah what this will happen is I'm telling"


@pytest.mark.parametrize(
    "names",
    [
        ("srt/pysrt/bom-utf-8.srt", "srt/pysrt/bom-utf-16-le.srt", "srt/pysrt/no-indexes.srt"),
        ("srt/pysrt/utf-8.srt", "srt/pysrt/windows-1252.srt"),
    ],
    ids=["bom-utf8-utf16-no-index", "utf8-windows-1252"],
)
def test_captions_real_same_subtitles_in_other_encodings(names: tuple[str, ...]) -> None:
    texts = {_one_call(SRT, _shared(name)).messages[0].text for name in names}
    assert len(texts) == 1
    if "windows-1252" in names[-1]:
        assert "ÉVÉNEMENTS" in texts.pop()


def test_captions_real_netflix_keeps_every_cue() -> None:
    path = _shared("vtt/webvtt-py/netflix_chicas_del_cable.vtt")
    text = _one_call(VTT, path).messages[0].text
    # One cue of the series' dialogue, named by its hash: the subtitles stay out of the repo.
    size = 42  # characters of that cue, which starts with a "[Name]" speaker label
    cues = {
        hashlib.sha256(text[i : i + size].encode()).hexdigest()
        for i, char in enumerate(text)
        if char == "["
    }
    assert "b752fc38f3d9054392c8da90f6a3e0e69b1c7b87b9d07406085bdd37c2985001" in cues
    assert "position:" not in text and "Segment=" not in text


# ---------------------------------------------------------------------------------------
# Written for these tests


def _vtt(body: str, tmp_path: Path, options: ImportOptions | None = None) -> Conversation:
    path = tmp_path / "call.vtt"
    path.write_text("WEBVTT\n\n" + body, encoding="utf-8")
    return _one_call(VTT, path, options)


def _turns(call: Conversation) -> list[tuple[str | None, str]]:
    return [(m.author, m.text) for m in call]


ENTITIES = (
    "00:00:01.000 --> 00:00:03.000\n<v Sof&iacute;a Far&#237;as>Gracias por llamar, "
    "&iquest;en qu&eacute; le puedo ayudar?</v>\n\n"
    "00:00:03.500 --> 00:00:05.000\n<v Tom&#xE1;s>Tengo un problema con mi pedido.</v>\n"
)


def test_captions_voice_names_and_text_decode_entities(tmp_path: Path) -> None:
    call = _vtt(ENTITIES, tmp_path)
    assert _turns(call) == [
        ("Sofía Farías", "Gracias por llamar, ¿en qué le puedo ayudar?"),
        ("Tomás", "Tengo un problema con mi pedido."),
    ]
    assert call.meta["speakers"] == {"Sofía Farías": "agent", "Tomás": "customer"}


@pytest.mark.parametrize(
    "label", ["Tomás", "tomás", "Tom&#xE1;s", "Tom&aacute;s"], ids=["plain", "case", "hex", "named"]
)
def test_captions_speaker_option_matches_decoded_names(label: str, tmp_path: Path) -> None:
    options = ImportOptions(speaker_roles={label: Role.AGENT})
    call = _vtt(ENTITIES, tmp_path, options)
    assert call.meta["speakers"] == {"Sofía Farías": "customer", "Tomás": "agent"}
    assert unmatched_speaker_labels(options.speaker_roles, call.meta["speakers"]) == []


def test_captions_unmatched_speaker_option_is_found(tmp_path: Path) -> None:
    options = ImportOptions(speaker_roles={"Tomas": Role.AGENT, "Sofía Farías": Role.CUSTOMER})
    call = _vtt(ENTITIES, tmp_path, options)
    assert unmatched_speaker_labels(options.speaker_roles, call.meta["speakers"]) == ["Tomas"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (  # Google Meet: "(Name)" on its own line when the speaker changes
            "00:00:00.500 --> 00:00:03.000\n(Ines Okafor)\nThanks for calling Northwind.\n\n"
            "00:00:03.000 --> 00:00:05.000\nHow can I help?\n\n"
            "00:00:05.500 --> 00:00:08.000\n(Lars Berg)\nMy order never came.\n\n"
            "00:00:08.000 --> 00:00:09.000\n(laughs) Sorry, long week.\n",
            [
                ("Ines Okafor", "Thanks for calling Northwind. How can I help?"),
                ("Lars Berg", "My order never came. (laughs) Sorry, long week."),
            ],
        ),
        (  # "(Name) text" on one line, two speakers in one cue
            "00:00:00.500 --> 00:00:03.000\n(Ines Okafor) Northwind, Ines speaking.\n"
            "(Lars Berg) Hi Ines!\n",
            [("Ines Okafor", "Northwind, Ines speaking."), ("Lars Berg", "Hi Ines!")],
        ),
        (  # "Name:" alone on its line, text below
            "00:00:00.500 --> 00:00:03.000\nInes Okafor:\nNorthwind, how can I help?\n\n"
            "00:00:03.500 --> 00:00:05.000\nLars Berg:\nI was charged twice.\n",
            [("Ines Okafor", "Northwind, how can I help?"), ("Lars Berg", "I was charged twice.")],
        ),
        (  # two "Name:" lines in one cue, dialogue dashes
            "00:00:00.500 --> 00:00:03.000\n- Ines: Anything else?\n- Lars: No, thanks.\n\n"
            "00:00:03.500 --> 00:00:05.000\nInes: Bye!\nTip: keep the receipt.\n",
            [
                ("Ines", "Anything else?"),
                ("Lars", "No, thanks."),
                ("Ines", "Bye! Tip: keep the receipt."),
            ],
        ),
    ],
    ids=["meet-lines", "meet-inline", "name-colon-lines", "two-prefixes-in-a-cue"],
)
def test_captions_speaker_lines(body: str, expected: list[tuple[str, str]], tmp_path: Path) -> None:
    assert _turns(_vtt(body, tmp_path)) == expected


def test_captions_parenthesised_sound_is_not_a_speaker(tmp_path: Path) -> None:
    call = _vtt("00:00:00.500 --> 00:00:03.000\n(laughs) That's funny.\n", tmp_path)
    assert _turns(call) == [("speaker", "(laughs) That's funny.")]


ROLLING = (
    "00:00:01.000 --> 00:00:02.000\nhi thanks for<00:00:01.500><c> calling</c>\n\n"
    "00:00:02.000 --> 00:00:02.010\nhi thanks for calling\n\n"
    "00:00:02.010 --> 00:00:04.000\nhi thanks for calling\nhow can<00:00:03.000><c> I help</c>\n\n"
    "00:00:04.000 --> 00:00:04.010\nhow can I help\n\n"
    "00:00:04.010 --> 00:00:06.000\nhow can I help\nmy order is late\n"
)


def test_captions_rolling_captions_keep_each_line_once(tmp_path: Path) -> None:
    [turn] = _vtt(ROLLING, tmp_path).messages
    assert turn.text == "hi thanks for calling how can I help my order is late"
    assert (turn.start_s, turn.end_s) == (1.0, 6.0)


def test_captions_repeated_words_in_a_transcript_are_kept(tmp_path: Path) -> None:
    body = (
        "00:00:01.000 --> 00:00:02.000\nOkay.\n\n"
        "00:00:02.000 --> 00:00:03.000\nOkay.\n\n"
        "00:00:03.000 --> 00:00:04.000\nOkay.\nSo the order number is 4412.\n"
    )
    [turn] = _vtt(body, tmp_path).messages
    assert turn.text == "Okay. Okay. Okay. So the order number is 4412."


SRT_CALL = (
    "1\r\n00:00:00,500 --> 00:00:03,000\r\nRenée Dubois: Merci d'avoir appelé Northwind, "
    "comment puis-je vous aider ?\r\n\r\n"
    "2\r\n00:00:03,500 --> 00:00:06,000\r\nJürgen Groß: J'ai un problème avec ma commande.\r\n"
)


@pytest.mark.parametrize(
    ("encoding", "bom", "decoded_as"),
    [
        ("utf-8", b"", None),
        ("utf-8", codecs.BOM_UTF8, None),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16-le"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16-be"),
        ("cp1252", b"", "cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "windows-1252"],
)
def test_captions_srt_encodings(
    encoding: str, bom: bytes, decoded_as: str | None, tmp_path: Path
) -> None:
    path = tmp_path / "call.srt"
    path.write_bytes(bom + SRT_CALL.encode(encoding))
    assert SRT.detect(path, path.read_bytes()) == 95
    call = _one_call(SRT, path)
    assert [(m.author, m.role) for m in call] == [
        ("Renée Dubois", Role.AGENT),
        ("Jürgen Groß", Role.CUSTOMER),
    ]
    assert call.messages[1].text == "J'ai un problème avec ma commande."
    assert call.meta.get("decoded_as") == decoded_as


def test_captions_vtt_utf16_detected(tmp_path: Path) -> None:
    path = tmp_path / "call.vtt"
    path.write_bytes(codecs.BOM_UTF16_LE + ("WEBVTT\n\n" + ENTITIES).encode("utf-16-le"))
    assert VTT.detect(path, path.read_bytes()) == 100
    assert _one_call(VTT, path).messages[0].author == "Sofía Farías"


def test_captions_import_report_warns_about_unmatched_speaker_labels(tmp_path: Path) -> None:
    from servicecoach.services.imports import plan_import, run_import
    from servicecoach.store.database import Store

    path = tmp_path / "call.vtt"
    path.write_text("WEBVTT\n\n" + ENTITIES, encoding="utf-8")
    options = ImportOptions(speaker_roles={"Sofía Farías": Role.AGENT, "Tomas": Role.CUSTOMER})
    with Store.open(f"sqlite:///{tmp_path / 'x.db'}") as store:
        report = run_import(store, plan_import([path]), options)
    [warning] = report.warnings
    assert warning.location == "'Tomas'"
    assert "'Sofía Farías', 'Tomás'" in warning.message
