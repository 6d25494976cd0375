"""The HTTP service: ``servicecoach serve`` (FastAPI on uvicorn). See docs/api.md.

>>> from servicecoach.server import ServiceSettings, create_app
>>> app = create_app(ServiceSettings(db="servicecoach.db"))

Modules, one concern each: :mod:`~servicecoach.server.app` (the factory and the list of
routers), :mod:`~servicecoach.server.settings`, :mod:`~servicecoach.server.state` (what is
built once), :mod:`~servicecoach.server.auth` (principals and authenticators),
:mod:`~servicecoach.server.errors` (the one error shape), :mod:`~servicecoach.server.limits`
(body size), :mod:`~servicecoach.server.body` (JSON bodies),
:mod:`~servicecoach.server.schemas` and :mod:`~servicecoach.server.openapi` (the API
document), :mod:`servicecoach.server.routes` (one module per area) and
:mod:`servicecoach.server.chatwoot` (the Chatwoot hook).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from servicecoach.server.app import create_app
    from servicecoach.server.settings import ServiceSettings

__all__ = ["ServiceSettings", "create_app"]


def __getattr__(name: str) -> Any:
    """Import the app's modules on first use: FastAPI is not loaded by every CLI command
    that only reads a setting (``import servicecoach.server.settings`` runs this file)."""
    if name == "create_app":
        from servicecoach.server.app import create_app

        return create_app
    if name == "ServiceSettings":
        from servicecoach.server.settings import ServiceSettings

        return ServiceSettings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
