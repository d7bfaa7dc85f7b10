"""The OpenAPI document describes every route and method the app serves, and is valid."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

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


def test_every_contract_run_allowance_names_documented_operations(
        client: falcon.testing.TestClient) -> None:
    """Each entry of tests/contract/schemathesis.toml matches an operation of the document
    (a renamed route would otherwise leave an allowance that relaxes nothing)."""
    document = client.simulate_get("/api/openapi.json").json
    names = [f"{method.upper()} {path}" for path, operations in document["paths"].items()
             for method in operations]
    settings = Path(__file__).parents[1] / "contract" / "schemathesis.toml"
    for entry in tomllib.loads(settings.read_text(encoding="utf-8"))["operations"]:
        if "include-name" in entry:
            matched = [name for name in names if name == entry["include-name"]]
        elif "include-name-regex" in entry:
            matched = [name for name in names if re.search(entry["include-name-regex"], name)]
        elif "include-path" in entry:
            matched = [name for name in names if name.split(" ", 1)[1] == entry["include-path"]]
        else:
            pattern = entry["include-path-regex"]
            matched = [name for name in names if re.search(pattern, name.split(" ", 1)[1])]
        assert matched, f"no documented operation matches {entry}"


def test_bodies_with_lists_of_ids_or_items_are_json_only(
        client: falcon.testing.TestClient) -> None:
    """Orders and the artworks bulk action carry lists (items, ids) that a form cannot: the
    document offers application/json only and names the 415 another media type gets."""
    document = client.simulate_get("/api/openapi.json").json
    operations = [("post", "/api/orders/"), ("put", "/api/orders/{order_id}/"),
                  ("patch", "/api/orders/{order_id}/"), ("post", "/api/admin/bulk/artworks/")]
    for method, path in operations:
        content = document["paths"][path][method]["requestBody"]["content"]
        assert list(content) == ["application/json"], (method, path)
        assert "415" in document["paths"][path][method]["responses"], (method, path)
