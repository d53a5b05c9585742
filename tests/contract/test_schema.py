"""The OpenAPI schema: committed, complete, and as the API really answers."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

COMMITTED_SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
ERROR = {"$ref": "#/components/schemas/Error"}
BAD_REQUEST = {"$ref": "#/components/schemas/BadRequest"}


@pytest.fixture
def schema(api_client: APIClient) -> dict[str, Any]:
    """The schema as /api/v1/schema/ serves it."""
    response = api_client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    served: dict[str, Any] = response.json()
    return served


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]


def test_committed_schema_is_the_served_one(schema: dict[str, Any]) -> None:
    """docs/openapi.yaml, which the dashboard's types come from, matches the API."""
    committed = yaml.safe_load(COMMITTED_SCHEMA.read_text())
    if committed != schema:
        pytest.fail(
            "docs/openapi.yaml differs from the schema the API serves: run "
            "`make schema` and commit docs/openapi.yaml.",
            pytrace=False,
        )


def test_schema_generates_valid_without_warnings(tmp_path: Path) -> None:
    """Every view is understood (no guessed types, no unknown authenticator) and the result is valid OpenAPI."""
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "openapi.yaml"),
    )


def test_jwt_is_a_bearer_security_scheme(schema: dict[str, Any]) -> None:
    """Swagger's Authorize offers the JWT, and authenticated endpoints require it."""
    assert schema["components"]["securitySchemes"]["jwtAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    me = schema["paths"]["/api/v1/users/me"]["get"]
    assert {"jwtAuth": []} in me["security"]
    assert {} not in me["security"]


def test_history_documents_its_filters(schema: dict[str, Any]) -> None:
    """status, verdict, search, page and page_size are query parameters, the choices as enums."""
    parameters = {
        parameter["name"]: parameter["schema"]
        for parameter in schema["paths"]["/api/v1/audio/history"]["get"]["parameters"]
    }
    assert {"status", "verdict", "search", "page", "page_size"} <= set(parameters)
    assert set(parameters["status"]["enum"]) == {
        "pending",
        "processing",
        "completed",
        "failed",
    }
    assert set(parameters["verdict"]["enum"]) == {
        "real",
        "likely_fake",
        "fake",
        "inconclusive",
    }


def test_status_fields_are_typed_as_served(schema: dict[str, Any]) -> None:
    """A pending detection's "" verdict and {} policy are allowed; the policy has typed thresholds."""
    components = schema["components"]["schemas"]
    detection = components["Detection"]["properties"]
    blank = {"$ref": "#/components/schemas/BlankEnum"}
    assert blank in detection["overall_assessment"]["oneOf"]
    assert blank in detection["inconclusive_reason"]["oneOf"]
    assert components["BlankEnum"]["enum"] == [""]
    assert detection["overall_confidence"]["nullable"] is True
    policy = components["VerdictPolicy"]
    assert detection["verdict_policy"]["allOf"] == [
        {"$ref": "#/components/schemas/VerdictPolicy"}
    ]
    assert set(policy["properties"]) == {
        "likely_fake_threshold",
        "fake_threshold",
        "min_speech_seconds",
    }
    assert "required" not in policy
    page = components["PaginatedDetectionSummaryList"]
    assert set(page["required"]) == {"count", "next", "previous", "results"}


def test_every_error_status_has_a_body(schema: dict[str, Any]) -> None:
    """Every error an operation declares has a JSON body; the database outage's is Error."""
    for method, path, operation in operations(schema):
        responses = operation["responses"]
        for code, response in responses.items():
            if int(code) >= 400:
                assert "schema" in response["content"]["application/json"], (
                    method,
                    path,
                    code,
                )
        if path != "/api/v1/health":
            assert responses["503"]["content"]["application/json"]["schema"] == ERROR


def test_bare_errors_get_the_shared_bodies(schema: dict[str, Any]) -> None:
    """Errors declared or implied without a body get Error, or BadRequest for 400."""
    upload = schema["paths"]["/api/v1/audio/upload"]["post"]["responses"]
    for code in ("401", "413", "415", "429"):
        assert upload[code]["content"]["application/json"]["schema"] == ERROR, code
    login = schema["paths"]["/api/v1/users/login"]["post"]["responses"]
    assert login["400"]["content"]["application/json"]["schema"] == BAD_REQUEST


def test_errors_follow_each_operation_shape(schema: dict[str, Any]) -> None:
    """Bodies imply 400/413/415, credentials 401, ids 404, throttles 429, and 429/503 name Retry-After."""
    upload = schema["paths"]["/api/v1/audio/upload"]["post"]["responses"]
    assert {"202", "400", "401", "413", "415", "429", "503"} <= set(upload)
    assert "Retry-After" in upload["429"]["headers"]
    assert "Retry-After" in upload["503"]["headers"]
    status = schema["paths"]["/api/v1/audio/status/{request_id}"]["get"]["responses"]
    assert {"200", "401", "404", "503"} <= set(status)
    login = schema["paths"]["/api/v1/users/login"]["post"]["responses"]
    assert {"200", "400", "401", "429", "503"} <= set(login)
    health = schema["paths"]["/api/v1/health"]["get"]["responses"]
    assert set(health) == {"200", "503"}


def test_bad_request_is_either_field_errors_or_a_detail(schema: dict[str, Any]) -> None:
    """The 400 body is DRF's field errors or {"detail": ...}, never ambiguous."""
    components = schema["components"]["schemas"]
    assert components["BadRequest"]["oneOf"] == [
        {"$ref": "#/components/schemas/FieldErrors"},
        ERROR,
    ]
    assert components["Error"]["required"] == ["detail"]
    assert components["FieldErrors"]["type"] == "object"
