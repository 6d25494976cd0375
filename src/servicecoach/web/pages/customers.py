"""``/customers/{id}``: a customer's timeline across channels, merged identities and
repeat-story flags."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from servicecoach.errors import NotFoundError
from servicecoach.server.state import State
from servicecoach.store.timelines import customer_timeline
from servicecoach.web.auth import PageViewer
from servicecoach.web.pages.common import error_page
from servicecoach.web.pages.data import reading
from servicecoach.web.pages.languages import language_name, not_scored_languages
from servicecoach.web.pages.templating import render

__all__ = ["customer_page", "router"]

router = APIRouter(include_in_schema=False)


@router.get("/customers/{customer_id}", response_class=HTMLResponse)
def customer_page(
    request: Request, state: State, viewer: PageViewer, customer_id: int
) -> HTMLResponse:
    """Every conversation of the customer the viewer may see, oldest first."""
    with reading(state) as connection:
        try:
            found = customer_timeline(connection, customer_id, viewer.scope)
        except NotFoundError as exc:
            return error_page(request, viewer, 404, "Customer not found", str(exc))
        unscored = (
            not_scored_languages(connection, found.run, [e.stored.pk for e in found.entries])
            if found.run is not None
            else {}
        )
    return render(
        request,
        "customer.html",
        viewer,
        active="conversations",
        timeline=found,
        unscored=unscored,
        language_name=language_name,
    )
