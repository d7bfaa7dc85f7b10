"""The OpenAPI 3.1 document, derived from the app's routes and their `@endpoint` declarations:
paths and methods from the router, parameters from the query shapes and path templates,
request bodies and answers from the declared pydantic classes (as components)."""

from __future__ import annotations

import re
from typing import Any

import falcon
from pydantic import TypeAdapter

from cultureup.entrypoints.http.endpoint import Operation, Shape, operation_of
from cultureup.entrypoints.http.fields import MAX_ID
from cultureup.entrypoints.http.shapes import Error

Schema = dict[str, Any]
REF = "#/components/schemas/{model}"
METHODS = ("get", "put", "post", "patch", "delete")
STATUS_TEXT = {
    400: "Invalid input", 401: "Missing or invalid token", 403: "Not allowed for this user",
    404: "Not found", 409: "Conflicts with the current state",
    411: "A body sent without Content-Length (chunked)",
    413: "Request body too large", 415: "Unsupported media type of the body",
    429: "Too many requests or attempts; see Retry-After",
    503: "The payment provider is unavailable; nothing was changed, retry later",
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "Any unique value (a random UUID): a repeated request with the same key "
                   "and body replays the first successful answer (with `Idempotent-Replayed: "
                   "true`) instead of acting twice; the same key with another body is a 409, "
                   "and so is a request while the first one runs (with Retry-After: 1). "
                   "Keys are per user and expire after CULTUREUP_IDEMPOTENCY_KEY_HOURS (24).",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}
EMPTY = {"type": "string", "maxLength": 0, "description": "The same as leaving it out"}
INFO = {
    "title": "CultureUp API",
    "version": "1.0.0",
    "description": "The CultureUp art marketplace. Every path also answers without its "
                   "trailing slash. Errors share one envelope (see Error). Money is PKR as "
                   "strings with two decimals; times are UTC. Bodies may be sent as JSON, "
                   "form-urlencoded or multipart.",
}
PATH_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _routes(app: falcon.App) -> list[tuple[str, dict[str, Any]]]:
    """(URI template, {METHOD: responder}) of every route, in the router's order."""
    found: list[tuple[str, dict[str, Any]]] = []

    def walk(nodes: list[Any]) -> None:
        for node in nodes:
            if node.method_map:
                found.append((node.uri_template, node.method_map))
            walk(node.children)

    walk(app._router._roots)
    return found


def operations_of(app: falcon.App) -> dict[tuple[str, str], Operation | None]:
    """{(METHOD, URI template): its declaration (None when undeclared)} of every responder."""
    return {(method, template): operation_of(responder)
            for template, methods in _routes(app) for method, responder in methods.items()}


def _documented_path(template: str) -> str:
    path = re.sub(r"\{(\w+):[^}]*\}", r"{\1}", template)
    return path if path.endswith(".json") else path.rstrip("/") + "/"


def _clean(schema: Any) -> Any:
    """Drop pydantic's titles and the null defaults of optional input fields."""
    if isinstance(schema, dict):
        return {key: _clean(value) for key, value in schema.items()
                if not (key == "title" and isinstance(value, str))
                and not (key == "default" and value is None)}
    if isinstance(schema, list):
        return [_clean(value) for value in schema]
    return schema


class _Components:
    def __init__(self) -> None:
        self.inputs: list[tuple[Any, str, TypeAdapter[Any]]] = []
        self.refs: dict[tuple[str, int], Schema] = {}

    def add(self, kind: Any, mode: str) -> tuple[str, int]:
        key = (mode, id(kind))
        if key not in self.refs:
            self.inputs.append((key, mode, TypeAdapter(kind)))  # type: ignore[arg-type]
            self.refs[key] = {}
        return key

    def build(self) -> tuple[dict[tuple[str, int], Schema], Schema]:
        schemas, definitions = TypeAdapter.json_schemas(
            self.inputs, ref_template=REF)  # type: ignore[arg-type]
        return {key: _clean(schema) for (key, _mode), schema in schemas.items()}, \
            _clean(definitions.get("$defs", {}))


def _parameters(template: str, query: type[Shape] | None, path_schemas: dict[str, Any]
                ) -> list[Schema]:
    parameters = [{"name": name, "in": "path", "required": True,
                   "schema": path_schemas.get(name, PATH_ID)}
                  for name in re.findall(r"\{(\w+)", template)]
    if query is not None:
        schema = _clean(query.model_json_schema(mode="validation"))
        required = set(schema.get("required", []))
        for name, field in schema.get("properties", {}).items():
            if name not in required:
                # An empty value (`?page=`) is read as an absent parameter.
                field = {"anyOf": [field, EMPTY], **{key: field[key] for key in ("description",)
                                                     if key in field}}
            parameter = {"name": name, "in": "query", "required": name in required,
                         "schema": field}
            if "description" in field:
                parameter["description"] = field["description"]
            parameters.append(parameter)
    return parameters


def _error(status: int) -> Schema:
    return {"description": STATUS_TEXT[status],
            "content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}}}


def _operation(template: str, operation: Operation, components: _Components,
               later: list[Any]) -> Schema:
    document: Schema = {"summary": operation.summary, "tags": [operation.tag]}
    if operation.description:
        document["description"] = operation.description
    if operation.permission is not None:
        document["x-permission"] = operation.permission.value
    parameters = _parameters(template, operation.query, operation.path_schemas)
    errors = set(operation.errors) | {429}
    if operation.idempotent:
        parameters.append(IDEMPOTENCY_KEY)
        errors |= {400, 409}
    if parameters:
        document["parameters"] = parameters
    if parameters and "{" in template:
        errors.add(404)
    if operation.query is not None:
        errors |= {400, 404}  # a page past the last one is a 404
    if operation.auth:
        errors.add(401)
        document["security"] = [{"TokenAuth": []}]
    if operation.body is not None:
        errors |= {400, 411, 413, 415}
        body: Schema = {"required": operation.body_required, "content": {}}
        for media_type in operation.body_types:
            shape = operation.body
            if media_type != falcon.MEDIA_MULTIPART and operation.text_body is not None:
                shape = operation.text_body
            body["content"][media_type] = {"schema": components.add(shape, "validation")}
        later.append(body)
        document["requestBody"] = body
    responses: Schema = {}
    ok: Schema = {"description": operation.summary}
    if operation.response is not None:
        if operation.media_type == falcon.MEDIA_JSON:
            key = components.add(operation.response, "serialization")
            ok["content"] = {operation.media_type: {"schema": key}}
            later.append(ok)
        else:
            ok["content"] = {operation.media_type: {"schema": {"type": "string"}}}
            if "html" not in operation.media_type:
                ok["content"][operation.media_type]["schema"]["format"] = "binary"
    responses[str(operation.status)] = ok
    for status, description in operation.other_answers.items():
        responses[str(status)] = {"description": description}
    for status in sorted(errors):
        responses[str(status)] = _error(status)
    document["responses"] = responses
    return document


def build_document(app: falcon.App) -> Schema:
    components = _Components()
    components.add(Error, "serialization")
    later: list[Any] = []
    paths: dict[str, Schema] = {}
    for template, methods in _routes(app):
        documented = {}
        for method in METHODS:
            operation = operation_of(methods.get(method.upper()))
            if operation is not None:
                documented[method] = _operation(template, operation, components, later)
        if documented:
            paths[_documented_path(template)] = documented
    schemas, definitions = components.build()
    # Replace the placeholder keys by the schemas (a $ref to a component, mostly).
    for holder in later:
        for content in holder["content"].values():
            if isinstance(content["schema"], tuple):
                content["schema"] = schemas[content["schema"]]
    return {
        "openapi": "3.1.0",
        "info": INFO,
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": definitions,
            "securitySchemes": {"TokenAuth": {
                "type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Token <key>, as returned by /api/auth/login/"}},
        },
    }
