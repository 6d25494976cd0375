"""``/import``: upload a file of any supported format (leads and admins), then follow its
import and scoring at ``/import/{job}`` and see the result: the conversations written,
scored, with links to the overview and the list, or the problems by file and line.

The upload runs as a job of the same board as ``POST /v1/imports``
(``web.api.import_jobs``): one import at a time, through ``servicecoach import``'s
service, then the analysis of the store. Leads see the imports they started, admins
every import. The page follows the job with ``static/app.js`` (it polls the job as JSON
and reloads itself when the job ends; without JavaScript it refreshes every 2 seconds).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from servicecoach.ingest.registry import importers
from servicecoach.server.state import State
from servicecoach.web.api.import_jobs import import_jobs
from servicecoach.web.auth import PageViewer, Viewer, verify_csrf
from servicecoach.web.pages.common import error_page
from servicecoach.web.pages.data import reading
from servicecoach.web.pages.import_result import imported_conversations
from servicecoach.web.pages.languages import language_name
from servicecoach.web.pages.templating import can_import, render

__all__ = ["import_page", "import_progress", "import_upload", "router"]

router = APIRouter(include_in_schema=False)


def _refuse(request: Request, viewer: Viewer) -> HTMLResponse:
    return error_page(request, viewer, 403, "Not allowed", "Only leads and admins import files.")


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request, viewer: PageViewer) -> HTMLResponse:
    """The upload form."""
    if not can_import(viewer):
        return _refuse(request, viewer)
    formats = sorted(importers())
    return render(request, "import.html", viewer, active="import", formats=formats, job=None)


@router.post("/import", dependencies=[Depends(verify_csrf)])
def import_upload(
    request: Request,
    state: State,
    viewer: PageViewer,
    file: Annotated[UploadFile | None, File()] = None,
    skip_invalid: Annotated[bool, Form()] = False,
    redact: Annotated[bool, Form()] = False,
) -> Response:
    """Start importing the uploaded file; show its progress page."""
    if not can_import(viewer):
        return _refuse(request, viewer)
    if file is None or not file.filename:
        return render(
            request,
            "import.html",
            viewer,
            active="import",
            formats=sorted(importers()),
            job=None,
            error="Choose a file to import.",
            status_code=400,
        )
    job = import_jobs(state).start(
        [(file.filename, file.file)],
        viewer.username,
        scope=viewer.scope,
        skip_invalid=skip_invalid,
        redact=redact,
    )
    return RedirectResponse(f"/import/{job.id}", status_code=303)


@router.get("/import/{job_id}", response_class=HTMLResponse)
def import_progress(request: Request, state: State, viewer: PageViewer, job_id: str) -> Response:
    """An import's progress (the page refreshes itself until it ends) and problems."""
    if not can_import(viewer):
        return _refuse(request, viewer)
    job = import_jobs(state).get(job_id)
    if job is None or not (viewer.is_admin or job.user == viewer.username):
        return error_page(request, viewer, 404, "Import not found", f"no import {job_id!r}")
    if request.headers.get("accept", "").startswith("application/json"):
        return JSONResponse(job.to_dict())
    imported = None
    if job.status == "done" and job.analysis is not None:
        with reading(state) as connection:
            imported = imported_conversations(connection, job, viewer.scope)
    return render(
        request,
        "import.html",
        viewer,
        active="import",
        formats=sorted(importers()),
        job=job,
        imported=imported,
        language_name=language_name,
    )
