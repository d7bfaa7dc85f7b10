# ruff: noqa: RUF001  (look-alike characters are what these tests are about)
"""Unicode through the real app and database (SQLite, and PostgreSQL when configured):
usernames and e-mails have one canonical form that both databases compare alike, and stored
text is folded like the query before it is indexed, for /api/search/ and the list filters."""

from __future__ import annotations

import os
from typing import Any

import pytest
from sqlalchemy import text

from cultureup.adapters.sqlalchemy.engine import build_engine
from cultureup.adapters.sqlalchemy.migrate import current_revision, upgrade
from cultureup.domain.text import identity_key, search_text
from tests.integration.assertions import assert_error
from tests.integration.conftest import STRONG_PASSWORD, ApiUser, Marketplace
from tests.integration.test_search_api import artwork, found

# -- identity --------------------------------------------------------------------------------


def register(market: Marketplace, username: str, email: str | None = None,
             user_type: str = "artist", first_name: str = "Test") -> Any:
    return market.client.simulate_post("/api/auth/register/", json={
        "username": username, "email": email or f"u{abs(hash(username))}@example.com",
        "password": STRONG_PASSWORD, "password_confirm": STRONG_PASSWORD,
        "user_type": user_type, "first_name": first_name, "last_name": "User"})


def registered(market: Marketplace, username: str, email: str | None = None,
               user_type: str = "artist", first_name: str = "Test") -> ApiUser:
    response = register(market, username, email, user_type, first_name)
    assert response.status_code == 201, response.json
    token = login(market, username)
    assert token is not None
    return ApiUser(id=response.json["id"], username=username, token=token,
                   user_type=user_type)


def login(market: Marketplace, typed: str, password: str = STRONG_PASSWORD) -> str | None:
    response = market.client.simulate_post("/api/auth/login/", json={
        "username": typed, "password": password})
    if response.status_code == 200:
        return response.json["token"]
    assert_error(response, 400)
    return None


def whose(market: Marketplace, token: str | None) -> int | None:
    if token is None:
        return None
    return market.client.simulate_get(
        "/api/auth/profile/", headers={"Authorization": f"Token {token}"}).json["id"]


@pytest.mark.parametrize(("stored", "typed"), [
    ("Émile_r2", ["Émile_r2", "émile_r2", "E\u0301MILE_R2", "e\u0301mile_r2"]),
    ("İlyas", ["İlyas", "İLYAS", "I\u0307lyas"]),
    ("ΝΙΚΟΣ", ["ΝΙΚΟΣ", "νικος", "νικοσ", "Νικος"]),
    ("Straße_7", ["Straße_7", "STRASSE_7", "strasse_7"]),
    ("ﬁle_maker", ["file_maker", "FILE_MAKER"]),
])
def test_every_variant_of_a_name_logs_in(market: Marketplace, stored: str,
                                         typed: list[str]) -> None:
    user = registered(market, stored)
    for variant in typed:
        assert whose(market, login(market, variant)) == user.id, variant


@pytest.mark.parametrize(("first", "second"), [
    ("Émile_r2", "émile_r2"), ("admin", "ａｄｍｉｎ"), ("ΝΙΚΟΣ", "νικος"),
    ("file_maker", "ﬁle_maker"), ("Straße_7", "STRASSE_7"), ("İlyas", "i\u0307lyas"),
])
def test_a_variant_does_not_make_a_second_account(market: Marketplace, first: str,
                                                  second: str) -> None:
    registered(market, first)
    assert_error(register(market, second), 400, "username")


@pytest.mark.parametrize("look_alike", [
    "\u0430dmin",  # Cyrillic a: mixed scripts
    "adrnin",  # rn for m
    "\u0430\u0501min",  # Cyrillic a and komi de: mixed scripts
    "ad\u200dmin",  # zero-width joiner
    "ad\u00admin",  # soft hyphen
])
def test_a_name_that_looks_like_a_taken_one_is_refused(market: Marketplace,
                                                       look_alike: str) -> None:
    registered(market, "admin")
    assert_error(register(market, look_alike), 400, "username")


def test_names_of_other_scripts_are_welcome(market: Marketplace) -> None:
    for name in ("خطاط_لاہور", "山田_taro", "Ayşe_Güler", "Νίκη_2"):
        registered(market, name)


def test_a_victims_email_cannot_become_someone_elses_username(market: Marketplace) -> None:
    victim = registered(market, "victim", "victim@example.com")
    for typed in ("VICTIM@EXAMPLE.COM", "victim@example.com", "Victim@Example.Com"):
        assert_error(register(market, typed, "attacker@example.com"), 400, "username")
    # The victim's e-mail, in any case, opens the victim's account and no other.
    assert whose(market, login(market, "VICTIM@example.COM")) == victim.id
    assert login(market, "victim@example.com", "Some-0ther-Password!") is None


def test_an_email_cannot_be_someone_elses_username(market: Marketplace) -> None:
    registered(market, "studio@lahore.pk", "owner@example.com")
    assert_error(register(market, "someone", "STUDIO@LAHORE.PK"), 400, "email")
    other = registered(market, "other_one", "other@example.com")
    response = market.client.simulate_patch("/api/auth/profile/", headers=other.headers,
                                            json={"email": "Studio@Lahore.pk"})
    assert_error(response, 400, "email")


def test_email_variants_are_one_address(market: Marketplace) -> None:
    emile = registered(market, "emile", "émile@example.com")
    assert_error(register(market, "emile_two", "ÉMILE@EXAMPLE.COM"), 400, "email")
    assert_error(register(market, "emile_three", "e\u0301mile@example.com"), 400, "email")
    assert whose(market, login(market, "ÉMILE@example.com")) == emile.id


def test_accounts_stored_before_the_rule_give_the_email_to_its_owner(
        market: Marketplace) -> None:
    """An attacker's username equal to the victim's e-mail, written before usernames and
    e-mails were kept apart: the victim's e-mail opens only the victim's account."""
    victim = registered(market, "victim", "victim@example.com")
    attacker = registered(market, "attacker", "attacker@example.com")
    with market.services.engine.begin() as connection:
        connection.execute(text(
            "UPDATE users SET username = :name, username_key = :key WHERE id = :id"),
            {"name": "VICTIM@EXAMPLE.COM", "key": identity_key("VICTIM@EXAMPLE.COM"),
             "id": attacker.id})
    response = market.client.simulate_patch("/api/auth/profile/", headers=attacker.headers,
                                            json={"first_name": "Mallory"})
    assert response.status_code == 200
    assert whose(market, login(market, "victim@example.com")) == victim.id
    assert login(market, "victim@example.com", "Attacker-0nly-Pass!") is None


# -- search text -----------------------------------------------------------------------------

@pytest.fixture
def category(market: Marketplace) -> int:
    return market.category("Calligraphy")


def listed(market: Marketplace, path: str, search: str) -> list[int]:
    """The ids of the list's results (of their users, for profiles)."""
    response = market.client.simulate_get(path, params={"search": search})
    assert response.status_code == 200, response.text
    return [item["user"]["id"] if "user" in item else item["id"]
            for item in response.json["results"]]


def test_stored_text_is_found_by_its_folded_words(market: Marketplace,
                                                  category: int) -> None:
    buyer = registered(market, "buyer_sana", user_type="buyer")
    job = market.job(buyer, category, title="E\u0301cole de calligraphie",  # decomposed
                     description="اُردو خطاطی for the İstanbul Straße studio")
    for typed in ("école", "ÉCOLE", "ecole", "E\u0301COLE", "اُردو", "اردو", "istanbul",
                  "İSTANBUL", "strasse", "STRAẞE", "ｅｃｏｌｅ", "calligra"):
        assert found(market, typed)["jobs"] == [job["id"]], typed
        assert listed(market, "/api/jobs/", typed) == [job["id"]], typed
    assert found(market, "nothing here")["jobs"] == []
    assert listed(market, "/api/jobs/", "%") == []


def test_artworks_are_listed_by_folded_words(market: Marketplace, category: int) -> None:
    artist = registered(market, "artist_noor")
    art = artwork(market, artist, category, "ΝΙΚΟΣ", description="Dessin a\u0300 l'e\u0301cole")
    for typed in ("νικος", "Νίκος", "ÉCOLE", "à"):
        assert listed(market, "/api/artworks/", typed) == [art["id"]], typed
        assert found(market, typed)["artworks"] == [art["id"]], typed


def test_people_are_listed_by_their_folded_names(market: Marketplace) -> None:
    emile = registered(market, "Émile_r2", first_name="ÉMILE")
    response = market.client.simulate_post("/api/artist-profiles/", headers=emile.headers,
                                           json={"bio": "Professeur à l'École", "skills": "",
                                                 "experience_level": "expert",
                                                 "hourly_rate": "10.00"})
    assert response.status_code == 201, response.json
    buyer = registered(market, "İlkay_buys", user_type="buyer", first_name="İlkay")
    response = market.client.simulate_post("/api/buyer-profiles/", headers=buyer.headers,
                                           json={"company_name": "Straße Gallery",
                                                 "address": "Lahore"})
    assert response.status_code == 201, response.json
    for typed in ("émile", "EMILE_R2", "e\u0301mile", "ÉCOLE", "ecole"):
        assert listed(market, "/api/artist-profiles/", typed) == [emile.id], typed
        assert found(market, typed)["artists"] == [emile.id], typed
    for typed in ("İLKAY", "i\u0307lkay", "strasse", "STRAẞE gal"):
        assert listed(market, "/api/buyer-profiles/", typed) == [buyer.id], typed


# -- the migration ---------------------------------------------------------------------------

@pytest.fixture
def empty_database(database_url: str, tmp_path: Any) -> Any:
    """A database of its own: a SQLite file, or a fresh schema in the PostgreSQL database."""
    if database_url.startswith("sqlite"):
        engine = build_engine(f"sqlite:///{tmp_path / 'migration.db'}")
        yield engine
        engine.dispose()
        return
    schema = f"migration_{os.getpid()}"
    admin = build_engine(database_url)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in database_url else "?"
    engine = build_engine(f"{database_url}{separator}options=-csearch_path%3D{schema}")
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def _add_user(connection: Any, username: str, email: str) -> int:
    return connection.execute(text(
        "INSERT INTO users (username, email, password_hash, first_name, last_name, user_type,"
        " created_at, updated_at) VALUES (:u, :e, 'x', 'First', 'Last', 'artist',"
        " '2026-01-01 00:00:00', '2026-01-01 00:00:00') RETURNING id"),
        {"u": username, "e": email}).scalar_one()


def test_the_migration_fills_keys_and_rebuilds_the_index(empty_database: Any) -> None:
    engine = empty_database
    upgrade(engine, "0005")
    with engine.begin() as connection:
        user_id = _add_user(connection, "Émile_r2", "Émile@Example.com")
        connection.execute(text(
            "INSERT INTO categories (name, description, is_active, created_at, updated_at) "
            "VALUES ('Art', '', true, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
        connection.execute(text(
            "INSERT INTO jobs (buyer_id, title, description, category_id, budget_min, "
            "budget_max, duration_days, experience_level, deadline, status, created_at, "
            "updated_at) VALUES (:buyer, :title, 'اُردو', 1, 100, 200, 3, 'expert', "
            "'2026-02-01 00:00:00', 'open', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"),
            {"buyer": user_id, "title": "E\u0301cole"})
    upgrade(engine)
    with engine.connect() as connection:
        keys = connection.execute(text(
            "SELECT username_key, email_key, username_skeleton <> '' FROM users")).one()
        assert tuple(keys) == ("émile_r2", "émile@example.com", True)
        body = connection.execute(text("SELECT body FROM search_documents")).scalar_one()
        assert body == search_text("E\u0301cole", "اُردو") == "ecole اردو"
        if engine.dialect.name == "sqlite":
            match = ("SELECT count(*) FROM search_documents_fts "
                     "WHERE search_documents_fts MATCH :q")
            queries = ['"ecole"', '"اردو"']
        else:
            match = ("SELECT count(*) FROM search_documents "
                     "WHERE document @@ to_tsquery('simple', :q)")
            queries = ["'ecole'", "'اردو'"]
        for query in queries:
            assert connection.execute(text(match), {"q": query}).scalar_one() == 1


def test_the_migration_stops_on_accounts_it_would_merge(empty_database: Any) -> None:
    engine = empty_database
    upgrade(engine, "0005")
    with engine.begin() as connection:
        # Names that lower() keeps apart on both databases, and the canonical form does not.
        first = _add_user(connection, "Straße_r2", "one@example.com")
        second = _add_user(connection, "STRASSE_R2", "two@example.com")
        _add_user(connection, "x1", "ＵＮＡＬ@example.com")
        _add_user(connection, "x2", "unal@example.com")
    with pytest.raises(RuntimeError) as error:
        upgrade(engine)
    message = str(error.value)
    assert f"user {first} ('Straße_r2'), user {second} ('STRASSE_R2')" in message
    assert "e-mail 'unal@example.com'" in message
    assert current_revision(engine) == "0005"
    # Once the operator renames one of each, the migration goes through.
    with engine.begin() as connection:
        connection.execute(text("UPDATE users SET username = 'strasse_r3' WHERE id = :id"),
                           {"id": second})
        connection.execute(text("UPDATE users SET email = 'unal2@example.com' "
                                "WHERE username = 'x2'"))
    upgrade(engine)
    assert current_revision(engine) is not None and current_revision(engine) >= "0006"
