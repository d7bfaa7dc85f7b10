"""/api/notifications/: listing, seeing and marking the caller's own notifications."""

from __future__ import annotations

from tests.integration.assertions import assert_error
from tests.integration.conftest import Marketplace


def test_owner_lists_filters_marks_and_counts_notifications(market: Marketplace) -> None:
    client = market.client
    buyer, artist, stranger = market.user("buyer"), market.user("artist"), market.user("buyer")
    job = market.job(buyer)
    market.bid(artist, job["id"])
    second = market.job(buyer)
    market.bid(artist, second["id"])

    listing = client.simulate_get("/api/notifications/?ordering=-created_at",
                                  headers=buyer.headers)
    assert listing.status_code == 200, listing.text
    assert listing.json["count"] == 2
    first = listing.json["results"][0]
    assert set(first) == {"id", "notification_type", "title", "message", "is_read",
                          "created_at"}
    assert first["notification_type"] == "new_bid" and first["is_read"] is False
    assert client.simulate_get("/api/notifications/unread-count/",
                               headers=buyer.headers).json == {"unread_count": 2}

    nid = first["id"]
    # Another user's notification does not exist for them, and marking it changes nothing.
    assert_error(client.simulate_get(f"/api/notifications/{nid}/", headers=stranger.headers),
                 404)
    assert_error(client.simulate_post(f"/api/notifications/{nid}/mark-read/",
                                      headers=stranger.headers), 404)
    assert client.simulate_get("/api/notifications/", headers=stranger.headers).json[
        "count"] == 0
    assert_error(client.simulate_get("/api/notifications/"), 401)

    marked = client.simulate_post(f"/api/notifications/{nid}/mark-read/",
                                  headers=buyer.headers)
    assert marked.status_code == 200, marked.text
    assert marked.json == {"message": "Notification marked as read", "notification_id": nid,
                           "is_read": True}
    assert client.simulate_get(f"/api/notifications/{nid}/",
                               headers=buyer.headers).json["is_read"] is True
    unread = client.simulate_get("/api/notifications/?is_read=false", headers=buyer.headers)
    assert [item["id"] for item in unread.json["results"]] != [nid]
    assert unread.json["count"] == 1
    assert client.simulate_get("/api/notifications/?notification_type=new_message",
                               headers=buyer.headers).json["count"] == 0

    everything = client.simulate_post("/api/notifications/mark-all-read/",
                                      headers=buyer.headers)
    assert everything.json == {"message": "All notifications marked as read", "count": 1}
    assert client.simulate_get("/api/notifications/unread-count/",
                               headers=buyer.headers).json == {"unread_count": 0}


def test_bad_filters_are_400_in_the_envelope(market: Marketplace) -> None:
    buyer = market.user("buyer")
    for query in ("notification_type=nope", "is_read=maybe", "ordering=title",
                  "page=0"):
        response = market.client.simulate_get(f"/api/notifications/?{query}",
                                              headers=buyer.headers)
        assert_error(response, 400)
    assert_error(market.client.simulate_get("/api/notifications/999999/",
                                            headers=buyer.headers), 404)
