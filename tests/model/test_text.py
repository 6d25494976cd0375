"""Text normalisation: stable, offset-safe text from every source."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicecoach.model.text import (
    html_to_text,
    normalize_text,
    replace_lone_surrogates,
    replace_lone_surrogates_deep,
    shown,
    trim_email_reply,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  hello  ", "hello"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("a \t\u00a0 b", "a b"),
        ("one\n\n\n\ntwo", "one\n\ntwo"),
        ("caf\u0065\u0301", "café"),
        ("emoji 😀 stay", "emoji 😀 stay"),
        ("bell\x07 gone", "bell gone"),
    ],
)
def test_text_normalize(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@given(st.text())
def test_text_normalize_is_idempotent(raw: str) -> None:
    once = normalize_text(raw)
    assert normalize_text(once) == once


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (
            "<p>Hello <b>Dana</b>,</p><p>Thanks&nbsp;for writing.</p>",
            "Hello Dana,\n\nThanks for writing.",
        ),
        ("<ul><li>one</li><li>two</li></ul>", "* one\n* two"),
        ("<div>line<br>break</div>", "line\nbreak"),
        ("", ""),
    ],
)
def test_text_html_to_text(markup: str, expected: str) -> None:
    assert html_to_text(markup) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Thanks, that fixed it!\n\nOn Tue, May 1, 2024 at 9:00 AM Northwind <help@northwind.example> wrote:\n> Try this",
            "Thanks, that fixed it!",
        ),
        ("Still broken.\n\n-- \nDana Reyes\nSent from my phone", "Still broken."),
        ("> only a quote", "> only a quote"),
    ],
)
def test_text_trim_email_reply(body: str, expected: str) -> None:
    assert trim_email_reply(body) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain ascii", "plain ascii"),
        ("café 😀", "café 😀"),
        ("a\ud800b", "a\ufffdb"),
        ("\udfff", "\ufffd"),
        ("😀 \ud83d", "😀 \ufffd"),
        ("\udc80\udcff", "\ufffd\ufffd"),  # the email parser's escapes of raw bytes
    ],
)
def test_text_replace_lone_surrogates(raw: str, expected: str) -> None:
    replaced = replace_lone_surrogates(raw)
    assert replaced == expected
    assert len(replaced) == len(raw)  # offsets into the text do not move
    replaced.encode("utf-8")


def test_text_replace_lone_surrogates_deep_reaches_keys_and_nested_values() -> None:
    value = {"k\ud800": ["x", {"n": ("\udfff", 2)}], "ok": None}
    assert replace_lone_surrogates_deep(value) == {
        "k\ufffd": ["x", {"n": ["\ufffd", 2]}],
        "ok": None,
    }
    assert value == {"k\ud800": ["x", {"n": ("\udfff", 2)}], "ok": None}  # not changed


def test_text_replace_lone_surrogates_deep_returns_a_clean_value_itself() -> None:
    value = {"a": ["b", {"c": 1.5}], "d": "é"}
    assert replace_lone_surrogates_deep(value) is value


def test_text_replace_lone_surrogates_deep_follows_any_depth() -> None:
    value: list[object] = ["\ud800"]
    for _ in range(20_000):  # far deeper than recursion could follow
        value = [value]
    inner: object = replace_lone_surrogates_deep(value)
    while isinstance(inner, list) and isinstance(inner[0], list):
        inner = inner[0]
    assert inner == ["\ufffd"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("late", "'late'"),
        ("\ud800", "'\\ud800'"),
        ("x" * 1000, f"'{'x' * 60}'… (1000 characters)"),
        (12, "12"),
        ({"a": [[[[1]]]]}, "{'a': [[[...]]]}"),
    ],
)
def test_text_shown_keeps_messages_short(value: object, expected: str) -> None:
    assert shown(value) == expected
