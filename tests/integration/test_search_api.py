"""GET /api/search/: the documented body, matching rules, visibility, an index that follows
every write in the same transaction, hostile queries, and proof that the full-text index (not a
scan) answers."""

from __future__ import annotations

import itertools
import random
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import falcon.testing
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, event, insert, literal_column, select, text, update

import cultureup.adapters.sqlalchemy.catalog.artwork_tables
import cultureup.adapters.sqlalchemy.catalog.tables  # noqa: F401  (their tables join metadata)
from cultureup.adapters.sqlalchemy.catalog.artwork_tables import artworks
from cultureup.adapters.sqlalchemy.catalog.search_queries import SqliteSearchQueries
from cultureup.adapters.sqlalchemy.catalog.search_tables import (
    include_in_autogenerate,
    search_documents,
    search_documents_fts,
)
from cultureup.adapters.sqlalchemy.tables import jobs, metadata, users
from cultureup.application.catalog.search import parse_search_query
from cultureup.bootstrap import Services
from cultureup.domain.text import search_text
from tests.integration.artwork_images import jpeg
from tests.integration.conftest import (
    STRONG_PASSWORD,
    ApiUser,
    Marketplace,
    QueryCounter,
    is_postgres,
)
from tests.integration.test_artworks_api import upload

ENVELOPE_KEYS = {"success", "error", "detail", "details"}
_seeds = itertools.count(500)


# -- building the marketplace through the API ----------------------------------------------

def register(market: Marketplace, username: str, user_type: str, first_name: str = "Test",
             last_name: str = "User") -> ApiUser:
    response = market.client.simulate_post("/api/auth/register/", json={
        "username": username, "email": f"{username}@example.com", "password": STRONG_PASSWORD,
        "password_confirm": STRONG_PASSWORD, "user_type": user_type,
        "first_name": first_name, "last_name": last_name})
    assert response.status_code == 201, response.json
    login = market.client.simulate_post("/api/auth/login/", json={
        "username": username, "password": STRONG_PASSWORD})
    assert login.status_code == 200, login.json
    return ApiUser(id=response.json["id"], username=username, token=login.json["token"],
                   user_type=user_type)


def artist_profile(market: Marketplace, artist: ApiUser, **fields: Any) -> None:
    body = {"bio": "", "skills": "", "experience_level": "expert", "hourly_rate": "150.00",
            **fields}
    response = market.client.simulate_post("/api/artist-profiles/", headers=artist.headers,
                                           json=body)
    assert response.status_code == 201, response.json


def artwork(market: Marketplace, artist: ApiUser, category: int, title: str,
            description: str = "A painting", price: str = "299.99") -> dict[str, Any]:
    response = upload(market, artist, jpeg(next(_seeds)), category_id=category, title=title,
                      description=description, price=price)
    assert response.status_code == 201, response.json
    return response.json["artwork"]


def search(market: Marketplace, q: str) -> dict[str, Any]:
    response = market.client.simulate_get("/api/search/", params={"q": q})
    assert response.status_code == 200, (q, response.status_code, response.text)
    return response.json


def found(market: Marketplace, q: str) -> dict[str, list[Any]]:
    """The ids found in each group."""
    results = search(market, q)["results"]
    return {group: [item["id"] for item in items] for group, items in results.items()}


def refused(response: falcon.testing.Result, field: str = "q") -> dict[str, Any]:
    assert response.status_code == 400, (response.status_code, response.text)
    body = response.json
    assert set(body) == ENVELOPE_KEYS and body["success"] is False, body
    assert field in body["details"], body
    return body


@pytest.fixture
def category(market: Marketplace) -> int:
    return market.category("Digital Art")


@pytest.fixture
def john(market: Marketplace) -> ApiUser:
    artist = register(market, "artist_john", "artist", "John", "Doe")
    artist_profile(market, artist, bio="Brand identities for small companies",
                   skills="Logo Design, Branding, Adobe Illustrator")
    return artist


@pytest.fixture
def sarah(market: Marketplace) -> ApiUser:
    return register(market, "buyer_sarah", "buyer", "Sarah", "Khan")


# -- the documented body -------------------------------------------------------------------

def test_the_search_answers_with_the_documented_body(
        market: Marketplace, category: int, john: ApiUser, sarah: ApiUser) -> None:
    art = artwork(market, john, category, "Modern Logo Design", price="299.99")
    artwork(market, john, category, "Sunset Over Mountains")
    job = market.job(sarah, category, title="Logo Design for Tech Startup",
                     budget_min="500.00", budget_max="1000.00")
    market.job(sarah, category, title="Portrait of my family", description="Oil on canvas")

    response = market.client.simulate_get("/api/search/?q=logo%20design")
    assert response.status_code == 200
    assert response.json == {
        "query": "logo design",
        "results": {
            "artworks": [{"id": art["id"], "title": "Modern Logo Design",
                          "artist_name": "artist_john", "price": "299.99",
                          "image": art["s3_watermarked_url"]}],
            "jobs": [{"id": job["id"], "title": "Logo Design for Tech Startup",
                      "buyer_name": "buyer_sarah", "budget_min": "500.00",
                      "budget_max": "1000.00", "status": "open"}],
            "artists": [{"id": john.id, "username": "artist_john", "full_name": "John Doe",
                         "skills": "Logo Design, Branding, Adobe Illustrator",
                         "rating": 0.0}],
        },
        "total_results": 3,
    }
    image = response.json["results"]["artworks"][0]["image"]
    assert image.startswith("http://") and "original" not in image
    assert market.client.simulate_get("/api/search?q=logo").status_code == 200


def test_nothing_found_is_an_empty_200(market: Marketplace, john: ApiUser) -> None:
    assert search(market, "zebra") == {
        "query": "zebra", "results": {"artworks": [], "jobs": [], "artists": []},
        "total_results": 0}


# -- matching ------------------------------------------------------------------------------

def test_matching_ignores_case_and_takes_the_last_word_as_a_prefix(
        market: Marketplace, category: int, john: ApiUser) -> None:
    art = artwork(market, john, category, "Modern Logo Design")
    for q in ("logo design", "LOGO DESIGN", "Logo Des", "logo d", "modern", "MODERN LOGO",
              "desig", "design modern"):
        assert found(market, q)["artworks"] == [art["id"]], q
    for q in ("ogo", "esign", "logos", "design logotype", "des logo", "modern sunset"):
        assert found(market, q)["artworks"] == [], q


def test_each_group_is_found_by_its_own_fields(
        market: Marketplace, category: int, sarah: ApiUser) -> None:
    artist = register(market, "zara_sculpts", "artist", "Zainab", "Qureshi")
    artist_profile(market, artist, bio="Terracotta and bronze figures",
                   skills="Sculpture, Ceramics")
    art = artwork(market, artist, category, "Quiet Harbour",
                  description="Fishing boats at dawn in Gwadar")
    job = market.job(sarah, category, title="Mural for a cafe",
                     description="A wall of calligraphy in the reading room")

    assert found(market, "harbour")["artworks"] == [art["id"]]
    assert found(market, "gwadar")["artworks"] == [art["id"]]
    assert found(market, "mural")["jobs"] == [job["id"]]
    assert found(market, "calligraphy")["jobs"] == [job["id"]]
    for q in ("zara_sculpts", "zara", "sculpts", "zainab", "qureshi", "terracotta", "ceramics",
              "Zainab Qureshi"):
        assert found(market, q)["artists"] == [artist.id], q
    # The buyer's name finds no job, the artist's name no artwork: only the fields listed.
    assert found(market, "sarah") == {"artworks": [], "jobs": [], "artists": []}
    assert found(market, "zainab")["artworks"] == []


def test_accents_and_other_scripts_are_words_too(
        market: Marketplace, category: int, john: ApiUser) -> None:
    french = artwork(market, john, category, "École de Lahore")
    urdu = artwork(market, john, category, "خطاطی کا شاہکار")
    assert found(market, "école")["artworks"] == [french["id"]]
    assert found(market, "ÉCOLE")["artworks"] == [french["id"]]
    assert found(market, "خطاطی")["artworks"] == [urdu["id"]]
    assert found(market, "شاہ")["artworks"] == [urdu["id"]]


def test_operators_and_punctuation_are_not_query_syntax(
        market: Marketplace, category: int, john: ApiUser) -> None:
    art = artwork(market, john, category, "Modern Logo Design")
    for q in ('"logo design"', "logo AND design", "logo OR design", "NOT logo",
              "NEAR(logo design)", "logo* design*", "+logo -design", "(logo) (design)",
              "logo: design", "{logo}", "logo & design", "logo | design", "logo:*",
              "^logo", "logo-design", "logo,design!", "'logo'"):
        assert found(market, q)["artworks"] == [art["id"]], q


def test_hostile_queries_never_fail(market: Marketplace, category: int, john: ApiUser) -> None:
    artwork(market, john, category, "Modern Logo Design")
    hostile = ['"', '""', "'", "''", '"logo', "logo\"", "*", "**", "^", "-", "+", "(", ")",
               "()", "NEAR", "NEAR(", "AND", "OR NOT", "logo NEAR/3 design", ":", "::", ":*",
               "!", "&", "|", "<->", "<2>", "\\", "\\'", "%", "_", "%_%", ";", "--",
               "'; DROP TABLE artworks; --", "logo' OR '1'='1", "{", "}", "[", "]",
               "💥", "🎨 logo", "\u0301", "\u200b", "\ufeff", "\ue000", "ﷺ", "ﬁ", "Ⅻ",
               "a" * 200, "a " * 100, "x" * 199 + "*", "日本語のロゴ",
               "\U0001d529\U0001d52c\U0001d524\U0001d52c", "\t\nlogo\r\n", "logo\x01design", "\x7f"]
    for q in hostile:
        response = market.client.simulate_get("/api/search/", params={"q": q})
        assert response.status_code == 200, (q, response.status_code, response.text)
        assert response.json["query"] == q
    # Raw bytes that are not UTF-8, or encode a lone surrogate.
    for raw in ("q=%FF", "q=%ED%A0%80", "q=%C0%AF", "q=logo%F0%9F", "q=%22%00"):
        response = market.client.simulate_get("/api/search/", query_string=raw)
        assert response.status_code in (200, 400), (raw, response.status_code)
    assert artwork_count(market.services.engine) == 1


def artwork_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM artworks")).scalar_one()


def test_q_is_required_and_bounded(market: Marketplace) -> None:
    refused(market.client.simulate_get("/api/search/"))
    for raw in ("q=", "q=%20%20", "q=%09", "q=logo%00design", "q=" + "a" * 201):
        refused(market.client.simulate_get("/api/search/", query_string=raw))
    body = refused(market.client.simulate_get("/api/search/"))
    assert body["details"]["q"] == ["This field is required."]
    assert market.client.simulate_get("/api/search/", params={"q": "a" * 200}).status_code == 200
    assert market.client.simulate_post("/api/search/", json={"q": "x"}).status_code == 405


def test_a_query_without_words_matches_nothing_and_costs_no_query(
        market: Marketplace, count_queries: QueryCounter) -> None:
    count_queries.count = 0
    assert search(market, "*** !!!")["total_results"] == 0
    assert search(market, "AND OR NOT")["total_results"] == 0
    assert count_queries.count == 0


# -- groups, caps and totals ---------------------------------------------------------------

def test_each_group_shows_ten_and_the_total_counts_every_match(
        market: Marketplace, category: int, john: ApiUser, sarah: ApiUser) -> None:
    posted = [market.job(sarah, category, title=f"Poster design {n}")["id"] for n in range(12)]
    art = artwork(market, john, category, "Poster for a concert")
    body = search(market, "poster")
    assert len(body["results"]["jobs"]) == 10
    # Equally relevant, so the newest come first.
    assert [job["id"] for job in body["results"]["jobs"]] == sorted(posted, reverse=True)[:10]
    assert [item["id"] for item in body["results"]["artworks"]] == [art["id"]]
    assert body["total_results"] == 13


def test_the_best_match_comes_first(market: Marketplace, category: int, sarah: ApiUser
                                    ) -> None:
    weak = market.job(sarah, category, title="Wedding card",
                      description="Some calligraphy on the envelope, and a lot of other "
                      "work besides: printing, folding, packing and delivery.")
    strong = market.job(sarah, category, title="Calligraphy calligraphy",
                        description="Calligraphy.")
    assert found(market, "calligraphy")["jobs"] == [strong["id"], weak["id"]]


def test_one_query_per_group_whatever_the_number_of_matches(
        market: Marketplace, category: int, john: ApiUser, sarah: ApiUser) -> None:
    for n in range(4):
        market.job(sarah, category, title=f"Logo job {n}")
        artwork(market, john, category, f"Logo art {n}")
        other = register(market, f"logo_artist_{n}", "artist")
        artist_profile(market, other, skills="Logo")
    statements = _statements(market.services.engine, lambda: search(market, "logo"))
    assert [len(search(market, "logo")["results"][group]) for group in
            ("artworks", "jobs", "artists")] == [4, 4, 5]
    # One more per search: on SQLite the lookup that expands the last word to its terms (and,
    # the first time a word is seen, its document frequency), on PostgreSQL the probe of each
    # kind's newest documents.
    postgres = is_postgres(market.services)
    prepared = [sql for sql, _ in statements if ("recent_artwork" if postgres else
                                                 "search_documents_terms") in sql]
    weights = [sql for sql, _ in statements if "search_documents_vocab" in sql]
    assert len(prepared) == 1
    assert len(weights) == (0 if postgres else 1)
    assert len(statements) - len(prepared) - len(weights) == 3
    # A frequency is kept: the next search of the word reads none.
    again = _statements(market.services.engine, lambda: search(market, "logo"))
    assert not any("search_documents_vocab" in sql for sql, _ in again)


# -- visibility ----------------------------------------------------------------------------

def test_rejected_artworks_are_not_found(market: Marketplace, category: int,
                                         john: ApiUser) -> None:
    kept = artwork(market, john, category, "Calligraphy in gold")
    hidden = artwork(market, john, category, "Calligraphy in silver")
    with market.services.engine.begin() as connection:
        connection.execute(update(artworks).where(artworks.c.id == hidden["id"])
                           .values(moderation_status="REJECTED"))
    body = search(market, "calligraphy")
    assert [item["id"] for item in body["results"]["artworks"]] == [kept["id"]]
    assert body["total_results"] == 1


def test_artists_need_a_profile_and_an_active_account(market: Marketplace) -> None:
    without_profile = register(market, "nadia_paints", "artist", "Nadia", "Malik")
    with_profile = register(market, "omar_paints", "artist", "Omar", "Malik")
    artist_profile(market, with_profile, skills="Watercolour")
    assert found(market, "malik")["artists"] == [with_profile.id]
    assert without_profile.id not in found(market, "nadia")["artists"]
    with market.services.engine.begin() as connection:
        connection.execute(update(users).where(users.c.id == with_profile.id)
                           .values(is_active=False))
    assert found(market, "malik")["artists"] == []


def test_jobs_of_every_status_are_found(market: Marketplace, category: int,
                                        sarah: ApiUser) -> None:
    job = market.job(sarah, category, title="Album cover")
    cancelled = market.client.simulate_post(f"/api/jobs/{job['id']}/cancel/",
                                            headers=sarah.headers)
    assert cancelled.status_code == 200, cancelled.json
    assert search(market, "album")["results"]["jobs"][0]["status"] == "cancelled"


# -- the index follows every change ---------------------------------------------------------

def test_an_edited_artwork_is_found_by_its_new_words_only(
        market: Marketplace, category: int, john: ApiUser) -> None:
    art = artwork(market, john, category, "Sunset Over Mountains",
                  description="Warm colours over the Karakoram")
    response = market.client.simulate_patch(
        f"/api/artworks/{art['id']}/", headers=john.headers,
        json={"title": "Moonrise Over Lakes", "description": "Cold light on Saiful Muluk"})
    assert response.status_code == 200, response.json
    for q in ("moonrise", "lakes", "saiful muluk"):
        assert found(market, q)["artworks"] == [art["id"]], q
    for q in ("sunset", "mountains", "karakoram"):
        assert found(market, q)["artworks"] == [], q
    assert search(market, "moonrise")["results"]["artworks"][0]["title"] == \
        "Moonrise Over Lakes"


def test_an_edited_job_profile_and_name_are_found_by_their_new_words_only(
        market: Marketplace, category: int, john: ApiUser, sarah: ApiUser) -> None:
    job = market.job(sarah, category, title="Logo for a bakery")
    response = market.client.simulate_patch(f"/api/jobs/{job['id']}/", headers=sarah.headers,
                                            json={"title": "Menu for a tea house"})
    assert response.status_code == 200, response.json
    assert found(market, "menu tea")["jobs"] == [job["id"]]
    assert found(market, "bakery")["jobs"] == []

    response = market.client.simulate_patch(f"/api/artist-profiles/{john.id}/",
                                            headers=john.headers,
                                            json={"skills": "Miniature painting"})
    assert response.status_code == 200, response.json
    assert found(market, "miniature")["artists"] == [john.id]
    assert found(market, "illustrator")["artists"] == []
    assert found(market, "brand identities")["artists"] == [john.id]  # bio untouched

    response = market.client.simulate_patch("/api/auth/profile/", headers=john.headers,
                                            json={"first_name": "Jahangir"})
    assert response.status_code == 200, response.json
    assert found(market, "jahangir")["artists"] == [john.id]
    assert search(market, "jahangir")["results"]["artists"][0]["full_name"] == "Jahangir Doe"
    assert found(market, "john doe")["artists"] == [john.id]  # still in the username
    assert found(market, "miniature")["artists"] == [john.id]


def test_deleted_things_disappear(market: Marketplace, category: int, john: ApiUser,
                                  sarah: ApiUser) -> None:
    art = artwork(market, john, category, "Truck art panel")
    job = market.job(sarah, category, title="Truck art for a rickshaw")
    assert found(market, "truck") == {"artworks": [art["id"]], "jobs": [job["id"]],
                                      "artists": []}
    assert market.client.simulate_delete(f"/api/artworks/{art['id']}/",
                                         headers=john.headers).status_code == 204
    assert market.client.simulate_delete(f"/api/jobs/{job['id']}/",
                                         headers=sarah.headers).status_code == 204
    assert market.client.simulate_delete(f"/api/artist-profiles/{john.id}/",
                                         headers=john.headers).status_code == 204
    assert search(market, "truck")["total_results"] == 0
    assert found(market, "john")["artists"] == []


def test_writes_outside_the_application_keep_the_index_right(
        market: Marketplace, category: int, sarah: ApiUser) -> None:
    """The index follows the folded `search_text` columns, whoever writes them; folding is
    Python's, so a write by hand sets them with cultureup.domain.text.search_text."""
    job = market.job(sarah, category, title="Ceiling fresco")
    with market.services.engine.begin() as connection:
        connection.execute(update(jobs).where(jobs.c.id == job["id"]).values(
            title="Floor mosaic", search_text=search_text("Floor mosaic", job["description"])))
    assert found(market, "mosaic")["jobs"] == [job["id"]]
    assert found(market, "fresco")["jobs"] == []
    # A write that leaves the words alone (a login, a view count) does not touch the index.
    market.client.simulate_get(f"/api/jobs/{job['id']}/")
    assert found(market, "mosaic")["jobs"] == [job["id"]]
    # Deleting a user deletes the profile (ON DELETE CASCADE), and the profile its document.
    artist = register(market, "laila_draws", "artist", "Laila", "Sheikh")
    artist_profile(market, artist, skills="Charcoal")
    assert found(market, "charcoal")["artists"] == [artist.id]
    with market.services.engine.begin() as connection:
        connection.execute(text("DELETE FROM auth_tokens WHERE user_id = :id"),
                           {"id": artist.id})
        connection.execute(text("DELETE FROM users WHERE id = :id"), {"id": artist.id})
    assert search(market, "charcoal")["total_results"] == 0
    with market.services.engine.connect() as connection:
        assert connection.execute(text(
            "SELECT count(*) FROM search_documents WHERE kind = 'artist' AND ref_id = :id"),
            {"id": artist.id}).scalar_one() == 0


def _someone_waits_for_an_advisory_lock(engine: Engine) -> bool:
    for _ in range(1000):
        # A new transaction each time: statistics views keep one snapshot per transaction.
        with engine.connect() as watcher:
            if watcher.execute(text("SELECT count(*) FROM pg_stat_activity "
                                    "WHERE wait_event = 'advisory' "
                                    "AND datname = current_database()")).scalar_one():
                return True
        time.sleep(0.01)
    return False


def test_concurrent_changes_to_one_artist_keep_both(market: Marketplace,
                                                    john: ApiUser) -> None:
    """A rename and a profile edit of one artist in two transactions at once: the second
    waits for the first (an advisory lock in the triggers), then builds the document from
    what the first committed, so neither change is lost."""
    if not is_postgres(market.services):
        pytest.skip("SQLite writers never overlap: BEGIN IMMEDIATE takes the database lock")
    engine = market.services.engine
    rename = engine.connect()
    rename.begin()
    rename.execute(update(users).where(users.c.id == john.id).values(
        first_name="Jahangir", search_text=search_text(john.username, "Jahangir", "Doe")))

    def edit_profile() -> None:
        with engine.begin() as connection:
            connection.execute(text("UPDATE artist_profiles SET bio = 'Miniatures', "
                                    "search_text = 'miniatures' WHERE user_id = :id"),
                               {"id": john.id})

    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            edited = pool.submit(edit_profile)
            assert _someone_waits_for_an_advisory_lock(engine), \
                "the profile edit did not wait for the rename"
            rename.commit()
        finally:
            rename.close()  # rolls back when the assertion failed, releasing the edit
        edited.result(timeout=30)
    assert found(market, "jahangir miniatures")["artists"] == [john.id]


def test_the_index_holds_exactly_what_the_tables_say(
        market: Marketplace, category: int, john: ApiUser, sarah: ApiUser) -> None:
    art = artwork(market, john, category, "Blue pottery")
    artwork(market, john, category, "Camel skin lamp")
    job = market.job(sarah, category, title="Blue tiles")
    market.client.simulate_patch(f"/api/artworks/{art['id']}/", headers=john.headers,
                                 json={"description": "From Multan"})
    market.client.simulate_patch(f"/api/jobs/{job['id']}/", headers=sarah.headers,
                                 json={"description": "For a mosque in Lahore"})
    other = register(market, "hina_glazes", "artist", "Hina", "Baig")
    artist_profile(market, other, bio="Glazes", skills="Pottery")
    market.client.simulate_patch("/api/auth/profile/", headers=other.headers,
                                 json={"last_name": "Mirza"})
    engine = market.services.engine
    with engine.connect() as connection:
        stored = set(connection.execute(text(
            "SELECT kind, ref_id, body FROM search_documents")).all())
        # The body is the source text folded in Python, whichever database holds it.
        sources = connection.execute(text(
            "SELECT 'artwork', id, title, description, '', '', '' FROM artworks "
            "UNION ALL SELECT 'job', id, title, description, '', '', '' FROM jobs "
            "UNION ALL SELECT 'artist', p.user_id, u.username, u.first_name, u.last_name, "
            "p.bio, p.skills FROM artist_profiles p JOIN users u ON u.id = p.user_id")).all()
        expected = set()
        for kind, ref_id, *parts in sources:
            if kind == "artist":
                body = search_text(*parts[:3]) + " " + search_text(*parts[3:])
            else:
                body = search_text(*parts)
            expected.add((kind, ref_id, body))
        if engine.dialect.name == "sqlite":
            # FTS5 checks its index against the content table, and raises when they differ.
            connection.execute(text("INSERT INTO search_documents_fts(search_documents_fts) "
                                    "VALUES ('integrity-check')"))
    assert stored == expected
    assert len(stored) == 5


# -- the schema -----------------------------------------------------------------------------

TRIGGERS = {"search_artworks_ai", "search_artworks_au", "search_artworks_ad",
            "search_jobs_ai", "search_jobs_au", "search_jobs_ad",
            "search_artist_profiles_ai", "search_artist_profiles_au",
            "search_artist_profiles_ad", "search_users_au"}


def test_every_search_trigger_exists(services: Services) -> None:
    """SQLite drops a table's triggers with the table: a later migration that rebuilds one of
    these tables in batch mode must create them again, or this fails."""
    expected = set(TRIGGERS)
    with services.engine.connect() as connection:
        if is_postgres(services):
            names = set(connection.execute(text(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).scalars())
        else:
            names = set(connection.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
            expected |= {"search_documents_ai", "search_documents_ad", "search_documents_au"}
    assert names >= expected


def test_autogenerate_finds_nothing_to_change(services: Services) -> None:
    """The search tables live outside `metadata`; autogenerate must leave them alone (and the
    rest of the schema must match the migrations)."""
    with services.engine.connect() as connection, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLite cannot reflect the expression indexes
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_name": include_in_autogenerate})
        assert compare_metadata(context, metadata) == []


# -- the index answers, not a scan -----------------------------------------------------------

def _statements(engine: Engine, run: Any) -> list[tuple[str, Any]]:
    captured: list[tuple[str, Any]] = []

    def remember(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.split(maxsplit=1)[0].upper() not in {"BEGIN", "COMMIT", "ROLLBACK"}:
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    return captured


def _fill_postgres(engine: Engine, category: int, artist_id: int, buyer_id: int) -> None:
    """Enough rows of each kind that the planner's choice is the one it makes in production,
    with statistics, as autovacuum keeps them. The text is ASCII, so the folded columns are
    its lower case."""
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO jobs (buyer_id, title, description, category_id, budget_min, "
            "budget_max, duration_days, experience_level, deadline, status, created_at, "
            "updated_at, search_text) SELECT :buyer, 'Filler job ' || g, md5(g::text), "
            ":category, 100, 200, 3, 'expert', now(), 'open', now(), now(), "
            "'filler job ' || g || ' ' || md5(g::text) FROM generate_series(1, 1500) g"),
            {"buyer": buyer_id, "category": category})
        connection.execute(text(
            "INSERT INTO artworks (artist_id, title, description, category_id, artwork_type, "
            "price, image_key, watermarked_key, created_at, updated_at, search_text) SELECT "
            ":artist, 'Filler art ' || g, md5(g::text), :category, 'digital', 100, 'k', 'w', "
            "now(), now(), 'filler art ' || g || ' ' || md5(g::text) "
            "FROM generate_series(1, 1500) g"),
            {"artist": artist_id, "category": category})
        connection.execute(text(
            "INSERT INTO users (username, email, password_hash, first_name, last_name, "
            "user_type, created_at, updated_at, username_key, email_key, username_skeleton, "
            "search_text) SELECT 'filler' || g, 'filler' || g || '@example.com', 'x', 'F', "
            "'G', 'artist', now(), now(), 'filler' || g, 'filler' || g || '@example.com', "
            "'filler' || g, 'filler' || g || ' f g' FROM generate_series(1, 1500) g"))
        connection.execute(text(
            "INSERT INTO artist_profiles (user_id, bio, skills, experience_level, hourly_rate, "
            "created_at, updated_at, search_text) SELECT id, md5(id::text), 'Filler', "
            "'expert', 100, now(), now(), md5(id::text) || ' filler' "
            "FROM users WHERE username LIKE 'filler%'"))
        connection.execute(text("ANALYZE"))


def test_the_full_text_index_answers_every_group(
        market: Marketplace, category: int, john: ApiUser, sarah: ApiUser) -> None:
    artwork(market, john, category, "Modern Logo Design")
    market.job(sarah, category, title="Logo Design for Tech Startup")
    engine = market.services.engine
    if is_postgres(market.services):
        _fill_postgres(engine, category, john.id, sarah.id)
    statements = [(sql, parameters) for sql, parameters in
                  _statements(engine, lambda: search(market, "logo des"))
                  if "search_documents_vocab" not in sql and "recent_artwork" not in sql
                  and "search_documents_terms" not in sql]
    assert len(statements) == 3
    with engine.connect() as connection:
        for (statement, parameters), kind in zip(statements, ("artwork", "job", "artist"),
                                                 strict=True):
            if is_postgres(market.services):
                connection.exec_driver_sql("SET enable_seqscan = off")
                plan = "\n".join(row[0] for row in connection.exec_driver_sql(
                    "EXPLAIN " + statement, parameters))
                # The GIN index of the kind finds the matches; or the kind's own documents
                # are read through the index of its ids (newest first for a word common in
                # them; on these tiny tables also whole), never the other kinds' documents.
                assert (f"Bitmap Index Scan on ix_search_documents_{kind}" in plan
                        or f"using ix_search_documents_{kind}_id" in plan), plan
                assert "Seq Scan" not in plan, plan
                assert "search_documents_pkey" not in plan, plan
            else:
                steps = [row[-1] for row in connection.exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + statement, parameters)]
                plan = "\n".join(steps)
                # FTS5 answers MATCH from its index (an "M" in the index string), newest
                # first from the index itself (192: ORDER BY rowid DESC consumed, no sort of
                # the matches), and drives the join; every table row is then reached by its
                # primary key. Only the bounded candidates and the page are sorted.
                tables = [step for step in steps if step.startswith(("SCAN ", "SEARCH "))
                          and step not in ("SCAN candidates", "SCAN top")
                          and not step.startswith("SCAN (sub")]
                assert tables[0].startswith(
                    "SCAN search_documents_fts VIRTUAL TABLE INDEX 192:M"), plan
                assert [step for step in tables[1:] if step.startswith("SCAN ")] == [], plan
                assert "SEARCH search_documents USING INTEGER PRIMARY KEY" in plan, plan
                candidates = steps[steps.index("CO-ROUTINE candidates"):
                                   steps.index("SCAN candidates")]
                assert not [step for step in candidates if "TEMP B-TREE" in step], plan
        connection.rollback()
    assert [len(items) for items in search(market, "logo des")["results"].values()] == [1, 1, 1]


def test_postgresql_walks_the_kind_for_a_common_word_and_reads_gin_for_a_rare_one(
        market: Marketplace, category: int, john: ApiUser) -> None:
    """The probe of each kind's newest documents decides, from the data, how a group reads
    its newest matches: a word in most of them by walking the kind's ids newest first, a
    word in none of them through the GIN index (a walk would read every document)."""
    if not is_postgres(market.services):
        pytest.skip("PostgreSQL's plans")
    engine = market.services.engine
    artwork(market, john, category, "Sunset over the hills")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO artworks (artist_id, title, description, category_id, artwork_type, "
            "price, image_key, watermarked_key, moderation_status, created_at, updated_at, "
            "search_text) SELECT :artist, 'Sunset ' || g, 'sunset', :category, 'digital', "
            "100, 'k', 'w', 'APPROVED', now(), now(), 'sunset ' || g "
            "FROM generate_series(1, 600) g"), {"artist": john.id, "category": category})
        connection.execute(text("ANALYZE"))
    for word, walked in (("sunset", True), ("hills", False)):
        statements = _statements(engine, lambda word=word: search(market, word))
        candidates = next(sql for sql, _ in statements
                          if "kind_1" in sql and "candidates" in sql)
        parameters = next(p for sql, p in statements if sql == candidates)
        # The ordering says which read is possible: by id (the walk), or by `id + 0`.
        assert ("search_documents.id + " not in candidates) == walked, candidates
        with engine.connect() as connection:
            # On 600 rows a scan and a sort would rightly win; what is checked is the shape.
            connection.exec_driver_sql("SET enable_seqscan = off")
            connection.exec_driver_sql("SET enable_sort = off")
            plan = "\n".join(row[0] for row in connection.exec_driver_sql(
                "EXPLAIN " + candidates, parameters))
            connection.rollback()
        walk = "Index Scan Backward using ix_search_documents_artwork_id" in plan
        assert walk == walked, plan
        assert "search_documents_pkey" not in plan, plan
        if not walked:
            assert "Bitmap Index Scan on ix_search_documents_artwork" in plan, plan
    assert search(market, "hills")["results"]["artworks"][0]["title"] == "Sunset over the hills"


@pytest.mark.parametrize(("path", "kind", "table"), [
    ("/api/jobs/", "job", "jobs"), ("/api/artworks/", "artwork", "artworks"),
    ("/api/artist-profiles/", "artist", "artist_profiles"),
])
def test_list_filters_search_through_the_full_text_index(
        market: Marketplace, category: int, john: ApiUser, sarah: ApiUser, path: str,
        kind: str, table: str) -> None:
    """`search` on a list finds the matching ids in the kind's full-text index and reaches
    the rows by primary key, for the page and for its count: no scan of the table that tests
    each document."""
    artwork(market, john, category, "Modern Logo Design")
    market.job(sarah, category, title="Logo Design for Tech Startup")
    engine = market.services.engine
    if is_postgres(market.services):
        _fill_postgres(engine, category, john.id, sarah.id)

    def listed() -> None:
        response = market.client.simulate_get(path, params={"search": "LOGO des"})
        assert response.status_code == 200 and response.json["count"] == 1, response.text

    statements = [(statement, parameters) for statement, parameters in _statements(
        engine, listed) if "search_documents" in statement]
    assert len(statements) == 2  # the page and its count
    with engine.connect() as connection:
        for statement, parameters in statements:
            if is_postgres(market.services):
                connection.exec_driver_sql("SET enable_seqscan = off")
                plan = "\n".join(row[0] for row in connection.exec_driver_sql(
                    "EXPLAIN " + statement, parameters))
                # The kind's GIN index, or (on these tiny tables) the index of the kind's
                # ids: the kind's documents alone, never the whole table.
                assert (f"Bitmap Index Scan on ix_search_documents_{kind}" in plan
                        or f"using ix_search_documents_{kind}_id" in plan), plan
                assert "search_documents_pkey" not in plan, plan
            else:
                plan = "\n".join(row[-1] for row in connection.exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + statement, parameters))
                assert "SCAN search_documents_fts VIRTUAL TABLE INDEX 0:M" in plan, plan
                assert f"SCAN {table}\n" not in plan + "\n", plan
        connection.rollback()


def test_sqlite_scores_a_candidate_as_fts5s_own_bm25_would(services: Services) -> None:
    """The BM25 computed in SQL from each candidate's text (`_Bm25`, so that a common word's
    documents are not counted over the whole index per search) gives FTS5's own bm25() score,
    document by document, for words that are no prefix of another indexed word."""
    if is_postgres(services.engine):
        pytest.skip("FTS5's bm25() is SQLite's")
    engine = services.engine
    words = ["lahore", "mughal", "karachi", "zebra", "tile"]
    rng = random.Random(9)
    with engine.begin() as connection:
        for ref_id in range(1, 61):
            body = " ".join(rng.choice(words) for _ in range(rng.randint(1, 14)))
            connection.execute(insert(search_documents).values(
                kind=rng.choice(["artwork", "job"]), ref_id=ref_id, body=body))
    queries = SqliteSearchQueries(engine, str)
    fts = search_documents_fts
    for text_ in ("lahore", "mughal lahore", "zebra tile karachi", "tile tile", "karachi"):
        terms = parse_search_query(text_)
        assert terms is not None
        with engine.connect() as connection:
            prepared = queries._prepare(connection, terms)
            score = prepared.score(search_documents.c.body)
            match = f'kind : "artwork" AND body : ({prepared.query})'
            candidates = (select(search_documents.c.id, *score.parts)
                          .select_from(fts.join(search_documents,
                                                search_documents.c.id == fts.c.rowid))
                          .where(literal_column("search_documents_fts").match(match))
                          .subquery())
            ours = dict(connection.execute(
                select(candidates.c.id, score.total(candidates.c)),
                prepared.parameters()).all())
            theirs = dict(connection.execute(text(
                "SELECT rowid, bm25(search_documents_fts, 0.0, 1.0) FROM search_documents_fts "
                "WHERE search_documents_fts MATCH :match"), {"match": match}).all())
        assert ours.keys() == theirs.keys() and ours, text_
        for document, expected in theirs.items():
            assert ours[document] == pytest.approx(expected, rel=1e-9), (text_, document)
