"""A small client of Chatwoot's application API: read a conversation, post a private note.

Two documented endpoints, authenticated with the ``api_access_token`` header:

- ``GET /api/v1/accounts/{account}/conversations/{id}/messages``: the newest messages
  (``{"meta": {...}, "payload": [messages, oldest first]}``); older pages with
  ``?before=<oldest message id>``. Pages are read until one is empty or shorter
  than an earlier one, or ``max_messages`` are in hand.
- ``POST /api/v1/accounts/{account}/conversations/{id}/messages`` with
  ``{"content", "message_type": "outgoing", "private": true}``: a private note.

Every request has a timeout; any failure (network, timeout, an HTTP error, an answer
that is not the documented JSON) raises :class:`ChatwootApiError` with a message that
says which call failed and why, never an httpx exception.
"""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["ChatwootApiError", "ChatwootClient"]


class ChatwootApiError(Exception):
    """A call to the Chatwoot API failed; the message says which and why."""


class ChatwootClient:
    """Calls to one Chatwoot installation.

    Args:
        base_url: e.g. ``https://chat.example.com``.
        token: an access token (Profile settings, or an agent bot's token).
        timeout: seconds allowed for each request.
        max_messages: read at most this many messages of a conversation.
        transport: an httpx transport (tests pass a fake of the API).
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 10.0,
        max_messages: int = 500,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.max_messages = max_messages
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"api_access_token": token, "Accept": "application/json"},
            timeout=httpx.Timeout(timeout),
            transport=transport,
            follow_redirects=False,
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    @staticmethod
    def _messages_path(account: int, conversation: int) -> str:
        return f"/api/v1/accounts/{account}/conversations/{conversation}/messages"

    async def _call(self, what: str, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise ChatwootApiError(f"{what}: Chatwoot did not answer in time") from None
        except httpx.HTTPError as exc:
            raise ChatwootApiError(f"{what}: cannot reach Chatwoot ({exc})") from None
        if response.status_code in (401, 403):
            raise ChatwootApiError(
                f"{what}: Chatwoot refused the access token (HTTP {response.status_code}); "
                "check SERVICECOACH_CHATWOOT_TOKEN and the account id"
            )
        if response.status_code >= 400:
            raise ChatwootApiError(f"{what}: Chatwoot answered HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError:
            raise ChatwootApiError(f"{what}: Chatwoot's answer is not JSON") from None

    async def conversation_messages(self, account: int, conversation: int) -> dict[str, Any]:
        """Every message of a conversation (up to ``max_messages``), oldest first.

        Returns:
            The messages endpoint's shape, ``{"meta": ..., "payload": [...]}``, with the
            pages joined.

        Raises:
            ChatwootApiError: a page could not be read.
        """
        what = f"reading the messages of conversation {conversation}"
        path = self._messages_path(account, conversation)
        meta: dict[str, Any] = {}
        pages: list[list[dict[str, Any]]] = []
        seen: set[object] = set()
        params: dict[str, Any] = {}
        count = largest = 0
        while count < self.max_messages:
            data = await self._call(what, "GET", path, params=params)
            if not isinstance(data, dict) or not isinstance(data.get("payload"), list):
                raise ChatwootApiError(f"{what}: the answer has no 'payload' list of messages")
            if not meta and isinstance(data.get("meta"), dict):
                meta = data["meta"]
            page = [m for m in data["payload"] if isinstance(m, dict) and m.get("id") not in seen]
            if not page:
                break
            seen.update(m.get("id") for m in page)
            pages.append(page)
            count += len(page)
            ids = [m["id"] for m in page if isinstance(m.get("id"), int)]
            if not ids or len(page) < largest:
                break  # a page shorter than an earlier one is the oldest
            largest = len(page)
            params = {"before": min(ids)}
        messages = [m for page in reversed(pages) for m in page]
        return {"meta": meta, "payload": messages[-self.max_messages :]}

    async def post_private_note(self, account: int, conversation: int, content: str) -> int | None:
        """Post ``content`` as a private note; returns the new message's id when given.

        Raises:
            ChatwootApiError: the note could not be posted.
        """
        data = await self._call(
            f"posting a private note to conversation {conversation}",
            "POST",
            self._messages_path(account, conversation),
            json={"content": content, "message_type": "outgoing", "private": True},
        )
        number = data.get("id") if isinstance(data, dict) else None
        return number if isinstance(number, int) else None
