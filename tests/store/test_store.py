"""Store behaviour, run against every supported backend (SQLite; PostgreSQL when available)."""

from __future__ import annotations

import dataclasses
import io
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from servicecoach.errors import ConfigError, ImportFailed, NotFoundError, StoreError
from servicecoach.ingest.jsonl import write_jsonl
from servicecoach.model import Channel, Customer, Message, Role
from servicecoach.model.conversation import Conversation
from servicecoach.services.imports import plan_import, run_import
from servicecoach.store import customers as sc
from servicecoach.store.database import Store, database_url
from servicecoach.store.reader import counts, iter_conversations, timeline
from servicecoach.store.schema import merges, metadata
from servicecoach.testing import make_conversation


def _write(path: Path, conversations: list[Conversation]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        write_jsonl(conversations, handle)
    return path


def _import(store: Store, path: Path, **kwargs: object):  # type: ignore[no-untyped-def]
    return run_import(store, plan_import([path]), **kwargs)  # type: ignore[arg-type]


def _dana(conversation_id: str, **customer: str) -> Conversation:
    return make_conversation(
        [("customer", f"help with {conversation_id}"), ("agent", "On it.")],
        id=conversation_id,
        customer=Customer(**customer),  # type: ignore[arg-type]
    )


def test_store_migrations_match_schema(store: Store) -> None:
    with store.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
        assert Store.current_revision(connection) == store.head_revision()


def test_store_open_is_idempotent(db_url: str) -> None:
    Store.open(db_url).close()
    with Store.open(db_url) as again, again.connect() as connection:
        assert counts(connection).conversations == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("data/sc.db", "sqlite:///data/sc.db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_store_database_url(value: str, expected: str) -> None:
    assert database_url(value) == expected


def test_store_open_rejects_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(tmp_path / "nope" / "x.db")


def test_store_open_rejects_other_databases() -> None:
    with pytest.raises(StoreError, match="unsupported database"):
        Store.open("mysql://u@h/db")


def test_store_reimport_updates_and_never_duplicates(store: Store, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "a.jsonl", [_dana("a", email="d@example.com"), _dana("b", email="o@example.com")]
    )
    first = _import(store, path)
    second = _import(store, path)
    assert (first.conversations_new, first.conversations_updated) == (2, 0)
    assert (second.conversations_new, second.conversations_updated) == (0, 2)
    with store.connect() as connection:
        totals = counts(connection)
    assert (totals.conversations, totals.messages, totals.customers) == (2, 4, 2)


def test_store_overlapping_export_adds_messages_and_keeps_old(store: Store, tmp_path: Path) -> None:
    early = make_conversation([("customer", "hi"), ("agent", "hello")], id="t")
    late = make_conversation(
        [("customer", "hi"), ("agent", "hello, edited"), ("customer", "thanks")], id="t"
    )
    only_last = make_conversation([("customer", "x")], id="t")
    _import(store, _write(tmp_path / "1.jsonl", [early]))
    _import(store, _write(tmp_path / "2.jsonl", [late]))
    _import(store, _write(tmp_path / "3.jsonl", [only_last]))
    with store.connect() as connection:
        (stored,) = list(iter_conversations(connection))
    texts = {m.id: m.text for m in stored.conversation.messages}
    assert texts == {"m1": "x", "m2": "hello, edited", "m3": "thanks"}


def test_store_export_round_trip_is_exact(store: Store, tmp_path: Path) -> None:
    conversations = [
        _dana("a", email="d@example.com", name="Dana 😀"),
        make_conversation([("customer", "ping " * 5000)], id="big", public=True),
        make_conversation([], id="empty"),
    ]
    path = _write(tmp_path / "in.jsonl", conversations)
    _import(store, path)
    out = io.StringIO()
    with store.connect() as connection:
        write_jsonl((s.conversation for s in iter_conversations(connection)), out)
    assert out.getvalue() == path.read_text(encoding="utf-8")


def test_store_links_one_customer_across_channels(store: Store, tmp_path: Path) -> None:
    _import(store, _write(tmp_path / "1.jsonl", [_dana("mail", email="Dana@Example.com")]))
    _import(store, _write(tmp_path / "2.jsonl", [_dana("sms", phone="(415) 555-0134")]))
    with store.connect() as connection:
        assert counts(connection).customers == 2
    # A third conversation carries both keys: the two customers are the same person.
    _import(
        store,
        _write(
            tmp_path / "3.jsonl", [_dana("web", email="dana@example.com", phone="+14155550134")]
        ),
    )
    with store.connect() as connection:
        root = sc.find_customer(connection, "+1 415 555 0134")
        assert sc.find_customer(connection, "dana@example.com") == root
        assert [s.conversation.id for s in timeline(connection, root)] == ["mail", "sms", "web"]
        (record,) = sc.merge_history(connection)
        assert record.reason == "auto: email dana@example.com and phone +14155550134 in jsonl:web"
        assert counts(connection).customers == 1


def test_store_merge_and_unmerge_are_reversible(store: Store, tmp_path: Path) -> None:
    _import(
        store,
        _write(
            tmp_path / "1.jsonl",
            [_dana("a", email="a@example.com"), _dana("b", email="b@example.com")],
        ),
    )
    with store.begin() as connection:
        kept, merged = sc.merge_customers(connection, "a@example.com", "b@example.com")
    with store.connect() as connection:
        assert [s.conversation.id for s in timeline(connection, kept)] == ["a", "b"]
        assert counts(connection).messages == 4
    with store.begin() as connection:
        sc.unmerge_customer(connection, str(kept), str(merged))
    with store.connect() as connection:
        assert [s.conversation.id for s in timeline(connection, kept)] == ["a"]
        assert [s.conversation.id for s in timeline(connection, merged)] == ["b"]
        assert counts(connection).messages == 4


def test_store_unmerged_customers_are_not_merged_again(store: Store, tmp_path: Path) -> None:
    _import(store, _write(tmp_path / "1.jsonl", [_dana("a", email="a@example.com")]))
    _import(store, _write(tmp_path / "2.jsonl", [_dana("b", phone="+14155550134")]))
    both = _write(tmp_path / "3.jsonl", [_dana("c", email="a@example.com", phone="+14155550134")])
    _import(store, both)
    with store.connect() as connection:
        (record,) = sc.merge_history(connection)
    with store.begin() as connection:
        sc.unmerge_customer(connection, str(record.survivor_id), str(record.merged_id))
    report = _import(store, both)
    assert report.merges == 0
    with store.connect() as connection:
        assert counts(connection).customers == 2
        active = connection.execute(
            select(func.count()).select_from(merges).where(merges.c.undone_at.is_(None))
        ).scalar_one()
        assert active == 0


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda c: sc.find_customer(c, "nobody@example.com"), NotFoundError),
        (lambda c: sc.find_customer(c, "999"), NotFoundError),
        (lambda c: sc.merge_customers(c, "a@example.com", "a@example.com"), ConfigError),
        (lambda c: sc.unmerge_customer(c, "a@example.com", "1"), NotFoundError),
        (lambda c: sc.unmerge_customer(c, "a@example.com", "b@example.com"), ConfigError),
    ],
)
def test_store_customer_commands_explain_mistakes(
    store: Store, tmp_path: Path, call, error
) -> None:  # type: ignore[no-untyped-def]
    _import(store, _write(tmp_path / "1.jsonl", [_dana("a", email="a@example.com")]))
    with store.begin() as connection, pytest.raises(error):
        call(connection)


def test_store_invalid_record_rolls_back_everything(store: Store, tmp_path: Path) -> None:
    good = _write(
        tmp_path / "good.jsonl", [_dana(f"c{i}", email=f"{i}@example.com") for i in range(30)]
    )
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"format": 1, "id": "x", "messages": [{"id": "m1", "role": "boss"}]}\n')
    with pytest.raises(ImportFailed) as caught:
        run_import(store, plan_import([good, bad]), batch_size=5)
    (problem,) = caught.value.problems
    assert (problem.path, problem.line) == (bad, 1)
    assert "boss" in problem.message and "customer" in problem.fix
    with store.connect() as connection:
        assert counts(connection).conversations == 0
        assert counts(connection).customers == 0


def test_store_skip_invalid_keeps_the_good_records(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    _write(path, [_dana("a", email="a@example.com"), _dana("b", email="b@example.com")])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    report = run_import(store, plan_import([path]), skip_invalid=True)
    assert (report.conversations_new, report.skipped) == (2, 1)
    assert report.problems[0].line == 3


def test_store_duplicate_conversation_in_one_file_is_merged(store: Store, tmp_path: Path) -> None:
    first = make_conversation([("customer", "one")], id="dup")
    second = make_conversation([("customer", "one"), ("agent", "two")], id="dup")
    report = _import(store, _write(tmp_path / "d.jsonl", [first, second]))
    assert (report.conversations_new, report.conversations_updated) == (1, 1)
    with store.connect() as connection:
        assert counts(connection).messages == 2


def test_store_unreadable_file_does_not_hide_the_next(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-latin1.jsonl").write_bytes('{"id": "caf\xe9", "messages": []}\n'.encode("latin-1"))
    _write(folder / "b-good.jsonl", [_dana("b", email="b@example.com")])
    (folder / "c-notes.txt").write_text("not a conversation\n")
    report = run_import(store, plan_import([folder]), skip_invalid=True)
    assert (report.conversations_new, report.skipped) == (1, 2)
    assert sorted(p.path.name for p in report.problems) == ["a-latin1.jsonl", "c-notes.txt"]
    with pytest.raises(ImportFailed):
        run_import(store, plan_import([folder]))


def test_store_bulk_import_is_one_transaction_of_batched_statements(
    store: Store, tmp_path: Path
) -> None:
    from sqlalchemy import event

    conversations = [
        make_conversation(
            [("customer", f"question {i}"), ("agent", "answer"), ("customer", "thanks")],
            id=f"c{i}",
            customer=Customer(email=f"customer{i % 700}@example.com"),
        )
        for i in range(2000)
    ]
    path = _write(tmp_path / "bulk.jsonl", conversations)
    commits: list[int] = []
    statements: list[str] = []
    event.listen(store.engine, "commit", lambda _conn: commits.append(1))
    event.listen(
        store.engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_rest: statements.append(statement),
    )
    report = run_import(store, plan_import([path]))
    assert (report.conversations_new, report.messages, report.customers_new) == (2000, 6000, 700)
    assert len(commits) == 1
    # 2,000 conversations and 6,000 messages in a few dozen statements, not thousands.
    assert len(statements) < 120, len(statements)


def test_store_partial_reimport_merges_instead_of_replacing(store: Store, tmp_path: Path) -> None:
    full = make_conversation(
        [("customer", "one"), ("agent", "two"), ("customer", "three")],
        id="t",
        channel=Channel.SOCIAL,
        customer=Customer(name="Dana", email="dana@example.com", handles={"twitter": "danar"}),
    )
    full = dataclasses.replace(full, meta={"subject": "Broken pole", "status": "open"})
    tail = dataclasses.replace(
        make_conversation(
            [("customer", "three, edited"), ("agent", "four")],
            id="t",
            channel=Channel.OTHER,
            customer=Customer(name="Dana R", handles={"facebook": "dana.r"}),
        ),
        messages=(),
        meta={"status": "solved"},
    )
    start = full.messages[0].at
    assert start is not None
    tail = dataclasses.replace(
        tail,
        messages=(
            dataclasses.replace(full.messages[2], text="three, edited"),
            Message("m4", Role.AGENT, "four", at=start + timedelta(minutes=10)),
        ),
    )
    _import(store, _write(tmp_path / "1.jsonl", [full]))
    report = _import(store, _write(tmp_path / "2.jsonl", [tail]))
    assert (report.messages_new, report.messages_updated) == (1, 1)
    with store.connect() as connection:
        (stored,) = [s.conversation for s in iter_conversations(connection)]
    assert [m.id for m in stored.messages] == ["m1", "m2", "m3", "m4"]
    assert stored.messages[2].text == "three, edited"
    assert stored.channel is Channel.SOCIAL
    assert stored.meta == {"subject": "Broken pole", "status": "solved"}
    assert stored.customer.email == "dana@example.com" and stored.customer.name == "Dana R"
    assert dict(stored.customer.handles) == {"twitter": "danar", "facebook": "dana.r"}


def test_store_threaded_source_recognises_a_stored_thread(store: Store) -> None:
    from servicecoach.store.writer import ConversationWriter

    def thread(ids: list[str]) -> Conversation:
        base = make_conversation([("customer", f"tweet {i}") for i in ids], id=f"twcs-{ids[0]}")
        messages = tuple(
            dataclasses.replace(m, id=i) for m, i in zip(base.messages, ids, strict=True)
        )
        return dataclasses.replace(base, messages=messages, source="twcs")

    with store.begin() as connection:
        ConversationWriter(connection, threaded_sources={"twcs"}).write([thread(["2", "3"])])
    with store.begin() as connection:
        writer = ConversationWriter(connection, threaded_sources={"twcs"})
        writer.write([thread(["1", "2", "3"])])
        assert (writer.stats.conversations_new, writer.stats.conversations_updated) == (0, 1)
    with store.connect() as connection:
        (stored,) = [s.conversation for s in iter_conversations(connection)]
        assert stored.id == "twcs-2"
        assert sorted(m.id for m in stored.messages) == ["1", "2", "3"]
        assert counts(connection).messages == 3


def test_store_unmerged_groups_stay_apart(store: Store, tmp_path: Path) -> None:
    _import(
        store, _write(tmp_path / "1.jsonl", [_dana("a", email="alice@example.com", id="crm-7")])
    )
    _import(store, _write(tmp_path / "2.jsonl", [_dana("b", email="bob@example.com")]))
    _import(store, _write(tmp_path / "3.jsonl", [_dana("c", email="carol@example.com")]))
    with store.begin() as connection:
        alice, bob = sc.merge_customers(connection, "alice@example.com", "bob@example.com")
        sc.unmerge_customer(connection, str(alice), str(bob))
        carol, _ = sc.merge_customers(connection, "carol@example.com", "alice@example.com")
    # Bob's email with Alice's CRM id: the groups were split by hand, so they stay apart.
    report = _import(
        store, _write(tmp_path / "4.jsonl", [_dana("d", email="bob@example.com", id="crm-7")])
    )
    assert report.merges == 0
    with store.connect() as connection:
        assert sc.find_customer(connection, "bob@example.com") == bob
        assert sc.find_customer(connection, "alice@example.com") == carol


def test_store_every_link_is_recorded_and_can_be_undone(store: Store, tmp_path: Path) -> None:
    _import(store, _write(tmp_path / "1.jsonl", [_dana("mail", email="dana@example.com")]))
    # A chat from the same address brings a phone number: a new identity joins Dana.
    report = _import(
        store,
        _write(
            tmp_path / "2.jsonl", [_dana("chat", email="dana@example.com", phone="+14155550134")]
        ),
    )
    assert report.merges == 1
    # Only known identities: each conversation joins the record that owns them.
    _import(store, _write(tmp_path / "3.jsonl", [_dana("sms", phone="+14155550134")]))
    _import(store, _write(tmp_path / "4.jsonl", [_dana("mail2", email="dana@example.com")]))
    with store.connect() as connection:
        dana = sc.find_customer(connection, "dana@example.com")
        ids = [s.conversation.id for s in timeline(connection, dana)]
        assert ids == ["mail", "chat", "sms", "mail2"]
        (link,) = sc.merge_history(connection)
        assert link.reason == "auto: shared email dana@example.com"
    # The link was wrong (a shared family address): undo it.
    with store.begin() as connection:
        sc.unmerge_customer(connection, str(link.survivor_id), str(link.merged_id))
    with store.connect() as connection:
        assert [s.conversation.id for s in timeline(connection, dana)] == ["mail", "mail2"]
        split = [s.conversation.id for s in timeline(connection, link.merged_id)]
        assert split == ["chat", "sms"]


@pytest.mark.parametrize(
    ("stored", "new", "expected"),
    [
        (["a", "b"], ["a", "b", "c"], ["a", "b", "c"]),
        (["a", "b"], ["b", "a"], ["b", "a"]),
        (["b", "c"], ["a", "b"], ["a", "b", "c"]),
        (["a", "c"], ["a", "b", "c"], ["a", "b", "c"]),
        (["a", "c", "d"], ["c", "x"], ["a", "c", "x", "d"]),
        (["a"], ["x", "y"], ["x", "y", "a"]),
    ],
)
def test_store_merged_order(stored: list[str], new: list[str], expected: list[str]) -> None:
    from servicecoach.store.writer import merged_order

    assert merged_order(stored, new) == expected


def test_store_reimport_keeps_what_a_new_copy_leaves_out(store: Store, tmp_path: Path) -> None:
    full = make_conversation([("customer", "hi"), ("agent", "hello")], id="k")
    full = dataclasses.replace(
        full,
        messages=(dataclasses.replace(full.messages[0], meta={"channel_id": 7}), full.messages[1]),
    )
    bare = dataclasses.replace(
        full,
        messages=tuple(
            dataclasses.replace(m, author=None, at=None, meta={"seen": True}) for m in full.messages
        ),
    )
    _import(store, _write(tmp_path / "1.jsonl", [full]))
    _import(store, _write(tmp_path / "2.jsonl", [bare]))
    with store.connect() as connection:
        (stored,) = [s.conversation for s in iter_conversations(connection)]
    assert [m.author for m in stored.messages] == ["Dana Reyes", "sam"]
    assert [m.at for m in stored.messages] == [m.at for m in full.messages]
    assert stored.messages[0].meta == {"channel_id": 7, "seen": True}


def test_store_importing_an_export_changes_nothing(store: Store, tmp_path: Path) -> None:
    out_of_order = make_conversation([("customer", "late", 5), ("agent", "early", 1)], id="o")
    _import(store, _write(tmp_path / "in.jsonl", [out_of_order]))
    first, second = io.StringIO(), io.StringIO()
    with store.connect() as connection:
        write_jsonl((s.conversation for s in iter_conversations(connection)), first)
    export = tmp_path / "export.jsonl"
    export.write_text(first.getvalue(), encoding="utf-8")
    _import(store, export)
    with store.connect() as connection:
        write_jsonl((s.conversation for s in iter_conversations(connection)), second)
    assert second.getvalue() == first.getvalue()


def test_store_reimport_merges_the_newer_customer_into_the_older(
    store: Store, tmp_path: Path
) -> None:
    _import(store, _write(tmp_path / "1.jsonl", [_dana("one", email="a@example.com")]))
    _import(store, _write(tmp_path / "2.jsonl", [_dana("two", email="b@example.com")]))
    _import(
        store,
        _write(tmp_path / "3.jsonl", [_dana("two", email="b@example.com", id="crm-1")]),
    )
    _import(store, _write(tmp_path / "4.jsonl", [_dana("two", email="a@example.com", id="crm-1")]))
    with store.connect() as connection:
        (record,) = sc.merge_history(connection)
        assert (record.survivor_id, record.merged_id) == (1, 2)
        assert record.reason == "auto: external:jsonl crm-1 and email a@example.com in jsonl:two"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"text": "hi\x00there"}, "NUL character"),
        ({"author": "Sam\x00"}, "NUL character"),
    ],
)
def test_store_values_no_backend_can_store_are_bad_records(
    store: Store, tmp_path: Path, change: dict[str, str], message: str
) -> None:
    bad = make_conversation([("customer", "x")], id="bad")
    bad = dataclasses.replace(bad, messages=(dataclasses.replace(bad.messages[0], **change),))
    path = _write(tmp_path / "in.jsonl", [bad, _dana("good", email="g@example.com")])
    report = run_import(store, plan_import([path]), skip_invalid=True)
    assert (report.conversations_new, report.skipped) == (1, 1)
    assert message in report.problems[0].message
    assert report.problems[0].location == "conversation 'bad'"


def test_store_long_source_and_network_names_are_bad_records(store: Store, tmp_path: Path) -> None:
    long_source = dataclasses.replace(make_conversation([], id="s"), source="x" * 80)
    long_network = make_conversation([], id="n", customer=Customer(handles={"n" * 80: "dana"}))
    path = _write(tmp_path / "in.jsonl", [long_source, long_network])
    with pytest.raises(ImportFailed) as caught:
        run_import(store, plan_import([path]))
    assert [p.message.split(" is ")[0] for p in caught.value.problems] == [
        "the source name",
        "the handle network 'nnnnnnnnnnnnnnnnnnnn'…",
    ]
