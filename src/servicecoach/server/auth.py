"""Who is asking: authenticators that turn a request into a :class:`Principal`.

Every protected route depends on :func:`require_principal` (or :data:`CurrentPrincipal`),
which asks the app's authenticators in order. An authenticator returns the principal a
request proves, ``None`` when the request carries no credential of its kind, and raises
a 401 when it carries a bad one. The service starts with one, :func:`bearer_token`
(``Authorization: Bearer sc_...``, tokens from ``servicecoach tokens create``); the web
app adds a session-cookie authenticator to the same list, so that API routes accept a
logged-in browser and a token alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from servicecoach.server.errors import ApiError
from servicecoach.server.state import service_state
from servicecoach.store.tokens import verify_token

__all__ = [
    "Authenticator",
    "CurrentPrincipal",
    "Principal",
    "bearer_token",
    "find_principal",
    "missing_credentials",
    "require_principal",
]

REALM = "servicecoach"


@dataclass(frozen=True, slots=True)
class Principal:
    """The client a request was authenticated as.

    Attributes:
        kind: how it proved it: ``"token"`` (an API token) or, from the web app,
            ``"session"``.
        name: the token's name or the user's login.
        token_id: the API token's id, for ``kind == "token"``.
        roles: what it may do (the web app's roles; API tokens have none: full API).
    """

    kind: str
    name: str
    token_id: int | None = None
    roles: frozenset[str] = field(default_factory=frozenset)


Authenticator = Callable[[Request], Principal | None]
"""Returns the principal a request proves, ``None`` without a credential of its kind;
raises :class:`~servicecoach.server.errors.ApiError` (401) for a bad credential."""


def _unauthorized(message: str, error: str | None = None) -> ApiError:
    challenge = f'Bearer realm="{REALM}"'
    if error is not None:
        challenge += f', error="{error}"'
    return ApiError(401, message, headers={"WWW-Authenticate": challenge})


def bearer_token(request: Request) -> Principal | None:
    """Authenticate ``Authorization: Bearer <token>`` against the store's API tokens."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise _unauthorized(
            "the Authorization header must be 'Bearer <token>'", error="invalid_request"
        )
    state = service_state(request)
    with state.store.begin() as connection:
        token = verify_token(
            connection, value.strip(), touch_seconds=state.settings.token_touch_seconds
        )
    if token is None:
        raise _unauthorized(
            "the API token is unknown or revoked (servicecoach tokens list shows the "
            "active ones; create one with servicecoach tokens create NAME)",
            error="invalid_token",
        )
    return Principal(kind="token", name=token.name, token_id=token.id)


_bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="apiToken",
    description="An API token from `servicecoach tokens create NAME`, "
    "sent as `Authorization: Bearer sc_...`.",
)


def find_principal(request: Request) -> Principal | None:
    """The client the request proves, asking the app's authenticators in order; ``None``
    without a credential. Kept on ``request.state`` so that a second call (the route,
    after :class:`~servicecoach.web.auth.AuthBeforeBodyMiddleware`) asks nothing again.

    Raises:
        ApiError: 401 for a bad credential (an unknown token, a malformed header).
    """
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    for authenticate in service_state(request).authenticators:
        principal = authenticate(request)
        if principal is not None:
            request.state.principal = principal
            return principal
    return None


def missing_credentials() -> ApiError:
    """The 401 (with ``WWW-Authenticate``) for a request that carries no credential."""
    return _unauthorized(
        "missing API token: send Authorization: Bearer <token> "
        "(create one with servicecoach tokens create NAME)"
    )


def require_principal(
    request: Request,
    _documented: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_scheme)],
) -> Principal:
    """The authenticated client of the request, or a 401 with ``WWW-Authenticate``."""
    principal = find_principal(request)
    if principal is None:
        raise missing_credentials()
    return principal


CurrentPrincipal = Annotated[Principal, Depends(require_principal)]
"""A route parameter: the authenticated client (the route answers 401 without one)."""
