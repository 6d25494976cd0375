"""Contact-reason labels: short phrases in each group's language, without stop words,
names, handles or ids (corpora written for these tests)."""

from __future__ import annotations

import pytest

from servicecoach.analysis.reason_labels import group_language, label_groups
from servicecoach.analysis.stopwords import LANGUAGES, STOP_WORDS, stop_words

REFUND = [
    "@ShopHelp my refund has not been received, it's been 3 weeks",
    "Still waiting for my refund, order 88123. Refund not received!",
    "Thanks Becky for nothing, the refund was never received #fail",
    "where is my refund?? returned the jacket on May 3, refund not received",
    "I sent the jacket back and my refund has not been received yet",
    "Ayesha said the refund would be here in 5 days. Refund not received.",
    "refund not received after the return, please check ref ABC123XYZ",
    "Two weeks and my refund still hasn't been received. Becky promised it",
]
LOGIN = [
    "The login code is not arriving on my phone",
    "login code never arrives by text, can't get into my account",
    "I request the login code and it's not arriving. Tried 4 times",
    "Hi, my login code isn't arriving at all, help pls",
    "login code not arriving since yesterday @ShopHelp",
    "Why is the login code not arriving?? #annoyed",
]
DELIVERY = [
    "My parcel is late again, the courier never came",
    "parcel delivered to the wrong address, neighbour doesn't have it",
    "The tracking says delivered but no parcel at my door",
    "courier left the parcel outside in the rain",
    "parcel stuck in the depot for a week now",
]
SPANISH = [
    "Hola, el reembolso no llega y ya pasaron dos semanas desde la devolución",
    "Todavía espero el reembolso de mi pedido, la devolución fue hace un mes",
    "¿Cuándo llega el reembolso? Hice la devolución del pedido el lunes",
    "El reembolso no llega, devolví la chaqueta y no me han pagado nada",
    "Buenas tardes, necesito saber cuándo me hacen el reembolso de la devolución",
    "Mi reembolso no llega, ¿qué pasa con la devolución que hice?",
]
FRENCH = [
    "Bonjour, mon colis n'est pas arrivé et le suivi ne bouge plus",
    "Le colis n'est toujours pas arrivé, le suivi indique livré",
    "Mon colis n'est pas arrivé depuis une semaine, que faire ?",
    "Colis pas arrivé, le livreur n'est jamais passé chez moi",
    "Je n'ai pas reçu mon colis, le suivi est bloqué",
]
GERMAN = [
    "Hallo, mein Passwort lässt sich nicht zurücksetzen, der Link funktioniert nicht",
    "Das Passwort zurücksetzen geht nicht, ich bekomme keine E-Mail",
    "Ich kann mein Passwort nicht zurücksetzen, bitte helfen Sie mir",
    "Passwort zurücksetzen funktioniert nicht, der Link ist abgelaufen",
    "Warum kann ich das Passwort nicht zurücksetzen? Seit gestern",
]
GROUPS = [REFUND, LOGIN, DELIVERY, SPANISH, FRENCH, GERMAN]
NAMES = {"becky", "ayesha"}
HANDLES = {"shophelp", "fail", "annoyed"}
ALL_STOP = frozenset().union(*STOP_WORDS.values())


@pytest.fixture(scope="module")
def labels() -> list[list[str]]:
    return label_groups(GROUPS)


@pytest.mark.parametrize(
    ("texts", "language"),
    [(REFUND, "en"), (LOGIN, "en"), (SPANISH, "es"), (FRENCH, "fr"), (GERMAN, "de")],
)
def test_insights_labels_group_language(texts: list[str], language: str) -> None:
    assert group_language(texts) == language


def test_insights_labels_group_language_too_little_text() -> None:
    assert group_language(["ok", "hm"]) == "en"


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (0, "refund not received"),
        (1, "login code not arriving"),
        (3, "reembolso no llega"),
        (4, "colis pas arrivé"),
        (5, "passwort nicht zurücksetzen"),
    ],
)
def test_insights_labels_lead_with_a_phrase(
    labels: list[list[str]], index: int, expected: str
) -> None:
    assert labels[index][0] == expected


def test_insights_labels_spanish_group_gets_a_spanish_phrase(labels: list[list[str]]) -> None:
    first = labels[3][0].split()
    assert len(first) >= 2
    assert first[0] not in STOP_WORDS["es"] - {"no"} and first[-1] not in STOP_WORDS["es"]
    assert "reembolso" in first


@pytest.mark.parametrize("index", range(len(GROUPS)))
def test_insights_labels_have_no_stop_words_names_handles_or_ids(
    labels: list[list[str]], index: int
) -> None:
    assert labels[index], f"group {index} has no label"
    for term in labels[index]:
        words = term.split()
        assert 1 <= len(words) <= 4
        assert not all(w in ALL_STOP for w in words), term
        assert words[-1] not in ALL_STOP, term
        assert not set(words) & (NAMES | HANDLES), term
        assert not any(c.isdigit() for c in term), term
        assert "abc" not in term and "xyz" not in term


def test_insights_labels_drop_a_word_found_in_most_groups() -> None:
    groups = [[f"northwind {t}" for t in group] for group in GROUPS]
    assert not any("northwind" in t for terms in label_groups(groups) for t in terms)


def test_insights_labels_keep_german_nouns() -> None:
    # German capitalises nouns: no German word is taken for a name.
    terms = label_groups([GERMAN, REFUND])[0]
    assert any("passwort" in t for t in terms)


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        # contractions: "hasn't" is "has not", so the negation is found
        (["my refund hasn't arrived", "refund hasn't arrived yet"], "refund not arrived"),
        # forms of "be", "have" and "do" are left out, so that variants count together
        (["refund has not been received", "refund not received"], "refund not received"),
        # one hyphenated word, with or without the hyphen
        (["my e-mail bounced", "e-mail bounced again", "email bounced"], "e-mail bounced"),
        # plurals count with their singular; the commoner form is shown
        (["parcels missing", "parcel missing", "parcel missing again"], "parcel missing"),
    ],
)
def test_insights_labels_word_forms(texts: list[str], expected: str) -> None:
    assert label_groups([texts])[0][0] == expected


def test_insights_labels_never_cross_punctuation() -> None:
    terms = label_groups([["refund. not received", "refund! not received"]])[0]
    assert "refund not received" not in terms


def test_insights_labels_small_group_falls_back_to_its_typical_text() -> None:
    # No term is shared by two texts: the best term of the most typical text.
    terms = label_groups([["printer jammed badly", "the ink smudges", "paper tray stuck"]])[0]
    assert len(terms) == 1 and set(terms[0].split()) <= {"printer", "jammed", "badly"}


def test_insights_labels_empty_input() -> None:
    assert label_groups([]) == []
    assert label_groups([["the and of", "thanks"]]) == [[]]
    assert label_groups([[]]) == [[]]


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_insights_labels_stop_words_include_english(language: str) -> None:
    words = stop_words(language)
    assert STOP_WORDS["en"] <= words and STOP_WORDS[language] <= words
    assert all(w == w.lower() and " " not in w for w in words)
