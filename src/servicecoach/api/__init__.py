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

from servicecoach.api.app import create_app
from servicecoach.api.settings import ServiceSettings

__all__ = ["ServiceSettings", "create_app"]
