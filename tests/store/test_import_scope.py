"""An import writes only what the importer's scope allows (issue 11, item 1).

Run against every backend. The store holds, imported by an admin:

=====  ==========================  ==========================================
conv   agents                      whose
=====  ==========================  ==========================================
n1     sam (north)                 north's
s1     lee (south)                 south's
x1     zed (in ``agents``, no team) nobody's team
b1     a bot only                  nobody's team
u1     una (never analysed)        nobody's team: una is known, has no team
=====  ==========================  ==========================================
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from servicecoach.errors import ImportFailed
from servicecoach.model import Customer, Message, Role
from servicecoach.model.conversation import Conversation
from servicecoach.services.imports import ImportReport, plan_import, run_import
from servicecoach.store.agents import remember_agents, set_agent_team
from servicecoach.store.database import Store
from servicecoach.store.filters import Scope
from servicecoach.store.reader import iter_conversations
from servicecoach.store.schema import agents
from servicecoach.store.writer import ConversationWriter
from servicecoach.testing import make_conversation

SECRET = "south's private text"
NORTH, SOUTH = Scope.team("north"), Scope.team("south")


def _record(conversation_id: str, *agents_: str | None, text: str = "new text") -> dict[str, Any]:
    messages: list[dict[str, Any]] = [
        {"id": "m1", "role": "customer", "author": "Kim", "text": f"{text} from the customer"}
    ]
    for n, agent in enumerate(agents_, start=2):
        role = "bot" if agent is None else "agent"
        messages.append({"id": f"m{n}", "role": role, "author": agent, "text": text})
    return {
        "format": 1,
        "id": conversation_id,
        "channel": "chat",
        "customer": {"email": f"{conversation_id}@example.com"},
        "messages": messages,
    }


def _file(tmp_path: Path, *records: dict[str, Any], name: str = "in.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _import(store: Store, path: Path, scope: Scope | None, **options: Any) -> ImportReport:
    return run_import(store, plan_import([path]), scope=scope, **options)


def _texts(store: Store) -> dict[str, list[str]]:
    with store.connect() as connection:
        return {
            s.conversation.id: [m.text for m in s.conversation.messages]
            for s in iter_conversations(connection)
        }


def _teams(store: Store) -> dict[str, str | None]:
    with store.connect() as connection:
        return dict(connection.execute(select(agents.c.id, agents.c.team)).all())


@pytest.fixture
def teams_store(store: Store, tmp_path: Path) -> Store:
    """The store of the module's table."""
    base = [
        _record("n1", "sam", text="north's text"),
        _record("s1", "lee", text=SECRET),
        _record("x1", "zed", text="zed's text"),
        _record("b1", None, text="a bot's text"),
        _record("u1", "una", text="una's text"),
    ]
    _import(store, _file(tmp_path, *base, name="base.jsonl"), None)
    with store.begin() as connection:
        remember_agents(connection, ["sam", "lee", "zed"])
        set_agent_team(connection, "sam", "north")
        set_agent_team(connection, "lee", "south")
    return store


@pytest.mark.parametrize(
    ("scope", "record", "new", "updated"),
    [
        (None, _record("s1", "lee"), 0, 1),  # the command line, an admin, a token
        (Scope.everything(), _record("b1", None), 0, 1),
        (NORTH, _record("n1", "sam"), 0, 1),
        (SOUTH, _record("s1", "lee"), 0, 1),
        (NORTH, _record("n2", "sam"), 1, 0),
        (NORTH, _record("n3"), 1, 0),  # no agent at all
        (NORTH, _record("n4", "neo", None), 1, 0),  # a new agent joins north
    ],
)
def test_import_scope_writes_what_the_scope_allows(
    teams_store: Store,
    tmp_path: Path,
    scope: Scope | None,
    record: dict[str, Any],
    new: int,
    updated: int,
) -> None:
    report = _import(teams_store, _file(tmp_path, record), scope)
    assert (report.conversations_new, report.conversations_updated) == (new, updated)
    assert report.problems == [] and report.skipped == 0
    assert _texts(teams_store)[record["id"]][0] == "new text from the customer"


@pytest.mark.parametrize(
    ("scope", "record", "says"),
    [
        (NORTH, _record("s1", "sam"), "'s1' is already stored and belongs to another team"),
        (SOUTH, _record("n1", "lee"), "'n1' is already stored and belongs to another team"),
        (NORTH, _record("x1", "sam"), "or to no team"),  # zed has no team
        (NORTH, _record("b1", None), "or to no team"),  # no agents: nobody's team
        (NORTH, _record("u1", "sam"), "or to no team"),  # una: imported, never analysed
        (NORTH, _record("n9", "lee"), "names agent 'lee', who is not in team 'north'"),
        (NORTH, _record("n9", " lee "), "names agent 'lee'"),  # the id as metrics store it
        (NORTH, _record("n9", "zed"), "names agent 'zed'"),  # known, no team: not claimed
        (NORTH, _record("n9", "una"), "names agent 'una'"),  # known from messages only
        (NORTH, _record("n1", "sam", "lee"), "names agent 'lee'"),
        (Scope.agent("sam"), _record("n9", "sam"), "only leads and admins import"),
        (Scope.nothing(), _record("n9"), "your account has no team"),
    ],
)
def test_import_scope_refuses_the_rest(
    teams_store: Store, tmp_path: Path, scope: Scope, record: dict[str, Any], says: str
) -> None:
    before, teams = _texts(teams_store), _teams(teams_store)
    path = _file(tmp_path, record)
    with pytest.raises(ImportFailed) as failed:
        _import(teams_store, path, scope)
    (problem,) = failed.value.problems
    assert problem.path == path and problem.location == f"conversation {record['id']!r}"
    assert says in problem.message, problem.message
    assert SECRET not in str(problem) and "example.com" not in str(problem)
    assert _texts(teams_store) == before and _teams(teams_store) == teams


def test_import_scope_skip_invalid_writes_the_rest(teams_store: Store, tmp_path: Path) -> None:
    path = _file(tmp_path, _record("s1", "sam"), _record("n1", "sam"), _record("n5", "sam"))
    report = _import(teams_store, path, NORTH, skip_invalid=True)
    assert (report.conversations_new, report.conversations_updated, report.skipped) == (1, 1, 1)
    assert [p.location for p in report.problems] == ["conversation 's1'"]
    texts = _texts(teams_store)
    assert texts["s1"] == [f"{SECRET} from the customer", SECRET]  # untouched
    assert texts["n1"][0] == "new text from the customer"


def test_import_scope_reports_every_refusal_and_writes_nothing(
    teams_store: Store, tmp_path: Path
) -> None:
    before = _texts(teams_store)
    records = [_record("n1", "sam"), _record("s1", "sam"), _record("n6", "sam")]
    records += [_record(f"n{i}", "sam") for i in range(10, 16)] + [_record("b1", None)]
    with pytest.raises(ImportFailed) as failed:
        _import(teams_store, _file(tmp_path, *records), NORTH, batch_size=2)
    assert [p.location for p in failed.value.problems] == ["conversation 's1'", "conversation 'b1'"]
    assert _texts(teams_store) == before  # n1's update and n6 rolled back too


def test_import_scope_new_agents_join_the_leads_team(teams_store: Store, tmp_path: Path) -> None:
    _import(teams_store, _file(tmp_path, _record("n7", " neo ", "sam")), NORTH)
    assert _teams(teams_store)["neo"] == "north"
    # the lead may update what they imported, even a conversation without agents
    _import(teams_store, _file(tmp_path, _record("n7", "neo"), _record("n8")), NORTH)
    report = _import(teams_store, _file(tmp_path, _record("n7", "neo", text="again")), NORTH)
    assert report.conversations_updated == 1
    with pytest.raises(ImportFailed):  # n8 has no agent: nobody's team once imported
        _import(teams_store, _file(tmp_path, _record("n8")), NORTH)
    with pytest.raises(ImportFailed):  # and neo is north's: south cannot name them
        _import(teams_store, _file(tmp_path, _record("s9", "neo")), SOUTH)


def test_import_scope_a_conversation_twice_in_one_import_is_the_leads(
    teams_store: Store, tmp_path: Path
) -> None:
    path = _file(tmp_path, _record("n8"), _record("n8", "neo"), _record("n8"))
    report = _import(teams_store, path, NORTH, batch_size=2)
    assert (report.conversations_new, report.duplicates, report.skipped) == (1, 2, 0)
    assert _teams(teams_store)["neo"] == "north"


def test_import_scope_a_stored_thread_is_not_adopted_across_teams(store: Store) -> None:
    def thread(conversation_id: str, ids: list[str], author: str) -> Conversation:
        base = make_conversation([("customer", "hi"), ("agent", "hello")], id=conversation_id)
        messages = tuple(
            dataclasses.replace(m, id=i, author=author if m.role is Role.AGENT else m.author)
            for m, i in zip(base.messages, ids, strict=True)
        )
        return dataclasses.replace(base, messages=messages, source="twcs")

    with store.begin() as connection:
        ConversationWriter(connection).write([thread("twcs-1", ["1", "2"], "lee")])
        remember_agents(connection, ["lee"])
        set_agent_team(connection, "lee", "south")
    with store.begin() as connection:
        writer = ConversationWriter(connection, threaded_sources={"twcs"}, scope=NORTH)
        (note,) = writer.write([thread("twcs-9", ["9", "2"], "sam")])
    assert note.refused and note.conversation_id == "twcs-9"  # never the stored id
    assert "shares messages with a stored conversation that belongs to another team" in (
        note.message
    )
    assert "twcs-1" not in note.message
    with store.connect() as connection:
        (stored,) = [s.conversation for s in iter_conversations(connection)]
    assert [m.id for m in stored.messages] == ["1", "2"]


def test_import_scope_refused_conversations_leave_customers_alone(
    teams_store: Store, tmp_path: Path
) -> None:
    record = _record("s1", "sam")
    record["customer"] = {"email": "s1@example.com", "phone": "+14155550100", "name": "Eve"}
    with teams_store.connect() as connection:
        (before,) = [s for s in iter_conversations(connection) if s.conversation.id == "s1"]
    _import(teams_store, _file(tmp_path, record), NORTH, skip_invalid=True)
    with teams_store.connect() as connection:
        (after,) = [s for s in iter_conversations(connection) if s.conversation.id == "s1"]
    assert after.conversation.customer == before.conversation.customer
    assert after.customer_id == before.customer_id


def test_import_scope_check_writes_nothing(teams_store: Store) -> None:
    message = Message(id="m1", role=Role.AGENT, text="hi", author="newcomer")
    conversation = make_conversation([("customer", "hi")], id="n20", customer=Customer())
    conversation = dataclasses.replace(conversation, messages=(message,))
    with teams_store.begin() as connection:
        writer = ConversationWriter(connection, scope=NORTH)
        assert writer.check([conversation]) == []
        assert writer.stats.conversations_new == 0
    assert "newcomer" not in _teams(teams_store) and "n20" not in _texts(teams_store)
