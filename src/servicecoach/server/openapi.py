"""The OpenAPI document: FastAPI's, plus the request bodies routes decode themselves.

Routes that read a FORMAT.md document through :data:`~servicecoach.server.body.JsonObject`
declare its shape with ``openapi_extra=documented_body(Model)``; :func:`build_openapi`
adds those models to ``components/schemas``. ``docs/openapi.json`` is this document,
committed; regenerate it with ``servicecoach serve --print-openapi > docs/openapi.json``
(a test fails when it is out of date).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

__all__ = ["build_openapi", "documented_body"]

_REF = "#/components/schemas/{model}"
_BODY_MODELS: dict[str, type[BaseModel]] = {}


def documented_body(model: type[BaseModel], description: str = "") -> dict[str, Any]:
    """The ``openapi_extra`` of a route whose JSON body has the shape of ``model``."""
    _BODY_MODELS[model.__name__] = model
    body: dict[str, Any] = {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": _REF.format(model=model.__name__)}}},
    }
    if description:
        body["description"] = description
    return {"requestBody": body}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document (built once, then cached on the app)."""
    if app.openapi_schema:
        return app.openapi_schema
    document = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    if _BODY_MODELS:
        models = [(model, "validation") for _, model in sorted(_BODY_MODELS.items())]
        _, extra = models_json_schema(models, ref_template=_REF)  # type: ignore[arg-type]
        for name, schema in sorted(extra.get("$defs", {}).items()):
            schemas.setdefault(name, schema)
    document["components"]["schemas"] = dict(sorted(schemas.items()))
    app.openapi_schema = document
    return document
