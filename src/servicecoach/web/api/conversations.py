"""``/v1/conversations``: the list (paginated), the export (CSV, JSON) and one conversation."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterator
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy import Connection

from servicecoach.errors import NotFoundError
from servicecoach.model.native import conversation_to_dict
from servicecoach.server.state import ServiceState, State
from servicecoach.store.analyses import stored_result
from servicecoach.store.conversation_csv import CSV_COLUMNS, csv_cells
from servicecoach.store.conversation_list import (
    SORTS,
    iter_conversation_rows,
    list_conversations,
    select_rows,
    to_row,
)
from servicecoach.store.filters import Filters, Scope, ScopeKind, metrics_conditions, resolve_run
from servicecoach.store.reader import iter_conversations
from servicecoach.store.schema import conversation_metrics
from servicecoach.web.api.common import FilterParams, ensure_run, reading
from servicecoach.web.api.responses import API_ERRORS, json_object
from servicecoach.web.auth import ApiViewer

__all__ = ["MAX_LIMIT", "conversation", "conversation_detail", "conversations", "export", "router"]

MAX_LIMIT = 200
"""The most rows one page of ``GET /v1/conversations`` returns."""
_BATCH = 500

router = APIRouter(tags=["conversations"])


def _next_link(request: Request, offset: int) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
    params.append(("offset", str(offset)))
    return f"{request.url.path}?{urlencode(params)}"


@router.get(
    "/v1/conversations",
    summary="List conversations with their metrics",
    responses={200: json_object("One page of rows, the total and the next page's link."),
               **API_ERRORS},
)  # fmt: skip
def conversations(
    request: Request,
    state: State,
    viewer: ApiViewer,
    filters: FilterParams,
    sort: Annotated[
        str, Query(description=f"One of: {', '.join(SORTS)} (a skill sorts by its score).")
    ] = "started_at",
    order: Annotated[Literal["desc", "asc"], Query(description="desc: largest first.")] = "desc",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page.")] = 50,
    offset: Annotated[int, Query(ge=0, description="Rows to skip.")] = 0,
) -> JSONResponse:
    """One page of the conversations the viewer may see, newest first by default.

    Each row has every metric and skill score of the run (docs/dashboard.md defines
    them); `total` counts the whole selection, `next` is the link to the next page
    (`null` on the last one). Agents see their own conversations, leads their team's.
    """
    with reading(state, filters) as (connection, chosen):
        page = list_conversations(
            connection,
            chosen,
            viewer.scope,
            sort=sort,
            descending=order == "desc",
            limit=limit,
            offset=offset,
        )
    return JSONResponse(
        {
            "run": page.run,
            "total": page.total,
            "limit": page.limit,
            "offset": page.offset,
            "rows": [row.to_dict() for row in page.rows],
            "next": _next_link(request, offset + limit) if page.has_next else None,
        }
    )


def _stream(state: ServiceState, filters: Filters, scope: Scope, fmt: str) -> Iterator[str]:
    with state.store.connect() as connection:
        rows = iter_conversation_rows(connection, filters, scope)
        if fmt == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow(CSV_COLUMNS)
            for count, row in enumerate(rows, 1):
                writer.writerow(csv_cells(row))
                if count % _BATCH == 0:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()
        elif fmt == "jsonl":
            for row in rows:
                yield json.dumps(row.to_dict(), ensure_ascii=False) + "\n"
        else:
            yield "["
            for count, row in enumerate(rows):
                yield ("," if count else "") + "\n" + json.dumps(row.to_dict(), ensure_ascii=False)
            yield "\n]\n"


_MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json",
          "jsonl": "application/x-ndjson"}  # fmt: skip


@router.get(
    "/v1/conversations/export",
    summary="Export every conversation with its metrics (CSV or JSON)",
    responses={
        200: {
            "description": "Every row in scope, streamed as an attachment.",
            "content": {"text/csv": {}, "application/x-ndjson": {}},
        },
        **API_ERRORS,
    },
)
def export(
    state: State,
    viewer: ApiViewer,
    filters: FilterParams,
    format: Annotated[
        Literal["csv", "json", "jsonl"],
        Query(description="csv (a spreadsheet), json (one array) or jsonl (JSON Lines)."),
    ] = "csv",
) -> StreamingResponse:
    """Every conversation the viewer may see, one row per conversation with all metrics.

    The CSV has the columns of docs/dashboard.md ("The CSV export"), in a fixed order;
    JSON rows have the same fields. Rows are streamed by conversation id, so an export
    of any size starts at once and uses little memory.
    """
    run = ensure_run(state, filters)
    chosen = dataclasses.replace(filters, run=run)
    return StreamingResponse(
        _stream(state, chosen, viewer.scope, format),
        media_type=_MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="conversations-run{run}.{format}"'},
    )


def conversation_detail(
    connection: Connection, pk: int, scope: Scope, *, run: int | None = None
) -> dict[str, Any]:
    """The stored conversation ``pk`` with its metrics and result in ``run`` (default latest).

    A restricted scope sees a conversation when the run's metrics put its agent in the
    scope; an unrestricted scope sees every conversation, analysed or not.

    Raises:
        NotFoundError: no such conversation, or not in ``scope``.
    """
    try:
        chosen: int | None = resolve_run(connection, Filters(run=run))
    except NotFoundError:
        if run is not None or scope.kind is not ScopeKind.ALL:
            raise
        chosen = None
    metrics = None
    if chosen is not None:
        found = connection.execute(
            select_rows(
                [
                    *metrics_conditions(chosen, Filters(), scope),
                    conversation_metrics.c.conversation_id == pk,
                ]
            )
        ).first()
        metrics = to_row(found) if found is not None else None
    if metrics is None and scope.kind is not ScopeKind.ALL:
        raise NotFoundError(f"no conversation {pk} in your view")
    stored = next(iter_conversations(connection, ids=[pk]), None)
    if stored is None:
        raise NotFoundError(f"no conversation {pk}")
    result = None
    if chosen is not None:
        try:
            result = stored_result(connection, pk, chosen)
        except NotFoundError:
            result = None
    return {
        "conversation_id": pk,
        "customer_id": stored.customer_id,
        "run": chosen,
        "conversation": conversation_to_dict(stored.conversation),
        "metrics": metrics.to_dict() if metrics is not None else None,
        "result": result,
    }


@router.get(
    "/v1/conversations/{conversation_id}",
    summary="One conversation with its latest result",
    responses={200: json_object("The conversation, its metrics and its result."), **API_ERRORS},
)
def conversation(
    state: State,
    viewer: ApiViewer,
    conversation_id: Annotated[int, Path(description="The conversation's id in the store.")],
    run: Annotated[int | None, Query(ge=1, description="The run (default: the latest).")] = None,
) -> JSONResponse:
    """The stored conversation (native format) with its metrics and its FORMAT.md result:
    every skill with its evidence spans and suggestions, each message's emotion, the outcome.

    `result` is `null` when the run did not analyse it. Out of the viewer's scope: 404.
    """
    try:
        chosen: int | None = ensure_run(state, Filters(run=run))
    except NotFoundError:
        if run is not None:
            raise
        chosen = None  # nothing analysed yet: an admin still sees the conversation
    with state.store.connect() as connection:
        detail = conversation_detail(connection, conversation_id, viewer.scope, run=chosen)
    return JSONResponse(detail)
