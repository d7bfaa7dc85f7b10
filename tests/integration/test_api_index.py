"""GET /api/: the index of the API."""

from __future__ import annotations

import falcon.testing

from tests.integration.assertions import assert_error


def test_the_index_names_the_api_and_links_to_its_documents(
        client: falcon.testing.TestClient) -> None:
    document = client.simulate_get("/api/openapi.json").json
    for path in ("/api/", "/api"):
        response = client.simulate_get(path, headers={"Host": "localhost:8000"})
        assert response.status_code == 200, response.text
        index = response.json
        assert (index["name"], index["version"]) == (document["info"]["title"],
                                                     document["info"]["version"])
        assert index["links"] == {"docs": "http://localhost:8000/api/docs/",
                                  "openapi": "http://localhost:8000/api/openapi.json",
                                  "health": "http://localhost:8000/api/health/"}
    for url in [*index["links"].values(), *index["endpoints"].values()]:
        assert url.startswith("http://localhost:8000/api/"), url
        followed = client.simulate_get(url.removeprefix("http://localhost:8000"),
                                       headers={"Host": "localhost:8000"})
        # Every link leads to a served route (some take only POST, a token or a query).
        assert followed.status_code in (200, 400, 401, 405), (url, followed.status_code)
    assert "/api/" in document["paths"]
    assert document["paths"]["/api/"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"] == {"$ref": "#/components/schemas/ApiIndex"}
    assert set(document["components"]["schemas"]["ApiIndex"]["required"]) == set(index)


def test_the_index_refuses_foreign_hosts(client: falcon.testing.TestClient) -> None:
    assert_error(client.simulate_get("/api/", headers={"Host": "evil.example"}), 400)
