"""What the service builds once at start-up and every request shares.

The app's lifespan (:func:`servicecoach.server.app.create_app`) opens the store, builds the
analysis pipeline and the draft checker, and opens the Chatwoot client, then keeps them
in one :class:`ServiceState` on ``app.state.service``; routes reach it through
:data:`State`. Nothing here is created per request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request

from servicecoach.analysis.pipeline import Pipeline
from servicecoach.server.settings import ServiceSettings
from servicecoach.store.database import Store

if TYPE_CHECKING:
    from servicecoach.assist import DraftChecker
    from servicecoach.server.auth import Principal
    from servicecoach.server.chatwoot.hook import ChatwootHook

__all__ = ["ServiceState", "State", "service_state"]


@dataclass(slots=True)
class ServiceState:
    """The long-lived objects of one running service.

    Attributes:
        settings: how the service runs.
        store: the database, opened (and migrated) once.
        pipeline: the analysers, configured by the team rubric.
        checker: the live-assist draft checker, built once.
        authenticators: tried in order by :func:`~servicecoach.server.auth.require_principal`.
        chatwoot: the Chatwoot hook's client and memory, or ``None`` when the hook is off.
        extras: room for what later parts of the service build at start-up (the web
            app's templates, caches), by name.
    """

    settings: ServiceSettings
    store: Store
    pipeline: Pipeline
    checker: DraftChecker
    authenticators: tuple[Callable[[Request], Principal | None], ...]
    chatwoot: ChatwootHook | None = None
    extras: dict[str, Any] = field(default_factory=dict)


def service_state(request: Request) -> ServiceState:
    """The state of the app serving ``request``.

    Raises:
        RuntimeError: the app was used without its lifespan (a test must use
            ``with TestClient(app) as client``).
    """
    state = getattr(request.app.state, "service", None)
    if not isinstance(state, ServiceState):
        raise RuntimeError("the service is not started: run the app with its lifespan")
    return state


State = Annotated[ServiceState, Depends(service_state)]
"""A route parameter: the running service's shared state."""
