"""Known identities are looked up through the unique (kind, value) index, never a scan:
a scan per batch made imports quadratic in the number of customers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event

from servicecoach.model.conversation import Channel, Conversation, Customer, Message, Role
from servicecoach.store.database import Store
from servicecoach.store.resolver import CustomerResolver


def _conversation(number: int) -> Conversation:
    customer = Customer(
        email=f"customer{number}@example.com", handles={"twitter": f"handle{number}"}
    )
    message = Message(id="m1", role=Role.CUSTOMER, text="Where is my order?")
    return Conversation(
        id=f"c{number}", channel=Channel.EMAIL, messages=(message,), customer=customer
    )


def test_known_identities_found_by_index_on_sqlite(tmp_path: Any) -> None:
    now = datetime(2026, 1, 5, tzinfo=UTC)
    with Store.open(f"sqlite:///{tmp_path / 'r.db'}") as store:
        first = [_conversation(n) for n in range(40)]
        with store.begin() as connection:
            stored = CustomerResolver(connection, region="US", now=now).resolve(
                first, [None] * len(first)
            )
        statements: list[tuple[str, Any]] = []

        def remember(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
            if "FROM identities" in statement:
                statements.append((statement, parameters))

        event.listen(store.engine, "before_cursor_execute", remember)
        try:
            again = [_conversation(n) for n in range(40)]
            with store.begin() as connection:
                found = CustomerResolver(connection, region="US", now=now).resolve(
                    again, [None] * len(again)
                )
        finally:
            event.remove(store.engine, "before_cursor_execute", remember)
        assert found == stored  # the same customers, found again
        assert statements
        with store.connect() as connection:
            raw = connection.connection.driver_connection
            assert raw is not None
            for statement, parameters in statements:
                plan = " ".join(
                    str(row[-1])
                    for row in raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
                )
                assert "SCAN identities" not in plan, plan
                assert "USING" in plan and "INDEX" in plan, plan


@pytest.mark.parametrize("step", [1, 3])
def test_known_identities_over_several_chunks_all_found(tmp_path: Any, step: int) -> None:
    now = datetime(2026, 1, 5, tzinfo=UTC)
    with Store.open(f"sqlite:///{tmp_path / 'k.db'}") as store:
        batch = [_conversation(n) for n in range(1200)]  # more than one chunk of 500
        with store.begin() as connection:
            resolver = CustomerResolver(connection, region="US", now=now)
            ids = resolver.resolve(batch, [None] * len(batch))
        with store.begin() as connection:
            again = CustomerResolver(connection, region="US", now=now)
            assert again.resolve(batch[::step], [None] * len(batch[::step])) == ids[::step]
