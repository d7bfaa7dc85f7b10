"""Odd input, as a whole kind, on every route: each path id, query parameter and body field
the OpenAPI document declares is fed odd digits (`--1`, superscript two, Arabic-Indic one,
fullwidth one), signs, combining
marks and wrong JSON types, as JSON, form-urlencoded and multipart. No answer is a 500; a
typed field (integer, id, money, boolean, choice, time, code) refuses the value with a 400
naming the field (a path id with a 404), in the error envelope, and nothing changes."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import falcon.testing
from sqlalchemy import select

from cultureup.adapters.sqlalchemy.tables import metadata
from tests.integration.admin_support import login
from tests.integration.conftest import Marketplace
from tests.integration.route_walk import BOUNDARY, fill, populate

ENVELOPE = {"success", "error", "detail", "details"}
# Text that looks like a number to someone, but is not plain ASCII digits with one sign.
ODD_TEXT = ["--1", "+-1", "\u00b2", "\u0661", "\u0661\u0662\u0663\u0664\u0665\u0666",
            "\uff11", "\uff11\uff12\uff13\uff14\uff15\uff16", "1\u0301", "\u0661.5",
            "1e3", "0x10", "1_000", "\u0663\u066b\u0665", "Infinity", "NaN", " 7 \x00",
            "\u22125"]
ODD_IDS = ["\uff11", "\u0661", "\u00b2", "--1", "+1", "1\u0301", "0", "-1", "1.0"]
# JSON values of the wrong type for every typed field (and for text fields, all but str).
WRONG_TYPES: list[Any] = [[], {}, ["1"], {"a": 1}, None, 1.5]
NOT_TEXT: list[Any] = [[], {}, ["x"], {"a": "b"}, None, 7, 1.5, True]
NOT_LIST: list[Any] = [{}, {"a": "b"}, "x", 7, 1.5, True, ["x"], [7], [None], [{}] * 101]
# A list of ids: [7] is one, so odd ids take its place.
NOT_ID_LIST: list[Any] = [{}, {"a": "b"}, "x", 7, 1.5, True, ["x"], [0], [-1], [1.5], [True],
                          [None], [{}], [10**12]]


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _kind(schema: dict[str, Any]) -> str:
    """What a field is, from its schema: text, a list, or one of the typed kinds."""
    if schema.get("type") == "array" or any(
            option.get("type") == "array" for option in schema.get("anyOf", ())):
        return "list"
    if "anyOf" in schema:
        # An optional query parameter also takes the empty string (= absent).
        options = [option for option in schema["anyOf"] if option.get("maxLength") != 0]
        return _kind(options[0]) if len(options) == 1 else "money"
    if isinstance(schema.get("type"), list):  # a nullable field: its other type
        return _kind({**schema, "type": next(t for t in schema["type"] if t != "null")})
    if schema.get("type") in ("integer", "boolean") or "enum" in schema:
        return "typed"
    if schema.get("format") in ("date-time", "binary"):
        return "typed"
    pattern = schema.get("pattern", "")
    if pattern.startswith("^ *[0-9]") or re.search(r"\[[a-z][A-Z]\]", pattern):
        return "typed"  # digit codes and any-case choices, checked at the door
    return "text"  # free text, e-mail and phone (the use case checks those patterns)


class Sweep:
    def __init__(self, client: falcon.testing.TestClient, market: Marketplace) -> None:
        self.client, self.market = client, market
        self.checked = 0

    def tables(self) -> dict[str, list[Any]]:
        with self.market.services.engine.connect() as connection:
            return {table.name: list(connection.execute(
                select(table).order_by(*table.primary_key.columns)).all())
                for table in metadata.sorted_tables}

    def refused(self, method: str, path: str, headers: dict[str, str], *, field: str | None,
                status: int = 400, **kwargs: Any) -> None:
        response = self.client.simulate_request(method, path, headers=headers, **kwargs)
        label = (method, path, kwargs.get("query_string"), kwargs.get("json"),
                 kwargs.get("body"))
        assert response.status_code == status, (label, response.status_code, response.text)
        body = response.json
        assert set(body) == ENVELOPE and body["success"] is False, (label, body)
        if field is not None and status == 400:
            assert field in body["details"], (label, body)
        self.checked += 1

    def answered(self, method: str, path: str, headers: dict[str, str], **kwargs: Any) -> None:
        response = self.client.simulate_request(method, path, headers=headers, **kwargs)
        assert response.status_code < 500, (method, path, kwargs, response.text)
        self.checked += 1


def _form(field: str, value: str) -> dict[str, Any]:
    return {"body": urlencode({field: value}),
            "headers_extra": {"Content-Type": "application/x-www-form-urlencoded"}}


def _multipart(field: str, value: str) -> dict[str, Any]:
    body = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"\r\n\r\n'
            f"{value}\r\n--{BOUNDARY}--\r\n").encode()
    return {"body": body,
            "headers_extra": {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}}


def test_odd_input_on_every_route_is_refused_cleanly(client: falcon.testing.TestClient,
                                                     market: Marketplace) -> None:
    place = populate(market)
    document = client.simulate_get("/api/openapi.json").json
    # Admin routes check the caller's role before reading the input: they are swept as the
    # superuser, who holds every permission.
    market.admin_actor()
    as_root = login(market, "root").headers
    sweep = Sweep(client, market)
    before = sweep.tables()
    as_user = place.artist.headers
    for template, operations in document["paths"].items():
        for method, operation in operations.items():
            method = method.upper()
            headers = as_user if operation.get("security") else {}
            if operation.get("x-permission"):
                headers = as_root
            parameters = operation.get("parameters", [])
            path = fill(template.rstrip("/"), place.ids)[0]
            # Path ids: odd digits are no route at all.
            for parameter in parameters:
                if parameter["in"] != "path":
                    continue
                for odd in ODD_IDS:
                    odd_path = template.replace("{" + parameter["name"] + "}", odd)
                    odd_path = fill(odd_path, place.ids)[0]
                    sweep.refused(method, odd_path, headers, field=None, status=404)
            # Query parameters.
            for parameter in parameters:
                if parameter["in"] != "query":
                    continue
                name, kind = parameter["name"], _kind(parameter["schema"])
                for odd in ODD_TEXT:
                    query = urlencode({name: odd})
                    if kind == "text":
                        sweep.answered(method, path, headers, query_string=query)
                    else:
                        sweep.refused(method, path, headers, field=name, query_string=query)
            # Body fields, one at a time, as JSON, form and multipart.
            body = operation.get("requestBody")
            if body is None or method not in ("POST", "PUT", "PATCH"):
                continue
            media = body["content"]
            schema = _resolve(document, next(iter(media.values()))["schema"])
            for name, field in schema.get("properties", {}).items():
                kind = _kind(field)
                if kind == "list":
                    # Not a list, or a list of what its items cannot be; never sent as text.
                    of_ids = _resolve(document, field.get("items", {})).get("type") == "integer"
                    for value in NOT_ID_LIST if of_ids else NOT_LIST:
                        sweep.refused(method, path, headers, field=name, json={name: value})
                    continue
                values = {"text": NOT_TEXT, "money": [*WRONG_TYPES[:5], True, 10**30],
                          "typed": WRONG_TYPES}[kind] + ([] if kind == "text" else ODD_TEXT)
                if "null" in (field.get("type") if isinstance(field.get("type"), list)
                              else ()):
                    values = [value for value in values if value is not None]  # null is valid
                for value in values:
                    if "application/json" in media and not (
                            kind == "typed" and field.get("format") == "binary"):
                        sweep.refused(method, path, headers, field=name, json={name: value})
                if kind == "text":
                    continue
                for odd in ODD_TEXT:
                    for encoding, media_type in ((_form, "application/x-www-form-urlencoded"),
                                                 (_multipart, "multipart/form-data")):
                        if media_type not in media:
                            continue
                        request = encoding(name, odd)
                        extra = request.pop("headers_extra")
                        sweep.refused(method, path, {**headers, **extra}, field=name,
                                      **request)
    assert sweep.checked > 2000
    # Nothing the sweep sent changed anything (one comparison: a snapshot per request would
    # make the sweep minutes long).
    assert sweep.tables() == before


def test_a_multipart_part_name_that_is_not_utf8_is_a_400(client: falcon.testing.TestClient,
                                                        market: Marketplace) -> None:
    place = populate(market)
    body = (f"--{BOUNDARY}\r\n".encode() + b'Content-Disposition: form-data; name="\xff\xfe"'
            + b"\r\n\r\nx\r\n" + f"--{BOUNDARY}--\r\n".encode())
    for method, path in (("POST", "/api/jobs/"), ("POST", "/api/artworks/"),
                         ("PATCH", f"/api/artworks/{place.ids['artwork_id'][0]}/")):
        response = client.simulate_request(method, path, body=body, headers={
            **place.buyer.headers, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
        assert response.status_code == 400, response.text
        assert set(response.json) == ENVELOPE
