"""The reply trimmer shared by email, Zendesk and Chatwoot email comments.

Every body here is written for these tests; the real mail clients' output is tested in
test_email_formats.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servicecoach.ingest.chatwoot import ChatwootImporter
from servicecoach.ingest.zendesk import ZendeskImporter
from servicecoach.model.text import trim_email_reply
from servicecoach.testing import read_all


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Steps I tried:\n- restarted\n- reset\n\nStill broken.",
            "Steps I tried:\n- restarted\n- reset\n\nStill broken.",
        ),
        (
            "Here is what I did:\n- cleared the cache\n- logged out and in\n\n"
            "Any idea what else to try?\n\nHave a good weekend!",
            "Here is what I did:\n- cleared the cache\n- logged out and in\n\n"
            "Any idea what else to try?\n\nHave a good weekend!",
        ),
        ("Please call me back.\n\n- Dana", "Please call me back.\n\n- Dana"),
        (
            "Two things:\n-the zip does not open\n-the link expired\nCan you resend it?",
            "Two things:\n-the zip does not open\n-the link expired\nCan you resend it?",
        ),
    ],
)
def test_email_trim_keeps_lists_and_what_follows(body: str, expected: str) -> None:
    assert trim_email_reply(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Still broken.\n\n-- \nDana Reyes\nSent from my phone", "Still broken."),
        ("Yes, that works.\n\nSent from my iPhone", "Yes, that works."),
        ("Ja, passt so.\n\nVon meinem iPhone gesendet", "Ja, passt so."),
        ("Works now, cheers.\n\nGet Outlook for Android", "Works now, cheers."),
        (
            "Could you check my order?\n\nKind regards,\nOmar Haddad\n+44 20 7946 0321",
            "Could you check my order?",
        ),
        (
            "The parcel never came.\n\nMit freundlichen Grüßen\nJonas Weber\nWeber GmbH",
            "The parcel never came.",
        ),
        ("I sent the photo twice now.\n\nThanks,\nDana", "I sent the photo twice now."),
        ("I will wait for the courier then.\n\nRegards", "I will wait for the courier then."),
        ("It works now.\n\nThanks!", "It works now.\n\nThanks!"),  # thanks, not a sign-off
        ("Hi,\n\nThanks,\nDana", "Hi,\n\nThanks,\nDana"),  # nothing else would be left
        (
            "Fine by me.\n\nBest regards,\nSam\nWhy did nobody call me about the delay?",
            "Fine by me.\n\nBest regards,\nSam\nWhy did nobody call me about the delay?",
        ),
    ],
)
def test_email_trim_removes_signatures(body: str, expected: str) -> None:
    assert trim_email_reply(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (  # Android, Russian, the attribution wrapped over two lines
            'Спасибо, всё работает.\n12.03.2024 10:15 пользователь "Support" <\n'
            "help@shop.example> написал:\n\n> Попробуйте ещё раз\n>",
            "Спасибо, всё работает.",
        ),
        (  # bottom posting (Thunderbird)
            "On 03/12/2024 10:15 AM, Support wrote:\n> Did the reset help?\nNo, it did not.",
            "No, it did not.",
        ),
        (  # inline answers
            "> Which model is it?\nThe X200.\n> Since when?\nSince Monday.",
            "The X200.\nSince Monday.",
        ),
        (
            "Danke, erledigt.\n\nAm 12.03.2024 um 10:15 schrieb Support <help@shop.example>:\n"
            "Bitte versuchen Sie es erneut.",
            "Danke, erledigt.",
        ),
        (
            "Merci, c'est réglé.\n\nLe mar. 12 mars 2024 à 10:15, Support "
            "<help@shop.example> a écrit :\n> Essayez encore",
            "Merci, c'est réglé.",
        ),
        (
            "Gracias, ya funciona.\n\nEl mar, 12 mar 2024 a las 10:15, Soporte "
            "(<help@shop.example>) escribió:\n\n> Pruebe otra vez",
            "Gracias, ya funciona.",
        ),
        (
            "Passt.\n\nVon: Support <help@shop.example>\nGesendet: Dienstag, 12. März 2024\n"
            "An: Dana\nBetreff: Ihre Anfrage\n\nBitte melden Sie sich.",
            "Passt.",
        ),
        (
            "Obrigado!\n\nDe: Suporte <help@shop.example>\nEnviada: terça-feira\n"
            "Para: Ana\nAssunto: Pedido\n\nOlá Ana",
            "Obrigado!",
        ),
        (  # an HTML mail converted: the quote lost its ">" marks
            "Works now.\n\nOn Tue, May 7, 2024 at 9:02 AM Sam Ortiz <\n"
            "help@northwind.example> wrote:\nHi Dana, try this",
            "Works now.",
        ),
        (
            "2 things are still wrong.\nOn Mon, 6 May 2024 at 09:00, Sam <sam@shop.example> "
            "wrote:\n> Is it fixed?",
            "2 things are still wrong.",
        ),
        (
            "Yes please.\n\n##- Please type your reply above this line -##\n\nSam (Shop)\n"
            "May 6, 2024\nShall I send a new one?",
            "Yes please.",
        ),
        (
            "See below.\n\n-----Ursprüngliche Nachricht-----\nVon: Shop\nAn: Dana",
            "See below.",
        ),
        ("> only a quote", "> only a quote"),
        (  # no date and no quote after it: the customer's own words
            "On Monday my colleague wrote:\nthe invoice is wrong.\nCan you check?",
            "On Monday my colleague wrote:\nthe invoice is wrong.\nCan you check?",
        ),
        (  # header-like lines that are not an Outlook block
            "Date: any day next week\nTo: my home address, please",
            "Date: any day next week\nTo: my home address, please",
        ),
        (
            "Please rebook me.\nFrom: Berlin\nTo: Lisbon\nDate: 14 June",
            "Please rebook me.\nFrom: Berlin\nTo: Lisbon\nDate: 14 June",
        ),
        (  # new Outlook: names without addresses
            "Done, thanks.\n\nFrom: Sam Ortiz\nSent: Tuesday, May 7, 2024 9:02 AM\nTo: Dana Reyes\n"
            "Subject: RE: Tent pole\n\nHi Dana,",
            "Done, thanks.",
        ),
    ],
)
def test_email_trim_removes_quoted_history(body: str, expected: str) -> None:
    assert trim_email_reply(body) == expected


LIST_REPLY = "Steps I tried:\n- restarted\n- reset\n\nStill broken. Any other idea?"
QUOTED = "\n\nOn Tue, 30 Apr 2024 at 10:00, Support <help@shop.example> wrote:\n> Did you restart?"


def test_email_trim_serves_zendesk_and_chatwoot_email_comments(tmp_path: Path) -> None:
    zendesk = tmp_path / "tickets.json"
    comment = {"id": 1, "author_id": 9001, "created_at": "2024-05-01T09:00:00Z"}
    ticket = {"id": 7, "requester_id": 9001, "via": {"channel": "email"}}
    ticket["comments"] = [{**comment, "body": LIST_REPLY + QUOTED}]
    zendesk.write_text(json.dumps({"tickets": [ticket]}), encoding="utf-8")
    chatwoot = tmp_path / "conversations.json"
    message = {"id": 31, "content": LIST_REPLY + QUOTED, "message_type": 0}
    message |= {"created_at": 1714554000, "sender": {"id": 5, "name": "Dana", "type": "contact"}}
    sender = {"id": 5, "name": "Dana", "email": "dana@example.com"}
    conversation = {"id": 3, "meta": {"channel": "Channel::Email", "sender": sender}}
    chatwoot.write_text(json.dumps([{**conversation, "messages": [message]}]), encoding="utf-8")
    for importer, path in ((ZendeskImporter(), zendesk), (ChatwootImporter(), chatwoot)):
        [imported], problems = read_all(importer, [path])
        assert problems == []
        assert [m.text for m in imported.messages] == [LIST_REPLY], importer.name
