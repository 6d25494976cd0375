"""Who is the agent on a call: --speaker, the source, what was said, then who spoke first."""

from __future__ import annotations

import pytest

from servicecoach.errors import ConfigError
from servicecoach.ingest.base import ImportOptions
from servicecoach.ingest.transcripts import roles
from servicecoach.ingest.transcripts.roles import (
    decide_roles,
    mapped_role,
    speaker_option_warnings,
    unmatched_speaker_labels,
)
from servicecoach.ingest.transcripts.turns import Segment, build_call
from servicecoach.model.conversation import Role

A, C = Role.AGENT, Role.CUSTOMER

# Calls written for these tests: (speaker, what they said), in the order spoken.
CUSTOMER_FIRST = [
    ("spk_0", "Hi, yes, I'm calling about my order, it never arrived."),
    ("spk_1", "Thanks for calling Northwind, this is Sam. I'm sorry to hear that."),
    ("spk_0", "It was supposed to come last Tuesday."),
]
AGENT_FIRST = [
    ("A", "Good morning, Northwind billing, Priya speaking. How can I help?"),
    ("B", "Hello, I was charged twice for one jacket."),
]
ONLY_PROBLEM = [
    ("spk_0", "Hello?"),
    ("spk_1", "Hi. I have a problem with my router, it doesn't work since yesterday."),
    ("spk_0", "Okay."),
]
SMALL_TALK = [
    ("x", "Hello."),
    ("y", "Hi there."),
    ("x", "Nice weather today."),
]
SPANISH = [
    ("cliente", "Hola, tengo un problema con mi pedido."),
    ("operador", "Gracias por llamar a Northwind, ¿en qué le puedo ayudar?"),
]


@pytest.mark.parametrize(
    ("turns", "expected", "how", "note"),
    [
        (
            CUSTOMER_FIRST,
            {"spk_0": C, "spk_1": A},
            "content",
            'speaker spk_1 taken as the agent: greets on behalf of the company ("Thanks for '
            'calling")',
        ),
        (
            AGENT_FIRST,
            {"A": A, "B": C},
            "content",
            "speaker A taken as the agent: greets on behalf of the company",
        ),
        (
            ONLY_PROBLEM,
            {"spk_0": A, "spk_1": C},
            "content",
            'speaker spk_0 taken as the agent: speaker spk_1 states the problem ("I have a '
            'problem")',
        ),
        (
            SMALL_TALK,
            {"x": A, "y": C},
            "first_speaker",
            "speaker x taken as the agent: it speaks first (--first-speaker agent); nothing "
            "said tells agent and customer apart",
        ),
        (
            SPANISH,
            {"cliente": C, "operador": A},
            "content",
            "speaker operador taken as the agent: greets on behalf of the company",
        ),
        ([], {}, "none", "no speakers"),
    ],
    ids=["customer-first", "agent-first", "only-problem", "undecided", "spanish", "empty"],
)
def test_transcripts_roles_from_content(
    turns: list[tuple[str, str]], expected: dict[str, Role], how: str, note: str
) -> None:
    decision = decide_roles(turns, ImportOptions())
    assert decision.roles == expected
    assert decision.how == how
    assert decision.note.startswith(note)


@pytest.mark.parametrize(
    ("options", "expected", "how"),
    [
        # --speaker overrides what was said
        (
            ImportOptions(speaker_roles={"spk_0": A, "spk_1": C}),
            {"spk_0": A, "spk_1": C},
            "speaker_option",
        ),
        # one speaker mapped to the agent: every other one is a customer
        (ImportOptions(speaker_roles={"SPK_0": A}), {"spk_0": A, "spk_1": C}, "speaker_option"),
        # one mapped to the customer: the content decides among the others
        (ImportOptions(speaker_roles={"spk_0": C}), {"spk_0": C, "spk_1": A}, "content"),
        # --first-speaker only applies when the content does not decide
        (ImportOptions(first_speaker=C), {"spk_0": C, "spk_1": A}, "content"),
    ],
    ids=["both-mapped", "agent-mapped", "customer-mapped", "first-speaker-ignored"],
)
def test_transcripts_roles_options(
    options: ImportOptions, expected: dict[str, Role], how: str
) -> None:
    decision = decide_roles(CUSTOMER_FIRST, options)
    assert (decision.roles, decision.how) == (expected, how)


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        ([("Customer", "Hello."), ("Agent", "Hi.")], {"Customer": C, "Agent": A}),
        ([("CALLER", "Thanks for calling!"), ("rep", "Sure.")], {"CALLER": C, "rep": A}),
        ([("Caller", "Hi, my order is late."), ("Sam", "Let me check.")], {"Caller": C, "Sam": A}),
        (
            [("IVR", "Press one."), ("Dana", "Hello?")],
            {"IVR": Role.BOT, "Dana": C},
        ),  # who answers the IVR calls in
    ],
    ids=["agent-customer", "caller-rep", "caller-and-a-name", "ivr"],
)
def test_transcripts_roles_speakers_named_by_role(
    turns: list[tuple[str, str]], expected: dict[str, Role]
) -> None:
    decision = decide_roles(turns, ImportOptions())
    assert decision.roles == expected


def test_transcripts_roles_first_speaker_when_undecided() -> None:
    decision = decide_roles(SMALL_TALK, ImportOptions(first_speaker=C))
    assert decision.roles == {"x": C, "y": A}
    assert decision.how == "first_speaker"


def test_transcripts_roles_from_source_with_override() -> None:
    turns = [("AGENT", "Hello."), ("CUSTOMER", "Hi.")]
    source = {"AGENT": A, "CUSTOMER": C}
    decision = decide_roles(turns, ImportOptions(), source)
    assert (decision.roles, decision.how) == (source, "source")
    swapped = ImportOptions(speaker_roles={"AGENT": C, "CUSTOMER": A})
    assert decide_roles(turns, swapped, source).roles == {"AGENT": C, "CUSTOMER": A}


@pytest.mark.parametrize(
    ("turns", "role"),
    [
        ([("s", "Thank you for calling Acme, how may I help you?")], A),
        ([("s", "Hi, I'm calling because my parcel arrived damaged.")], C),
        ([("s", "Hello, hello?")], A),  # undecided: the first speaker rule
    ],
)
def test_transcripts_roles_single_speaker(turns: list[tuple[str, str]], role: Role) -> None:
    assert decide_roles(turns, ImportOptions()).roles == {"s": role}


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for calling me back so quickly.",  # the customer thanks the agent
        "Yeah, I was on hold for ages.",  # too weak alone
    ],
)
def test_transcripts_roles_customer_phrases_not_agent(text: str) -> None:
    decision = decide_roles([("p", "Hello."), ("q", text)], ImportOptions())
    assert decision.how == "first_speaker" or decision.roles["q"] is C


def test_transcripts_roles_only_the_start_of_the_call_counts() -> None:
    filler = [("x", "Right."), ("y", "Okay.")] * 5
    late = [("y", "Thank you for calling Northwind, how can I help?")]
    assert decide_roles(filler + late, ImportOptions()).how == "first_speaker"


@pytest.mark.parametrize(
    ("label", "mapping", "role"),
    [
        ("Farías", {"Far&#237;as": A}, A),
        ("Far&#237;as", {"farías": C}, C),
        ("Dana Reyes", {"dana reyes": C}, C),
        ("spk_0", {"spk_1": A}, None),
    ],
)
def test_transcripts_roles_mapping_ignores_case_and_entities(
    label: str, mapping: dict[str, Role], role: Role | None
) -> None:
    assert mapped_role(label, mapping) is role


def test_transcripts_roles_bad_role_is_config_error() -> None:
    bad = ImportOptions(speaker_roles={"A": "boss"})  # type: ignore[dict-item]
    with pytest.raises(ConfigError, match="not a role"):
        decide_roles([("A", "hi")], bad)


@pytest.mark.parametrize(
    ("labels", "found", "unmatched"),
    [
        (["spk_0", "Farías", "SAM"], ["spk_0", "Far&#237;as", "Sam"], []),
        (["spk_9", "Dana"], ["spk_0", "spk_1"], ["spk_9", "Dana"]),
        ([], ["spk_0"], []),
    ],
)
def test_transcripts_roles_unmatched_speaker_labels(
    labels: list[str], found: list[str], unmatched: list[str]
) -> None:
    assert unmatched_speaker_labels(labels, found) == unmatched


def test_transcripts_roles_speaker_option_warnings() -> None:
    found = ["spk_0", "spk_1", "Far&#237;as", "spk_0"]
    [warning] = speaker_option_warnings(["SPK_1", "Farías", "spk_2"], found)
    assert str(warning.path) == "--speaker" and warning.location == "'spk_2'"
    assert warning.message == (
        "matched no speaker, so it changed no role: the speakers found are "
        "'spk_0', 'spk_1', 'Far&#237;as'"
    )
    assert "--speaker spk_1=agent" in warning.fix
    many = speaker_option_warnings(["x"], [f"s{i}" for i in range(25)])
    assert many[0].message.endswith("'s9' and 15 more")
    [none] = speaker_option_warnings(["x"], [])
    assert none.message.endswith("no call in this import names its speakers")
    assert speaker_option_warnings([], ["spk_0"]) == []


def test_transcripts_roles_recorded_in_call_meta() -> None:
    segments = [
        Segment(label, float(i), float(i) + 0.5, text)
        for i, (label, text) in enumerate(CUSTOMER_FIRST)
    ]
    call = build_call(segments, conversation_id="c", source="t", options=ImportOptions())
    assert [m.role for m in call] == [C, A, C]
    assert call.meta["speakers"] == {"spk_0": "customer", "spk_1": "agent"}
    assert call.meta["roles_from"] == "content"
    assert call.meta["roles_note"].startswith("speaker spk_1 taken as the agent")


def test_transcripts_roles_all_names_exist() -> None:
    assert len(set(roles.__all__)) == len(roles.__all__)
    assert all(hasattr(roles, name) for name in roles.__all__)
