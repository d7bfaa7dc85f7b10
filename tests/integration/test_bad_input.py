"""Hostile and malformed requests against every endpoint: each one is answered 4xx with the
error envelope, never 5xx, and changes nothing in the database.

One marketplace is built for the whole module (building it per case would make the sweep
slow); after every request a dump of all tables must equal the dump taken before it (which is
the one taken after the previous case).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import attrs
import falcon.testing
import pytest
from sqlalchemy import select

from cultureup.adapters.sqlalchemy.tables import metadata
from cultureup.bootstrap import Services, bootstrap
from cultureup.config import Settings
from cultureup.entrypoints.http import create_app
from cultureup.entrypoints.http.web_policy import WebPolicy
from tests.integration.conftest import (
    STRONG_PASSWORD,
    TEST_HOSTS,
    ApiUser,
    Marketplace,
    SteppingClock,
    _empty_tables,
)

ENVELOPE_KEYS = {"success", "error", "detail", "details"}
OMIT: Any = object()


# -- the world --------------------------------------------------------------------------


@attrs.frozen
class World:
    client: falcon.testing.TestClient
    services: Services
    users: dict[str, ApiUser]
    ids: dict[str, int]
    state: dict[str, Any] = attrs.field(factory=dict)

    def headers(self, who: str | None) -> dict[str, str]:
        if who is None:
            return {}
        if who == "bad-token":
            return {"Authorization": "Token this-is-not-a-token"}
        if who == "bad-scheme":
            return {"Authorization": f"Bearer {self.users['buyer'].token}"}
        return self.users[who].headers

    def snapshot(self) -> dict[str, list[Any]]:
        with self.services.engine.connect() as connection:
            return {table.name: list(connection.execute(
                select(table).order_by(*table.primary_key.columns)).all())
                for table in metadata.sorted_tables}


@pytest.fixture(scope="module")
def world(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    settings = Settings(database_url=database_url,
                        media_root=str(tmp_path_factory.mktemp("media")),
                        rate_limit_file=str(tmp_path_factory.mktemp("limits") / "rate.db"),
                        password_hash_time_cost=1, password_hash_memory_kib=1024)
    clock = SteppingClock(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    services = bootstrap(settings, clock=clock)
    _empty_tables(services.engine)
    client = falcon.testing.TestClient(create_app(services,
                                                  web=WebPolicy(allowed_hosts=TEST_HOSTS)))
    market = Marketplace(client, services, clock)
    users = {"buyer": market.user("buyer"), "artist": market.user("artist"),
             "other_buyer": market.user("buyer"), "other_artist": market.user("artist")}
    category = market.category()
    job = market.job(users["buyer"], category)
    bid = market.bid(users["artist"], job["id"])
    market.bid(users["other_artist"], job["id"], "800.00")
    free_job = market.job(users["buyer"], category)
    world = World(client=client, services=services, users=users,
                  ids={"job": job["id"], "bid": bid["id"], "free_job": free_job["id"],
                       "category": category})
    world.state["tables"] = world.snapshot()
    yield world
    _empty_tables(services.engine)
    services.close()


@attrs.frozen(kw_only=True)
class Case:
    method: str
    path: str  # may hold {job}, {bid}, {free_job}, {category}
    who: str | None = None
    body: Any = OMIT  # sent as JSON
    raw: bytes | None = None  # sent as is, with content_type
    content_type: str | None = None
    query: dict[str, Any] | None = None
    status: int = 400
    field: str | None = None


def run(world: World, case: Case) -> None:
    path = case.path.format(**world.ids)
    headers = world.headers(case.who)
    kwargs: dict[str, Any] = {}
    if case.raw is not None:
        kwargs["body"] = case.raw
        if case.content_type is not None:
            headers = {**headers, "Content-Type": case.content_type}
    elif case.body is not OMIT:
        kwargs["json"] = case.body
    if case.query is not None:
        kwargs["query_string"] = urlencode(case.query)
    response = world.client.simulate_request(case.method, path, headers=headers, **kwargs)
    # Refresh the reference first, so that a failing case cannot fail the ones after it.
    before, world.state["tables"] = world.state["tables"], world.snapshot()
    assert response.status_code == case.status, (response.status_code, response.text)
    body = response.json
    assert isinstance(body, dict) and set(body) == ENVELOPE_KEYS, body
    assert body["success"] is False
    assert isinstance(body["error"], str) and body["error"]
    assert body["detail"] == body["error"]
    assert isinstance(body["details"], dict)
    if case.field is not None:
        assert case.field in body["details"], body
    if case.status == 401:
        assert response.headers.get("WWW-Authenticate") == "Token"
    assert world.state["tables"] == before


# -- the endpoints with a JSON body, a valid body for each, and what each field is -------


def future(days: int) -> str:
    return f"2026-03-{1 + days:02d}T09:00:00Z"


JOB_BODY = {"title": "A mural", "description": "A large mural for a cafe.",
            "category_id": "{category}", "budget_min": "500.00", "budget_max": "1000.00",
            "duration_days": 7, "required_skills": "Painting", "experience_level": "expert",
            "deadline": future(25)}
JOB_KINDS = {"title": "str", "description": "str", "category_id": "id", "budget_min": "money",
             "budget_max": "money", "duration_days": "int", "required_skills": "str?",
             "experience_level": "choice", "deadline": "time"}
BID_BODY = {"job_id": "{free_job}", "bid_amount": "700.00", "delivery_time": 5,
            "cover_letter": "I can do it."}
BID_KINDS = {"job_id": "id", "bid_amount": "money", "delivery_time": "int",
             "cover_letter": "str"}
PROFILE_BODY = {"first_name": "Ann", "last_name": "Lee", "email": "ann.lee@example.com",
                "phone_number": "+923001234567"}
PROFILE_KINDS = {"first_name": "str", "last_name": "str", "email": "str", "phone_number": "str?"}

# (method, path, who, valid body, field kinds, required fields)
BODY_ENDPOINTS: list[tuple[str, str, str | None, dict[str, Any], dict[str, str], set[str]]] = [
    ("POST", "/api/auth/register/", None,
     {"username": "newcomer", "email": "newcomer@example.com", "password": STRONG_PASSWORD,
      "password_confirm": STRONG_PASSWORD, "user_type": "artist", "first_name": "New",
      "last_name": "Comer", "phone_number": "+923001234567"},
     {"username": "str", "email": "str", "password": "str", "password_confirm": "str",
      "user_type": "choice", "first_name": "str", "last_name": "str", "phone_number": "str?"},
     {"username", "email", "password", "password_confirm", "user_type", "first_name",
      "last_name"}),
    ("POST", "/api/auth/login/", None, {"username": "USER:artist", "password": STRONG_PASSWORD},
     {"username": "str", "password": "str"}, {"username", "password"}),
    ("PUT", "/api/auth/profile/", "artist", PROFILE_BODY, PROFILE_KINDS,
     {"first_name", "last_name", "email"}),
    ("PATCH", "/api/auth/profile/", "artist", PROFILE_BODY, PROFILE_KINDS, set()),
    ("POST", "/api/jobs/", "buyer", JOB_BODY, JOB_KINDS, set(JOB_KINDS) - {"required_skills"}),
    ("PUT", "/api/jobs/{job}/", "buyer", JOB_BODY, JOB_KINDS,
     set(JOB_KINDS) - {"required_skills"}),
    ("PATCH", "/api/jobs/{job}/", "buyer", JOB_BODY, JOB_KINDS, set()),
    ("POST", "/api/jobs/{job}/hire/", "buyer", {"bid_id": "{bid}", "final_amount": "800.00"},
     {"bid_id": "id", "final_amount": "money"}, {"bid_id"}),
    ("POST", "/api/bids/", "artist", BID_BODY, BID_KINDS, set(BID_KINDS)),
    ("PUT", "/api/bids/{bid}/", "artist", {k: v for k, v in BID_BODY.items() if k != "job_id"},
     {k: v for k, v in BID_KINDS.items() if k != "job_id"},
     {"bid_amount", "delivery_time", "cover_letter"}),
    ("PATCH", "/api/bids/{bid}/", "artist",
     {k: v for k, v in BID_BODY.items() if k != "job_id"},
     {k: v for k, v in BID_KINDS.items() if k != "job_id"}, set()),
]

# Endpoints whose bodies are checked at the door only: their valid bodies need a live TOTP
# code or a login session, so every spoiled field here fails as malformed, before any lookup.
NEW_PASSWORD = "N3w-Palette-42!x"
DOOR_ENDPOINTS: list[tuple[str, str, str | None, dict[str, Any], dict[str, str], set[str]]] = [
    ("POST", "/api/auth/password/", "artist",
     {"current_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD,
      "new_password_confirm": NEW_PASSWORD},
     {"current_password": "str", "new_password": "str", "new_password_confirm": "str"},
     {"current_password", "new_password", "new_password_confirm"}),
    ("POST", "/api/auth/2fa/enable/", "artist", {"totp_code": "123456"}, {"totp_code": "str"},
     {"totp_code"}),
    ("POST", "/api/auth/2fa/verify/", None, {"session_token": "s" * 40, "totp_code": "123456"},
     {"session_token": "str", "totp_code": "str?", "backup_code": "str?"}, {"session_token"}),
    ("POST", "/api/auth/2fa/disable/", "artist", {"password": STRONG_PASSWORD},
     {"password": "str?", "totp_code": "str?", "backup_code": "str?"}, set()),
    ("POST", "/api/auth/2fa/backup-codes/", "artist", {"password": STRONG_PASSWORD},
     {"password": "str?", "totp_code": "str?"}, set()),
]
# These take an empty body as "no fields".
OPTIONAL_BODY_PATHS = {"/api/auth/2fa/disable/", "/api/auth/2fa/backup-codes/"}

NOT_A_STRING = [("null", None), ("int", 123), ("float", 1.5), ("bool", True), ("object", {}),
                ("object2", {"a": "b"}), ("list", []), ("list2", ["x"])]
BAD_VALUES: dict[str, list[tuple[str, Any]]] = {
    "str": [*NOT_A_STRING, ("nul", "bad\x00value"), ("blank", ""), ("spaces", "   "),
            ("huge", "x" * 100_000)],
    "str?": [*NOT_A_STRING, ("nul", "bad\x00value"), ("huge", "x" * 100_000)],
    "int": [("null", None), ("word", "abc"), ("blank", ""), ("float", 1.5), ("bool", True),
            ("object", {}), ("list", [7]), ("zero", 0), ("negative", -1),
            ("huge", 10**30), ("-huge", -(10**30)), ("huge-str", "9" * 25),
            ("nul", "7\x00")],
    "money": [("null", None), ("word", "abc"), ("blank", ""), ("bool", True), ("object", {}),
              ("list", ["1.00"]), ("zero", "0"), ("negative", "-5.00"), ("negative-num", -5),
              ("3-decimals", "10.001"), ("3-decimals-num", 10.001), ("huge", 10**30),
              ("huge-str", "1" * 40), ("exp-overflow", "1e999999999"),
              ("exp-tiny", "1e-999999999"), ("nan", "NaN"), ("inf", "Infinity"),
              ("-inf", "-Infinity"), ("snan", "sNaN"), ("hex", "0x10"), ("nul", "5\x00")],
    "choice": [("null", None), ("unknown", "bogus"), ("blank", ""), ("int", 1), ("bool", True),
               ("object", {}), ("list", ["expert"]), ("nul", "expert\x00"),
               ("case", "EXPERT")],
    "time": [("null", None), ("word", "not a date"), ("blank", ""), ("int", 1_900_000_000),
             ("bool", True), ("object", {}), ("list", [future(5)]),
             ("past", "2020-01-01T00:00:00Z"), ("now", "2026-03-01T09:00:00Z"),
             ("month-13", "2026-13-01T00:00:00Z"), ("min-overflow", "0001-01-01T00:00:00+01:00"),
             ("max-overflow", "9999-12-31T23:59:59-01:00"), ("long", future(5) + " " * 50),
             ("nul", future(5) + "\x00")],
}
BAD_VALUES["id"] = [*BAD_VALUES["int"], ("int32+1", 2**31)]
# Fields whose "zero" or "negative" form some endpoint accepts would not be bad input; there
# is none: ids start at 1, days at 1 and every amount must be positive.


def body_field_cases() -> list[Any]:
    cases = []
    for method, path, who, valid, kinds, required in BODY_ENDPOINTS + DOOR_ENDPOINTS:
        for field, kind in kinds.items():
            values = list(BAD_VALUES[kind])
            if field in required:
                values.append(("missing", OMIT))
            for label, value in values:
                body = dict(valid)
                if value is OMIT:
                    del body[field]
                else:
                    body[field] = value
                cases.append(pytest.param(
                    Case(method=method, path=path, who=who, body=body, field=field),
                    id=f"{method} {path} {field}={label}"))
    return cases


WHOLE_BODIES: list[tuple[str, bytes, str | None, int]] = [
    ("not-json", b"this is not json", "application/json", 400),
    ("truncated", b'{"title": "x"', "application/json", 400),
    ("array", b'[{"title": "x"}]', "application/json", 400),
    ("empty-array", b"[]", "application/json", 400),
    ("string", b'"hello"', "application/json", 400),
    ("number", b"42", "application/json", 400),
    ("null", b"null", "application/json", 400),
    ("true", b"true", "application/json", 400),
    ("empty", b"", "application/json", 400),
    ("whitespace", b"   ", "application/json", 400),
    ("bad-utf8", b'{"title": "\xff\xfe"}', "application/json", 400),
    ("deep", b"[" * 5000 + b"]" * 5000, "application/json", 400),
    ("nan", b'{"budget_min": NaN}', "application/json", 400),
    ("text-plain", b'{"title": "x"}', "text/plain", 415),
    # Form and multipart bodies are read like JSON ones: these lack the required fields.
    ("form", b"title=&budget_min=5.001&first_name=&bid_amount=abc",
     "application/x-www-form-urlencoded", 400),
    ("multipart", b"--b\r\n\r\n--b--\r\n", "multipart/form-data; boundary=b", 400),
    ("xml", b"<job/>", "application/xml", 415),
]


def whole_body_cases() -> list[Any]:
    cases = []
    seen = set()
    for method, path, who, _valid, _kinds, _required in BODY_ENDPOINTS + DOOR_ENDPOINTS:
        if (method, path) in seen:
            continue
        seen.add((method, path))
        for label, raw, content_type, status in WHOLE_BODIES:
            if label == "empty" and path in OPTIONAL_BODY_PATHS:
                continue
            cases.append(pytest.param(
                Case(method=method, path=path, who=who, raw=raw, content_type=content_type,
                     status=status),
                id=f"{method} {path} body={label}"))
        # An object with no known field is a valid (empty) PATCH, or "no fields" where all
        # are optional.
        if method != "PATCH" and path not in OPTIONAL_BODY_PATHS:
            cases.append(pytest.param(
                Case(method=method, path=path, who=who, raw=b'{"unknown": 1}', status=400),
                id=f"{method} {path} body=no-content-type-unknown-fields"))
    return cases


# -- query strings ----------------------------------------------------------------------

PAGE_QUERIES: list[tuple[str, dict[str, Any], int, str | None]] = [
    ("page=0", {"page": 0}, 400, "page"),
    ("page=-1", {"page": -1}, 400, "page"),
    ("page=abc", {"page": "abc"}, 400, "page"),
    ("page=1.5", {"page": "1.5"}, 400, "page"),
    ("page=huge", {"page": 10**30}, 400, "page"),
    ("page=nul", {"page": "1\x00"}, 400, "page"),
    ("page=past-end", {"page": 99999}, 404, None),
    ("page_size=0", {"page_size": 0}, 400, "page_size"),
    ("page_size=-5", {"page_size": -5}, 400, "page_size"),
    ("page_size=100000", {"page_size": 100000}, 400, "page_size"),
    ("page_size=abc", {"page_size": "abc"}, 400, "page_size"),
    ("page_size=huge", {"page_size": 10**30}, 400, "page_size"),
]
ORDERING_QUERIES: list[tuple[str, dict[str, Any], int, str | None]] = [
    ("ordering=unknown", {"ordering": "unknown"}, 400, "ordering"),
    ("ordering=-", {"ordering": "-"}, 400, "ordering"),
    ("ordering=--created_at", {"ordering": "--created_at"}, 400, "ordering"),
    ("ordering=two", {"ordering": "created_at,id"}, 400, "ordering"),
    ("ordering=nul", {"ordering": "created_at\x00"}, 400, "ordering"),
    ("ordering=sql", {"ordering": "id; DROP TABLE jobs"}, 400, "ordering"),
    ("ordering=long", {"ordering": "x" * 1000}, 400, "ordering"),
]
JOB_QUERIES: list[tuple[str, dict[str, Any], int, str | None]] = [
    ("status=bogus", {"status": "bogus"}, 400, "status"),
    ("status=OPEN", {"status": "OPEN"}, 400, "status"),
    ("category=abc", {"category": "abc"}, 400, "category"),
    ("category=0", {"category": 0}, 400, "category"),
    ("category=huge", {"category": 10**30}, 400, "category"),
    ("experience_level=guru", {"experience_level": "guru"}, 400, "experience_level"),
    ("min_budget=abc", {"min_budget": "abc"}, 400, "min_budget"),
    ("min_budget=3-decimals", {"min_budget": "1.001"}, 400, "min_budget"),
    ("min_budget=exp-overflow", {"min_budget": "1e999999999"}, 400, "min_budget"),
    ("max_budget=nan", {"max_budget": "NaN"}, 400, "max_budget"),
    ("max_budget=huge", {"max_budget": "9" * 40}, 400, "max_budget"),
    ("search=nul", {"search": "logo\x00"}, 400, "search"),
    ("search=long", {"search": "x" * 201}, 400, "search"),
]
BID_QUERIES: list[tuple[str, dict[str, Any], int, str | None]] = [
    ("status=bogus", {"status": "bogus"}, 400, "status"),
    ("status=open", {"status": "open"}, 400, "status"),
    ("ordering=budget_min", {"ordering": "budget_min"}, 400, "ordering"),
]
LISTS: list[tuple[str, str | None, list[tuple[str, dict[str, Any], int, str | None]]]] = [
    ("/api/jobs/", None, PAGE_QUERIES + ORDERING_QUERIES + JOB_QUERIES),
    ("/api/jobs/", "artist", ORDERING_QUERIES[:1] + JOB_QUERIES[:1]),
    ("/api/bids/", "artist", PAGE_QUERIES + ORDERING_QUERIES + BID_QUERIES),
    ("/api/jobs/{job}/bids/", "buyer", PAGE_QUERIES + ORDERING_QUERIES + BID_QUERIES),
    ("/api/categories/", None, PAGE_QUERIES),
]


def query_cases() -> list[Any]:
    return [pytest.param(Case(method="GET", path=path, who=who, query=query, status=status,
                              field=field), id=f"GET {path} as {who} {label}")
            for path, who, queries in LISTS for label, query, status, field in queries]


# -- paths, authentication and methods --------------------------------------------------

# (method, path template with {id}, who, valid body or OMIT)
ID_ROUTES: list[tuple[str, str, str | None, Any]] = [
    ("GET", "/api/jobs/{id}/", None, OMIT),
    ("PUT", "/api/jobs/{id}/", "buyer", JOB_BODY),
    ("PATCH", "/api/jobs/{id}/", "buyer", {"title": "Renamed"}),
    ("DELETE", "/api/jobs/{id}/", "buyer", OMIT),
    ("GET", "/api/jobs/{id}/bids/", "buyer", OMIT),
    ("POST", "/api/jobs/{id}/hire/", "buyer", {"bid_id": "{bid}"}),
    ("POST", "/api/jobs/{id}/complete/", "buyer", OMIT),
    ("POST", "/api/jobs/{id}/cancel/", "buyer", OMIT),
    ("GET", "/api/bids/{id}/", "artist", OMIT),
    ("PUT", "/api/bids/{id}/", "artist",
     {"bid_amount": "700.00", "delivery_time": 5, "cover_letter": "Hi"}),
    ("PATCH", "/api/bids/{id}/", "artist", {"delivery_time": 6}),
    ("DELETE", "/api/bids/{id}/", "artist", OMIT),
    ("GET", "/api/categories/{id}/", None, OMIT),
]
BAD_IDS = [("out-of-range", "99999999999"), ("int32+1", "2147483648"),
           ("unused", "2147483647"), ("zero", "0"), ("negative", "-1"), ("word", "abc"),
           ("float", "1.5"), ("nul", "%00"), ("huge", str(10**30))]


def path_cases() -> list[Any]:
    return [pytest.param(Case(method=method, path=template.replace("{id}", bad), who=who,
                              body=body, status=404),
                         id=f"{method} {template} id={label}")
            for method, template, who, body in ID_ROUTES for label, bad in BAD_IDS]


PROTECTED: list[tuple[str, str, Any]] = [
    ("POST", "/api/auth/logout/", OMIT),
    ("POST", "/api/auth/password/", DOOR_ENDPOINTS[0][3]),
    ("GET", "/api/auth/2fa/setup/", OMIT),
    ("POST", "/api/auth/2fa/reset-setup/", OMIT),
    ("POST", "/api/auth/2fa/enable/", {"totp_code": "123456"}),
    ("POST", "/api/auth/2fa/disable/", {"password": STRONG_PASSWORD}),
    ("GET", "/api/auth/2fa/status/", OMIT),
    ("POST", "/api/auth/2fa/backup-codes/", {"password": STRONG_PASSWORD}),
    ("GET", "/api/auth/profile/", OMIT),
    ("PUT", "/api/auth/profile/", PROFILE_BODY),
    ("PATCH", "/api/auth/profile/", {"first_name": "Mallory"}),
    ("POST", "/api/jobs/", JOB_BODY),
    ("PUT", "/api/jobs/{job}/", JOB_BODY),
    ("PATCH", "/api/jobs/{job}/", {"title": "Mallory's"}),
    ("DELETE", "/api/jobs/{job}/", OMIT),
    ("GET", "/api/jobs/{job}/bids/", OMIT),
    ("POST", "/api/jobs/{job}/hire/", {"bid_id": "{bid}"}),
    ("POST", "/api/jobs/{job}/complete/", OMIT),
    ("POST", "/api/jobs/{job}/cancel/", OMIT),
    ("GET", "/api/bids/", OMIT),
    ("POST", "/api/bids/", BID_BODY),
    ("GET", "/api/bids/{bid}/", OMIT),
    ("PUT", "/api/bids/{bid}/", {"bid_amount": "700.00", "delivery_time": 5,
                                 "cover_letter": "Hi"}),
    ("PATCH", "/api/bids/{bid}/", {"delivery_time": 6}),
    ("DELETE", "/api/bids/{bid}/", OMIT),
]


def auth_cases() -> list[Any]:
    return [pytest.param(Case(method=method, path=path, who=who, body=body, status=401),
                         id=f"{method} {path} as {who or 'anonymous'}")
            for method, path, body in PROTECTED for who in (None, "bad-token", "bad-scheme")]


# Right token, wrong person or wrong state: 403/404/409, and still nothing changes.
FORBIDDEN: list[tuple[str, str, str, Any, int]] = [
    ("POST", "/api/jobs/", "artist", JOB_BODY, 403),
    ("PUT", "/api/jobs/{job}/", "other_buyer", JOB_BODY, 403),
    ("PATCH", "/api/jobs/{job}/", "artist", {"title": "Mine"}, 403),
    ("DELETE", "/api/jobs/{job}/", "other_buyer", OMIT, 403),
    ("GET", "/api/jobs/{job}/bids/", "artist", OMIT, 403),
    ("POST", "/api/jobs/{job}/hire/", "other_buyer", {"bid_id": "{bid}"}, 403),
    ("POST", "/api/jobs/{job}/hire/", "artist", {"bid_id": "{bid}"}, 403),
    ("POST", "/api/jobs/{job}/cancel/", "other_buyer", OMIT, 403),
    ("POST", "/api/jobs/{job}/complete/", "buyer", OMIT, 409),
    ("POST", "/api/bids/", "buyer", BID_BODY, 403),
    ("POST", "/api/bids/", "artist", {**BID_BODY, "job_id": "{job}"}, 400),
    ("GET", "/api/bids/{bid}/", "other_artist", OMIT, 404),
    ("PATCH", "/api/bids/{bid}/", "buyer", {"delivery_time": 9}, 403),
    ("PATCH", "/api/bids/{bid}/", "other_artist", {"delivery_time": 9}, 404),
    ("DELETE", "/api/bids/{bid}/", "buyer", OMIT, 403),
    ("DELETE", "/api/bids/{bid}/", "other_artist", OMIT, 404),
]


def forbidden_cases() -> list[Any]:
    return [pytest.param(Case(method=method, path=path, who=who, body=body, status=status),
                         id=f"{method} {path} as {who}")
            for method, path, who, body, status in FORBIDDEN]


NOT_ALLOWED = [("DELETE", "/api/auth/register/"), ("GET", "/api/auth/login/"),
               ("GET", "/api/auth/password/"), ("POST", "/api/auth/2fa/status/"),
               ("POST", "/api/auth/2fa/setup/"), ("GET", "/api/auth/2fa/verify/"),
               ("GET", "/api/auth/logout/"), ("DELETE", "/api/auth/profile/"),
               ("PUT", "/api/jobs/"), ("DELETE", "/api/jobs/"), ("POST", "/api/jobs/{job}/"),
               ("POST", "/api/jobs/{job}/bids/"), ("GET", "/api/jobs/{job}/hire/"),
               ("DELETE", "/api/jobs/{job}/complete/"), ("PUT", "/api/jobs/{job}/cancel/"),
               ("DELETE", "/api/bids/"), ("POST", "/api/bids/{bid}/"),
               ("POST", "/api/categories/"), ("DELETE", "/api/categories/{category}/"),
               ("POST", "/api/health/"), ("PUT", "/api/openapi.json"), ("POST", "/api/docs/")]


def method_cases() -> list[Any]:
    return [pytest.param(Case(method=method, path=path, who="buyer", body={}, status=405),
                         id=f"{method} {path}") for method, path in NOT_ALLOWED]


def _fill_ids(value: Any, ids: dict[str, int]) -> Any:
    """Put the world's ids into "{job}"-style placeholders inside a JSON body."""
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and \
            value[1:-1] in ids:
        return ids[value[1:-1]]
    if isinstance(value, dict):
        return {key: _fill_ids(item, ids) for key, item in value.items()}
    return value


def prepared(world: World, case: Case) -> Case:
    body = case.body
    if body is not OMIT:
        body = _fill_ids(body, world.ids)
        if isinstance(body, dict) and body.get("username") == "USER:artist":
            body = {**body, "username": world.users["artist"].username}
    return attrs.evolve(case, body=body)


# -- the tests --------------------------------------------------------------------------


@pytest.mark.parametrize("case", body_field_cases())
def test_bad_field(world: World, case: Case) -> None:
    run(world, prepared(world, case))


@pytest.mark.parametrize("case", whole_body_cases())
def test_bad_body(world: World, case: Case) -> None:
    run(world, prepared(world, case))


@pytest.mark.parametrize("case", query_cases())
def test_bad_query(world: World, case: Case) -> None:
    run(world, prepared(world, case))


@pytest.mark.parametrize("case", path_cases())
def test_bad_path(world: World, case: Case) -> None:
    run(world, prepared(world, case))


@pytest.mark.parametrize("case", auth_cases())
def test_no_valid_token(world: World, case: Case) -> None:
    run(world, prepared(world, case))


@pytest.mark.parametrize("case", forbidden_cases())
def test_wrong_user_or_state(world: World, case: Case) -> None:
    run(world, prepared(world, case))


@pytest.mark.parametrize("case", method_cases())
def test_method_not_allowed(world: World, case: Case) -> None:
    run(world, prepared(world, case))


def test_the_valid_bodies_are_valid(world: World) -> None:
    """The sweep means something only if the bodies it spoils are valid as sent: each one
    succeeds here (this test runs last, as it changes the world)."""
    client, ids = world.client, world.ids
    hire_last = sorted(BODY_ENDPOINTS, key=lambda endpoint: endpoint[1].endswith("/hire/"))
    for method, path, who, valid, _kinds, _required in hire_last:
        body = prepared(world, Case(method=method, path=path, body=valid)).body
        if path == "/api/auth/profile/":
            who = "other_artist"
        response = client.simulate_request(method, path.format(**ids),
                                           headers=world.headers(who), json=body)
        assert response.status_code in (200, 201), (method, path, response.text)
    for method, template, who, body in ID_ROUTES:
        if method in ("PUT", "PATCH") and template.startswith("/api/bids"):
            response = client.simulate_request(method, template.format(id=ids["bid"]),
                                               headers=world.headers(who),
                                               json=_fill_ids(body, ids))
            assert response.status_code == 409, response.text  # the job was hired above
    assert client.simulate_get(f"/api/jobs/{ids['job']}/").json["status"] == "in_progress"
