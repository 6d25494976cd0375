"""The HTTP service: ``servicecoach serve`` (FastAPI on uvicorn). See docs/api.md.

>>> from servicecoach.api import ServiceSettings, create_app
>>> app = create_app(ServiceSettings(db="servicecoach.db"))

Modules, one concern each: :mod:`~servicecoach.api.app` (the factory and the list of
routers), :mod:`~servicecoach.api.settings`, :mod:`~servicecoach.api.state` (what is
built once), :mod:`~servicecoach.api.auth` (principals and authenticators),
:mod:`~servicecoach.api.errors` (the one error shape), :mod:`~servicecoach.api.limits`
(body size), :mod:`~servicecoach.api.body` (JSON bodies),
:mod:`~servicecoach.api.schemas` and :mod:`~servicecoach.api.openapi` (the API
document), :mod:`servicecoach.api.routes` (one module per area) and
:mod:`servicecoach.api.chatwoot` (the Chatwoot hook).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from servicecoach.api.app import create_app
    from servicecoach.api.settings import ServiceSettings

__all__ = ["ServiceSettings", "create_app"]


def __getattr__(name: str) -> Any:
    """Import the app's modules on first use: FastAPI is not loaded by every CLI command
    that only reads a setting (``import servicecoach.api.settings`` runs this file)."""
    if name == "create_app":
        from servicecoach.api.app import create_app

        return create_app
    if name == "ServiceSettings":
        from servicecoach.api.settings import ServiceSettings

        return ServiceSettings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
