"""Seeding a scenario from a real conversation: redacted, loadable, playable, with TODOs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from servicecoach.analysis.pipeline import Pipeline
from servicecoach.errors import InputError
from servicecoach.model.conversation import Channel, Conversation, Customer
from servicecoach.practice import Coach, PracticeSession, load_scenario, parse_scenario
from servicecoach.practice.scenario import MAX_TURNS, PracticeChannel
from servicecoach.practice.seed import STAND_IN_NAME, seed_scenario
from servicecoach.rubric import Rubric
from servicecoach.testing import make_conversation
from tests.cli.helpers import run_cli

DANA = Customer(id="c9", name="Dana Reyes", email="dana@example.com")
TURNS = [
    (
        "customer",
        "Hi, I'm Dana. My order #5521 arrived broken. Call me on +1 415 555 0134 "
        "or write to dana@example.com.",
        0,
    ),
    ("agent", "We can't do anything without a photo. What is your order number?", 20),
    ("customer", "I told you, #5521. Here's the photo.", 22),
    ("customer", "Send the new one to 12 Baker Street, London NW1 6XE.", 23),
    ("agent", "OK, a replacement is on its way. It arrives Friday.", 30),
    ("customer", "Fine.", 31),
]


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_rubric(Rubric(), fast=True)


def _conversation(turns: list[tuple[str, str, float]] = TURNS, **kw: object) -> Conversation:
    return make_conversation(turns, id="chat-77", customer=DANA, **kw)  # type: ignore[arg-type]


def test_seed_steps_follow_the_conversation(pipeline: Pipeline) -> None:
    conversation = _conversation()
    seed = seed_scenario(conversation, pipeline.analyze(conversation), scenario_id="broken-lamp")
    scenario = parse_scenario(seed.text, "seed", "broken-lamp")
    assert list(scenario.steps) == ["opening", "turn-2", "turn-3"]
    opening, second, last = scenario.steps.values()
    assert opening.customer.startswith(f"Hi, I'm {STAND_IN_NAME}. My order #5521 arrived broken.")
    assert opening.model_answer == TURNS[1][1]
    assert (opening.next, opening.reply_minutes, opening.branches) == ("turn-2", 20.0, [])
    # Consecutive customer messages are one step; the real clock is kept.
    assert second.customer == f"{TURNS[2][1]}\n\nSend the new one to [address]."
    assert (second.after_minutes, second.reply_minutes) == (2.0, 7.0)
    assert second.model_answer == TURNS[4][1]
    assert last.customer == "Fine." and last.ends  # the customer had the last word
    assert scenario.channel is PracticeChannel.CHAT and scenario.persona.name == STAND_IN_NAME


def test_seed_redacts_the_customer(pipeline: Pipeline) -> None:
    conversation = _conversation()
    seed = seed_scenario(conversation, pipeline.analyze(conversation))
    for personal in ("Dana", "Reyes", "dana@example.com", "415 555 0134", "Baker Street"):
        assert personal not in seed.text
    assert "[phone]" in seed.text and "[email]" in seed.text
    counts = seed.redacted
    assert (counts.email, counts.phone, counts.address) == (1, 1, 1) and counts.name >= 1


def test_seed_trains_the_weakest_skills_and_flags_what_to_edit(pipeline: Pipeline) -> None:
    conversation = _conversation()
    result = pipeline.analyze(conversation)
    seed = seed_scenario(conversation, result)
    scored = sorted((f.score, s) for s, f in result.skills.items() if f.score is not None)
    assert [score for _, score in seed.skills] == [score for score, _ in scored[:3]]
    scenario = parse_scenario(seed.text, "seed", "seeded")
    assert list(scenario.skills) == [skill for skill, _ in seed.skills]
    # The reply that re-asked is flagged with what the analysers found in it.
    assert "# TODO improve: this is the agent's real reply (the analysers found:" in seed.text
    assert "listening.reask" in seed.text
    assert "# [[steps.opening.branches]]" in seed.text  # branches left to the author
    assert seed.text.count("TODO") >= 6


def test_seed_plays_to_the_end(pipeline: Pipeline, coach: Coach) -> None:
    conversation = _conversation()
    seed = seed_scenario(conversation, pipeline.analyze(conversation))
    session = PracticeSession(parse_scenario(seed.text, "seed", "seeded"), coach)
    while not session.finished:
        assert session.step is not None and session.step.model_answer is not None
        session.reply(session.step.model_answer)
    assert list(session.debrief().path) == ["opening", "turn-2", "turn-3"]


@pytest.mark.parametrize(
    "text",
    [
        'He said "no" twice\\ and left \\n as is',
        'Three quotes """ inside\nand a second line with a tab\there',
        "Line one\r\nline two ends with a backslash \\",
        "Unicode stays: café – ünïcødé ✓, and a bell \x07 goes in escaped",
    ],
)
def test_seed_text_round_trips_through_toml(pipeline: Pipeline, text: str) -> None:
    turns = [("customer", text, 0), ("agent", text, 1)]
    conversation = make_conversation(turns, channel=Channel.EMAIL)
    seed = seed_scenario(conversation, pipeline.analyze(conversation))
    step = parse_scenario(seed.text, "seed", "seeded").steps["opening"]
    expected = text.replace("\r\n", "\n").strip()
    assert (step.customer, step.model_answer) == (expected, expected)


def test_seed_keeps_at_most_the_replies_a_scenario_allows(pipeline: Pipeline) -> None:
    turns = []
    for i in range(MAX_TURNS + 3):
        turns += [("customer", f"Question {i}?", 2 * i), ("agent", f"Answer {i}.", 2 * i + 1)]
    conversation = make_conversation(turns)
    seed = seed_scenario(conversation, pipeline.analyze(conversation))
    scenario = parse_scenario(seed.text, "seed", "seeded")
    assert len(scenario.steps) == MAX_TURNS and seed.left_out == 3
    assert "3 later customer turns were left out" in seed.text


@pytest.mark.parametrize(
    "turns",
    [
        [("agent", "Hello, can I help?", 0)],
        [("customer", "Hello?", 0), ("customer", "Anyone?", 1)],
    ],
)
def test_seed_needs_an_answered_customer(
    pipeline: Pipeline, turns: list[tuple[str, str, float]]
) -> None:
    conversation = make_conversation(turns, id="quiet")
    with pytest.raises(InputError, match="'quiet' has no customer message answered by an agent"):
        seed_scenario(conversation, pipeline.analyze(conversation))


def test_seed_public_social_becomes_a_public_scenario(pipeline: Pipeline) -> None:
    conversation = _conversation(channel=Channel.SOCIAL, public=True)
    seed = seed_scenario(conversation, pipeline.analyze(conversation))
    assert parse_scenario(seed.text, "seed", "s").channel is PracticeChannel.SOCIAL_PUBLIC


# -- the command line ---------------------------------------------------------------


def _write(path: Path, *conversations: Conversation) -> Path:
    from servicecoach.model.native import conversation_to_dict

    lines = [json.dumps(conversation_to_dict(c)) for c in conversations]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_seed_cli_writes_a_scenario_that_loads_and_plays(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = _write(tmp_path / "chats.jsonl", _conversation())
    out = tmp_path / "broken-lamp.toml"
    result = run_cli(capsys, "practice", "seed", str(source), "--out", str(out), "--fast")
    assert result.code == 0, result.err
    assert (
        "edit the lines marked TODO" in result.err and f"servicecoach practice {out}" in result.err
    )
    assert load_scenario(out).id == "broken-lamp"
    replies = tmp_path / "replies.txt"
    replies.write_text("I'm so sorry, Alex. A new lamp ships today.\n---\nThanks!\n", "utf-8")
    played = run_cli(capsys, "practice", str(out), "--replies", str(replies), "--fast", "--json")
    assert played.code == 0, played.err
    assert json.loads(played.out)["debrief"]["finished"] is True


def test_seed_cli_json_summary_and_stdout(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = _write(tmp_path / "chats.jsonl", _conversation())
    out = tmp_path / "lamp.toml"
    result = run_cli(capsys, "practice", "seed", str(source), "-o", str(out), "--fast", "--json")
    assert result.code == 0, result.err
    summary = json.loads(result.out)
    assert (summary["scenario"], summary["steps"], summary["replies"]) == ("lamp", 3, 2)
    assert summary["redacted"]["email"] == 1
    printed = run_cli(capsys, "practice", "seed", str(source), "--fast")
    assert printed.code == 0 and "[steps.opening]" in printed.out
    assert parse_scenario(printed.out, "stdout", "seeded").steps["opening"]


def test_seed_cli_picks_one_of_several(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    other = make_conversation(
        [("customer", "Where is my refund?"), ("agent", "It left today.")], id="chat-88"
    )
    source = _write(tmp_path / "chats.jsonl", _conversation(), other)
    several = run_cli(capsys, "practice", "seed", str(source), "--fast")
    assert several.code == 2 and "several conversations (chat-77, chat-88, ...)" in several.err
    assert "--conversation ID" in several.err
    out = tmp_path / "refund.toml"
    picked = run_cli(
        capsys, "practice", "seed", str(source), "-c", "chat-88", "-o", str(out), "--fast"
    )
    assert picked.code == 0, picked.err
    assert load_scenario(out).steps["opening"].customer == "Where is my refund?"
    missing = run_cli(capsys, "practice", "seed", str(source), "-c", "nope", "--fast")
    assert missing.code == 4 and "has no conversation 'nope'" in missing.err


def test_seed_cli_from_the_store(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = _write(tmp_path / "chats.jsonl", _conversation())
    db = str(tmp_path / "sc.db")
    assert run_cli(capsys, "import", str(source), "--db", db).code == 0
    out = tmp_path / "stored.toml"
    result = run_cli(capsys, "practice", "seed", "chat-77", "--db", db, "-o", str(out), "--fast")
    assert result.code == 0, result.err
    assert "Dana" not in out.read_text("utf-8") and load_scenario(out).steps["turn-3"].ends
    unknown = run_cli(capsys, "practice", "seed", "chat-99", "--db", db, "--fast")
    assert unknown.code == 4 and "no conversation named 'chat-99'" in unknown.err


def test_seed_cli_from_the_store_reads_the_customers_history(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A returning customer: from the store, continuity applies (the history is there)."""
    first = make_conversation(
        [("customer", "My lamp arrived broken, the shade is cracked."),
         ("agent", "Sorry to hear that! I've sent a new shade; it arrives Friday.")],
        id="chat-1", customer=DANA, start=datetime(2024, 5, 1, 9, tzinfo=UTC),
    )  # fmt: skip
    second = make_conversation(
        [("customer", "It's me again. The new shade for my lamp is cracked too."),
         ("agent", "Can you describe the problem? What did you order?")],
        id="chat-2", customer=DANA, start=datetime(2024, 5, 8, 9, tzinfo=UTC),
    )  # fmt: skip
    source = _write(tmp_path / "two.jsonl", first, second)
    db = str(tmp_path / "sc.db")
    assert run_cli(capsys, "import", str(source), "--db", db).code == 0
    out = tmp_path / "again.toml"
    stored = run_cli(capsys, "practice", "seed", "chat-2", "--db", db, "-o", str(out), "--fast")
    assert stored.code == 0, stored.err
    assert "continuity" in load_scenario(out).skills
    alone = run_cli(capsys, "practice", "seed", str(source), "-c", "chat-2", "--fast")
    assert alone.code == 0 and "continuity" not in parse_scenario(alone.out, "-", "s").skills


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "{tmp}/Bad Name!.toml"], "the file's name is the scenario's id"),
        (["--out", "{tmp}/scenario.txt"], "a scenario file ends in .toml"),
        (["--out", "{tmp}/nofolder/s.toml"], "does not exist"),
        (["--out", "{tmp}/x.toml", "--json", "--db", "x.db", "-c", "a"], "with --db"),
        (["--json"], "--json prints a summary: give --out"),
    ],
)
def test_seed_cli_refuses_bad_options(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], message: str
) -> None:
    source = _write(tmp_path / "chats.jsonl", _conversation())
    result = run_cli(
        capsys, "practice", "seed", str(source), *(a.replace("{tmp}", str(tmp_path)) for a in args)
    )
    assert result.code == 2 and message in result.err, result.err


def test_seed_cli_never_overwrites_without_force(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = _write(tmp_path / "chats.jsonl", _conversation())
    out = tmp_path / "mine.toml"
    out.write_text("# my own work\n", "utf-8")
    refused = run_cli(capsys, "practice", "seed", str(source), "-o", str(out), "--fast")
    assert refused.code == 2 and "give --force" in refused.err
    assert out.read_text("utf-8") == "# my own work\n"
    forced = run_cli(capsys, "practice", "seed", str(source), "-o", str(out), "--fast", "--force")
    assert forced.code == 0 and load_scenario(out).id == "mine"


def test_seed_cli_names_an_unreadable_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "broken.jsonl"
    bad.write_text('{"format": 1, "id": "x", "channel": "chat", "messages": [\n', "utf-8")
    result = run_cli(capsys, "practice", "seed", str(bad), "--fast")
    assert result.code == 3 and str(bad) in result.err and "line 1" in result.err
