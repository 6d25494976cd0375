"""What an analyser is: a named, versioned, pure function of a conversation for one skill."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ValidationError

from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.lexicon import Lexicon, load_lexicon
from servicecoach.analysis.settings_errors import settings_problems
from servicecoach.errors import ConfigError
from servicecoach.model.conversation import Conversation
from servicecoach.model.skills import Skill

if TYPE_CHECKING:
    from servicecoach.analysis.learned import LearnedView

__all__ = ["Analyzer", "Context", "Requirement"]


class Requirement(StrEnum):
    """What an analyser needs beyond the text of the conversation."""

    TIMESTAMPS = "timestamps"
    """Every message has a time; without them the skill is not applicable."""
    PUBLIC = "public"
    """The conversation happened in public (social posts); otherwise not applicable."""
    HISTORY = "history"
    """The customer's earlier conversations (from the store), when available."""


@dataclass(frozen=True, slots=True)
class Context:
    """What the pipeline hands every analyser besides the conversation.

    Attributes:
        config: this analyser's configuration (validated by the rubric loader).
        history: the customer's earlier conversations, oldest first, or ``None`` when
            not known (analysing files without a store).
        learned: sentence embeddings and trained-head outputs for the conversation, or
            ``None`` in fast mode (analysers then rely on their rules alone).
        unscored: experimental signals (``analysis/experimental.toml``) that the team's
            rubric does not let score: analysers still report their evidence, but leave
            them out of the score (see :meth:`scores`).
        settings: ``config`` validated by the analyser's :attr:`Analyzer.Config` (the
            pipeline does it once, not per conversation); ``None`` when it has none.
        lexicons: the team's merged lexicons (its rubric's ``[lexicons]`` overrides), by
            name; read them with :meth:`lexicon`, which falls back to the shipped ones.
    """

    config: Mapping[str, Any] = field(default_factory=dict)
    history: tuple[Conversation, ...] | None = None
    learned: LearnedView | None = None
    unscored: frozenset[str] = frozenset()
    settings: BaseModel | None = None
    lexicons: Mapping[str, Lexicon] = field(default_factory=dict)

    def lexicon(self, name: str) -> Lexicon:
        """The lexicon ``name`` this analysis reads: the team's merged one where its rubric
        overrides it, else the shipped one (so two rubrics in one process never mix)."""
        found = self.lexicons.get(name)
        return found if found is not None else load_lexicon(name)

    def scores(self, signal: str) -> bool:
        """Whether ``signal`` may change the score (experimental ones do not, by default)."""
        return signal not in self.unscored


class Analyzer(ABC):
    """A plugin that scores one skill of one conversation, with evidence.

    Subclasses set the class attributes and implement :meth:`analyze`, which must be a
    pure function of its arguments: no database, no network, no state kept between
    calls. The same analyser serves batch scoring, the command line and live assist.
    """

    name: ClassVar[str]
    """Short id, e.g. ``"apology"``; results record ``name.vVERSION``."""
    version: ClassVar[int] = 1
    """Raised whenever a change can change stored results."""
    skill: ClassVar[str]
    """The skill it scores: a built-in one (:data:`~servicecoach.model.skills.SKILLS`)
    or the one it brings as :attr:`new_skill`."""
    new_skill: ClassVar[Skill | None] = None
    """A skill this analyser adds to the twelve (a plugin's 13th skill): its label, column
    head and signal family. Built-in skills are known by name and leave this ``None``."""
    requires: ClassVar[frozenset[Requirement]] = frozenset()
    """What it needs; the pipeline reports the skill not applicable when it is missing."""
    live: ClassVar[bool] = True
    """Fast enough to run on every keystroke of a draft (live assist)."""

    @property
    def id(self) -> str:
        """``name.vVERSION``, recorded with every result."""
        return f"{self.name}.v{self.version}"

    Config: ClassVar[type[BaseModel] | None] = None
    """The settings a rubric may give it (``[analyzers.NAME]``), as a pydantic model whose
    defaults are the built-in behaviour; ``None`` when it has none (or checks its own)."""

    def settings(self, context: Context) -> BaseModel | None:
        """This analyser's typed settings for ``context``: the pipeline's, validated once,
        or ``context.config`` validated now (an analyser called directly, as in tests);
        ``None`` without a :attr:`Config`."""
        if self.Config is None:
            return None
        if isinstance(context.settings, self.Config):
            return context.settings
        return self.Config.model_validate(dict(context.config))

    def check_config(self, config: Mapping[str, Any]) -> None:
        """Validate this analyser's configuration when the rubric is loaded and when the
        pipeline is built.

        With a :attr:`Config` model, the settings must validate against it (unknown keys
        are errors). Without one, an analyser that does not override this method takes no
        settings, so a misspelt table is an error rather than silently ignored.

        Raises:
            ConfigError: the configuration is invalid (the message names the key and fix).
        """
        if not isinstance(config, Mapping):
            raise ConfigError(f"configuration of analyser {self.id} must be a table of settings")
        if self.Config is not None:
            try:
                self.Config.model_validate(dict(config))
            except ValidationError as exc:
                problems = settings_problems(self.Config, exc)
                raise ConfigError(f"analyser {self.name}: {problems}") from None
        elif config and type(self).check_config is Analyzer.check_config:
            raise ConfigError(
                f"analyser {self.name} takes no settings (got {', '.join(sorted(config))})"
            )

    @abstractmethod
    def analyze(self, conversation: Conversation, context: Context) -> SkillFinding:
        """Score the skill for ``conversation``."""
