"""The data of the conversation page: the thread, each message's evidence highlighted,
the customer's emotion per message, the skill breakdown, the team's own criteria
(docs/criteria.md) and the metrics, within the viewer's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from sqlalchemy import Connection

from servicecoach.analysis.skills import skill_names
from servicecoach.assist.kinds import Rules
from servicecoach.errors import NotFoundError
from servicecoach.model.conversation import Message
from servicecoach.store.analyses import stored_result
from servicecoach.store.conversation_list import ConversationRow, select_rows, to_row
from servicecoach.store.filters import Filters, Scope, ScopeKind, metrics_conditions, resolve_run
from servicecoach.store.reader import StoredConversation, iter_conversations
from servicecoach.store.schema import conversation_metrics
from servicecoach.web.pages.highlight import Highlight, highlight
from servicecoach.web.pages.languages import unscored_language

__all__ = ["ConversationView", "CriterionLine", "MessageView", "SkillLine", "load_conversation"]


@dataclass(frozen=True, slots=True)
class MessageView:
    """One message of the thread, ready to show."""

    message: Message
    html: Markup
    highlights: tuple[Highlight, ...]
    emotion: str | None
    emotion_score: float | None


@dataclass(frozen=True, slots=True)
class SkillLine:
    """One skill of the breakdown: its score and how many spans earned and cost it."""

    skill: str
    score: int | None
    applicable: bool
    earned: int
    cost: int


@dataclass(frozen=True, slots=True)
class CriterionLine:
    """One of the rubric's criteria on this conversation: the verdict and how it was reached.

    Attributes:
        name: the criterion's name (its signal is ``criteria.NAME``).
        label: what it checks, from the rubric.
        polarity: +1 when meeting it is good, -1 when it counts against the agent.
        met: whether an agent sentence meets it; ``None`` when not applicable.
        judged_by: ``model``, ``phrases`` or ``None`` (not judged).
        reason: why it was not judged, when it was not.
        evidence: how many sentences meet it.
        first_message: the id of the first message holding one (the page links to it).
        effect: what it did to overall quality (``auto_fail``, ``bonus +N``), if anything.
    """

    name: str
    label: str
    polarity: int
    met: bool | None
    judged_by: str | None
    reason: str | None
    evidence: int
    first_message: str | None
    effect: str | None = None

    @property
    def verdict(self) -> str:
        """``met``, ``not met`` or ``not applicable``."""
        return "not applicable" if self.met is None else "met" if self.met else "not met"


@dataclass(frozen=True, slots=True)
class ConversationView:
    """Everything on the conversation page."""

    run: int | None
    stored: StoredConversation
    metrics: ConversationRow | None
    messages: tuple[MessageView, ...]
    skills: tuple[SkillLine, ...]
    outcome: dict[str, Any]
    unscored_language: str | None = None
    criteria: tuple[CriterionLine, ...] = ()


def _metrics(connection: Connection, run: int, pk: int, scope: Scope) -> ConversationRow | None:
    conditions = [
        *metrics_conditions(run, Filters(), scope),
        conversation_metrics.c.conversation_id == pk,
    ]
    row = connection.execute(select_rows(conditions)).first()
    return to_row(row) if row is not None else None


def _result(connection: Connection, pk: int, run: int | None) -> dict[str, Any]:
    if run is None:
        return {}
    try:
        return stored_result(connection, pk, run)
    except NotFoundError:
        return {}


def load_conversation(
    connection: Connection,
    pk: int,
    scope: Scope,
    *,
    run: int | None = None,
    rules: Rules | None = None,
) -> ConversationView:
    """The conversation ``pk`` as the page shows it (each mark's reason in ``rules``, the
    service's live-assist wording, so a team's own reasons show on its pages too).

    A restricted scope sees a conversation when the run's metrics put its agent in
    the scope; an unrestricted scope sees every conversation, analysed or not.

    Raises:
        NotFoundError: no such conversation, or not in ``scope``.
    """
    try:
        chosen: int | None = resolve_run(connection, Filters(run=run))
    except NotFoundError:
        if scope.kind is not ScopeKind.ALL:
            raise NotFoundError(f"no conversation {pk} in your view") from None
        chosen = None
    metrics = _metrics(connection, chosen, pk, scope) if chosen is not None else None
    if metrics is None and scope.kind is not ScopeKind.ALL:
        raise NotFoundError(f"no conversation {pk} in your view")
    stored = next(iter_conversations(connection, ids=[pk]), None)
    if stored is None:
        raise NotFoundError(f"no conversation {pk}")
    result = _result(connection, pk, chosen)
    by_message: dict[str, list[Highlight]] = {}
    lines: list[SkillLine] = []
    skills: dict[str, Any] = result.get("skills", {})
    for skill in skill_names():
        found = skills.get(skill) or {}
        spans = [Highlight.from_evidence(skill, e, rules) for e in found.get("evidence", [])]
        for span, evidence in zip(spans, found.get("evidence", []), strict=True):
            by_message.setdefault(str(evidence["message"]), []).append(span)
        lines.append(
            SkillLine(
                skill=skill,
                score=found.get("score"),
                applicable=bool(found.get("applicable", found.get("score") is not None)),
                earned=sum(1 for s in spans if s.polarity > 0),
                cost=sum(1 for s in spans if s.polarity < 0),
            )
        )
    criteria = _criteria(result.get("criteria") or {}, by_message)
    emotions = {
        str(m["id"]): m.get("emotion") for m in result.get("messages", []) if m.get("emotion")
    }
    messages = []
    for message in stored.conversation.messages:
        spans = sorted(by_message.get(message.id, []), key=lambda s: (s.start, s.end))
        emotion = emotions.get(message.id) or {}
        messages.append(
            MessageView(
                message=message,
                html=highlight(message.text, spans),
                highlights=tuple(spans),
                emotion=emotion.get("label"),
                emotion_score=emotion.get("score"),
            )
        )
    return ConversationView(
        run=chosen,
        stored=stored,
        metrics=metrics,
        messages=tuple(messages),
        skills=tuple(lines),
        outcome=dict(result.get("outcome") or {}),
        unscored_language=unscored_language(result),
        criteria=criteria,
    )


def _criterion_reason(label: str, polarity: int) -> str:
    """Why a criterion's evidence is marked: the team's check it meets, in words."""
    against = " (counts against the agent)" if polarity < 0 else ""
    return f"Meets the team's criterion “{label}”{against}; it changes no score."


def _criteria(
    found: dict[str, Any], by_message: dict[str, list[Highlight]]
) -> tuple[CriterionLine, ...]:
    """Each criterion's line, its evidence added to ``by_message`` like a skill's, so the
    same marks and popovers show it."""
    lines = []
    for name, criterion in found.items():
        label = str(criterion.get("label") or name)
        evidence = list(criterion.get("evidence") or [])
        for item in evidence:
            polarity = int(item["polarity"])
            span = Highlight(
                skill="criteria",
                signal=str(item["signal"]),
                polarity=polarity,
                start=int(item["start"]),
                end=int(item["end"]),
                reason=_criterion_reason(label, polarity),
                suggestion=item.get("suggestion"),
            )
            by_message.setdefault(str(item["message"]), []).append(span)
        met = criterion.get("met")
        lines.append(
            CriterionLine(
                name=name,
                label=label,
                polarity=int(criterion.get("polarity", 1)),
                met=None if met is None or not criterion.get("applicable", True) else bool(met),
                judged_by=criterion.get("judged_by"),
                reason=criterion.get("reason"),
                evidence=len(evidence),
                first_message=str(evidence[0]["message"]) if evidence else None,
                effect=criterion.get("effect"),
            )
        )
    return tuple(lines)
