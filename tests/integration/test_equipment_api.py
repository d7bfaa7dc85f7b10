"""Equipment over HTTP: staff keep the catalogue, everyone reads it; validation, the derived
in_stock, filters, ordering, pages, a fixed number of queries per page, the audit trail, the
version guard and hostile input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import falcon.testing
import pytest
from sqlalchemy import event, select

from cultureup.adapters.sqlalchemy.catalog.repositories import SqlAlchemyEquipmentRepository
from cultureup.adapters.sqlalchemy.tables import audit_log, metadata
from cultureup.application.accounts.users import Registration
from cultureup.bootstrap import Services
from cultureup.domain.accounts.users import StaffRole
from cultureup.domain.errors import ConcurrentUpdate
from tests.integration.assertions import assert_error as refused
from tests.integration.conftest import STRONG_PASSWORD, ApiUser, Marketplace, QueryCounter

BRUSHES = {
    "name": "Professional Oil Painting Brush Set",
    "description": "Premium quality brush set with 12 different sizes",
    "equipment_type": "brush",
    "price": "45.99",
    "stock_quantity": 50,
    "is_available": True,
}


def login(market: Marketplace, username: str, user_type: str = "admin") -> ApiUser:
    response = market.client.simulate_post("/api/auth/login/", json={
        "username": username, "password": STRONG_PASSWORD})
    assert response.status_code == 200, response.json
    return ApiUser(id=response.json["user"]["id"], username=username,
                   token=response.json["token"], user_type=user_type)


def superuser(market: Marketplace) -> ApiUser:
    market.admin_actor()
    return login(market, "root")


def staff_member(market: Marketplace, role: StaffRole = StaffRole.ADMIN,
                 username: str = "shopkeeper") -> ApiUser:
    market.services.accounts.create_staff_user(
        Registration(username=username, email=f"{username}@example.com",
                     password=STRONG_PASSWORD, password_confirm=STRONG_PASSWORD,
                     user_type="admin", first_name="Shop", last_name="Keeper"),
        superuser=False, staff_role=role, check_password=False)
    return login(market, username)


@pytest.fixture
def staff(market: Marketplace) -> ApiUser:
    return staff_member(market)


def add(market: Marketplace, who: ApiUser, **overrides: Any) -> dict[str, Any]:
    response = market.client.simulate_post("/api/equipment/", headers=who.headers,
                                           json={**BRUSHES, **overrides})
    assert response.status_code == 201, response.json
    return response.json




# -- creating and reading ---------------------------------------------------------------------


def test_staff_add_an_item_that_anyone_can_read(market: Marketplace, staff: ApiUser) -> None:
    created = add(market, staff)
    assert created == {**BRUSHES, "id": created["id"], "image": None,
                       "created_at": "2026-03-01T09:00:00Z",
                       "updated_at": "2026-03-01T09:00:00Z", "in_stock": True}
    detail = market.client.simulate_get(f"/api/equipment/{created['id']}/")
    assert detail.status_code == 200 and detail.json == created
    assert market.client.simulate_get("/api/equipment/").json == {
        "count": 1, "next": None, "previous": None, "results": [created]}


def test_superusers_and_admins_keep_the_catalogue_staff_and_moderators_do_not(
        market: Marketplace) -> None:
    keepers = [superuser(market), staff_member(market, StaffRole.ADMIN, "boss")]
    for keeper in keepers:
        add(market, keeper, name=f"Canvas by {keeper.username}", equipment_type="canvas")
    item = market.client.simulate_get("/api/equipment/").json["results"][0]
    for role, name in ((StaffRole.STAFF, "helpdesk"), (StaffRole.CONTENT_MODERATOR, "moderator")):
        member = staff_member(market, role, name)
        refused(market.client.simulate_post("/api/equipment/", headers=member.headers,
                                            json=BRUSHES), 403)
        refused(market.client.simulate_patch(f"/api/equipment/{item['id']}/",
                                             headers=member.headers, json={"price": "1.00"}),
                403)
        refused(market.client.simulate_delete(f"/api/equipment/{item['id']}/",
                                              headers=member.headers), 403)
    assert market.client.simulate_get("/api/equipment/").json["count"] == 2


def test_artists_buyers_and_strangers_cannot_change_the_catalogue(
        market: Marketplace, staff: ApiUser) -> None:
    item = add(market, staff)
    path = f"/api/equipment/{item['id']}/"
    for user_type in ("artist", "buyer"):
        user = market.user(user_type)
        refused(market.client.simulate_post("/api/equipment/", headers=user.headers,
                                            json=BRUSHES), 403)
        refused(market.client.simulate_patch(path, headers=user.headers,
                                             json={"price": "1.00"}), 403)
        refused(market.client.simulate_put(path, headers=user.headers, json=BRUSHES), 403)
        refused(market.client.simulate_delete(path, headers=user.headers), 403)
    refused(market.client.simulate_post("/api/equipment/", json=BRUSHES), 401)
    refused(market.client.simulate_patch(path, json={"price": "1.00"}), 401)
    refused(market.client.simulate_delete(path), 401)
    assert market.client.simulate_get(path).json == item
    assert market.client.simulate_get("/api/equipment/").json["count"] == 1


def test_an_image_sent_in_json_is_ignored_until_uploads_exist(market: Marketplace,
                                                              staff: ApiUser) -> None:
    created = add(market, staff, image="http://evil.example/x.jpg", in_stock=False, id=77)
    assert created["image"] is None and created["in_stock"] is True and created["id"] != 77


def test_optional_fields_default(market: Marketplace, staff: ApiUser) -> None:
    response = market.client.simulate_post("/api/equipment/", headers=staff.headers, json={
        "name": "Easel", "equipment_type": "other", "price": 120})
    assert response.status_code == 201, response.json
    created = response.json
    assert (created["description"], created["stock_quantity"], created["is_available"],
            created["in_stock"], created["price"]) == ("", 0, True, False, "120.00")


@pytest.mark.parametrize(("stock", "available", "in_stock"), [
    (5, True, True), (0, True, False), (5, False, False), (0, False, False)])
def test_in_stock_means_available_with_stock_left(market: Marketplace, staff: ApiUser,
                                                  stock: int, available: bool,
                                                  in_stock: bool) -> None:
    assert add(market, staff, stock_quantity=stock, is_available=available)["in_stock"] is in_stock


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"name": None}, "name"),
    ({"name": "brush\x00"}, "name"),
    ({"description": "x" * 5001}, "description"),
    ({"equipment_type": "spoon"}, "equipment_type"),
    ({"equipment_type": "Brush"}, "equipment_type"),
    ({"equipment_type": ["brush"]}, "equipment_type"),
    ({"price": "0"}, "price"),
    ({"price": "-1.00"}, "price"),
    ({"price": "1.001"}, "price"),
    ({"price": "free"}, "price"),
    ({"price": "1e3"}, "price"),
    ({"price": False}, "price"),
    ({"price": "10000000000.00"}, "price"),
    ({"stock_quantity": -1}, "stock_quantity"),
    ({"stock_quantity": 2**31}, "stock_quantity"),
    ({"stock_quantity": 1.5}, "stock_quantity"),
    ({"stock_quantity": "many"}, "stock_quantity"),
    ({"stock_quantity": True}, "stock_quantity"),
    ({"is_available": "maybe"}, "is_available"),
])
def test_invalid_equipment_fields_are_refused(market: Marketplace, staff: ApiUser,
                                              changes: dict[str, Any], field: str) -> None:
    refused(market.client.simulate_post("/api/equipment/", headers=staff.headers,
                                        json={**BRUSHES, **changes}), 400, field)
    item = add(market, staff)
    refused(market.client.simulate_patch(f"/api/equipment/{item['id']}/", headers=staff.headers,
                                         json=changes), 400, field)
    assert market.client.simulate_get(f"/api/equipment/{item['id']}/").json == item


def test_the_required_fields_are_reported_together(market: Marketplace,
                                                    staff: ApiUser) -> None:
    body = refused(market.client.simulate_post("/api/equipment/", headers=staff.headers,
                                               json={"description": "Nameless"}), 400)
    assert set(body["details"]) == {"name", "equipment_type", "price"}


# -- changing and removing --------------------------------------------------------------------


def test_staff_patch_put_and_delete_an_item(market: Marketplace, staff: ApiUser) -> None:
    item = add(market, staff)
    path = f"/api/equipment/{item['id']}/"
    market.clock.advance(hours=1)
    patched = market.client.simulate_patch(path, headers=staff.headers,
                                           json={"stock_quantity": 0, "price": 39.5})
    assert patched.status_code == 200, patched.json
    assert patched.json == {**item, "stock_quantity": 0, "price": "39.50", "in_stock": False,
                            "updated_at": "2026-03-01T10:00:00Z"}
    refused(market.client.simulate_put(path, headers=staff.headers,
                                       json={"name": "Only a name"}), 400, "price")
    put = market.client.simulate_put(path, headers=staff.headers, json={
        "name": "Stretched Canvas 40x50", "equipment_type": "canvas", "price": "25.00"})
    assert put.status_code == 200, put.json
    assert put.json == {**patched.json, "name": "Stretched Canvas 40x50",
                        "equipment_type": "canvas", "price": "25.00"}
    deleted = market.client.simulate_delete(path, headers=staff.headers)
    assert deleted.status_code == 204 and not deleted.content
    refused(market.client.simulate_get(path), 404)
    refused(market.client.simulate_delete(path, headers=staff.headers), 404)
    refused(market.client.simulate_patch(path, headers=staff.headers, json={}), 404)


def test_staff_changes_are_in_the_audit_log(market: Marketplace, staff: ApiUser,
                                             services: Services) -> None:
    item = add(market, staff)
    path = f"/api/equipment/{item['id']}/"
    market.client.simulate_patch(path, headers=staff.headers, json={"price": "50.00"})
    market.client.simulate_delete(path, headers=staff.headers)
    with services.engine.connect() as connection:
        rows = connection.execute(
            select(audit_log).where(audit_log.c.target_type == "equipment")
            .order_by(audit_log.c.id)).mappings().all()
    assert [(row["action"], row["actor_username"], row["target_id"]) for row in rows] == [
        ("admin.equipment_created", "shopkeeper", str(item["id"])),
        ("admin.equipment_updated", "shopkeeper", str(item["id"])),
        ("admin.equipment_deleted", "shopkeeper", str(item["id"])),
    ]
    assert json.loads(rows[1]["details"]) == {"fields": "price"}


def test_a_stale_copy_of_an_item_cannot_overwrite_a_newer_one(market: Marketplace,
                                                              staff: ApiUser,
                                                              services: Services) -> None:
    item = add(market, staff)
    market.client.simulate_patch(f"/api/equipment/{item['id']}/", headers=staff.headers,
                                 json={"stock_quantity": 7})
    with services.engine.connect() as connection:
        repository = SqlAlchemyEquipmentRepository(connection)
        loaded = repository.get(item["id"])
        assert loaded.version == 1
        loaded.version = 0  # as if loaded before the PATCH
        loaded.stock_quantity = 3
        with pytest.raises(ConcurrentUpdate):
            repository.save(loaded)
        connection.rollback()
    assert market.client.simulate_get(
        f"/api/equipment/{item['id']}/").json["stock_quantity"] == 7


# -- lists: filters, ordering, pages ------------------------------------------------------------


@pytest.fixture
def shop(market: Marketplace, staff: ApiUser) -> dict[str, int]:
    items = {
        "brushes": add(market, staff),
        "cheap_brush": add(market, staff, name="Synthetic Brush", price="5.00",
                           stock_quantity=0, description="Nylon bristles"),
        "frame": add(market, staff, name="Oak Frame", equipment_type="frame", price="120.00",
                     stock_quantity=3, description="Solid oak, 100% natural"),
        "paint": add(market, staff, name="Acrylic Paint Set", equipment_type="paint",
                     price="45.99", stock_quantity=9, is_available=False,
                     description="24 tubes"),
    }
    return {name: item["id"] for name, item in items.items()}


def ids(response: falcon.testing.Result) -> list[int]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json["results"]]


@pytest.mark.parametrize(("params", "expected"), [
    ({}, ["paint", "frame", "cheap_brush", "brushes"]),
    ({"equipment_type": "brush"}, ["cheap_brush", "brushes"]),
    ({"min_price": "45.99", "ordering": "price"}, ["brushes", "paint", "frame"]),
    ({"max_price": 45.99, "ordering": "-price"}, ["paint", "brushes", "cheap_brush"]),
    ({"min_price": "6", "max_price": "100", "equipment_type": "paint"}, ["paint"]),
    ({"in_stock": "true", "ordering": "price"}, ["brushes", "frame"]),
    ({"in_stock": "false", "ordering": "price"}, ["cheap_brush", "paint"]),
    ({"search": "BRUSH"}, ["cheap_brush", "brushes"]),
    ({"search": "nylon"}, ["cheap_brush"]),
    # Words folded as /api/search/ folds them: punctuation alone finds nothing.
    ({"search": "%"}, []),
    ({"search": "_"}, []),
    ({"search": "\uff2e\uff39\uff2c\uff2f\uff2e"}, ["cheap_brush"]),  # fullwidth
    ({"ordering": "stock_quantity"}, ["cheap_brush", "frame", "paint", "brushes"]),
    ({"ordering": "-stock_quantity"}, ["brushes", "paint", "frame", "cheap_brush"]),
    ({"ordering": "price"}, ["cheap_brush", "brushes", "paint", "frame"]),  # ties: by id
    ({"ordering": "-price"}, ["frame", "paint", "brushes", "cheap_brush"]),
])
def test_equipment_filters_and_ordering(market: Marketplace, shop: dict[str, int],
                                        params: dict[str, Any], expected: list[str]) -> None:
    response = market.client.simulate_get("/api/equipment/", params=params)
    assert ids(response) == [shop[name] for name in expected]


def test_the_in_stock_list_is_the_list_filtered_to_items_in_stock(
        market: Marketplace, shop: dict[str, int]) -> None:
    in_stock = market.client.simulate_get("/api/equipment/in-stock/",
                                          params={"ordering": "-price"})
    assert ids(in_stock) == [shop["frame"], shop["brushes"]]
    assert all(item["in_stock"] for item in in_stock.json["results"])
    assert ids(market.client.simulate_get("/api/equipment/in-stock", params={
        "equipment_type": "brush", "in_stock": "false"})) == [shop["brushes"]]
    assert ids(market.client.simulate_get("/api/equipment/in-stock/", params={
        "search": "oak"})) == [shop["frame"]]
    refused(market.client.simulate_get("/api/equipment/in-stock/",
                                       params={"ordering": "name"}), 400, "ordering")
    refused(market.client.simulate_get("/api/equipment/in-stock/", params={"page": 2}), 404)
    refused(market.client.simulate_post("/api/equipment/in-stock/", json=BRUSHES), 405)


@pytest.mark.parametrize(("params", "field"), [
    ({"ordering": "name"}, "ordering"),
    ({"ordering": "-created_at"}, "ordering"),
    ({"ordering": "--price"}, "ordering"),
    ({"equipment_type": "spoon"}, "equipment_type"),
    ({"min_price": "abc"}, "min_price"),
    ({"max_price": "NaN"}, "max_price"),
    ({"in_stock": "yes please"}, "in_stock"),
    ({"search": "x" * 201}, "search"),
    ({"search": "\x00"}, "search"),
    ({"page": -1}, "page"),
    ({"page_size": 1000}, "page_size"),
])
def test_bad_equipment_list_parameters_are_400(market: Marketplace, shop: dict[str, int],
                                               params: dict[str, Any], field: str) -> None:
    for path in ("/api/equipment/", "/api/equipment/in-stock/"):
        refused(market.client.simulate_get(path, params=params), 400, field)


def test_an_unknown_ordering_names_the_allowed_values(market: Marketplace) -> None:
    body = refused(market.client.simulate_get("/api/equipment/", params={"ordering": "x"}),
                   400, "ordering")
    for allowed in ("price", "-price", "stock_quantity", "-stock_quantity"):
        assert allowed in body["details"]["ordering"][0]


def test_equipment_pages(market: Marketplace, shop: dict[str, int]) -> None:
    first = market.client.simulate_get("/api/equipment/", params={"page_size": 3})
    assert first.json["count"] == 4 and len(first.json["results"]) == 3
    assert first.json["next"].endswith("/api/equipment/?page_size=3&page=2")
    second = market.client.simulate_get(first.json["next"].split("falconframework.org")[-1])
    assert ids(second) == [shop["brushes"]] and second.json["next"] is None
    refused(market.client.simulate_get("/api/equipment/", params={"page_size": 3, "page": 3}),
            404)
    assert market.client.simulate_get("/api/equipment/",
                                      params={"search": "nothing"}).json["results"] == []


def test_unknown_items_are_404(market: Marketplace) -> None:
    for path in ("/api/equipment/1/", "/api/equipment/2147483647/",
                 "/api/equipment/2147483648/", "/api/equipment/0/", "/api/equipment/x/"):
        refused(market.client.simulate_get(path), 404)


# -- a fixed number of statements per page -------------------------------------------------------


@pytest.fixture
def sql(services: Services) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.split(maxsplit=1)[0].upper() not in {"BEGIN", "COMMIT", "ROLLBACK"}:
            seen.append(statement)

    event.listen(services.engine, "before_cursor_execute", record)
    yield seen
    event.remove(services.engine, "before_cursor_execute", record)


def test_equipment_lists_run_the_same_statements_for_5_and_20_rows(
        market: Marketplace, staff: ApiUser, count_queries: QueryCounter,
        sql: list[str]) -> None:
    for n in range(25):
        add(market, staff, name=f"Brush no. {n}", price=f"{n + 1}.00", stock_quantity=n % 3)

    def run(path: str, **params: Any) -> tuple[int, dict[str, Any]]:
        count_queries.count = 0
        sql.clear()
        response = market.client.simulate_get(path, params=params)
        assert response.status_code == 200, response.text
        return count_queries.count, response.json

    for path in ("/api/equipment/", "/api/equipment/in-stock/"):
        small, page5 = run(path, page_size=5)
        large, page20 = run(path, page_size=20, ordering="-price", search="brush")
        assert len(page5["results"]) == 5 and len(page20["results"]) >= 16
        assert small == large
        assert len(sql) == 2, sql  # the page's rows and the count
    run(f"/api/equipment/{page20['results'][0]['id']}/")
    assert len(sql) == 1


# -- hostile input ------------------------------------------------------------------------------


def _snapshot(services: Services) -> dict[str, list[Any]]:
    with services.engine.connect() as connection:
        return {table.name: list(connection.execute(
            select(table).order_by(*table.primary_key.columns)).all())
            for table in metadata.sorted_tables}


ITEM = "/api/equipment/{item}/"
HOSTILE: list[tuple[str, str, str | None, dict[str, Any], int]] = [
    # method, path, who, request keyword arguments, status
    ("POST", "/api/equipment/", "staff", {"body": b"{oops",
                                          "headers": {"Content-Type": "application/json"}}, 400),
    ("POST", "/api/equipment/", "staff", {"body": b"name=x", "headers": {
        "Content-Type": "application/x-www-form-urlencoded"}}, 400),
    ("POST", "/api/equipment/", "staff", {"body": b"name=x", "headers": {
        "Content-Type": "text/plain"}}, 415),
    ("POST", "/api/equipment/", "staff", {"json": [BRUSHES]}, 400),
    ("POST", "/api/equipment/", "staff", {"json": None}, 400),
    ("POST", "/api/equipment/", "staff", {"json": {**BRUSHES, "price": "Infinity"}}, 400),
    ("POST", "/api/equipment/", "staff", {"json": {**BRUSHES, "price": 1e400}}, 400),
    ("POST", "/api/equipment/", "staff", {"json": {**BRUSHES, "stock_quantity": 10**30}}, 400),
    ("POST", "/api/equipment/", "staff", {"json": {**BRUSHES, "stock_quantity": "1e3"}}, 400),
    ("POST", "/api/equipment/", "staff", {"json": {**BRUSHES, "name": {"a": 1}}}, 400),
    ("POST", "/api/equipment/", "artist", {"json": BRUSHES}, 403),
    ("POST", "/api/equipment/", "bad-token", {"json": BRUSHES}, 401),
    ("POST", "/api/equipment/", None, {"json": BRUSHES}, 401),
    ("PATCH", ITEM, "staff", {"json": {"price": "0.00"}}, 400),
    ("PATCH", ITEM, "staff", {"json": {"description": "\x00"}}, 400),
    ("PATCH", ITEM, "staff", {"json": {"equipment_type": None}}, 400),
    ("PUT", ITEM, "staff", {"json": {"price": "3.00"}}, 400),
    ("PATCH", ITEM, "buyer", {"json": {"price": "3.00"}}, 403),
    ("DELETE", ITEM, "buyer", {}, 403),
    ("DELETE", ITEM, None, {}, 401),
    ("PATCH", "/api/equipment/999999/", "staff", {"json": {"price": "3.00"}}, 404),
    ("DELETE", "/api/equipment/999999/", "staff", {}, 404),
    ("POST", ITEM, "staff", {"json": BRUSHES}, 405),
    ("DELETE", "/api/equipment/", "staff", {}, 405),
    ("GET", "/api/equipment/in-stock/extra/", None, {}, 404),
]


@pytest.mark.parametrize(("method", "path", "who", "kwargs", "status"), HOSTILE,
                         ids=[f"{case[0]} {case[1]} {case[2]}" for case in HOSTILE])
def test_hostile_requests_are_refused_and_change_nothing(
        market: Marketplace, services: Services, staff: ApiUser, method: str, path: str,
        who: str | None, kwargs: dict[str, Any], status: int) -> None:
    people = {"staff": staff, "artist": market.user("artist"), "buyer": market.user("buyer")}
    item = add(market, staff)
    kwargs = dict(kwargs)
    headers = dict(kwargs.pop("headers", {}))
    if who == "bad-token":
        headers["Authorization"] = "Token not-a-real-token"
    elif who is not None:
        headers.update(people[who].headers)
    before = _snapshot(services)
    response = market.client.simulate_request(method, path.format(item=item["id"]),
                                              headers=headers, **kwargs)
    refused(response, status)
    assert _snapshot(services) == before


def test_a_list_statement_built_once_takes_each_request_s_values(
        market: Marketplace, shop: dict[str, int]) -> None:
    """Equipment pages reuse one statement per shape of filters: the type, the prices, the
    search, the page and its size are bound at each request, whatever request built it."""
    def listed(**params: Any) -> tuple[list[int], int]:
        response = market.client.simulate_get("/api/equipment/", params=params)
        return ids(response), response.json["count"]

    assert listed(equipment_type="brush") == ([shop["cheap_brush"], shop["brushes"]], 2)
    assert listed(equipment_type="frame") == ([shop["frame"]], 1)
    assert listed(min_price="100") == ([shop["frame"]], 1)
    assert listed(min_price="40", ordering="price") == (
        [shop["brushes"], shop["paint"], shop["frame"]], 3)
    assert listed(min_price="1", max_price="10") == ([shop["cheap_brush"]], 1)
    assert listed(min_price="40", max_price="50") == ([shop["paint"], shop["brushes"]], 2)
    assert listed(search="oak") == ([shop["frame"]], 1)
    assert listed(search="tubes") == ([shop["paint"]], 1)
    assert listed(search="100%") == ([shop["frame"]], 1)
    assert listed(search="%") == ([], 0)
    assert listed(ordering="price", page_size=1, page=2) == ([shop["brushes"]], 4)
    assert listed(ordering="price", page_size=2, page=2) == ([shop["paint"], shop["frame"]], 4)
