"""The application factory: :func:`create_app` builds the whole service from its settings.

What a request meets, outside in:

1. :class:`~servicecoach.server.headers.SecurityHeadersMiddleware`: every response gets
   the Content-Security-Policy, ``X-Frame-Options``, ``X-Content-Type-Options`` and
   ``Referrer-Policy`` headers.
2. :class:`~servicecoach.server.limits.BodyLimitMiddleware`: a body over the limit is a
   413 before anything reads it.
3. :class:`~servicecoach.web.session.SessionCookieMiddleware`: the signed session
   cookie becomes ``request.session``.
4. :class:`~servicecoach.web.auth.AuthBeforeBodyMiddleware`: a route that needs a
   login authenticates the request from its headers before its body is read (401, or
   303 to the login page, with the body unread).
5. The routers in :data:`ROUTERS` (plus any given to :func:`create_app`). Each ``/v1``
   router depends on :func:`~servicecoach.server.auth.require_principal`, which asks
   the authenticators in :data:`AUTHENTICATORS` (plus any given) in order.
6. The error handlers of :mod:`servicecoach.server.errors`: every error is
   ``{"error": {"code", "message"}}``.

**Extending the service (the web app).** Add the web app's API routers and pages to
:data:`ROUTERS` (or pass them as ``routers=``), its session-cookie authenticator to
:data:`AUTHENTICATORS` (before the bearer token, or after: the first that recognises a
credential wins), static files through ``mounts=``, larger body limits for upload paths
through ``body_limits=``, and anything built once at start-up through a ``startup``
callback that fills ``ServiceState.extras``. Everything else (the store, the pipeline,
the error shape, the limits, the OpenAPI document) is shared.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI
from starlette.types import ASGIApp

from servicecoach import __version__
from servicecoach.analysis.pipeline import Pipeline
from servicecoach.assist import DraftChecker
from servicecoach.rubric import load_rubric
from servicecoach.server.auth import Authenticator, bearer_token
from servicecoach.server.chatwoot.client import ChatwootClient
from servicecoach.server.chatwoot.hook import ChatwootHook
from servicecoach.server.errors import install_error_handlers
from servicecoach.server.headers import SecurityHeadersMiddleware
from servicecoach.server.limits import BodyLimitMiddleware
from servicecoach.server.openapi import build_openapi
from servicecoach.server.routes import analyze, assist, chatwoot
from servicecoach.server.settings import ServiceSettings
from servicecoach.server.state import ServiceState
from servicecoach.store.database import Store
from servicecoach.store.metrics import ensure_all_metrics
from servicecoach.web.api import API_ROUTERS
from servicecoach.web.auth import install_web_auth, session_user
from servicecoach.web.pages import PAGE_ROUTERS, STATIC_PATH, static_files
from servicecoach.web.session import session_serializer

__all__ = ["AUTHENTICATORS", "ROUTERS", "app_from_env", "create_app"]

ROUTERS: list[APIRouter] = [
    analyze.router,
    assist.router,
    chatwoot.router,
    *API_ROUTERS,
    *PAGE_ROUTERS,
]
"""Every router the service serves, in order. The web app's routers and pages go here."""

AUTHENTICATORS: list[Authenticator] = [bearer_token, session_user]
"""How ``/v1`` routes authenticate a request, tried in order (the web app adds its
session cookie here)."""

_DESCRIPTION = """\
Score customer-service conversations and check draft replies before they are sent.

Every `/v1` route needs an API token: create one with `servicecoach tokens create NAME`
and send it as `Authorization: Bearer sc_...` (a token acts with admin scope). A browser
logged in to the web app may call them with its session cookie instead (and the
`X-CSRF-Token` header on anything but GET). Bodies are JSON (`Content-Type:
application/json`) and at most 1 MiB unless the service was started with another
`--max-body-bytes`. Errors are `{"error": {"code": ..., "message": ...}}` with a message
that says how to fix the request. Conversations and results have the shapes of
servicecoach's FORMAT.md (`"format": 1`).
"""

_TAGS = [
    {"name": "analysis", "description": "Score conversations (FORMAT.md results)."},
    {"name": "live assist", "description": "Coach a draft reply before it is sent."},
    {"name": "hooks", "description": "Helpdesk webhooks (Chatwoot)."},
    {"name": "conversations", "description": "Stored conversations with metrics; exports."},
    {"name": "customers", "description": "Customer timelines across channels."},
    {"name": "agents", "description": "Agents, scorecards and coaching notes."},
    {"name": "dashboard", "description": "Team overview and contact reasons."},
    {"name": "imports", "description": "Upload files to import (admins and leads)."},
]

StartupHook = Callable[[ServiceState], None]
"""Called once the state is built, before the first request (fills ``state.extras``)."""


def _build_state(
    settings: ServiceSettings,
    authenticators: Sequence[Authenticator],
    chatwoot_transport: httpx.AsyncBaseTransport | None,
) -> ServiceState:
    rubric = load_rubric(settings.rubric)
    pipeline = Pipeline.from_rubric(rubric, fast=settings.fast)
    store = Store.open(settings.db)
    with store.begin() as connection:  # runs analysed before migration 0005 lack metrics:
        ensure_all_metrics(connection)  # filled here, so that no GET has to write
    hook = None
    if settings.chatwoot_secret:
        client = None
        if settings.chatwoot_url is not None and settings.chatwoot_token is not None:
            client = ChatwootClient(
                settings.chatwoot_url,
                settings.chatwoot_token,
                timeout=settings.chatwoot_timeout,
                max_messages=settings.chatwoot_max_messages,
                transport=chatwoot_transport,
            )
        hook = ChatwootHook(settings, pipeline, client)
    return ServiceState(
        settings=settings,
        store=store,
        pipeline=pipeline,
        checker=DraftChecker(rubric, fast=settings.fast),
        authenticators=tuple(authenticators),
        chatwoot=hook,
    )


def create_app(
    settings: ServiceSettings | None = None,
    *,
    routers: Sequence[APIRouter] = (),
    authenticators: Sequence[Authenticator] = (),
    mounts: Mapping[str, ASGIApp] | None = None,
    body_limits: Mapping[str, int] | None = None,
    startup: Sequence[StartupHook] = (),
    chatwoot_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """The servicecoach HTTP service.

    The store, pipeline, draft checker and Chatwoot client are built once, when the app
    starts (its lifespan), and closed when it stops.

    Args:
        settings: how to run (default: :meth:`ServiceSettings.from_env`).
        routers: routers served after :data:`ROUTERS`.
        authenticators: tried before :data:`AUTHENTICATORS`.
        mounts: sub-applications by path (static files).
        body_limits: body limits by path prefix, instead of ``settings.max_body_bytes``.
        startup: called with the state once it is built.
        chatwoot_transport: the httpx transport of the Chatwoot client (tests pass a
            fake of Chatwoot's API; by default the network).
    """
    settings = settings if settings is not None else ServiceSettings.from_env()
    chosen_authenticators = [*authenticators, *AUTHENTICATORS]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = _build_state(settings, chosen_authenticators, chatwoot_transport)
        app.state.service = state
        session_serializer(state)  # its key is made now, so that no GET has to write it
        try:
            for hook in startup:
                hook(state)
            yield
        finally:
            if state.chatwoot is not None:
                await state.chatwoot.aclose()
            state.store.close()

    app = FastAPI(
        title="servicecoach",
        version=__version__,
        summary="Measure and coach customer-service conversations.",
        description=_DESCRIPTION,
        openapi_tags=_TAGS,
        lifespan=lifespan,
        docs_url=None,  # Swagger UI and ReDoc load their scripts from a CDN: nothing is
        redoc_url=None,  # fetched from the internet, so /openapi.json alone is served
    )
    install_error_handlers(app)
    for router in [*ROUTERS, *routers]:
        app.include_router(router)
    mounted: dict[str, ASGIApp] = {STATIC_PATH: static_files(), **(mounts or {})}
    for path, sub_app in mounted.items():
        app.mount(path, sub_app)
    install_web_auth(app)  # sessions, auth before the body (inside the body limit), redirect
    app.add_middleware(
        BodyLimitMiddleware,
        max_body_bytes=settings.max_body_bytes,
        overrides={
            "/import": settings.upload_max_bytes,
            "/v1/imports": settings.upload_max_bytes,
            **(body_limits or {}),
        },
    )
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: every answer gets them

    def _openapi() -> dict[str, Any]:
        return build_openapi(app)

    app.openapi = _openapi  # type: ignore[method-assign]

    @app.get("/healthz", include_in_schema=False)
    def _health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app


def app_from_env() -> FastAPI:
    """The app configured by ``SERVICECOACH_*`` variables (uvicorn's factory in ``serve``)."""
    return create_app(ServiceSettings.from_env())
