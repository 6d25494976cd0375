"""Ids repeated in one import (issue 11, item 10), on every backend.

A conversation id repeated in one import is merged in order, as if the copies were
imported one after the other (the later copy's fields win, no message is lost); a
message id repeated inside one conversation keeps its last copy. Both are written,
counted in ``duplicates`` and reported as warnings naming the file and conversation.
The native format itself refuses a message id repeated inside one record (docs/formats.md).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest

from servicecoach.errors import ImportFailed
from servicecoach.ingest.base import Importer, ImportOptions, Item, Source
from servicecoach.model import Message, Role
from servicecoach.model.conversation import Conversation
from servicecoach.services.imports import run_import
from servicecoach.services.plan import ImportPlan, plan_import
from servicecoach.store.database import Store
from servicecoach.store.reader import iter_conversations
from servicecoach.testing import make_conversation


def _record(conversation_id: str, messages: list[tuple[str, str]], **extra: Any) -> str:
    data = {
        "format": 1,
        "id": conversation_id,
        "channel": "chat",
        "messages": [
            {"id": i, "role": "customer", "author": "Kim", "text": text} for i, text in messages
        ],
        **extra,
    }
    return json.dumps(data) + "\n"


def _stored(store: Store) -> dict[str, Conversation]:
    with store.connect() as connection:
        return {s.conversation.id: s.conversation for s in iter_conversations(connection)}


@pytest.mark.parametrize("batch_size", [1, 500])
def test_import_duplicate_conversation_in_one_file(
    store: Store, tmp_path: Path, batch_size: int
) -> None:
    path = tmp_path / "twice.jsonl"
    path.write_text(
        _record("a", [("m1", "first"), ("m2", "two")], meta={"status": "open", "k": 1})
        + _record("b", [("m1", "other")])
        + _record("a", [("m1", "first, edited"), ("m3", "three")], meta={"status": "closed"}),
        encoding="utf-8",
    )
    report = run_import(store, plan_import([path]), batch_size=batch_size)
    assert (report.conversations_new, report.duplicates, report.skipped) == (2, 1, 0)
    (warning,) = report.warnings
    assert (warning.path, warning.location) == (path, "conversation 'a'")
    assert "appears more than once in this import" in warning.message
    assert report.to_dict()["duplicates"] == 1
    assert report.to_dict()["warnings"] == [warning.to_dict()]
    stored = _stored(store)["a"]
    assert [(m.id, m.text) for m in stored.messages] == [  # m3 follows m1 as in its copy
        ("m1", "first, edited"),
        ("m3", "three"),
        ("m2", "two"),
    ]
    assert stored.meta == {"status": "closed", "k": 1}


def test_import_duplicate_conversation_across_files(store: Store, tmp_path: Path) -> None:
    first, second = tmp_path / "day1.jsonl", tmp_path / "day2.jsonl"
    first.write_text(_record("a", [("m1", "hello")]), encoding="utf-8")
    second.write_text(_record("a", [("m1", "hello"), ("m2", "later")]), encoding="utf-8")
    report = run_import(store, plan_import([first, second]))
    assert (report.conversations_new, report.duplicates) == (1, 1)
    assert [w.path for w in report.warnings] == [second]
    assert [m.id for m in _stored(store)["a"].messages] == ["m1", "m2"]


def test_import_a_reimport_is_no_duplicate(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "once.jsonl"
    path.write_text(_record("a", [("m1", "hello")]), encoding="utf-8")
    run_import(store, plan_import([path]))
    report = run_import(store, plan_import([path]))
    assert (report.conversations_updated, report.duplicates, report.warnings) == (1, 0, [])


def test_import_native_format_refuses_a_repeated_message_id(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(_record("a", [("m1", "one"), ("m1", "again")]), encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        run_import(store, plan_import([path]))
    (problem,) = failed.value.problems
    assert problem.line == 1 and "'m1' appears twice" in problem.message


class _Repeating(Importer):
    """A plugin importer whose source repeats message ids (paged exports do)."""

    name: ClassVar[str] = "repeating"
    title: ClassVar[str] = "test importer"

    def detect(self, path: Path, head: bytes) -> int:
        return 0

    def read(self, sources: Sequence[Source], options: ImportOptions) -> Iterator[Item]:
        base = make_conversation([("customer", "one"), ("agent", "two")], id="r1")
        again = Message(id="m1", role=Role.CUSTOMER, text="one, edited", author="Dana Reyes")
        yield dataclasses.replace(base, messages=(*base.messages, again), source="repeating")


def test_import_repeated_message_id_keeps_the_last_copy(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text("anything", encoding="utf-8")
    report = run_import(store, ImportPlan(((_Repeating(), (path,)),)))
    assert (report.conversations_new, report.messages_new, report.duplicates) == (1, 2, 1)
    (warning,) = report.warnings
    assert (warning.path, warning.location) == (path, "conversation 'r1'")
    assert "message id 'm1' appears more than once" in warning.message
    stored = _stored(store)["r1"]
    assert [(m.id, m.text) for m in stored.messages] == [("m1", "one, edited"), ("m2", "two")]
