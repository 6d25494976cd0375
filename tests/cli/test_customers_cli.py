"""``servicecoach customers``: each identity once, counts in the right number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from servicecoach.cli.customers_cmd import _identity_values
from tests.cli.helpers import run_cli
from tests.conftest import SAMPLES


@pytest.fixture
def imported(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    db = str(tmp_path / "c.db")
    result = run_cli(capsys, "import", str(SAMPLES), "--db", db, "--quiet")
    assert result.code == 0, result.err
    return db


def test_customers_list_shows_each_identity_once(
    capsys: pytest.CaptureFixture[str], imported: str
) -> None:
    listed = run_cli(capsys, "customers", "list", "--search", "kayak", "--db", imported)
    assert listed.code == 0, listed.err
    assert listed.out.count("kayak_kev") == 2  # the name and one identity
    data = json.loads(
        run_cli(capsys, "customers", "list", "-s", "kayak", "--db", imported, "--json").out
    )
    kinds = {i["kind"] for i in data[0]["identities"]}
    assert kinds == {"external:twcs", "handle:twitter"}  # JSON keeps both, with their kinds


def test_customers_show_counts_in_the_right_number(
    capsys: pytest.CaptureFixture[str], imported: str
) -> None:
    shown = run_cli(capsys, "customers", "show", "kayak_kev", "--db", imported)
    assert shown.code == 0, shown.err
    assert "  1 conversation, " in shown.out
    assert "1 conversations" not in shown.out


@pytest.mark.parametrize(
    ("identities", "values"),
    [
        ((("external:twcs", "kev"), ("handle:twitter", "kev")), ["kev"]),
        (
            (("email", "a@b.c"), ("external:zendesk", "9"), ("phone", "+1555"), ("handle:x", "a")),
            ["a@b.c", "+1555", "a", "9"],
        ),
        ((), []),
    ],
)
def test_customers_identity_values(
    identities: tuple[tuple[str, str], ...], values: list[str]
) -> None:
    assert _identity_values(identities) == values
