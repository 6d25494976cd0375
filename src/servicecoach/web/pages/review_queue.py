"""``POST /reviews/queue``: a lead (or admin) fills a reviewer's queue by a sampling
strategy (``review.sampling``: random per agent, lowest quality, least sure, disagreed,
outliers); ``POST /reviews/queue/{id}/delete`` takes an item out. The queue itself is
shown on ``/reviews`` (``web.pages.review_hub``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.review.sampling import Strategy
from servicecoach.server.state import State
from servicecoach.store.review_queue import fill_queue, remove_item
from servicecoach.web.auth import Viewer, require_role, verify_csrf
from servicecoach.web.pages.common import error_page
from servicecoach.web.pages.reviews import hub_page

__all__ = ["queue_fill", "queue_remove", "router"]

router = APIRouter(include_in_schema=False)
Lead = Annotated[Viewer, Depends(require_role("admin", "lead", page=True))]


@router.post("/reviews/queue", dependencies=[Depends(verify_csrf)], response_class=HTMLResponse)
async def queue_fill(request: Request, state: State, viewer: Lead) -> Response:
    """Queue conversations for ``reviewer`` by ``strategy`` (``count`` of them)."""
    form = await request.form()
    count_text = str(form.get("count", "")).strip()
    try:
        strategy = Strategy(str(form.get("strategy", "")))
        if not count_text.isdigit():
            raise ConfigError(f"{count_text!r} is not a number of conversations")
        with state.store.begin() as connection:
            added = fill_queue(
                connection, viewer.scope, reviewer=str(form.get("reviewer", "")),
                strategy=strategy, count=int(count_text), assigned_by=viewer.username,
            )  # fmt: skip
    except ValueError:
        return hub_page(request, state, viewer, error="choose a sampling strategy from the list")
    except (ConfigError, NotFoundError) as exc:
        return hub_page(request, state, viewer, error=str(exc))
    return hub_page(request, state, viewer, added=len(added))


@router.post("/reviews/queue/{item_id}/delete", dependencies=[Depends(verify_csrf)])
def queue_remove(request: Request, state: State, viewer: Lead, item_id: int) -> Response:
    """Take one conversation out of a queue in the viewer's scope."""
    try:
        with state.store.begin() as connection:
            remove_item(connection, viewer.scope, item_id)
    except NotFoundError as exc:
        return error_page(request, viewer, 404, "Not found", str(exc))
    return RedirectResponse("/reviews", status_code=303)
