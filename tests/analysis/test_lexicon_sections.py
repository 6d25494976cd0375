"""A misspelt lexicon section or rewrite table is an error that names the file, not an
empty list that quietly switches a rule off."""

from __future__ import annotations

import pytest

from servicecoach.analysis.lexicon import load_lexicon
from servicecoach.assist.templates import load_templates
from servicecoach.errors import ConfigError


def test_lexicon_unknown_section_names_the_file_and_its_sections() -> None:
    lexicon = load_lexicon("listening")
    assert lexicon.section("suggestions")
    for read in (lexicon.section, lexicon.words, lexicon.suggestion):
        with pytest.raises(
            ConfigError, match=r"lexicon listening\.toml has no section \[sugestions\]"
        ):
            read("sugestions")


def test_rewrite_templates_unknown_table_or_key_is_an_error() -> None:
    templates = load_templates()
    table = next(iter(templates.sections))
    assert templates.table(table)
    with pytest.raises(ConfigError, match=r"rewrites\.toml has no table \[nosuch\]"):
        templates.text("nosuch", "x")
    with pytest.raises(ConfigError, match=rf"rewrites\.toml: \[{table}\] has no 'nosuch'"):
        templates.words(table, "nosuch")
