"""Text normalisation: stable, offset-safe text from every source."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicecoach.model.text import html_to_text, normalize_text, trim_email_reply


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
