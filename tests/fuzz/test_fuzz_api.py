"""Fuzz the HTTP endpoints that read client JSON: ``/v1/assist`` and the Chatwoot hook.

Valid requests are mutated (see :mod:`tests.fuzz.mutate`) and sent as raw bodies. Every
answer must be a 2xx or 4xx in the service's error shape: never a 5xx, never an answer
that is not JSON.

The apps here accept bodies up to 64 KiB (the service's default is 1 MiB): larger
mutations are answered 413, which keeps each run bounded while live assist and the
analysers are not yet linear in the size of their input (issue 11 item 2).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from servicecoach.server import ServiceSettings, create_app
from servicecoach.store.database import Store
from servicecoach.store.tokens import create_token
from tests.fuzz.budget import fuzz_settings
from tests.fuzz.mutate import HOSTILE_TEXTS, mutated_bytes
from tests.server.conftest import conversation_dict
from tests.server.fake_chatwoot import FakeChatwoot

pytestmark = pytest.mark.fuzz

_BODY_LIMIT = 64 * 1024
_SECRET = "fuzz-hook-secret-6d2b9e"
_JSON = {"Content-Type": "application/json"}


def _check(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text[:2000]
    body = response.json()
    if response.status_code >= 400:
        assert set(body) == {"error"}, body
        assert body["error"]["message"], body


@pytest.fixture(scope="module")
def assist(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    """A running app and an API token."""
    db = str(tmp_path_factory.mktemp("fuzz-assist") / "assist.db")
    settings = ServiceSettings(db=db, fast=True, max_body_bytes=_BODY_LIMIT)
    with TestClient(create_app(settings)) as client:
        with Store.open(db) as store, store.begin() as connection:
            secret = create_token(connection, "fuzz").secret
        yield client, secret


_DRAFT = (
    "Unfortunately we can't replace it, it's the courier's fault. "
    "I'm sorry the lid arrived cracked; a new kettle arrives on Thursday."
)


def _so_far() -> dict[str, Any]:
    conversation = conversation_dict()
    conversation["messages"] = conversation["messages"][:1]
    return conversation


def _assist_seed() -> bytes:
    return json.dumps({"conversation": _so_far(), "draft": _DRAFT}).encode()


def _post_assist(assist: tuple[TestClient, str], body: bytes) -> httpx.Response:
    client, secret = assist
    headers = {**_JSON, "Authorization": f"Bearer {secret}"}
    return client.post("/v1/assist", content=body, headers=headers)


@fuzz_settings(60)
@given(data=st.data())
def test_fuzz_assist_never_answers_5xx(assist: tuple[TestClient, str], data: st.DataObject) -> None:
    """Mutations of the conversation so far, its JSON too, beside a plain draft.

    Hostile drafts are the next test's.
    """
    seed = json.dumps(_so_far()).encode()
    conversation = data.draw(mutated_bytes(seed, "json"), "conversation")
    draft = json.dumps(_DRAFT).encode()
    _check(
        _post_assist(assist, b'{"conversation": ' + conversation + b', "draft": ' + draft + b"}")
    )


def _marked(at: int, mark: str) -> str:
    return _DRAFT[:at] + mark + _DRAFT[at:]


_drafts = st.one_of(
    st.sampled_from(HOSTILE_TEXTS),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=300),
    st.builds(
        _marked,
        st.integers(0, len(_DRAFT)),
        st.sampled_from(["\ud800", "\udfff", "\x00", "\u202e", "<p>", "&#xd800;"]),
    ),
)


@settings(fuzz_settings(40))
@given(draft=_drafts)
def test_fuzz_assist_hostile_drafts_never_answer_5xx(
    assist: tuple[TestClient, str], draft: str
) -> None:
    """Hostile drafts (surrogates, control characters, huge or random text)."""
    _check(_post_assist(assist, json.dumps({"conversation": _so_far(), "draft": draft}).encode()))


@pytest.fixture(scope="module")
def fake() -> FakeChatwoot:
    chatwoot = FakeChatwoot()
    chatwoot.add_conversation(
        312,
        [
            ("customer", "Hello, my order HB-20931 still says 'label created' after four days."),
            ("agent", "Thanks for getting in touch, Priya. Let me look at that order for you."),
            ("customer", "It was meant to be a gift for Saturday, so I'm getting worried."),
        ],
    )
    return chatwoot


@pytest.fixture(scope="module")
def hooks(
    tmp_path_factory: pytest.TempPathFactory, fake: FakeChatwoot
) -> Iterator[dict[bool, TestClient]]:
    """Two apps with the hook on: one reading Chatwoot's API (the fake), one without it."""
    folder = tmp_path_factory.mktemp("fuzz-hook")
    clients: dict[bool, TestClient] = {}
    for with_api in (True, False):
        values: dict[str, Any] = {
            "db": str(folder / f"hook-{with_api}.db"),
            "fast": True,
            "max_body_bytes": _BODY_LIMIT,
            "chatwoot_secret": _SECRET,
        }
        if with_api:
            values.update(
                chatwoot_url="https://chat.harbourbooks.example",
                chatwoot_token=fake.token,
                chatwoot_account=1,
            )
        app = create_app(
            ServiceSettings(**values), chatwoot_transport=httpx.ASGITransport(app=fake.app)
        )
        clients[with_api] = TestClient(app).__enter__()
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def hook_seed(fake: FakeChatwoot) -> bytes:
    """The event of the conversation's last message, taken before the hook posts notes."""
    conversation = fake.conversations[(1, 312)]
    return json.dumps(fake.event_for(conversation, conversation.messages[-1])).encode()


@fuzz_settings(60)
@given(data=st.data())
def test_fuzz_chatwoot_hook_never_answers_5xx(
    hooks: dict[bool, TestClient], hook_seed: bytes, data: st.DataObject
) -> None:
    body = data.draw(mutated_bytes(hook_seed, "json"), "body")
    client = hooks[data.draw(st.booleans(), "with_api")]
    response = client.post(f"/v1/hooks/chatwoot?secret={_SECRET}", content=body, headers=_JSON)
    _check(response)
    if response.status_code == 200:
        assert response.json()["status"] in ("scored", "ignored")


def test_fuzz_api_seeds_are_accepted(
    assist: tuple[TestClient, str], hooks: dict[bool, TestClient], hook_seed: bytes
) -> None:
    """The unmutated requests succeed, so the fuzz tests start from valid input."""
    client, secret = assist
    headers = {**_JSON, "Authorization": f"Bearer {secret}"}
    assert client.post("/v1/assist", content=_assist_seed(), headers=headers).status_code == 200
    for hook in hooks.values():
        response = hook.post(
            f"/v1/hooks/chatwoot?secret={_SECRET}", content=hook_seed, headers=_JSON
        )
        assert response.json()["status"] == "scored", response.text
