"""``POST /v1/imports`` (upload files to import) and ``GET /v1/imports/{id}`` (its progress)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, UploadFile
from fastapi.responses import JSONResponse

from servicecoach.errors import ConfigError, NotFoundError
from servicecoach.server.state import State
from servicecoach.web.api.import_jobs import import_jobs
from servicecoach.web.api.responses import API_ERRORS, json_object
from servicecoach.web.auth import Viewer, require_role

__all__ = ["import_status", "router", "start_import"]

router = APIRouter(tags=["imports"])

Importer = Annotated[Viewer, Depends(require_role("admin", "lead"))]


@router.post(
    "/v1/imports",
    status_code=202,
    summary="Import uploaded files (admins and leads)",
    responses={
        202: json_object("The import started; poll the `url` for its progress."),
        413: {"description": "The upload is larger than SERVICECOACH_UPLOAD_MAX_BYTES."},
        **API_ERRORS,
    },
)
def start_import(
    state: State,
    viewer: Importer,
    files: Annotated[
        list[UploadFile], File(description="One or more files of any supported format.")
    ],
    skip_invalid: Annotated[
        bool, Form(description="Import the valid records and report the invalid ones.")
    ] = False,
    redact: Annotated[
        bool,
        Form(
            description="Replace email addresses, phone numbers, card numbers and street "
            "addresses in the text and keep the customer's identifiers only as keyed hashes."
        ),
    ] = False,
    analyze: Annotated[
        bool,
        Form(
            description="Score the store once the files are imported (a new analysis run over "
            "every stored conversation, as `servicecoach analyze`); false to import several "
            "uploads first and score after the last."
        ),
    ] = True,
) -> JSONResponse:
    """Upload one or more files (`multipart/form-data`, field `files`) of any format
    `servicecoach formats` lists; they are imported in the background as by
    `servicecoach import` (all-or-nothing unless `skip_invalid`), then scored (unless
    `analyze=false`). Answers 202 with the job's id; `GET /v1/imports/{id}` tells its
    phase, progress and problems."""
    if not files:
        raise ConfigError("send at least one file in the form field 'files'")
    job = import_jobs(state).start(
        [(f.filename, f.file) for f in files],
        viewer.username,
        scope=viewer.scope,
        skip_invalid=skip_invalid,
        redact=redact,
        analyze=analyze,
    )
    url = f"/v1/imports/{job.id}"
    return JSONResponse({**job.to_dict(), "url": url}, status_code=202, headers={"Location": url})


@router.get(
    "/v1/imports/{import_id}",
    summary="An import's status, progress and problems",
    responses={200: json_object("The job."), **API_ERRORS},
)
def import_status(
    state: State,
    viewer: Importer,
    import_id: Annotated[str, Path(description="The id `POST /v1/imports` answered.")],
) -> JSONResponse:
    """Status (`queued`, `running`, `done`, `failed`), phase (`importing`, `analysing`,
    `done`), progress in the phase (0-1: bytes read while importing, conversations scored
    while analysing), the summary and the analysis run when done, and every problem with
    its file, line and fix. Leads see the imports they started; admins every import."""
    job = import_jobs(state).get(import_id)
    if job is None or not (viewer.is_admin or job.user == viewer.username):
        raise NotFoundError(
            f"no import {import_id} (imports are kept in memory by the server process "
            "that ran them, until it restarts)"
        )
    return JSONResponse(job.to_dict())
