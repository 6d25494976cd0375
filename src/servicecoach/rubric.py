"""The rubric: a team's TOML configuration of how conversations are scored.

Everything has a default, so nobody needs a rubric to start. A file is validated on
load and every mistake is reported with its key and the fix. Example::

    [weights]                      # how much each skill counts in overall quality
    empathy = 2
    responsiveness = 1.5

    [responsiveness.targets_minutes]
    email = 240                    # a reply within 4 hours
    social = 30

    [responsiveness.business_hours]
    timezone = "Europe/London"
    days = [0, 1, 2, 3, 4]         # Monday = 0
    start = "09:00"
    end = "17:30"
    # [responsiveness] also takes tiers and first_response_weight; it and
    # [analyzers.responsiveness] are one model (docs/analyzer-settings.md)

    [email]
    support_addresses = ["northwind.example", "help@northwind.example"]

    [phrases]
    encourage = ["happy to help"]
    forbid = ["calm down", "per our policy"]

    [signals.thresholds]           # when the learned acts head decides a signal (0 < t < 1)
    "listening.paraphrase" = 0.55
    # and [signals] heads = "team-tuned.heads.json": the team's own heads (servicecoach tune)

    [criteria.offers_remedy]       # a criterion of the team's own, defined by example
    label = "Offers a refund or replacement"
    polarity = 1
    meets = ["I've issued a full refund to your card.", ...]    # at least 8 each
    misses = ["Refunds take 5-7 days once we receive it.", ...]
    phrases = ["refund", "replacement"]   # optional: a sentence must contain one
    # or: examples = "offers_remedy.toml"  (meets and misses in a file beside the rubric)

    [lexicons]                     # the team's changes to shipped lexicons, in files
    clarity = "lexicons/clarity.toml"   # beside the rubric (docs/analysis.md)

    [assist]                       # and to live assist's reasons and rewrites (docs/assist.md)
    kinds = "assist/kinds.toml"
    rewrites = "assist/rewrites.toml"
"""

from __future__ import annotations

import re
import tomllib
from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)

from servicecoach.analysis.analyzers.responsiveness_settings import (
    DEFAULT_FIRST_RESPONSE_WEIGHT,
    DEFAULT_TIERS,
    BusinessHours,
    ResponsivenessSettings,
)
from servicecoach.analysis.settings_errors import settings_problems
from servicecoach.errors import ConfigError
from servicecoach.model.skills import SKILLS

if TYPE_CHECKING:
    from servicecoach.analysis.learned import TeamDecision
    from servicecoach.analysis.lexicon import Lexicon

__all__ = [
    "ASSIST_TABLES",
    "BONUS_POINTS",
    "HEADS_FORMAT",
    "LEARNED_SIGNALS",
    "MIN_EXAMPLES",
    "AssistFile",
    "BusinessHours",
    "Criterion",
    "Email",
    "LexiconFile",
    "Phrases",
    "Responsiveness",
    "Rubric",
    "Signals",
    "TeamHead",
    "load_rubric",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Responsiveness = ResponsivenessSettings
"""The ``[responsiveness]`` table: the responsiveness analyser's own settings model, so
its keys (targets, business hours, tiers, weight) are defined and checked in one place,
whether a team writes them here or in ``[analyzers.responsiveness]``."""


class Phrases(_Strict):
    """Phrases a team wants to encourage or forbid in replies."""

    encourage: list[str] = Field(default_factory=list)
    forbid: list[str] = Field(default_factory=list)


class Email(_Strict):
    """How emails are read."""

    support_addresses: list[str] = Field(default_factory=list)


LEARNED_SIGNALS = {
    "listening.paraphrase": "paraphrase",
    "listening.question": "question",
    "problem_solving.solution": "solution",
    "persuasion.reason": "reason",
}
"""Signals the learned ``acts`` head decides at a threshold, and the head's label for each
(``view.fires("acts", LABEL, row)`` in the analysers): the ones a rubric may re-threshold."""


class TeamHead(_Strict):
    """A team's own head for one learned signal, fitted by ``servicecoach tune`` on the
    team's reviews and read from the rubric's heads file (``[signals] heads``): a logistic
    regression over the sentence embedding and the shipped head's log-odds
    (:class:`~servicecoach.analysis.learned.TeamDecision`)."""

    weights: list[float]
    shipped: float
    bias: float
    threshold: float = Field(gt=0, lt=1)
    examples: int = Field(default=0, ge=0)

    @field_validator("weights")
    @classmethod
    def _dimension(cls, value: list[float]) -> list[float]:
        from servicecoach.nlp.embeddings import DIMENSION

        if len(value) != DIMENSION:
            raise ValueError(f"has {len(value)} weights; the sentence model gives {DIMENSION}")
        return value


class Signals(_Strict):
    """Which experimental signals a team lets change scores (docs/accuracy.md says why each is),
    and the thresholds at which the learned head decides signals, where the team's reviews
    (``servicecoach tune``) showed that another one agrees better with its reviewers; and
    the team's own heads for some learned signals (``heads``, a file beside the rubric
    that :func:`load_rubric` reads into ``team_heads``)."""

    score_experimental: list[str] = Field(default_factory=list)
    thresholds: dict[str, float] = Field(default_factory=dict)
    heads: str | None = None
    team_heads: dict[str, TeamHead] = Field(default_factory=dict)

    @field_validator("team_heads")
    @classmethod
    def _headed(cls, value: dict[str, TeamHead]) -> dict[str, TeamHead]:
        for signal in value:
            if signal not in LEARNED_SIGNALS:
                raise ValueError(
                    f"{signal!r} has no learned head (one of {', '.join(sorted(LEARNED_SIGNALS))})"
                )
        return value

    @field_validator("thresholds")
    @classmethod
    def _learned(cls, value: dict[str, float]) -> dict[str, float]:
        for signal, threshold in value.items():
            if signal not in LEARNED_SIGNALS:
                raise ValueError(
                    f"{signal!r} has no learned threshold (one of "
                    f"{', '.join(sorted(LEARNED_SIGNALS))})"
                )
            if not 0 < threshold < 1:
                raise ValueError(f"{signal!r} = {threshold}: a threshold is between 0 and 1")
        return value

    @field_validator("score_experimental")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        from servicecoach.analysis.signals import experimental_signals

        known = experimental_signals()
        for signal in value:
            if signal not in known:
                listed = ", ".join(sorted(known)) or "none at present"
                raise ValueError(
                    f"{signal!r} is not an experimental signal (experimental: {listed}); "
                    "every other signal already counts"
                )
        return value


MIN_EXAMPLES = 8
BONUS_POINTS = 5
"""What a bonus criterion adds to quality unless its ``points`` say otherwise."""
"""Sentences a criterion needs on each side (meets, misses); a few dozen judge far better."""
_CRITERION_NAME = re.compile(r"^[a-z][a-z_]*$")
_EXAMPLE_KEYS = frozenset({"meets", "misses"})


class Criterion(_Strict):
    """A criterion of the team's own, defined by example sentences (docs/criteria.md).

    Attributes:
        label: what the criterion checks, in a few words (shown beside its evidence).
        description: the criterion in a sentence, for reviewers.
        polarity: +1 when meeting it is good, -1 when it costs (e.g. naming a competitor).
        meets: agent sentences that meet it.
        misses: agent sentences that do not (near misses teach the most).
        phrases: optional; a sentence meets it only when it contains one of them, and in
            fast mode (no sentence model) the phrases alone decide.
        examples: the file beside the rubric whose ``meets`` and ``misses`` were added
            to these (already read by :func:`load_rubric`).
        background: also learn from servicecoach's ordinary agent sentences as misses
            (greetings, sign-offs, holding words; ``lexicons/criteria_background.toml``).
        effect: ``none`` (reported only), ``critical`` (auto-fail: going against it sets
            the conversation's quality to 0) or ``bonus`` (meeting it adds ``points`` to
            quality); skill scores never change (analysis/criteria_effects.py).
        points: what a bonus criterion adds to quality, up to 100.
    """

    label: str = Field(min_length=1)
    description: str = ""
    polarity: Literal[1, -1] = 1
    meets: list[str] = Field(default_factory=list)
    misses: list[str] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)
    examples: str | None = None
    background: bool = True
    effect: Literal["none", "critical", "bonus"] = "none"
    points: int = Field(default=BONUS_POINTS, ge=1, le=25)

    @field_validator("meets", "misses", "phrases")
    @classmethod
    def _no_blank(cls, value: list[str]) -> list[str]:
        if any(not text.strip() for text in value):
            raise ValueError("empty text in the list; remove it")
        return value

    @model_validator(mode="after")
    def _enough(self) -> Criterion:
        for side in ("meets", "misses"):
            count = len(set(getattr(self, side)))
            if count < MIN_EXAMPLES:
                raise ValueError(
                    f"{side} has {count} distinct sentences; give at least {MIN_EXAMPLES} "
                    "(a few dozen judge far better)"
                )
        both = sorted(set(self.meets) & set(self.misses))
        if both:
            raise ValueError(f"in both meets and misses: {both[0]!r}")
        if self.effect == "bonus" and self.polarity < 0:
            raise ValueError(
                'effect = "bonus" needs polarity = 1 (a criterion that counts against the '
                'agent can be effect = "critical" instead)'
            )
        if self.points != BONUS_POINTS and self.effect != "bonus":  # dumps round-trip
            raise ValueError('points counts only with effect = "bonus"')
        return self


class LexiconFile(_Strict):
    """A team's override of one shipped lexicon, read from a file beside the rubric.

    The rubric names the file (``[lexicons] clarity = "lexicons/clarity.toml"``);
    :func:`load_rubric` reads it into ``sections``, so the override is part of the
    rubric's content (and of its version), like the team heads of ``[signals] heads``.

    Attributes:
        file: the file, as the rubric names it (relative to the rubric).
        sections: the file's tables: section name to its changes
            (:mod:`servicecoach.analysis.lexicon_overrides`).
    """

    file: str
    sections: dict[str, dict[str, Any]] = Field(default_factory=dict)


ASSIST_TABLES = ("kinds", "rewrites")
"""Live assist's tables a rubric may override (``assist/kinds.toml``, ``assist/rewrites.toml``)."""


class AssistFile(_Strict):
    """A team's override of one of live assist's tables, read from a file beside the rubric.

    The rubric names the file (``[assist] kinds = "assist/kinds.toml"``); :func:`load_rubric`
    reads it into ``tables``, so the override is part of the rubric's content (and of its
    version), as ``[lexicons]`` files are. Only live assist reads it
    (:mod:`servicecoach.assist.team`), which is also where it is checked against the
    shipped table: this layer cannot see assist's data.

    Attributes:
        file: the file, as the rubric names it (relative to the rubric).
        tables: the file's tables.
        rubric: the rubric it was read from, for error messages only (not in the rubric's
            dump, so not in its version: the same rubric elsewhere is the same rubric).
    """

    file: str
    tables: dict[str, Any] = Field(default_factory=dict)
    rubric: str = Field(default="", exclude=True)


class Rubric(_Strict):
    """A team's scoring configuration (all defaults: every skill weighs 1)."""

    weights: dict[str, float] = Field(default_factory=dict)
    responsiveness: Responsiveness = Field(default_factory=Responsiveness)
    email: Email = Field(default_factory=Email)
    phrases: Phrases = Field(default_factory=Phrases)
    signals: Signals = Field(default_factory=Signals)
    criteria: dict[str, Criterion] = Field(default_factory=dict)
    analyzers: dict[str, dict[str, Any]] = Field(default_factory=dict)
    lexicons: dict[str, LexiconFile] = Field(default_factory=dict)
    assist: dict[str, AssistFile] = Field(default_factory=dict)

    @field_validator("assist")
    @classmethod
    def _assist_tables(cls, value: dict[str, AssistFile]) -> dict[str, AssistFile]:
        for name in value:
            if name not in ASSIST_TABLES:
                raise ValueError(f"no table {name!r} (one of {', '.join(ASSIST_TABLES)})")
        return value

    @field_validator("lexicons")
    @classmethod
    def _lexicons_fit(cls, value: dict[str, LexiconFile]) -> dict[str, LexiconFile]:
        """Each override must fit its shipped lexicon (merged here once, then cached)."""
        from servicecoach.analysis.lexicon_overrides import team_lexicon

        for name, override in value.items():
            try:
                team_lexicon(name, override.sections, override.file)
            except ConfigError as exc:
                raise ValueError(f"{name}: {exc}") from None
        return value

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Leave ``lexicons`` and ``assist`` out while empty, so that rubrics written before
        them keep their version (``review/rubric_version.py`` hashes this dump)."""
        data: dict[str, Any] = handler(self)
        if not self.assist:
            data.pop("assist", None)
        if not self.lexicons:
            data.pop("lexicons", None)
        responsiveness = data.get("responsiveness", {})  # likewise its tiers and weight
        if responsiveness.get("tiers") == dict(DEFAULT_TIERS):
            del responsiveness["tiers"]
        if responsiveness.get("first_response_weight") == DEFAULT_FIRST_RESPONSE_WEIGHT:
            del responsiveness["first_response_weight"]
        return data

    def team_lexicons(self) -> dict[str, Lexicon]:
        """The team's merged lexicons by name (only those its ``[lexicons]`` overrides);
        the analysers read the shipped ones for the rest."""
        from servicecoach.analysis.lexicon_overrides import team_lexicon

        return {
            name: team_lexicon(name, override.sections, override.file)
            for name, override in self.lexicons.items()
        }

    @field_validator("analyzers")
    @classmethod
    def _analyzer_tables(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Each ``[analyzers.NAME]`` table is checked by that analyser (its ``Config``)."""
        if not value:
            return value
        from servicecoach.analysis.registry import analyzers

        loaded = analyzers()
        for name, table in value.items():
            analyzer = loaded.get(name)
            if analyzer is None:
                raise ValueError(
                    f"no analyser named {name!r} (loaded: {', '.join(loaded)}; "
                    "`servicecoach analyzers list` shows them)"
                )
            try:
                analyzer.check_config(table)
            except ConfigError as exc:
                said = str(exc).removeprefix(f"analyser {name}: ").removeprefix(f"{name}: ")
                raise ValueError(f"[analyzers.{name}] {said}") from None
        return value

    @model_validator(mode="after")
    def _one_place_each(self) -> Rubric:
        for name, table in self._sections().items():
            if both := sorted(set(table) & set(self.analyzers.get(name, {}))):
                raise ValueError(
                    f"{name} {both[0]!r} is set both in its own table and in "
                    f"[analyzers.{name}]; keep one"
                )
        return self

    @field_validator("criteria")
    @classmethod
    def _criterion_names(cls, value: dict[str, Criterion]) -> dict[str, Criterion]:
        for name in value:
            if not _CRITERION_NAME.match(name):
                raise ValueError(
                    f"criterion name {name!r} must be lower-case letters and underscores "
                    "(it becomes the signal id criteria.NAME)"
                )
        return value

    def unscored_signals(self) -> frozenset[str]:
        """Experimental signals that change no score for this team (shown, marked, only)."""
        from servicecoach.analysis.signals import experimental_signals

        return frozenset(experimental_signals()) - set(self.signals.score_experimental)

    def act_thresholds(self) -> dict[str, float | TeamDecision]:
        """The ``acts`` head's label to the threshold the team set (only those it set); a
        label with a team head gets its :class:`~servicecoach.analysis.learned.TeamDecision`."""
        from servicecoach.analysis.learned import TeamDecision

        out: dict[str, float | TeamDecision] = {
            LEARNED_SIGNALS[s]: t for s, t in self.signals.thresholds.items()
        }
        for signal, head in self.signals.team_heads.items():
            out[LEARNED_SIGNALS[signal]] = TeamDecision.of(
                head.threshold, head.weights, head.shipped, head.bias
            )
        return out

    @field_validator("weights")
    @classmethod
    def _skills(cls, value: dict[str, float]) -> dict[str, float]:
        from servicecoach.analysis.skills import skill_names

        known = skill_names() if set(value) - set(SKILLS) else SKILLS  # plugins load lazily
        for skill, weight in value.items():
            if skill not in known:
                raise ValueError(f"unknown skill {skill!r} (one of {', '.join(known)})")
            if weight < 0:
                raise ValueError(f"weight of {skill} must be 0 or more")
        return value

    def weight(self, skill: str) -> float:
        """The weight of a skill in overall quality (1 unless the rubric says otherwise)."""
        return self.weights.get(skill, 1.0)

    def analyzer_config(self) -> dict[str, dict[str, Any]]:
        """Configuration handed to the analysers, keyed by analyser name: the rubric's
        own tables for them (``[responsiveness]``, ``[phrases]``) and each
        ``[analyzers.NAME]`` table (a TOML time in it becomes "HH:MM" text, as results
        record their configuration in JSON)."""
        out = self._sections()
        for name, table in self.analyzers.items():
            out[name] = {**out.get(name, {}), **_json_ready(table)}
        return out

    def _sections(self) -> dict[str, dict[str, Any]]:
        config = self.responsiveness.table()
        out: dict[str, dict[str, Any]] = {"responsiveness": config} if config else {}
        phrases = {k: v for k, v in self.phrases.model_dump().items() if v}
        if phrases:
            out["clarity"] = phrases
        return out


def _json_ready(value: Any) -> Any:
    """``value`` with each TOML local time in it (at any depth) as "HH:MM" text."""
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    return value


def load_rubric(path: Path | None) -> Rubric:
    """The rubric in ``path``, or the defaults when ``path`` is ``None``.

    Raises:
        ConfigError: the file is missing, not TOML, or has invalid values; the message
            names each key and what is expected.
    """
    if path is None:
        return Rubric()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"rubric {path} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"rubric {path} is not valid TOML: {exc}") from None
    _read_example_files(data, path)
    _read_heads_file(data, path)
    _read_lexicon_files(data, path)
    _read_assist_files(data, path)
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"rubric {path}: {settings_problems(Rubric, exc)}") from None


def _read_example_files(data: dict[str, Any], path: Path) -> None:
    """Add the ``meets`` and ``misses`` of each criterion's ``examples`` file to its table.

    The file is named relative to the rubric and holds only those two lists.

    Raises:
        ConfigError: a file is missing, not TOML, or has other keys or values; the
            message names the rubric, the key and the file.
    """
    criteria = data.get("criteria")
    if not isinstance(criteria, dict):
        return  # the schema reports a wrong type
    for name, table in criteria.items():
        if not isinstance(table, dict) or not isinstance(table.get("examples"), str):
            continue
        key = f"rubric {path}: criteria.{name}.examples"
        file = path.parent / table["examples"]
        examples = _toml_beside(key, file)
        unknown = sorted(set(examples) - _EXAMPLE_KEYS)
        if unknown:
            raise ConfigError(
                f"{key}: {file}: unknown key {unknown[0]!r} (an examples file holds meets and misses)"
            )
        for side in sorted(_EXAMPLE_KEYS):
            values = examples.get(side, [])
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise ConfigError(f"{key}: {file}: {side} must be a list of sentences")
            inline = table.get(side, [])
            table[side] = [*inline, *values] if isinstance(inline, list) else inline


HEADS_FORMAT = 1
"""The version of the heads file ``servicecoach tune`` writes beside a tuned rubric."""


def _read_heads_file(data: dict[str, Any], path: Path) -> None:
    """Read the team heads of the file ``[signals] heads`` names into ``team_heads``.

    The file (JSON, named relative to the rubric) holds ``{"format": 1, "heads":
    {SIGNAL: {weights, shipped, bias, threshold, examples}}}`` and what it was fitted on.

    Raises:
        ConfigError: the file is missing, not JSON, of another format, or a head in it is
            invalid; the message names the rubric, the key and the file.
    """
    import json

    signals = data.get("signals")
    if not isinstance(signals, dict):
        return  # the schema reports a wrong type
    if "team_heads" in signals:
        raise ConfigError(
            f"rubric {path}: signals.team_heads is read from the heads file; "
            'name the file with signals.heads = "FILE.json"'
        )
    name = signals.get("heads")
    if not isinstance(name, str):
        return
    key = f"rubric {path}: signals.heads"
    file = path.parent / name
    try:
        content = json.loads(file.read_text(encoding="utf-8"))
    except (FileNotFoundError, IsADirectoryError):
        raise ConfigError(
            f"{key}: {file} does not exist (it is written beside the tuned rubric; "
            "keep the two together, or remove the key)"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{key}: {file} is not valid JSON: {exc}") from None
    if not isinstance(content, dict) or content.get("format") != HEADS_FORMAT:
        raise ConfigError(
            f"{key}: {file} is not a heads file of format {HEADS_FORMAT} "
            "(servicecoach tune writes them)"
        )
    heads = content.get("heads")
    if not isinstance(heads, dict):
        raise ConfigError(f"{key}: {file}: 'heads' must map signals to heads")
    for signal, head in heads.items():
        try:
            TeamHead.model_validate(head)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in (signal, *first["loc"]))
            message = str(first["msg"]).removeprefix("Value error, ")
            raise ConfigError(f"{key}: {file}: heads.{where}: {message}") from None
    signals["team_heads"] = heads


def _read_lexicon_files(data: dict[str, Any], path: Path) -> None:
    """Read each override file ``[lexicons]`` names into a :class:`LexiconFile` table.

    Raises:
        ConfigError: a value is not a file name, or the file is missing or not TOML; the
            message names the rubric, the key and the file.
    """
    lexicons = data.get("lexicons")
    if not isinstance(lexicons, dict):
        return  # the schema reports a wrong type
    for name, value in lexicons.items():
        key = f"rubric {path}: lexicons.{name}"
        if not isinstance(value, str):
            raise ConfigError(
                f"{key}: name the override file, relative to the rubric "
                f'(e.g. {name} = "lexicons/{name}.toml")'
            )
        file = path.parent / value
        sections = _toml_beside(key, file)
        for section, body in sections.items():
            if not isinstance(body, dict):
                raise ConfigError(
                    f"{key}: {file}: {section!r} must be a [section] table of changes"
                )
        lexicons[name] = {"file": value, "sections": sections}


def _read_assist_files(data: dict[str, Any], path: Path) -> None:
    """Read each override file ``[assist]`` names into an :class:`AssistFile` table.

    Raises:
        ConfigError: an unknown table, a value that is not a file name, or a file that is
            missing or not TOML; the message names the rubric, the key and the file.
    """
    assist = data.get("assist")
    if not isinstance(assist, dict):
        return  # the schema reports a wrong type
    for name, value in assist.items():
        key = f"rubric {path}: assist.{name}"
        if name not in ASSIST_TABLES:
            raise ConfigError(
                f"{key}: live assist has no table {name!r} to override "
                f"(one of {', '.join(ASSIST_TABLES)})"
            )
        if not isinstance(value, str):
            raise ConfigError(
                f"{key}: name the override file, relative to the rubric "
                f'(e.g. {name} = "assist/{name}.toml")'
            )
        file = path.parent / value
        tables = _toml_beside(key, file)
        assist[name] = {"file": value, "tables": tables, "rubric": str(path)}


def _toml_beside(key: str, file: Path) -> dict[str, Any]:
    """The TOML file a rubric names at ``key`` (relative to the rubric), parsed.

    Raises:
        ConfigError: the file is missing or not valid TOML (the message names ``key``).
    """
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except (FileNotFoundError, IsADirectoryError):
        raise ConfigError(
            f"{key}: {file} does not exist (name it relative to the rubric)"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{key}: {file} is not valid TOML: {exc}") from None
