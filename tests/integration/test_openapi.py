"""The OpenAPI document describes every route and method the app serves, and is valid."""

from __future__ import annotations

import re

import falcon.inspect
import falcon.testing
from openapi_spec_validator import validate

from cultureup.entrypoints.http import create_app


def _documented_path(template: str) -> str:
    """/api/jobs/{job_id:int(min=1)} -> /api/jobs/{job_id}/ as the document spells it."""
    path = re.sub(r"\{(\w+):[^}]*\}", r"{\1}", template)
    return path if path.endswith(".json") else path.rstrip("/") + "/"


def test_every_route_and_method_is_in_the_openapi_document(
        client: falcon.testing.TestClient, services: object) -> None:
    document = client.simulate_get("/api/openapi.json").json
    app = create_app(services)  # type: ignore[arg-type]
    served: set[tuple[str, str]] = set()
    for route in falcon.inspect.inspect_routes(app):
        for method in route.methods:
            if method.internal or method.method == "OPTIONS":
                continue
            served.add((_documented_path(route.path), method.method.lower()))
    documented = {(path, method) for path, operations in document["paths"].items()
                  for method in operations}
    assert served, "the app serves no routes?"
    assert served - documented == set(), "routes missing from /api/openapi.json"
    assert documented - served == set(), "documented routes the app does not serve"


def test_the_openapi_document_is_valid_openapi_3(client: falcon.testing.TestClient) -> None:
    response = client.simulate_get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json["openapi"].startswith("3.")
    validate(response.json)


def test_the_docs_pages_render_swagger_ui_from_local_assets(
        client: falcon.testing.TestClient) -> None:
    for path in ("/api/docs/", "/swagger/", "/redoc/"):
        page = client.simulate_get(path)
        assert page.status_code == 200
        assert "/api/openapi.json" in page.text
    script = client.simulate_get("/api/docs/assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000
