"""The OpenAPI document: generated, valid, committed, and true to the real answers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from tests.conftest import REPO
from tests.server.conftest import conversation_dict

COMMITTED = REPO / "docs" / "openapi.json"


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def _check(document: dict[str, Any], schema: str, instance: object) -> None:
    root = {"$ref": f"#/components/schemas/{schema}", "components": document["components"]}
    OAS31Validator(root).validate(instance)


def test_openapi_document_is_valid(document: dict[str, Any]) -> None:
    validate(document)  # raises on any violation of the OpenAPI 3.1 specification


def test_openapi_no_page_that_loads_scripts_from_the_internet(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404


def test_openapi_committed_document_is_up_to_date(document: dict[str, Any]) -> None:
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed == document, (
        "docs/openapi.json is out of date: regenerate it with "
        "servicecoach serve --print-openapi > docs/openapi.json"
    )


def test_openapi_documents_bodies_answers_and_auth(document: dict[str, Any]) -> None:
    paths = document["paths"]
    assert {"/v1/analyze", "/v1/assist", "/v1/hooks/chatwoot"} <= set(paths)
    bodies = {
        path: paths[path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        for path in ("/v1/analyze", "/v1/assist", "/v1/hooks/chatwoot")
    }
    assert bodies == {
        "/v1/analyze": "#/components/schemas/ConversationIn",
        "/v1/assist": "#/components/schemas/AssistRequest",
        "/v1/hooks/chatwoot": "#/components/schemas/ChatwootEventIn",
    }
    for path in ("/v1/analyze", "/v1/assist"):
        operation = paths[path]["post"]
        assert operation["security"] == [{"apiToken": []}]
        assert {"200", "400", "401", "413", "415", "422"} <= set(operation["responses"])
    assert "security" not in paths["/v1/hooks/chatwoot"]["post"]
    assert document["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"
    assert document["components"]["schemas"]["ConversationIn"]["examples"]


def test_openapi_real_answers_match_the_documented_schemas(
    client: TestClient, auth: dict[str, str], document: dict[str, Any]
) -> None:
    analysed = client.post("/v1/analyze", json=conversation_dict(), headers=auth).json()
    _check(document, "AnalysisResult", analysed)
    draft = {"conversation": conversation_dict(), "draft": "We can't do that, sorry."}
    _check(document, "DraftCheckOut", client.post("/v1/assist", json=draft, headers=auth).json())
    _check(document, "ErrorResponse", client.post("/v1/analyze", json={}).json())
    _check(document, "ConversationIn", conversation_dict())
    _check(document, "AssistRequest", draft)


def test_openapi_print_command_writes_the_same_document(
    capsys: pytest.CaptureFixture[str], document: dict[str, Any]
) -> None:
    from tests.cli.helpers import run_cli

    result = run_cli(capsys, "serve", "--print-openapi")
    assert result.code == 0, result.err
    assert json.loads(result.out) == document
