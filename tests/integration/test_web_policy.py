"""Hosts, absolute URLs, cross-origin access and the security and caching headers of every
answer, through the real app."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs
import falcon.inspect
import falcon.testing
import pytest

from cultureup.bootstrap import Services, http_app
from tests.integration.artwork_images import jpeg
from tests.integration.assertions import assert_error
from tests.integration.conftest import STRONG_PASSWORD, ApiUser, Marketplace, SteppingClock
from tests.integration.test_artworks_api import upload
from tests.integration.two_factor_flow import code_at, enable_2fa, login, start_login, verify

ALWAYS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
          "Content-Security-Policy": "frame-ancestors 'none'",
          "Referrer-Policy": "no-referrer"}

Client = Callable[..., falcon.testing.TestClient]


@pytest.fixture
def client_with(services: Services) -> Client:
    """A client of the app built from the test settings with some of them changed."""
    def build(**overrides: Any) -> falcon.testing.TestClient:
        changed = attrs.evolve(services, settings=attrs.evolve(services.settings, **overrides))
        return falcon.testing.TestClient(http_app(changed))
    return build


def every_route(client: falcon.testing.TestClient) -> list[tuple[str, str]]:
    """(method, path) for every route and method the app serves, ids replaced by 1."""
    calls = []
    for route in falcon.inspect.inspect_routes(client.app):
        path = re.sub(r"\{[^}]*\}", "1", route.path) + "/"
        calls += [(method.method, path) for method in route.methods if not method.internal]
    assert len(calls) > 60
    return calls


def assert_security_headers(response: falcon.testing.Result, what: str) -> None:
    for name, value in ALWAYS.items():
        assert response.headers.get(name) == value, f"{what}: {name}={response.headers}"


# -- headers on every answer ---------------------------------------------------------------------


def test_every_answer_of_every_route_carries_the_security_headers_and_no_store(
        client: falcon.testing.TestClient, market: Marketplace) -> None:
    user = market.user("buyer")
    for method, path in every_route(client):
        for headers in ({}, user.headers):
            response = client.simulate_request(method, path, headers=headers, json={})
            what = f"{method} {path} ({'user' if headers else 'anonymous'})"
            assert response.status_code < 500, f"{what}: {response.text}"
            assert_security_headers(response, what)
            assert "no-store" in response.headers.get("Cache-Control", ""), what
            assert "Strict-Transport-Security" not in response.headers, what


def test_errors_outside_any_route_carry_the_headers_too(client: falcon.testing.TestClient
                                                        ) -> None:
    for response in (client.simulate_get("/nowhere/"), client.simulate_get("/api/jobs/x/"),
                     client.simulate_request("PATCH", "/api/health/"),
                     client.simulate_get("/api/health/", headers={"Host": "evil.example"})):
        assert response.status_code in (400, 404, 405)
        assert_security_headers(response, response.status)
        assert response.headers["Cache-Control"] == "no-store"


def test_answers_carrying_a_token_a_totp_secret_or_backup_codes_are_no_store(
        client: falcon.testing.TestClient, market: Marketplace, clock: SteppingClock) -> None:
    answers = []
    registered = client.simulate_post("/api/auth/register/", json={
        "username": "kiran", "email": "kiran@example.com", "password": STRONG_PASSWORD,
        "password_confirm": STRONG_PASSWORD, "user_type": "artist",
        "first_name": "Kiran", "last_name": "Ali"})
    assert registered.status_code == 201
    assert registered.headers["Cache-Control"] == "no-store"  # personal data
    logged_in = login(client, "kiran", STRONG_PASSWORD)
    answers.append(logged_in)
    user = ApiUser(id=logged_in.json["user"]["id"], username="kiran",
                   token=logged_in.json["token"], user_type="artist")
    answers.append(client.simulate_get("/api/auth/2fa/setup/", headers=user.headers))
    secured = enable_2fa(client, clock, user)
    session = start_login(client, secured)
    verified = verify(client, session, totp_code=code_at(secured.secret, clock))
    answers.append(verified)
    clock.advance(seconds=30)
    answers.append(client.simulate_post("/api/auth/2fa/backup-codes/", headers=user.headers,
                                        json={"password": STRONG_PASSWORD}))
    answers.append(client.simulate_post("/api/auth/password/", headers=user.headers, json={
        "current_password": STRONG_PASSWORD, "new_password": "Quill-and-Paper-88",
        "new_password_confirm": "Quill-and-Paper-88"}))
    secrets = {"token", "session_token", "secret_key", "backup_codes", "qr_code"}
    for response in answers:
        assert response.status_code in (200, 201), response.text
        assert secrets & set(response.json), response.json
        assert response.headers["Cache-Control"] == "no-store", response.json


def test_public_files_may_be_cached(client: falcon.testing.TestClient, market: Marketplace
                                    ) -> None:
    artist = market.user("artist")
    created = upload(market, artist, jpeg(3), category_id=market.category("Painting"))
    assert created.status_code == 201, created.text
    media = client.simulate_get(created.json["artwork"]["image"].split("falconframework.org")[-1])
    asset = client.simulate_get("/api/docs/assets/swagger-ui.css")
    for response in (media, asset):
        assert response.status_code == 200
        assert_security_headers(response, "file")
        assert "no-store" not in response.headers.get("Cache-Control", "")


# -- HSTS ----------------------------------------------------------------------------------------


def test_hsts_only_over_tls(client_with: Client) -> None:
    direct = client_with()
    assert "Strict-Transport-Security" not in direct.simulate_get("/api/health/").headers
    over_tls = direct.simulate_get("/api/health/", protocol="https")
    assert over_tls.headers["Strict-Transport-Security"] == "max-age=31536000"
    # A client cannot claim TLS by header unless a trusted proxy stands in front.
    claimed = direct.simulate_get("/api/health/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in claimed.headers
    proxied = client_with(trust_forwarded_for=True)
    for header in ({"X-Forwarded-Proto": "https"}, {"Forwarded": "for=10.0.0.1;proto=https"}):
        response = proxied.simulate_get("/api/health/", headers=header)
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in proxied.simulate_get("/api/health/").headers
    public = client_with(public_url="https://api.cultureup.example")
    assert "Strict-Transport-Security" in public.simulate_get("/api/health/").headers
    off = client_with(hsts_seconds=0)
    assert "Strict-Transport-Security" not in off.simulate_get(
        "/api/health/", protocol="https").headers


# -- hosts and absolute URLs ---------------------------------------------------------------------


@pytest.fixture
def listing(market: Marketplace) -> Marketplace:
    """Two pages of jobs and an artwork, so that answers carry next links and image URLs."""
    buyer, artist = market.user("buyer"), market.user("artist")
    category = market.category("Painting")
    for _ in range(3):
        market.job(buyer, category)
    assert upload(market, artist, jpeg(5), category_id=category).status_code == 201
    return market


def absolute_urls(client: falcon.testing.TestClient, host: str) -> list[str]:
    headers = {"Host": host}
    jobs = client.simulate_get("/api/jobs/?page_size=1&page=2", headers=headers)
    artworks = client.simulate_get("/api/artworks/", headers=headers)
    assert jobs.status_code == artworks.status_code == 200, (jobs.text, artworks.text)
    artwork = artworks.json["results"][0]
    return [jobs.json["next"], jobs.json["previous"], artwork["image"],
            artwork["watermarked_image"]]


@pytest.mark.parametrize("host", ["evil.example", "EVIL.example:8000", "localhost.evil.example",
                                  "evil.example/", "127.0.0.1@evil.example", "",
                                  "[::1]:8000 evil.example"])
def test_a_host_that_is_not_allowed_is_refused_with_400(
        client: falcon.testing.TestClient, listing: Marketplace, host: str) -> None:
    for path in ("/api/jobs/", "/api/artworks/", "/api/health/", "/api/openapi.json"):
        response = client.simulate_get(path, headers={"Host": host})
        assert_error(response, 400)
        assert "Host" in response.json["error"]


def test_links_use_the_allowed_host_the_request_named(client: falcon.testing.TestClient,
                                                      listing: Marketplace) -> None:
    for host in ("localhost:8000", "127.0.0.1:8000", "LOCALHOST", "[::1]:8000"):
        urls = absolute_urls(client, host)
        assert all(url.startswith(f"http://{host}/") for url in urls), urls


def test_the_default_settings_answer_on_localhost_only(client_with: Client,
                                                       listing: Marketplace) -> None:
    defaults = client_with(allowed_hosts=("localhost", "127.0.0.1", "[::1]"))
    for host in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000", "localhost"):
        assert defaults.simulate_get("/api/jobs/", headers={"Host": host}).status_code == 200
    assert_error(defaults.simulate_get("/api/jobs/", headers={"Host": "evil.example"}), 400)
    assert_error(defaults.simulate_get("/api/jobs/"), 400)  # falconframework.org


def test_subdomain_patterns_and_the_wildcard(client_with: Client) -> None:
    client = client_with(allowed_hosts=".cultureup.example")
    for host in ("cultureup.example", "api.cultureup.example:443", "a.b.cultureup.example"):
        assert client.simulate_get("/api/health/", headers={"Host": host}).status_code == 200
    for host in ("evilcultureup.example", "cultureup.example.evil", "evil.example"):
        assert_error(client.simulate_get("/api/health/", headers={"Host": host}), 400)
    anything = client_with(allowed_hosts="*")
    assert anything.simulate_get("/api/health/", headers={"Host": "evil.example"}
                                 ).status_code == 200
    assert_error(anything.simulate_get("/api/health/", headers={"Host": "a b"}), 400)


def test_a_public_url_is_the_start_of_every_absolute_url(client_with: Client,
                                                         listing: Marketplace) -> None:
    client = client_with(public_url="https://api.cultureup.example/", allowed_hosts="*")
    for host in ("evil.example", "localhost:8000"):
        urls = absolute_urls(client, host)
        assert all(url.startswith("https://api.cultureup.example/") for url in urls), urls
    # The public URL's host is allowed without being listed; others stay refused.
    strict = client_with(public_url="https://api.cultureup.example", allowed_hosts="")
    assert strict.simulate_get("/api/health/", headers={"Host": "api.cultureup.example"}
                               ).status_code == 200
    assert_error(strict.simulate_get("/api/health/", headers={"Host": "evil.example"}), 400)


def test_a_trusted_proxy_gives_the_scheme_of_links(client_with: Client,
                                                   listing: Marketplace) -> None:
    proxied = client_with(trust_forwarded_for=True)
    response = proxied.simulate_get("/api/jobs/?page_size=1", headers={
        "Host": "localhost", "X-Forwarded-Proto": "https"})
    assert response.json["next"].startswith("https://localhost/")
    direct = client_with()
    response = direct.simulate_get("/api/jobs/?page_size=1", headers={
        "Host": "localhost", "X-Forwarded-Proto": "https"})
    assert response.json["next"].startswith("http://localhost/")


# -- cross-origin access -------------------------------------------------------------------------


def test_cross_origin_access_only_for_the_configured_origins(client_with: Client,
                                                             market: Marketplace) -> None:
    origin = {"Origin": "https://app.cultureup.example"}
    closed = client_with()
    assert "Access-Control-Allow-Origin" not in closed.simulate_get(
        "/api/jobs/", headers=origin).headers
    opened = client_with(cors_allowed_origins="https://app.cultureup.example, "
                                              "http://localhost:3000")
    response = opened.simulate_get("/api/jobs/", headers=origin)
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.cultureup.example"
    assert "X-RateLimit-Remaining" in response.headers["Access-Control-Expose-Headers"]
    other = opened.simulate_get("/api/jobs/", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = opened.simulate_request("OPTIONS", "/api/jobs/", headers={
        **origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Authorization, Content-Type"})
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://app.cultureup.example"
    anyone = client_with(cors_allowed_origins="*")
    assert anyone.simulate_get("/api/jobs/", headers={"Origin": "https://x.example"}
                               ).headers["Access-Control-Allow-Origin"] == "*"
