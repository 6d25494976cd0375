"""A team's lexicon overrides beside its rubric: how they merge, every mistake named with
its file and key, and that they change what fires in batch analysis and live assist
without leaking into another rubric's pipeline in the same process."""

from __future__ import annotations

from pathlib import Path

import pytest

from servicecoach.analysis.analyzer import Context
from servicecoach.analysis.lexicon import fill, load_lexicon
from servicecoach.analysis.lexicon_overrides import merge_lexicon, team_lexicon
from servicecoach.analysis.pipeline import Pipeline
from servicecoach.assist import DraftCheck, DraftChecker
from servicecoach.errors import ConfigError
from servicecoach.model import Conversation
from servicecoach.review.rubric_version import DEFAULT_RUBRIC_VERSION, rubric_version
from servicecoach.rubric import Rubric, load_rubric
from servicecoach.testing import make_conversation
from tests.cli.helpers import run_cli
from tests.conftest import SAMPLES

CLARITY = """\
[jargon]
phrases = ["mispick", "3PL"]
remove = ["SLA", "slas"]
suggestion = "Use the words on the customer's order page."

[jargon.plain]
mispick = "the wrong item was packed"
"3pl" = "our delivery partner's warehouse"
"""

APOLOGY = """\
[suggestions]
missing = 'Start with a short apology, e.g. "Sorry about this!"'

[negation]
words = ["hardly"]
remove_words = ["not"]
"""


def _rubric(tmp_path: Path, **files: str) -> Path:
    """A rubric whose ``[lexicons]`` names one override file per keyword, written beside it."""
    folder = tmp_path / "lexicons"
    folder.mkdir(exist_ok=True)
    lines = ["[lexicons]"]
    for name, text in files.items():
        (folder / f"{name}.toml").write_text(text, encoding="utf-8")
        lines.append(f'{name} = "lexicons/{name}.toml"')
    path = tmp_path / "team.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _jargon_chat() -> Conversation:
    return make_conversation(
        [
            ("customer", "My tent order came with the wrong poles."),
            ("agent", "That was a mispick at our 3PL. It is also within our SLA."),
        ]
    )


def _jargon(result: dict[str, object]) -> list[tuple[str, str | None]]:
    skills = result["skills"]
    assert isinstance(skills, dict)
    return [
        (e["quote"], e["suggestion"])
        for e in skills["clear_communication"]["evidence"]
        if e["signal"] == "clarity.jargon"
    ]


# --- merge semantics -----------------------------------------------------------------


def test_lexicon_overrides_add_remove_and_replace() -> None:
    shipped = load_lexicon("clarity")
    merged = merge_lexicon(
        shipped,
        {
            "jargon": {
                "phrases": ["mispick", "SLA"],  # "SLA" is shipped already: not doubled
                "remove": ["sla", "slas"],
                "suggestion": "Plain words, please.",
                "plain": {"mispick": "the wrong item was packed"},
                "customer_codes": ["rma"],
                "remove_customer_codes": ["tkt"],
            },
            "conditional": {"words": ["provided"], "remove_words": ["unless"]},
        },
        "team/clarity.toml",
    )
    phrases = merged.section("jargon")["phrases"]
    assert "mispick" in phrases and "sla" not in phrases and "slas" not in phrases
    assert [m.phrase for m in merged.matcher.find("A mispick, not an SLA issue")] == ["mispick"]
    assert merged.suggestion("jargon") == "Plain words, please."
    plain = merged.section("jargon")["plain"]
    assert plain["mispick"] == "the wrong item was packed"
    assert plain["rma"] == shipped.section("jargon")["plain"]["rma"]  # entries kept
    codes = merged.section("jargon")["customer_codes"]
    assert "rma" in codes and "tkt" not in codes
    assert "provided" in merged.words("conditional")
    assert "unless" not in merged.words("conditional")
    # the shipped lexicon is untouched
    assert "sla" in shipped.section("jargon")["phrases"]
    assert shipped.suggestion("jargon") != "Plain words, please."
    assert "unless" in shipped.words("conditional")


def test_lexicon_overrides_texts_keep_their_placeholders() -> None:
    merged = merge_lexicon(
        load_lexicon("clarity"),
        {"suggestions": {"jargon_swap": 'Try "{plain}" (not "{phrase}").'}},
        "clarity.toml",
    )
    assert merged.text("suggestions", "jargon_swap", plain="x", phrase="y") == 'Try "x" (not "y").'


def test_lexicon_overrides_same_override_same_lexicon_object() -> None:
    first = team_lexicon("apology", {"apology": {"phrases": ["my bad"]}}, "a.toml")
    again = team_lexicon("apology", {"apology": {"phrases": ["my bad"]}}, "a.toml")
    assert first is again  # analysers' rules are cached per lexicon object
    assert first is not load_lexicon("apology")


def test_lexicon_fill_is_one_pass_like_an_f_string() -> None:
    assert fill("{a} and {b}", a="{b}", b="x") == "{b} and x"
    assert fill("no {placeholder} given") == "no {placeholder} given"


# --- errors name the file and the key -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "needles"),
    [
        ("clarity", "[jargonn]\nphrases = ['x']\n", ["clarity.toml", "[jargonn]", "no section"]),
        (
            "clarity",
            "[jargon]\nphrase = ['x']\n",
            ["clarity.toml", "[jargon] phrase", "unknown key"],
        ),
        (
            "clarity",
            "[jargon]\nremove = ['not shipped']\n",
            ["clarity.toml", "[jargon] remove", "'not shipped' is not in the shipped phrases"],
        ),
        (
            "clarity",
            "[jargon]\nphrases = 'mispick'\n",
            ["[jargon] phrases", "list of non-empty texts"],
        ),
        ("clarity", "[jargon]\nsuggestion = 3\n", ["[jargon] suggestion", "non-empty text"]),
        (
            "clarity",
            "[suggestions]\njargon_swap = 'Say {plainer}'\n",
            ["[suggestions] jargon_swap", "unknown placeholder {plainer}", "{phrase}, {plain}"],
        ),
        ("clarity", "[recap]\nremove_words = ['x']\n", ["[recap] remove_words", "no list 'words'"]),
        (
            "empathy",
            "[lead_near]\nwindow = 3\n",
            ["empathy.toml", "[lead_near] window", "unknown key"],
        ),
        ("clarity", "jargon = 'x'\n", ["lexicons.clarity", "'jargon' must be a [section] table"]),
        ("clarity", "[jargon\n", ["lexicons.clarity", "is not valid TOML"]),
        ("closings", "[check]\nphrases = ['x']\n", ["no lexicon named 'closings'"]),
    ],
)
def test_lexicon_overrides_errors_name_file_and_key(
    tmp_path: Path, name: str, text: str, needles: list[str]
) -> None:
    path = _rubric(tmp_path, **{name: text})
    with pytest.raises(ConfigError) as caught:
        load_rubric(path)
    message = str(caught.value)
    assert message.startswith(f"rubric {path}: lexicons")
    for needle in needles:
        assert needle in message


def test_lexicon_overrides_missing_file_and_wrong_value(tmp_path: Path) -> None:
    path = tmp_path / "team.toml"
    path.write_text('[lexicons]\nclarity = "lexicons/nope.toml"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"lexicons\.clarity: .*nope\.toml does not exist"):
        load_rubric(path)
    path.write_text("[lexicons.clarity]\njargon = {phrases = ['x']}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"lexicons\.clarity: name the override file"):
        load_rubric(path)


def test_lexicon_overrides_bad_file_on_the_command_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _rubric(tmp_path, clarity="[jargon]\nremove = ['mispick']\n")
    result = run_cli(capsys, "analyze", str(SAMPLES / "native"), "--fast", "--rubric", str(path))
    assert result.code == 2
    assert "lexicons/clarity.toml: [jargon] remove: 'mispick' is not in the shipped" in result.err
    assert "Traceback" not in result.err


# --- the default stays as it was ------------------------------------------------------


def test_lexicon_overrides_default_rubric_unchanged() -> None:
    rubric = Rubric()
    assert rubric.team_lexicons() == {}
    assert "lexicons" not in rubric.model_dump()  # so earlier rubrics keep their version
    assert rubric_version(rubric) == DEFAULT_RUBRIC_VERSION
    assert Context().lexicon("clarity") is load_lexicon("clarity")
    conversation = _jargon_chat()
    plain = Pipeline.from_rubric(rubric, fast=True).analyze(conversation).to_dict()
    assert _jargon(plain) == [("SLA", 'Say "our promised response time" instead of "SLA".')]


def test_lexicon_overrides_are_part_of_the_rubric_version(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = load_rubric(_rubric(tmp_path / "a", clarity=CLARITY))
    two = load_rubric(_rubric(tmp_path / "b", clarity=CLARITY.replace("mispick", "mis-pick")))
    assert len({rubric_version(Rubric()), rubric_version(one), rubric_version(two)}) == 3


# --- overrides change what fires, in batch and live, and stay with their rubric ----------


def test_lexicon_overrides_change_batch_analysis(tmp_path: Path) -> None:
    rubric = load_rubric(_rubric(tmp_path, clarity=CLARITY))
    result = Pipeline.from_rubric(rubric, fast=True).analyze(_jargon_chat()).to_dict()
    assert _jargon(result) == [
        ("mispick", 'Say "the wrong item was packed" instead of "mispick".'),
        ("3PL", 'Say "our delivery partner\'s warehouse" instead of "3PL".'),
    ]


def test_lexicon_overrides_replace_suggestions_and_words(tmp_path: Path) -> None:
    rubric = load_rubric(_rubric(tmp_path, apology=APOLOGY))
    conversation = make_conversation(
        [
            ("customer", "My parcel arrived damaged and I am upset."),
            ("agent", "Let me look at the order for you."),
        ]
    )
    evidence = Pipeline.from_rubric(rubric, fast=True).analyze(conversation).skills["apology"]
    (missing,) = [e for e in evidence.evidence if e.signal == "apology.missing"]
    assert missing.suggestion == 'Start with a short apology, e.g. "Sorry about this!"'


def test_lexicon_overrides_change_live_assist(tmp_path: Path) -> None:
    rubric = load_rubric(_rubric(tmp_path, clarity=CLARITY))
    conversation = make_conversation([("customer", "My tent order came with the wrong poles.")])
    draft = "That was a mispick. It is within our SLA."
    team = DraftChecker(rubric, fast=True).check(conversation, draft)
    default = DraftChecker(fast=True).check(conversation, draft)

    def jargon(check: DraftCheck) -> list[str]:
        return [draft[s.start : s.end] for s in check.suggestions if s.kind == "clarity.jargon"]

    assert jargon(team) == ["mispick"]
    assert jargon(default) == ["SLA"]


def test_lexicon_overrides_two_rubrics_in_one_process_do_not_leak(tmp_path: Path) -> None:
    team = Pipeline.from_rubric(load_rubric(_rubric(tmp_path, clarity=CLARITY)), fast=True)
    plain = Pipeline.from_rubric(Rubric(), fast=True)
    conversation = _jargon_chat()
    for _ in range(2):  # interleaved, after each has built its rules
        assert [q for q, _ in _jargon(team.analyze(conversation).to_dict())] == ["mispick", "3PL"]
        assert [q for q, _ in _jargon(plain.analyze(conversation).to_dict())] == ["SLA"]
    assert "mispick" not in load_lexicon("clarity").section("jargon")["phrases"]


def test_lexicon_suggestion_texts_come_from_the_lexicon(tmp_path: Path) -> None:
    """Texts moved from Python to [suggestions] are what the analysers give, and a team's
    replacement reaches them."""
    texts = {
        "forbidden": "Our guide asks us not to say this.",
        "ticket_code": "Give the customer their order number instead.",
    }
    override = "[suggestions]\n" + "".join(f'{k} = "{v}"\n' for k, v in texts.items())
    path = _rubric(tmp_path, clarity=override)
    path.write_text(path.read_text() + '\n[phrases]\nforbid = ["per our policy"]\n')
    conversation = make_conversation(
        [("customer", "Where is my refund?"), ("agent", "Per our policy see OPS-2231.")]
    )
    shipped = load_lexicon("clarity")
    for rubric, want in (
        (Rubric(phrases={"forbid": ["per our policy"]}), dict.fromkeys(texts, "")),
        (load_rubric(path), texts),
    ):
        evidence = Pipeline.from_rubric(rubric, fast=True).analyze(conversation).skills
        by_signal = {e.signal: e.suggestion for e in evidence["clear_communication"].evidence}
        assert by_signal["clarity.forbidden_phrase"] == (
            want["forbidden"] or shipped.text("suggestions", "forbidden")
        )
        assert by_signal["clarity.jargon"] == (
            want["ticket_code"] or shipped.text("suggestions", "ticket_code")
        )
