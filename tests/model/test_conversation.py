"""The model's constructors: text that enters the model can always be stored."""

from __future__ import annotations

from servicecoach.model import Channel, Conversation, Customer, Message, Role


def test_conversation_lone_surrogates_become_replacement_characters() -> None:
    message = Message(
        "m\ud800",
        Role.CUSTOMER,
        "broken \udfff lid",
        author="Dana \udc80",
        meta={"k\ud800": ["\udfff", {"n": "ok"}]},
    )
    customer = Customer(
        id="c\ud800", name="\udfff", email="a\ud800@x.org", phone="\ud800",
        handles={"twitter\ud800": "dana\udfff"},
    )  # fmt: skip
    conversation = Conversation(
        "t\ud800", Channel.CHAT, (message,), customer=customer, source="s\ud800",
        meta={"x": "\ud800"},
    )  # fmt: skip
    assert (message.id, message.text, message.author) == ("m�", "broken � lid", "Dana �")
    assert message.meta == {"k�": ["�", {"n": "ok"}]}
    assert (customer.id, customer.name, customer.email, customer.phone) == (
        "c�",
        "�",
        "a�@x.org",
        "�",
    )
    assert customer.handles == {"twitter�": "dana�"}
    assert (conversation.id, conversation.source, conversation.meta) == ("t�", "s�", {"x": "�"})


def test_conversation_clean_values_are_kept_as_given() -> None:
    meta = {"attachments": ["image"], "note": "café 😀"}
    message = Message("m1", Role.AGENT, "Thanks 😀", meta=meta)
    assert message.meta is meta
    assert message.text == "Thanks 😀"
