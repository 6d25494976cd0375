"""Conversations in a language not scored yet say so, by name, on the list and the page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from servicecoach.web.pages.languages import language_name, unscored_language
from tests.web.pages.spread_data import SPANISH_ID

SAID = "Spanish: not scored yet (servicecoach scores English)"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("es", "Spanish"), ("pt", "Portuguese"), ("yue", "Cantonese"), ("xx", "language 'xx'")],
)
def test_languages_language_name(code: str, expected: str) -> None:
    assert language_name(code) == expected


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        ({"language": "es", "not_scored": "language 'es' is not scored"}, "es"),
        ({"language": "en"}, None),
        ({"language": "es"}, None),  # scored (an older rule): nothing to say
        ({}, None),
        ({"not_scored": "why", "language": None}, None),
    ],
)
def test_languages_unscored_language(result: dict[str, Any], expected: str | None) -> None:
    assert unscored_language(result) == expected


def _spanish_pk(html: str) -> int:
    found = re.search(rf'href="/conversations/(\d+)">[^<]*:{SPANISH_ID}<', html)
    assert found is not None, "the Spanish conversation is not listed"
    return int(found.group(1))


def test_languages_list_names_the_language_instead_of_dashes(spread: TestClient) -> None:
    html = spread.get("/conversations").text
    assert html.count(SAID) == 1
    row = next(r for r in html.split("<tr>") if f":{SPANISH_ID}<" in r)
    assert SAID in row
    assert "? → ?" not in row
    assert "? → ?" not in html.split(SAID)[0].rsplit("<tr>", 1)[0]  # English rows are scored


def test_languages_conversation_page_says_it_is_not_scored(spread: TestClient) -> None:
    pk = _spanish_pk(spread.get("/conversations").text)
    html = spread.get(f"/conversations/{pk}").text
    assert "Written in Spanish: not scored yet." in html
    assert "Not scored: Spanish is not scored yet." in html
    assert "? → ?" not in html
    assert "First reply" in html


def test_languages_english_conversation_page_has_no_notice(spread: TestClient) -> None:
    html = spread.get("/conversations").text
    english = re.search(r'href="/conversations/(\d+)">[^<]*:spring-1<', html)
    assert english is not None
    page = spread.get(f"/conversations/{english.group(1)}").text
    assert "not scored yet" not in page
    assert "Outcome" in page


def test_languages_customer_timeline_names_the_language(spread: TestClient) -> None:
    pk = _spanish_pk(spread.get("/conversations").text)
    page = spread.get(f"/conversations/{pk}").text
    customer = re.search(r'href="/customers/(\d+)"', page)
    assert customer is not None, "the conversation page links no customer"
    timeline = spread.get(f"/customers/{customer.group(1)}").text
    entry = next(e for e in timeline.split('<li class="entry') if f":{SPANISH_ID}<" in e)
    assert SAID in entry
    assert "? → ?" not in entry
