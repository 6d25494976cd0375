"""Redacting conversations: text, hashed identifiers, what is kept, idempotence, linking."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from servicecoach.identity.keys import identity_keys
from servicecoach.model.conversation import Channel, Conversation, Customer, Message, Role
from servicecoach.privacy import Redactor, redact_conversation
from servicecoach.privacy.identifiers import PHONE_HANDLE, hash_email, hash_phone, is_hashed
from servicecoach.store.database import Store
from servicecoach.store.redaction_key import REDACTION_KEY_NAME, redaction_key
from servicecoach.store.resolver import CustomerResolver
from servicecoach.store.schema import identities
from servicecoach.testing import make_conversation

KEY = b"k" * 32
OTHER_KEY = b"o" * 32


def _conversation(**customer: str) -> Conversation:
    base = make_conversation(
        [
            ("customer", "Hi, I'm Dana. Mail dana@example.com or call (415) 555-0134."),
            ("agent", "Thanks Dana! Write to support@brand.example or sam.lee@brand.example."),
            ("customer", "Ship it to 12 Baker Street, London NW1 6XE. Card 4111 1111 1111 1111"),
        ],
        customer=Customer(
            id=customer.get("id", "crm-7"),
            name="Dana Reyes",
            email=customer.get("email", "Dana@Example.com"),
            phone=customer.get("phone", "(415) 555-0134"),
            handles={"twitter": "danar"},
        ),
    )
    first = dataclasses.replace(
        base.messages[0],
        author="dana@example.com",
        meta={"from": "dana@example.com", "sig": ["Dana, 415-555-0134"]},
    )
    return dataclasses.replace(
        base,
        messages=(first, *base.messages[1:]),
        meta={"subject": "Refund for dana@example.com", "via": "email", "count": 3},
    )


def test_redact_conversation_replaces_personal_data_in_text() -> None:
    redacted = redact_conversation(_conversation(), KEY)
    assert [m.text for m in redacted.messages] == [
        "Hi, I'm Dana. Mail [email] or call [phone].",
        "Thanks Dana! Write to support@brand.example or [email].",
        "Ship it to [address]. Card [card]",
    ]
    assert redacted.meta == {"subject": "Refund for [email]", "via": "email", "count": 3}
    assert redacted.messages[0].meta == {
        "from": hash_email(KEY, "dana@example.com"),
        "sig": ["Dana, [phone]"],
    }


def test_redact_conversation_hashes_the_customers_identifiers() -> None:
    customer = redact_conversation(_conversation(), KEY).customer
    assert customer.email is not None and is_hashed(customer.email)
    assert customer.email.endswith("@redacted.invalid")
    assert customer.email == hash_email(KEY, "dana@example.com")  # normalised first
    assert customer.phone is None
    assert dict(customer.handles) == {
        "twitter": "danar",  # a public handle is kept
        PHONE_HANDLE: hash_phone(KEY, "+1 415 555 0134", "US"),  # E.164 first
    }
    assert customer.id == "crm-7"  # the source system's own key is kept
    assert customer.name == "Dana Reyes"  # kept unless names=True
    keys = identity_keys(customer, "jsonl")
    assert [kind for kind, _ in keys] == [
        "email",
        "handle:phone",
        "handle:twitter",
        "external:jsonl",
    ]
    assert not any("dana@example.com" in value or "5550134" in value for _, value in keys)


def test_redact_conversation_hashes_depend_on_the_key() -> None:
    one = redact_conversation(_conversation(), KEY).customer
    other = redact_conversation(_conversation(), OTHER_KEY).customer
    assert one.email != other.email


def test_redact_conversation_customer_ids_that_are_addresses_or_numbers_are_hashed() -> None:
    by_email = redact_conversation(_conversation(id="dana@example.com"), KEY).customer
    by_phone = redact_conversation(_conversation(id="+14155550134"), KEY).customer
    assert by_email.id is not None and is_hashed(by_email.id)
    assert by_phone.id is not None and is_hashed(by_phone.id)


def test_redact_conversation_drops_identifiers_that_link_nobody() -> None:
    customer = redact_conversation(
        _conversation(email="noreply@shop.example", phone="000-000-0000"), KEY
    ).customer
    assert customer.email is None
    assert PHONE_HANDLE not in customer.handles


def test_redact_conversation_keeps_agents_and_the_structure() -> None:
    original = _conversation()
    redacted = redact_conversation(original, KEY)
    assert [(m.id, m.role, m.at) for m in redacted.messages] == [
        (m.id, m.role, m.at) for m in original.messages
    ]
    assert redacted.messages[1].author == "sam"  # agents are coached by name
    assert redacted.messages[0].author == hash_email(KEY, "dana@example.com")
    assert (redacted.id, redacted.channel, redacted.source) == (
        original.id,
        original.channel,
        original.source,
    )


def test_redact_conversation_is_idempotent() -> None:
    once = redact_conversation(_conversation(), KEY)
    assert redact_conversation(once, KEY) == once
    redactor = Redactor(KEY)
    redactor.conversation(once)
    assert redactor.counts.total == 0


def test_redact_conversation_can_remove_names() -> None:
    redacted = redact_conversation(_conversation(), KEY, names=True)
    assert redacted.customer.name is None
    assert redacted.messages[0].author is None
    assert redacted.messages[0].text == "Hi, I'm [name]. Mail [email] or call [phone]."
    assert redacted.messages[1].text.startswith("Thanks [name]!")
    assert redacted.messages[1].author == "sam"


def test_redactor_counts_what_it_removed() -> None:
    redactor = Redactor(KEY, "US")
    redactor.conversation(_conversation())
    counts = redactor.counts
    assert (counts.email, counts.phone, counts.card, counts.address) == (3, 2, 1, 1)
    assert counts.identifier == 4  # customer email and phone, author, meta "from"
    redactor.conversation(_conversation())
    assert redactor.counts.email == 6


def _channel(conversation_id: str, channel: Channel, customer: Customer) -> Conversation:
    at = datetime(2024, 5, 1, 9, tzinfo=UTC)
    return Conversation(
        id=conversation_id,
        channel=channel,
        messages=(Message("m1", Role.CUSTOMER, "Where is my parcel?", at=at),),
        customer=customer,
        source="jsonl",
    )


def test_redacted_customers_still_link_across_channels(store: Store) -> None:
    key = redaction_key(store)
    assert redaction_key(store) == key  # stable: read back, not made again
    redactor = Redactor(key, "US")
    mail = redactor.conversation(
        _channel("mail", Channel.EMAIL, Customer(email="Dana@Example.com"))
    )
    chat = redactor.conversation(
        _channel("chat", Channel.CHAT, Customer(email="dana@example.com ", name="Dana"))
    )
    sms = redactor.conversation(_channel("sms", Channel.SMS, Customer(phone="(415) 555-0134")))
    both = redactor.conversation(
        _channel("web", Channel.WEB, Customer(email="DANA@example.com", phone="+14155550134"))
    )
    now = datetime(2024, 5, 2, tzinfo=UTC)
    with store.begin() as connection:
        first = CustomerResolver(connection, region="US", now=now).resolve([mail], [None])
    with store.begin() as connection:  # a later import
        later = CustomerResolver(connection, region="US", now=now)
        chat_id, sms_id = later.resolve([chat, sms], [None, None])
        (web_id,) = later.resolve([both], [None])
    assert chat_id == first[0]  # same email, other channel, other import
    assert sms_id != first[0]  # nothing shared yet
    assert web_id in (first[0], sms_id)  # email and phone together: merged
    assert later.stats.merges >= 1
    with store.connect() as connection:
        stored = list(connection.execute(select(identities.c.kind, identities.c.value)))
    assert sorted(kind for kind, _ in stored) == ["email", "handle:phone"]
    assert all(is_hashed(value) for _, value in stored)


def test_redaction_key_is_random_per_database(tmp_path: Path) -> None:
    with (
        Store.open(f"sqlite:///{tmp_path}/one.db") as one,
        Store.open(f"sqlite:///{tmp_path}/two.db") as two,
    ):
        assert redaction_key(one) != redaction_key(two)
        assert len(redaction_key(one)) >= 32
    assert REDACTION_KEY_NAME == "redaction_key"
