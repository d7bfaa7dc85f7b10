"""No answer shows a user's e-mail, phone number or address to anyone but that user (and
staff who hold Permission.VIEW_USERS): every GET route of the app, the admin and moderation
ones included, is walked as an anonymous caller, as a stranger (another buyer) and as a content
moderator (staff without VIEW_USERS), and each body is searched for the other users' personal
data."""

from __future__ import annotations

import falcon.testing

from tests.integration.admin_support import staff_account
from tests.integration.conftest import Marketplace
from tests.integration.route_walk import fill, populate, routes

# Required query parameters, so that the routes that need one answer with data.
QUERIES = {"/api/search": "q=Test"}


def test_no_get_route_shows_another_users_personal_data(
        client: falcon.testing.TestClient, market: Marketplace) -> None:
    place = populate(market)
    moderator = staff_account(market, "content_moderator")
    callers = {"anonymous": (None, {}), "stranger": (place.stranger.id,
                                                     place.stranger.headers),
               "content_moderator": (moderator.id, moderator.headers)}
    moderator_answered = 0
    answered = 0
    for method, template in routes(client.app):
        if method != "GET" or template.startswith("/api/docs/assets"):
            continue
        for path in fill(template, place.ids):
            query = QUERIES.get(path.rstrip("/"), "")
            for name, (caller_id, headers) in callers.items():
                response = client.simulate_get(path, headers=headers, query_string=query)
                assert response.status_code < 500, (path, response.text)
                answered += response.status_code == 200
                moderator_answered += (name == "content_moderator"
                                       and template.startswith("/api/admin/")
                                       and response.status_code == 200)
                for owner, secrets in place.secrets.items():
                    if owner == caller_id:
                        continue
                    for secret in secrets:
                        assert secret.encode() not in response.content, (name, path, secret)
    # The walk saw the data it guards: the records exist and their owners see them.
    assert answered >= 30
    # The moderator was answered by the admin lists and details its role may read.
    assert moderator_answered >= 5
    artworks = client.simulate_get("/api/admin/artworks/", headers=moderator.headers)
    assert artworks.status_code == 200 and artworks.json["results"], artworks.text
    own = client.simulate_get(f"/api/buyer-profiles/{place.buyer.id}/",
                              headers=place.buyer.headers).text
    assert all(secret in client.simulate_get("/api/auth/profile/",
                                             headers=place.buyer.headers).text + own
               for secret in place.secrets[place.buyer.id])
    listed = client.simulate_get("/api/jobs/").json["results"]
    assert listed and listed[0]["buyer"]["username"] == place.buyer.username
