"""The web app: pages for leads and agents, and the REST API behind them.

Served by ``servicecoach serve`` from the same process as the live-assist API
(:mod:`servicecoach.server`). ``web.auth`` and ``web.api`` hold users, sessions, roles and the
``/v1`` data routes; ``web.pages``, ``web.templates`` and ``web.static`` the HTML pages.
Data comes from the store's query layer (``servicecoach.store.dashboard`` and friends),
which enforces what each viewer may see.
"""

from __future__ import annotations

# The service package first: servicecoach.server.app imports this package's routers and
# authenticator, so importing a web module first must not start that cycle halfway.
import servicecoach.server as _service  # noqa: F401

__all__: list[str] = []
