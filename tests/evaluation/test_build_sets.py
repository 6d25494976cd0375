"""evaluation/build_sets.py: valid eval files from the data sets.

A tiny fake data folder (text written here, in each set's layout) goes through
build_sets.py; the files must be what ``servicecoach eval`` reads: native conversations
the codec accepts and labels ``load_labels`` accepts, naming existing messages.
"""

from __future__ import annotations

import importlib.util
import io
import json
import sys
import tarfile
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from servicecoach.evaluation.labels import MessageLabel, load_labels
from servicecoach.model.native import conversation_from_dict
from tests.conftest import REPO


def _script(name: str) -> ModuleType:
    module_name = f"servicecoach_eval_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, REPO / "evaluation" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


build_sets = _script("build_sets")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _fake_data(root: Path) -> Path:
    """Every data set build_sets.py reads, a few made-up rows each."""
    data = root / "data"
    intents = data / "empathetic_intents" / "manual_annotations"
    _write(intents / "questioning.txt", "What happened after that?\nHow long did it take?\n")
    _write(intents / "acknowledging.txt", "That sounds like a lot.\n")
    _write(intents / "sympathizing.txt", "I am so sorry you went through that.\n")
    _write(intents / "wishing.txt", "Good luck with the move!\nHow long did it take?\n")
    header = (
        "mi_quality,transcript_id,video_title,video_url,topic,utterance_id,interlocutor,"
        "timestamp,utterance_text,annotator_id,therapist_input_exists,therapist_input_subtype,"
        "reflection_exists,reflection_subtype,question_exists,question_subtype,"
        "main_therapist_behaviour,client_talk_type\n"
    )
    rows = []
    for transcript in ("0", "1"):
        rows += [
            f"high,{transcript},t,u,x,0,therapist,00:00:01,How have you been this week?,1,"
            "False,n/a,False,n/a,True,open,question,n/a",
            f"high,{transcript},t,u,x,1,client,00:00:05,I keep missing my morning walks.,1,"
            "n/a,n/a,n/a,n/a,n/a,n/a,n/a,neutral",
            f"high,{transcript},t,u,x,2,therapist,00:00:09,So mornings are hard for you.,1,"
            "False,n/a,True,simple,False,n/a,reflection,n/a",
            f"high,{transcript},t,u,x,3,therapist,00:00:12,Walking after lunch can help.,1,"
            "True,advice,False,n/a,False,n/a,therapist_input,n/a",
            f"high,{transcript},t,u,x,4,therapist,00:00:15,We could agree on a plan.,1,"
            "True,negotiation,False,n/a,False,n/a,therapist_input,n/a",
        ]
    _write(data / "annomi" / "AnnoMI-full.csv", header + "\n".join(rows) + "\n")
    labels = "admiration\nanger\nfear\ngratitude\nneutral\n"
    _write(data / "goemotions" / "original" / "labels.txt", labels)
    _write(
        data / "goemotions" / "original" / "test.tsv",
        "Thank you so much for this\t3\ta1\nThis is infuriating\t1\ta2\n"
        "Great work here\t0\ta3\nI am scared and angry\t1,2\ta4\nIt is on Tuesday\t4\ta5\n",
    )
    _write(data / "goemotions" / "group" / "labels.txt", "ambiguous\nnegative\nneutral\npositive\n")
    _write(
        data / "goemotions" / "group" / "test.tsv",
        "Thank you so much for this\t3\ta1\nThis is infuriating\t1\ta2\n"
        "Great work here\t3\ta3\nI am scared and angry\t1\ta4\nIt is on Tuesday\t2\ta5\n",
    )
    sentiment = data / "tweeteval" / "sentiment"
    _write(sentiment / "test_text.txt", "love this phone\nmy bus is late again\nit is monday\n")
    _write(sentiment / "test_labels.txt", "2\n0\n1\n")
    _write(sentiment / "mapping.txt", "0\tnegative\n1\tneutral\n2\tpositive\n")
    emotion = data / "tweeteval" / "emotion"
    _write(emotion / "test_text.txt", "so angry right now\nwhat a lovely day\n")
    _write(emotion / "test_labels.txt", "0\n1\n")
    _write(emotion / "mapping.txt", "0\tanger\n1\tjoy\n2\toptimism\n3\tsadness\n")
    _write(
        data / "twitter_airline_sentiment" / "Tweets.csv",
        "tweet_id,airline_sentiment,negativereason,airline,text,tweet_created\n"
        "1,negative,Late Flight,Air,@air my flight is late again,2/24/2015 11:35\n"
        "2,positive,,Air,@air thanks for the upgrade!,2/24/2015 11:36\n",
    )
    politeness = "Community,Id,Request,Normalized Score\n" + "".join(
        f"Wiki,{i},Request number {i} could you help?,{score}\n"
        for i, score in enumerate((-1.5, -0.5, 0.0, 0.5, 1.5, -1.0, 1.0, 0.2))
    )
    _write(data / "stanford_politeness" / "wikipedia.annotated.csv", politeness)
    _write(data / "stanford_politeness" / "stack-exchange.annotated.csv", politeness)
    annotation = {"quality": {"A": 1, "S": 0, "E": -1}, "nugget": []}
    dialogues = [
        {
            "id": str(i),
            "annotations": [annotation, {"quality": {"A": 2, "S": i % 3 - 1, "E": 0}}],
            "turns": [
                {"sender": "customer", "utterances": ["My internet is down.", "Since noon."]},
                {"sender": "helpdesk", "utterances": ["Sorry! Please restart the router."]},
            ],
        }
        for i in range(4)
    ]
    _write(data / "cs_real" / "stc3_dch1" / "train_data_en.json", json.dumps(dialogues))
    session = (
        "USER\tI need a cheap hotel in the north.\tinform\t3,3,3\n"
        "SYSTEM\tThe Acorn is cheap and in the north.\toffer\t\n"
        "USER\tGreat, thanks.\tthank\t4,4,3\n"
        "USER\tOVERALL\t\t{}\n"
    )
    uss = "\n".join(session.format(r) for r in ("4,4,5", "2,3,2", "3,3,3"))
    for corpus in ("MWOZ", "SGD", "ReDial", "CCPE"):
        _write(data / "uss_satisfaction" / f"{corpus}.txt", uss)
    _fake_multiwoz(data / "multiwoz_val" / "val.json.zip")
    _fake_star(data / "star" / "dialogues.tar.gz")
    _fake_casino(data / "casino")
    return data


def _turn(text: str, acts: dict[str, list[list[str]]]) -> dict[str, Any]:
    return {"text": text, "metadata": {}, "dialog_act": acts, "span_info": []}


# by the shared rule, SNG0003 and 14 are held out for evaluation; SNG0001 and 2 are not
MWOZ_DIALOGUE = [
    _turn("I need a cheap hotel in the north .", {"Hotel-Inform": [["Price", "cheap"]]}),
    _turn("What day will you arrive ?", {"Booking-Request": [["Day", "?"]]}),
    _turn("Monday , for 2 nights .", {"Hotel-Inform": [["Day", "monday"]]}),
    _turn(
        "I booked the Acorn , ref 7GAW . Is there anything else ?",
        {"Booking-Book": [["Ref", "7GAW"]], "general-reqmore": [["none", "none"]]},
    ),
    _turn("No , thanks .", {"general-thank": [["none", "none"]]}),
    _turn("You 're welcome . Goodbye !", {"general-bye": [["none", "none"]]}),
    _turn("Bye .", {}),
    _turn("Have a nice day", {}),
]


def _fake_multiwoz(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    dialogues = {did: {"goal": {}, "log": MWOZ_DIALOGUE} for did in ("SNG0001", "SNG0003")}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("val.json", json.dumps(dialogues))


def _star_event(agent: str, action: str, text: str, label: str | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {"Agent": agent, "Action": action, "Text": text}
    if label is not None:
        event["ActionLabel"] = label
    return event


STAR_EVENTS = [
    _star_event("UserGuide", "instruct", "Say hello."),
    _star_event("User", "utter", "Hi, I need a taxi to the station."),
    _star_event("Wizard", "request_suggestions", "hi"),
    _star_event("Wizard", "pick_suggestion", "Hello, how can I help?", "hello"),
    _star_event("Wizard", "pick_suggestion", "Where are you departing from?", "ride_ask_departure"),
    _star_event("User", "utter", "From the museum."),
    _star_event(
        "Wizard",
        "pick_suggestion",
        "I found a Taxi from 'Museum' to 'Station' for 9 credits. Should I book that for you?",
        "ride_ask_confirm_booking",
    ),
    _star_event("User", "utter", "Yes please."),
    _star_event("Wizard", "utter", "Booking it now."),
    _star_event(
        "Wizard", "pick_suggestion", "Ok, I have booked you a ride.", "ride_confirm_booking"
    ),
    _star_event("Wizard", "pick_suggestion", "A ____ has eight legs", "trivia_ask_question"),
    _star_event(
        "Wizard",
        "pick_suggestion",
        "Is there anything else that I can do for you?",
        "anything_else",
    ),
    _star_event("User", "utter", "No, bye."),
    _star_event("Wizard", "pick_suggestion", "Thank you and goodbye.", "goodbye_1"),
    {"Agent": "User", "Action": "complete"},
]


def _fake_star(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as archive:
        for did in (2, 14):
            body = json.dumps({"DialogueID": did, "Events": STAR_EVENTS}).encode("utf-8")
            info = tarfile.TarInfo(f"dialogues/{did}.json")
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))


def _casino_chat(did: int, annotated: bool) -> dict[str, Any]:
    said = [
        ("mturk_agent_1", "Hello! Ready for the trip?", "small-talk"),
        ("mturk_agent_2", "Yes! I need extra water because my kids drink a lot.", "self-need"),
        ("mturk_agent_1", "Oh no, that must be tough with kids.", "showing-empathy"),
        ("mturk_agent_1", "Submit-Deal", None),
        ("mturk_agent_2", "Accept-Deal", None),
    ]
    logs = [{"text": text, "task_data": {}, "id": who} for who, text, _ in said]
    annotations = [[text, label] for _, text, label in said if label] if annotated else []
    return {
        "dialogue_id": did,
        "chat_logs": logs,
        "participant_info": {},
        "annotations": annotations,
    }


def _fake_casino(folder: Path) -> None:
    _write(folder / "casino_train.json", json.dumps([_casino_chat(1, True)]))
    _write(folder / "casino_valid.json", json.dumps([_casino_chat(2, True)]))
    test = [_casino_chat(1, True), _casino_chat(3, True), _casino_chat(4, False)]
    _write(folder / "casino_test.json", json.dumps(test))


def _heads(root: Path, test_transcripts: tuple[int, ...] | None = (1,)) -> Path:
    heads = root / "heads"
    metrics: dict[str, Any] = {"macro_f1": 0.7, "test_transcripts": 1}
    if test_transcripts is not None:
        metrics["test_transcript_ids"] = list(test_transcripts)
    meta = {"name": "counselling", "metadata": {"metrics": metrics}}
    _write(heads / "counselling.json", json.dumps(meta))
    return heads


def _check_set(folder: Path) -> list[dict[str, Any]]:
    """The set's files are valid eval input: every label names a message that exists."""
    conversations = [
        json.loads(line)
        for line in (folder / "conversations.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    messages = {}
    for record in conversations:
        conversation = conversation_from_dict(record)
        messages[conversation.id] = {m.id for m in conversation.messages}
    labels = load_labels(folder / "labels.jsonl")
    assert labels.conversation_ids <= set(messages)
    for items in labels.messages.values():
        for label in items:
            assert isinstance(label, MessageLabel)
            assert label.message in messages[label.conversation]
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["counts"]["labels"] == len(labels)
    return conversations


def test_build_sets_writes_valid_eval_files_for_every_set(tmp_path: Path) -> None:
    data, out = _fake_data(tmp_path), tmp_path / "out"
    code = build_sets.main(
        ["--data", str(data), "--out", str(out), "--heads", str(_heads(tmp_path))]
    )
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sets"] == list(build_sets.BUILDERS)
    assert manifest["skipped"] == {}
    assert "complaints" in manifest["not_evaluated"]
    for name in manifest["sets"]:
        _check_set(out / name)


def test_build_sets_labels_follow_the_protocol(tmp_path: Path) -> None:
    data, out = _fake_data(tmp_path), tmp_path / "out"
    build_sets.main(["--data", str(data), "--out", str(out), "--heads", str(_heads(tmp_path))])

    def lines(name: str) -> list[dict[str, Any]]:
        text = (out / name / "labels.jsonl").read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines()]

    # an utterance in two intent files carries both intents
    intents = {
        frozenset(k for k, v in x["signals"].items() if v) for x in lines("empathetic_intents")
    }
    assert frozenset({"listening.question"}) in intents
    assert frozenset({"empathy.validation", "empathy.validation|apology.apology"}) in intents
    # AnnoMI: only the held-out transcript; negotiation leaves the solution unlabelled
    annomi = lines("annomi")
    assert len(annomi) == 4
    assert [x["signals"].get("problem_solving.solution") for x in annomi] == [
        False, False, True, None,
    ]  # fmt: skip
    assert [x["signals"]["listening.paraphrase"] for x in annomi] == [False, True, False, False]
    conversations = _check_set(out / "annomi")
    assert [m["role"] for m in conversations[2]["messages"]] == [
        "agent", "customer", "agent", "agent",
    ]  # fmt: skip
    # GoEmotions: single-label comments only; an unmapped label keeps its sentiment
    goemotions = lines("goemotions")
    assert [(x.get("emotion"), x.get("sentiment")) for x in goemotions] == [
        ("gratitude", "positive"), ("anger", "negative"), (None, "positive"),
        ("neutral", "neutral"),
    ]  # fmt: skip
    assert [x["sentiment"] for x in lines("tweeteval_emotion")] == ["negative", "positive"]
    # politeness: bottom quartile impolite, top quartile polite, middle left out
    polite = [x["signals"][build_sets.IMPOLITE_KEY] for x in lines("politeness_wikipedia")]
    assert sorted(polite) == [False, False, True, True, True]
    stc3 = lines("stc3_dch1")[0]["scores"]
    assert stc3 == {"satisfaction": -0.5, "problem_solving": 1.5, "quality": 0.1667}
    assert [x["scores"]["satisfaction"] for x in lines("uss_mwoz")] == pytest.approx(
        [13 / 3, 7 / 3, 3.0], abs=1e-4
    )
    for conversation in _check_set(out / "tweeteval_sentiment"):
        assert conversation["channel"] == "social" and conversation["public"] is True
    # MultiWOZ: only the held-out dialogue; every system turn with acts is labelled
    assert [c["id"] for c in _check_set(out / "multiwoz_val")] == ["multiwoz-SNG0003"]
    multiwoz = lines("multiwoz_val")
    assert [x["message"] for x in multiwoz] == ["m2", "m4", "m6"]
    assert [sorted(k for k, v in x["signals"].items() if v) for x in multiwoz] == [
        ["listening.question"],
        ["closing.check", "problem_solving.solution"],
        ["closing.warm"],
    ]
    # STAR: only the held-out dialogue; the text the user saw, labelled by its action
    (star,) = _check_set(out / "star")
    assert star["id"] == "star-14"
    assert [m["role"] for m in star["messages"]][:3] == ["customer", "agent", "agent"]
    texts = [m["text"] for m in star["messages"]]
    assert "hi" not in texts and "Booking it now." in texts  # queries out, free text kept
    by_text = {texts[int(x["message"][1:]) - 1]: x["signals"] for x in lines("star")}
    assert by_text["Hello, how can I help?"] == dict.fromkeys(build_sets.STAR_SIGNALS, False)
    assert by_text["Where are you departing from?"]["listening.question"] is True
    confirm = next(v for k, v in by_text.items() if k.startswith("I found a Taxi"))
    assert confirm["listening.paraphrase"] is True and "listening.question" not in confirm
    assert by_text["Ok, I have booked you a ride."]["problem_solving.solution"] is True
    assert "A ____ has eight legs" not in by_text and "Booking it now." not in by_text
    assert by_text["Is there anything else that I can do for you?"]["closing.check"] is True
    assert by_text["Thank you and goodbye."]["closing.warm"] is True
    # CaSiNo: annotated test chats not in train/valid, each seen from both sides
    casino = _check_set(out / "casino")
    assert [c["id"] for c in casino] == ["casino-3-1", "casino-3-2"]
    assert [m["role"] for m in casino[0]["messages"]] == ["agent", "customer", "agent"]
    assert [m["role"] for m in casino[1]["messages"]] == ["customer", "agent", "customer"]
    assert [(x["conversation"], x["message"], x["signals"]) for x in lines("casino")] == [
        ("casino-3-1", "m1", {"empathy.validation": False, "persuasion.reason": False}),
        ("casino-3-1", "m3", {"empathy.validation": True, "persuasion.reason": False}),
        ("casino-3-2", "m2", {"empathy.validation": False, "persuasion.reason": True}),
    ]


def test_build_sets_samples_with_a_seed_and_a_limit(tmp_path: Path) -> None:
    data = _fake_data(tmp_path)
    heads = str(_heads(tmp_path))
    for run in ("a", "b"):
        out = str(tmp_path / run)
        build_sets.main(
            [
                "--data",
                str(data),
                "--out",
                out,
                "--heads",
                heads,
                "--limit",
                "2",
                "--uss-dialogues",
                "2",
            ]
        )
    for name in ("tweeteval_sentiment", "stc3_dch1", "uss_ccpe"):
        first = (tmp_path / "a" / name / "labels.jsonl").read_text(encoding="utf-8")
        assert len(first.splitlines()) == 2
        assert first == (tmp_path / "b" / name / "labels.jsonl").read_text(encoding="utf-8")


def test_build_sets_skips_annomi_without_recorded_test_transcripts(tmp_path: Path) -> None:
    data, out = _fake_data(tmp_path), tmp_path / "out"
    heads = _heads(tmp_path, test_transcripts=None)
    build_sets.main(["--data", str(data), "--out", str(out), "--heads", str(heads)])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "annomi" not in manifest["sets"]
    assert "ids of its held-out test transcripts" in manifest["skipped"]["annomi"]


def test_build_sets_skips_absent_data_sets(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    _write(data / "tweeteval" / "sentiment" / "test_text.txt", "fine\n")
    _write(data / "tweeteval" / "sentiment" / "test_labels.txt", "1\n")
    _write(data / "tweeteval" / "sentiment" / "mapping.txt", "1\tneutral\n")
    build_sets.main(["--data", str(data), "--out", str(out), "--heads", str(tmp_path)])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sets"] == ["tweeteval_sentiment"]
    assert "not present" in manifest["skipped"]["goemotions"]


def test_build_sets_only_rebuilds_the_named_sets(tmp_path: Path) -> None:
    data, out = _fake_data(tmp_path), tmp_path / "out"
    heads = str(_heads(tmp_path))
    build_sets.main(["--data", str(data), "--out", str(out), "--heads", heads])
    labels = out / "airline_sentiment" / "labels.jsonl"
    labels.write_text("", encoding="utf-8")
    build_sets.main(
        ["--data", str(data), "--out", str(out), "--heads", heads, "--only", "goemotions"]
    )
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sets"] == list(build_sets.BUILDERS)
    assert labels.read_text(encoding="utf-8") == ""


def test_build_sets_refuses_an_output_folder_inside_the_repository(tmp_path: Path) -> None:
    data = _fake_data(tmp_path)
    with pytest.raises(SystemExit, match="inside the repository"):
        build_sets.main(["--data", str(data), "--out", str(REPO / "eval-sets")])
    assert not (REPO / "eval-sets").exists()


@pytest.mark.parametrize(
    ("dialogue_id", "held"),
    [
        ("SNG0003", True),
        ("SNG0005", True),
        ("PMUL1181", True),
        ("14", True),
        ("1", True),
        ("SNG0001", False),
        ("PMUL1635", False),
        ("PMUL1635.json", False),
        ("2", False),
    ],
)
def test_held_out_rule_is_the_shared_hash(dialogue_id: str, held: bool) -> None:
    assert build_sets.held_out(dialogue_id) is held


def test_held_out_rule_keeps_about_a_fifth() -> None:
    kept = sum(build_sets.held_out(f"SNG{i:04d}") for i in range(2000))
    assert 340 < kept < 460


@pytest.mark.parametrize(
    ("acts", "positive"),
    [
        (["Hotel-Request"], {"listening.question"}),
        (["Restaurant-Inform", "general-reqmore"], {"problem_solving.solution", "closing.check"}),
        (["Train-OfferBooked"], {"problem_solving.solution"}),
        (["Attraction-Recommend"], {"problem_solving.solution"}),
        (["Booking-Book", "general-bye"], {"problem_solving.solution", "closing.warm"}),
        (["Hotel-NoOffer"], set()),
        (["Booking-NoBook", "Booking-Request"], {"listening.question"}),
        (["Train-OfferBook"], set()),
        (["Hotel-Select"], set()),
        (["general-welcome", "general-greet"], set()),
    ],
)
def test_multiwoz_acts_map_to_signals(acts: list[str], positive: set[str]) -> None:
    signals = build_sets.multiwoz_signals(acts)
    assert set(signals) == set(build_sets.MWOZ_SIGNALS)
    assert {k for k, v in signals.items() if v} == positive


@pytest.mark.parametrize(
    ("action", "positive", "unlabelled"),
    [
        ("hello", set(), set()),
        ("out_of_scope", set(), set()),
        ("anything_else", {"closing.check"}, set()),
        ("goodbye_2", {"closing.warm"}, set()),
        ("ride_bye", {"closing.warm"}, set()),
        ("trivia_bye", {"closing.warm"}, set()),
        (
            "hotel_ask_confirm_booking",
            {"listening.paraphrase"},
            {"listening.question", "problem_solving.solution"},
        ),
        ("ask_name", {"listening.question"}, set()),
        ("bank_ask_pin", {"listening.question"}, set()),
        ("weather_inform_forecast", {"problem_solving.solution"}, set()),
        ("hotel_provide_search_result", {"problem_solving.solution"}, set()),
        ("plane_reservation_succeeded", {"problem_solving.solution"}, set()),
        ("ride_confirm_booking", {"problem_solving.solution"}, set()),
        ("trip_inform_simple_step_ask_proceed", {"problem_solving.solution"},
         {"listening.question"}),
        ("party_inform_food_drink_criteria", {"listening.question"}, set()),
        ("plane_inform_nothing_found", set(), {"listening.question", "problem_solving.solution"}),
        ("hotel_reservation_failed", set(), {"listening.question", "problem_solving.solution"}),
        ("doctor_inform_booking_unavailable", set(),
         {"listening.question", "problem_solving.solution"}),
    ],
)  # fmt: skip
def test_star_actions_map_to_signals(action: str, positive: set[str], unlabelled: set[str]) -> None:
    signals = build_sets.star_signals(action)
    assert set(signals) == set(build_sets.STAR_SIGNALS) - unlabelled
    assert {k for k, v in signals.items() if v} == positive


@pytest.mark.parametrize("action", ["custom", "trivia_ask_question", "plane_request_optional"])
def test_star_actions_left_unlabelled(action: str) -> None:
    assert build_sets.star_signals(action) == {}


@pytest.mark.parametrize(
    ("tokens", "text"),
    [
        ("is n't it ?", "isn't it?"),
        ("I 'd like a table , please .", "I'd like a table, please."),
        ("It costs $ 5 ( cash ) !", "It costs $5 (cash)!"),
        ("We 're  done", "We're done"),
    ],
)
def test_multiwoz_text_is_joined_back(tokens: str, text: str) -> None:
    assert build_sets.detokenize(tokens) == text


def test_dialogue_sets_take_whole_dialogues_up_to_the_limit(tmp_path: Path) -> None:
    dialogues = [(f"d{i}", i + 1) for i in range(10)]  # dialogue i has i+1 labelled replies
    taken, described = build_sets.take_dialogues(dialogues, 12, 7, lambda n: n)
    assert sum(n for _, n in taken) >= 12
    assert sum(n for _, n in taken[:-1]) < 12 or len(taken) == 1
    assert taken == sorted(taken, key=lambda d: int(d[0][1:]))
    assert "seed 7" in described
    assert build_sets.take_dialogues(dialogues, 12, 7, lambda n: n) == (taken, described)
    everything, said = build_sets.take_dialogues(dialogues, 1000, 7, lambda n: n)
    assert len(everything) == 10 and said.startswith("all 10")


@pytest.mark.shared_data
def test_build_sets_reads_the_real_data_sets(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_sets.main(
        ["--data", str(shared_data), "--out", str(out), "--limit", "30", "--uss-dialogues", "5"]
    )
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {"empathetic_intents", "goemotions", "stc3_dch1", "uss_mwoz"} <= set(manifest["sets"])
    assert {"multiwoz_val", "star", "casino"} <= set(manifest["sets"])
    for name in manifest["sets"]:
        _check_set(out / name)
