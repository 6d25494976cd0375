"""``/import``: upload a file of any supported format (leads and admins), then follow its
progress and see its problems by file and line at ``/import/{job}``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from servicecoach.api.state import State
from servicecoach.ingest.registry import importers
from servicecoach.web.auth import PageViewer, Viewer, verify_csrf
from servicecoach.web.pages.common import error_page
from servicecoach.web.pages.import_jobs import job_board
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
async def import_upload(
    request: Request,
    state: State,
    viewer: PageViewer,
    file: Annotated[UploadFile | None, File()] = None,
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
    data = await file.read()
    job = job_board(state).start(file.filename, data, viewer.username)
    return RedirectResponse(f"/import/{job.id}", status_code=303)


@router.get("/import/{job_id}", response_class=HTMLResponse)
def import_progress(request: Request, state: State, viewer: PageViewer, job_id: str) -> Response:
    """An import's progress (the page refreshes itself until it ends) and problems."""
    if not can_import(viewer):
        return _refuse(request, viewer)
    job = job_board(state).get(job_id)
    if job is None:
        return error_page(request, viewer, 404, "Import not found", f"no import {job_id!r}")
    if request.headers.get("accept", "").startswith("application/json"):
        return JSONResponse(
            {"status": job.status, "percent": job.percent, "conversations": job.conversations}
        )
    return render(
        request,
        "import.html",
        viewer,
        active="import",
        formats=sorted(importers()),
        job=job,
    )
