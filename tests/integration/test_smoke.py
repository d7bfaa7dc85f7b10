from tests.integration.conftest import Marketplace


def test_a_buyer_posts_a_job_and_an_artist_bids_on_it(market: Marketplace) -> None:
    buyer, artist = market.user("buyer"), market.user("artist")
    job = market.job(buyer)
    bid = market.bid(artist, job["id"])
    assert bid["job"]["id"] == job["id"]
    assert bid["bid_rank"] == 1
    listed = market.client.simulate_get("/api/jobs/").json
    assert listed["results"][0]["total_bids"] == 1
    assert listed["results"][0]["average_bid"] == "750.00"
