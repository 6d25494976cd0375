"""The service's routers, one module per area (analyze, assist, the Chatwoot hook)."""

from __future__ import annotations

__all__: list[str] = []
