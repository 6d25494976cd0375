"""Skills come from the registered analysers: a plugin may add a skill or replace a
built-in analyser by name, and mistakes are clear errors at start-up."""

from __future__ import annotations

from collections.abc import Callable

import pluggy
import pytest

from servicecoach.analysis import Analyzer, Context, Pipeline, Skill, SkillFinding
from servicecoach.analysis.registry import analyzers, registrations
from servicecoach.analysis.skills import (
    SKILLS,
    registered_skills,
    skill_families,
    skill_label,
    skill_names,
)
from servicecoach.errors import ConfigError
from servicecoach.model.conversation import Conversation
from servicecoach.plugins import BUILTIN_PLUGINS, ENTRY_POINT_GROUP, Hooks, hookimpl
from servicecoach.testing import make_conversation

TACT = Skill(name="tact", label="Tact", head="tact", family="tact")


class TactAnalyzer(Analyzer):
    """A plugin's 13th skill: scores 70 whenever there is an agent reply."""

    name = "tact"
    skill = "tact"
    new_skill = TACT

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        return SkillFinding(70)


class MyEmpathy(Analyzer):
    """A team's own empathy analyser, replacing the built-in by its name."""

    name = "empathy"
    skill = "empathy"

    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        return SkillFinding(42)


def _manager(*plugins: tuple[str, object]) -> pluggy.PluginManager:
    import importlib

    manager = pluggy.PluginManager(ENTRY_POINT_GROUP)
    manager.add_hookspecs(Hooks)
    for name, module in BUILTIN_PLUGINS.items():
        manager.register(importlib.import_module(module), name=name)
    for name, plugin in plugins:
        manager.register(plugin, name=name)
    return manager


def _plugin(*found: Analyzer) -> object:
    class Plugin:
        @hookimpl
        def register_analyzers(self, register: Callable[[Analyzer], None]) -> None:
            for analyzer in found:
                register(analyzer)

    return Plugin()


def test_the_built_in_skills_are_the_twelve_in_format_order() -> None:
    assert skill_names() == SKILLS
    assert len(SKILLS) == 12
    assert skill_label("active_listening") == "Active listening"
    assert skill_families()["private"] == "public_to_private"
    assert skill_label("not_a_skill") == "Not a skill"


def test_a_plugin_adds_a_skill_after_the_built_ins() -> None:
    manager = _manager(("tact_plugin", _plugin(TactAnalyzer())))
    assert registered_skills(manager)[-1] == TACT
    assert skill_names(manager) == (*SKILLS, "tact")
    assert skill_families(manager)["tact"] == "tact"
    assert registrations(manager)["tact"][1] == "tact_plugin"


def test_a_plugin_skill_is_scored_and_listed_last_in_results() -> None:
    manager = _manager(("tact_plugin", _plugin(TactAnalyzer())))
    result = Pipeline(list(analyzers(manager).values())).analyze(
        make_conversation([("customer", "Hello?"), ("agent", "Hi, how can I help?")])
    )
    out = result.to_dict()
    assert list(out["skills"])[:12] == list(SKILLS)
    assert list(out["skills"])[12:] == ["tact"]
    assert out["skills"]["tact"]["score"] == 70
    assert out["analyzers"]["tact"] == "tact.v1"


def test_a_plugin_replaces_a_built_in_analyser_by_name() -> None:
    manager = _manager(("team_empathy", _plugin(MyEmpathy())))
    found = analyzers(manager)
    assert isinstance(found["empathy"], MyEmpathy)
    assert registrations(manager)["empathy"][1] == "team_empathy"
    result = Pipeline(list(found.values())).analyze(
        make_conversation([("customer", "It broke."), ("agent", "Sorry to hear that.")])
    )
    assert result.skills["empathy"].score == 42


def test_two_plugins_with_one_analyser_name_are_an_error() -> None:
    manager = _manager(("one", _plugin(MyEmpathy())), ("two", _plugin(MyEmpathy())))
    with pytest.raises(ConfigError, match="both register an analyser named 'empathy'"):
        analyzers(manager)


def test_a_second_analyser_for_a_built_in_skill_says_how_to_replace_it() -> None:
    class OtherEmpathy(MyEmpathy):
        name = "warmth"

    manager = _manager(("warmth", _plugin(OtherEmpathy())))
    with pytest.raises(ConfigError, match="replaces a built-in analyser by registering"):
        Pipeline(list(analyzers(manager).values()))


@pytest.mark.parametrize(
    ("skill", "message"),
    [
        (Skill("empathy", "Empathy 2", "emp2", "warmth"), "which is built in"),
        (Skill("kindness", "Kindness", "kind", "empathy"), "belongs to a built-in skill"),
    ],
)
def test_a_new_skill_may_not_take_a_built_in_name_or_family(skill: Skill, message: str) -> None:
    class Clash(TactAnalyzer):
        name = "clash"
        new_skill = skill

    Clash.skill = skill.name
    manager = _manager(("clash", _plugin(Clash())))
    with pytest.raises(ConfigError, match=message):
        registered_skills(manager)


def test_an_analyser_for_an_undeclared_skill_names_the_fix() -> None:
    class Undeclared(TactAnalyzer):
        new_skill = None

    with pytest.raises(ConfigError, match="declares it as its new_skill"):
        Pipeline([Undeclared()])


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (("Tact", "tact", "tact", "tact"), "lower-case"),
        (("t" * 33, "Tact", "tact", "tact"), "2-32 lower-case"),
        (("tact", "Tact", "tactful", "tact"), "head"),
        (("tact", "Tact", "tact", "Tact-Family"), "family"),
        (("tact", "  ", "tact", "tact"), "label"),
    ],
)
def test_a_skill_declaration_is_validated(fields: tuple[str, str, str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Skill(*fields)


def test_reviews_accept_a_plugin_skills_signals_but_not_a_misspelt_built_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from servicecoach.analysis import skills
    from servicecoach.review.validate import known_signal

    monkeypatch.setattr(skills, "_default_skills", lambda: (*skills.BUILTIN_SKILLS, TACT))
    assert known_signal("tact.kind_words")
    assert known_signal("empathy.validation")
    assert not known_signal("empathy.validaton")
    assert not known_signal("telepathy.anything")
