"""The pipeline: validated analysers run over conversations, failures isolated, versions recorded."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar

from servicecoach.analysis.analyzer import Analyzer, Context, Requirement
from servicecoach.analysis.criteria import CriteriaChecker
from servicecoach.analysis.criteria_effects import apply_effects
from servicecoach.analysis.emotion import customer_emotions
from servicecoach.analysis.finding import SkillFinding
from servicecoach.analysis.handoff import quick_handoff
from servicecoach.analysis.language import LanguageGuess, detect_language, preload
from servicecoach.analysis.outcome import estimate_outcome
from servicecoach.analysis.result import AnalysisFailure, ConversationResult
from servicecoach.analysis.signals import experimental_signals
from servicecoach.analysis.skills import SKILLS, Skill
from servicecoach.errors import ConfigError
from servicecoach.model.conversation import Conversation

if TYPE_CHECKING:  # annotations only
    from servicecoach.analysis.learned import Judge, LearnedView, PreparedViews, TeamDecision
    from servicecoach.analysis.lexicon import Lexicon
    from servicecoach.rubric import Rubric

__all__ = ["BATCH", "TAPER_LEAST", "Pipeline"]

_T = TypeVar("_T")
_Chunk = list[tuple[Conversation, tuple[Conversation, ...] | None]]
"""Conversations analysed together, each with its history (``None``: none given)."""

BATCH = 128
"""Conversations whose sentences are embedded together by :meth:`Pipeline.run`.

Their sentences are sorted by length together, so more conversations waste less on
padding (on the Twitter sample, 4% of tokens with 128 against 10% with 32, in batches of
16 sentences); the three batches held at once (read ahead, with the model, analysed) and
their views are a few MiB."""
TAPER_LEAST = 8
"""The last batch is cut into halves until a piece holds at most this many conversations
(see :func:`_tapered`)."""


def _missing(requirement: Requirement, conversation: Conversation, context: Context) -> bool:
    if requirement is Requirement.TIMESTAMPS:
        return not conversation.messages or any(m.at is None for m in conversation.messages)
    if requirement is Requirement.PUBLIC:
        return not conversation.public
    return False  # HISTORY is optional: analysers check context.history themselves


def _tapered(chunks: Iterator[list[_T]]) -> Iterator[list[_T]]:
    """``chunks`` with the last one cut in halves, quarters, ... down to :data:`TAPER_LEAST`.

    The analysers of a chunk run while the model embeds the next one; the last chunk's
    have nothing to overlap, so one core idles while they run. Cut small, the last
    pieces are analysed while later ones are embedded, and only the smallest waits alone.
    """
    current = next(chunks, None)
    while current is not None:
        following = next(chunks, None)
        if following is not None:
            yield current
        else:
            while len(current) > TAPER_LEAST:
                half = (len(current) + 1) // 2
                yield current[:half]
                current = current[half:]
            yield current
        current = following


class Pipeline:
    """Runs one analyser per skill over conversations.

    The analysers are validated when the pipeline is built, so that a mistake fails at
    start-up and not halfway through a batch: each must name a known skill and
    requirement, no two may score the same skill, and each checks its configuration.

    Args:
        analyzers: the analysers to run.
        config: per-analyser configuration, keyed by analyser name.
        weights: skill weights for overall quality (1 for skills not named).
        judge: the learned models (sentence embeddings, trained heads); ``None`` for
            fast mode, where analysers use their rules alone.
        unscored: signals whose evidence is reported but changes no score (default:
            every experimental signal, ``analysis/experimental.toml``).
        criteria: the rubric's criteria, judged after the analysers (docs/criteria.md).
        act_thresholds: the ``acts`` head's labels decided at another threshold than its
            own (the rubric's ``[signals.thresholds]``); none by default.
        lexicons: the team's merged lexicons by name (the rubric's ``[lexicons]``), which
            the analysers read instead of the shipped ones; none by default.

    Raises:
        ConfigError: the analysers are inconsistent.
    """

    def __init__(
        self,
        analyzers: Sequence[Analyzer],
        config: Mapping[str, Mapping[str, Any]] | None = None,
        weights: Mapping[str, float] | None = None,
        judge: Judge | None = None,
        unscored: Collection[str] | None = None,
        criteria: CriteriaChecker | None = None,
        act_thresholds: Mapping[str, float | TeamDecision] | None = None,
        lexicons: Mapping[str, Lexicon] | None = None,
    ) -> None:
        self.judge = judge
        self.lexicons: Mapping[str, Lexicon] = dict(lexicons or {})
        self.act_thresholds = dict(act_thresholds or {})
        self.criteria = criteria or CriteriaChecker({})
        self.unscored = frozenset(experimental_signals() if unscored is None else unscored)
        config = dict(config or {})
        by_skill: dict[str, Analyzer] = {}
        added: dict[str, Skill] = {}
        for analyzer in analyzers:
            if analyzer.new_skill is not None:
                added[analyzer.new_skill.name] = analyzer.new_skill
        for analyzer in analyzers:
            if analyzer.skill not in SKILLS and analyzer.skill not in added:
                raise ConfigError(
                    f"analyser {analyzer.id} scores unknown skill {analyzer.skill!r} "
                    f"(one of {', '.join(SKILLS)}); an analyser that brings a new skill "
                    "declares it as its new_skill (docs/plugins.md)"
                )
            for requirement in analyzer.requires:
                if not isinstance(requirement, Requirement):
                    raise ConfigError(f"analyser {analyzer.id} requires unknown {requirement!r}")
            if analyzer.skill in by_skill:
                raise ConfigError(
                    f"analysers {by_skill[analyzer.skill].id} and {analyzer.id} both score "
                    f"{analyzer.skill}; keep one (a plugin replaces a built-in analyser by "
                    "registering one with the same name)"
                )
            by_skill[analyzer.skill] = analyzer
        unknown = set(config) - {a.name for a in analyzers}
        if unknown:
            raise ConfigError(f"configuration for unknown analysers: {', '.join(sorted(unknown))}")
        order = (*SKILLS, *sorted(set(by_skill) - set(SKILLS)))
        self.analyzers = tuple(by_skill[s] for s in order if s in by_skill)
        self.config = {a.name: dict(config.get(a.name, {})) for a in self.analyzers}
        for analyzer in self.analyzers:
            analyzer.check_config(self.config[analyzer.name])
        self.settings = {  # validated once, handed to every conversation's context
            a.name: None if a.Config is None else a.Config.model_validate(self.config[a.name])
            for a in self.analyzers
        }
        self.weights = dict(weights or {})
        self._versions = {a.skill: a.id for a in self.analyzers}
        self._configured = {name: cfg for name, cfg in self.config.items() if cfg}
        """The configuration every result records: the analysers a rubric configures."""
        self._criteria = {check.name: check.criterion for check in self.criteria.checks}
        self._plain = tuple(self._context(a, None, None) for a in self.analyzers)
        """Each analyser's context without history or learned view (contexts are frozen:
        fast mode hands the same ones to every conversation instead of making 12 each)."""

    def _context(
        self,
        analyzer: Analyzer,
        history: tuple[Conversation, ...] | None,
        learned: LearnedView | None,
    ) -> Context:
        return Context(
            config=self.config[analyzer.name],
            history=history,
            learned=learned,
            unscored=self.unscored,
            settings=self.settings[analyzer.name],
            lexicons=self.lexicons,
        )

    @classmethod
    def from_rubric(
        cls,
        rubric: Rubric,
        analyzers: Sequence[Analyzer] | None = None,
        *,
        fast: bool = False,
    ) -> Pipeline:
        """The registered analysers (or ``analyzers``), configured by a team's rubric.

        With ``fast``, the learned models are not loaded: rules alone, several times
        faster, less accurate (docs/accuracy.md measures the difference). The rubric's
        criteria are fitted here, on the sentence model (their phrases alone when fast).
        """
        from servicecoach.analysis.learned import default_judge
        from servicecoach.analysis.registry import analyzers as registered

        chosen = list(analyzers) if analyzers is not None else list(registered().values())
        names = {a.name for a in chosen}
        config = {k: v for k, v in rubric.analyzer_config().items() if k in names}
        if not fast:  # the language model decompresses on a spare core while the sentence
            preload()  # model loads (in fast mode, the run starts it: a --workers parent never needs it)
        judge = None if fast else default_judge()
        lexicons = rubric.team_lexicons()
        criteria = CriteriaChecker(
            rubric.criteria,
            judge.embedder.encode if judge is not None else None,
            judge.embedder.model_name if judge is not None else "",
            lexicons.get("criteria_background"),  # the team's background sentences, if any
        )
        return cls(
            chosen,
            config,
            rubric.weights,
            judge,
            rubric.unscored_signals(),
            criteria,
            rubric.act_thresholds(),
            lexicons,
        )

    @property
    def fast(self) -> bool:
        """Whether the pipeline runs without the learned models."""
        return self.judge is None

    @property
    def versions(self) -> dict[str, str]:
        """Skill to ``name.vN`` of the analyser that scores it."""
        return dict(self._versions)

    def analyze(
        self,
        conversation: Conversation,
        history: tuple[Conversation, ...] | None = None,
        learned: LearnedView | None = None,
    ) -> ConversationResult:
        """Every skill's finding for one conversation; a failing analyser is recorded.

        A conversation in a language servicecoach cannot score gets no findings (every
        skill not applicable) and says why in ``not_scored``. ``learned`` is the
        conversation's learned view when the caller computed it in a batch
        (:meth:`stream`); otherwise the pipeline's judge computes it.
        """
        return self._analyze(conversation, history, learned, detect_language(conversation))

    def _analyze(
        self,
        conversation: Conversation,
        history: tuple[Conversation, ...] | None,
        learned: LearnedView | None,
        guess: LanguageGuess,
    ) -> ConversationResult:
        findings: dict[str, SkillFinding] = {}
        failures: list[AnalysisFailure] = []
        if not guess.supported:
            reason = f"language {guess.language!r} is not scored (servicecoach scores English)"
            return ConversationResult(
                conversation=conversation.id,
                analyzers=self.versions,
                skills={},
                messages=tuple((m.id, m.role.value) for m in conversation.messages),
                language=guess.language,
                not_scored=reason,
                criteria=self.criteria.not_judged(reason),
            )
        if learned is None and self.judge is not None:
            learned = self.judge.view(conversation)
        if learned is not None and self.act_thresholds:
            learned = learned.with_thresholds("acts", self.act_thresholds)
        plain = history is None and learned is None
        for number, analyzer in enumerate(self.analyzers):
            context = self._plain[number] if plain else self._context(analyzer, history, learned)
            if analyzer.requires and any(
                _missing(r, conversation, context) for r in analyzer.requires
            ):
                findings[analyzer.skill] = SkillFinding.not_applicable()
                continue
            try:
                findings[analyzer.skill] = analyzer.analyze(conversation, context)
            except Exception as exc:  # one analyser's bug must not stop the batch
                failures.append(
                    AnalysisFailure(conversation.id, analyzer.id, f"{type(exc).__name__}: {exc}")
                )
                findings[analyzer.skill] = SkillFinding.not_applicable()
        emotions = customer_emotions(conversation, learned, self.lexicons.get("emotion"))
        criteria = self.criteria.check(conversation, learned)
        outcome, effects = apply_effects(
            estimate_outcome(conversation, emotions, findings, self.weights),
            criteria,
            self._criteria,
        )
        return ConversationResult(
            conversation=conversation.id,
            analyzers=self.versions,
            skills=findings,
            messages=tuple((m.id, m.role.value) for m in conversation.messages),
            outcome=outcome,
            emotions=emotions,
            failures=tuple(failures),
            config=dict(self._configured),
            language=guess.language,
            criteria=criteria,
            effects=effects,
        )

    def stream(
        self,
        items: Iterable[tuple[Conversation, tuple[Conversation, ...] | None]],
        batch: int = BATCH,
    ) -> Iterator[ConversationResult]:
        """Analyse ``(conversation, history)`` pairs in order, batch by batch.

        With the learned models, the sentences of the next batch are queued for the model
        threads (:meth:`Judge.prepare`) before the analysers run over the current one, so
        the model is never idle while this thread analyses, and the rules cost little
        beyond the model's own time. Items are drawn from ``items`` on the calling thread
        only, so a generator reading a database connection is safe. Memory stays flat: at
        most three batches are held. The language model starts loading on a background
        thread meanwhile.
        """
        preload()
        iterator = iter(items)
        chunks = iter(lambda: list(islice(iterator, batch)), [])
        if self.judge is None:
            for chunk in chunks:
                yield from (self.analyze(conversation, history) for conversation, history in chunk)
            return
        judge = self.judge
        pending: tuple[_Chunk, list[LanguageGuess], PreparedViews] | None = None
        try:
            with quick_handoff():  # the model threads get the lock back promptly
                for chunk in _tapered(chunks):
                    # A conversation in a language we do not score is not embedded either.
                    guesses = [detect_language(conversation) for conversation, _ in chunk]
                    prepared = judge.prepare(
                        [c for (c, _), guess in zip(chunk, guesses, strict=True) if guess.supported]
                    )
                    previous, pending = pending, (chunk, guesses, prepared)
                    if previous is not None:  # stopped in here, the new batch is given up below
                        yield from self._finish(*previous)
                if pending is not None:
                    last, pending = pending, None
                    yield from self._finish(*last)
        finally:  # stopped early (an error, or the caller closed us): let the model forget it
            if pending is not None:
                pending[2].abandon()

    def _finish(
        self, chunk: _Chunk, guesses: list[LanguageGuess], prepared: PreparedViews
    ) -> Iterator[ConversationResult]:
        views = iter(prepared.views())
        for (conversation, history), guess in zip(chunk, guesses, strict=True):
            view = next(views) if guess.supported else None
            yield self._analyze(conversation, history, view, guess)

    def run(
        self, conversations: Iterable[Conversation], batch: int = BATCH
    ) -> Iterator[ConversationResult]:
        """Analyse conversations without history (see :meth:`stream`)."""
        return self.stream(((conversation, None) for conversation in conversations), batch)
