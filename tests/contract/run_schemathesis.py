"""schemathesis over the whole /api/openapi.json, against the app on SQLite.

Run: ``python -m tests.contract.run_schemathesis [--as anonymous|artist|buyer|all]
[--max-examples N]``

For each identity a fresh database is seeded through the API (an artist and a buyer with
profiles, a category, a job with a bid, an artwork, an equipment item, a contract, a message
and a review), the app is served on
127.0.0.1 at a free port, and the schemathesis CLI runs every check over every operation with
a bounded number of examples each. With a token identity, a token is minted for that user and
re-minted whenever an answer is 401 (the run may log itself out). The exit status is
schemathesis's: non-zero on any finding. Operation-specific settings (the few answers the
schema cannot promise away) are in ``schemathesis.toml`` next to this file, each with its
reason.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import falcon.testing
from PIL import Image, ImageDraw

from cultureup.bootstrap import Services, bootstrap, http_app
from cultureup.config import Settings
from cultureup.domain.catalog.equipment import EquipmentTerms
from cultureup.domain.money import Money

HERE = Path(__file__).parent
PASSWORD = "Str0ng-Palette-42!"
IDENTITIES = ("anonymous", "artist", "buyer")


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def _image() -> bytes:
    image = Image.new("RGB", (320, 240), (30, 60, 90))
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 40, 200, 180), fill=(200, 120, 40))
    draw.rectangle((180, 20, 300, 120), fill=(20, 160, 80))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def seed(services: Services) -> None:
    client = falcon.testing.TestClient(http_app(services), headers={"Host": "localhost"})
    admin, _ = services.sample_data.ensure_superuser(
        username="root", email="root@example.com", password=PASSWORD)
    category = services.categories.create_category(
        actor=admin.as_actor(), name="Painting", description="Oil", is_active=True).id
    headers = {}
    for kind in ("artist", "buyer"):
        response = client.simulate_post("/api/auth/register/", json={
            "username": f"contract_{kind}", "email": f"{kind}@example.com",
            "password": PASSWORD, "password_confirm": PASSWORD, "user_type": kind,
            "first_name": "Contract", "last_name": kind.title()})
        assert response.status_code == 201, response.text
        token = services.accounts.login(username=f"contract_{kind}", password=PASSWORD).token
        headers[kind] = {"Authorization": f"Token {token}"}
    assert client.simulate_post("/api/artist-profiles/", headers=headers["artist"], json={
        "experience_level": "expert", "hourly_rate": "500.00"}).status_code == 201
    assert client.simulate_post("/api/buyer-profiles/", headers=headers["buyer"], json={
        "company_name": "Acme", "address": "1 Mall Road"}).status_code == 201
    job = client.simulate_post("/api/jobs/", headers=headers["buyer"], json={
        "title": "A mural", "description": "For a cafe.", "category_id": category,
        "budget_min": "500.00", "budget_max": "1000.00", "duration_days": 7,
        "experience_level": "expert", "deadline": "2099-01-01T00:00:00Z"})
    assert job.status_code == 201, job.text
    assert client.simulate_post("/api/bids/", headers=headers["artist"], json={
        "job_id": job.json["id"], "bid_amount": "700.00", "delivery_time": 5,
        "cover_letter": "I can."}).status_code == 201
    boundary = "seed"
    fields = {"title": "Dawn", "description": "Oil on canvas", "category_id": category,
              "artwork_type": "physical", "price": "900.00"}
    body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n".encode() for name, value in fields.items())
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="image"; '
             f'filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode() + _image()
             + f"\r\n--{boundary}--\r\n".encode())
    artwork = client.simulate_post("/api/artworks/", body=body, headers={
        **headers["artist"], "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert artwork.status_code == 201, artwork.text
    services.equipment.add_equipment(admin.as_actor(), EquipmentTerms(
        name="Brushes", equipment_type="brush", price=Money.parse("45.00"), stock_quantity=3))
    _seed_collaboration(client, headers, category)


def _seed_collaboration(client: falcon.testing.TestClient, headers: dict[str, Any],
                        category: int) -> None:
    """A pending contract and a message on one hired job, a review of another, completed."""
    buyer, artist = headers["buyer"], headers["artist"]
    artist_id = client.simulate_get("/api/auth/profile/", headers=artist).json["id"]
    jobs = []
    for title in ("A logo", "A poster"):
        job = client.simulate_post("/api/jobs/", headers=buyer, json={
            "title": title, "description": "For a cafe.", "category_id": category,
            "budget_min": "500.00", "budget_max": "1000.00", "duration_days": 7,
            "experience_level": "expert", "deadline": "2099-01-01T00:00:00Z"}).json["id"]
        bid = client.simulate_post("/api/bids/", headers=artist, json={
            "job_id": job, "bid_amount": "700.00", "delivery_time": 5,
            "cover_letter": "I can."}).json["id"]
        hired = client.simulate_post(f"/api/jobs/{job}/hire/", headers=buyer,
                                     json={"bid_id": bid})
        assert hired.status_code == 200, hired.text
        jobs.append(job)
    contract = client.simulate_post("/api/contracts/", headers=buyer, json={
        "job": jobs[0], "artist": artist_id, "terms": "Three rounds.",
        "rights_type": "commercial", "deadline": "2099-01-01T00:00:00Z"})
    assert contract.status_code == 201, contract.text
    message = client.simulate_post("/api/messages/", headers=buyer, json={
        "receiver_id": artist_id, "job": jobs[0], "content": "When can you start?"})
    assert message.status_code == 201, message.text
    assert client.simulate_post(f"/api/jobs/{jobs[1]}/complete/",
                                headers=buyer).status_code == 200
    review = client.simulate_post("/api/reviews/", headers=buyer, json={
        "job": jobs[1], "rating": 5, "comment": "On time."})
    assert review.status_code == 201, review.text


def run(identity: str, max_examples: int, extra: list[str]) -> int:
    """One identity, in this process: the app serves from a thread, the CLI runs here."""
    import schemathesis
    from schemathesis.cli import schemathesis as cli

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{Path(tmp) / 'contract.db'}",
                            media_root=str(Path(tmp) / "media"),
                            private_root=str(Path(tmp) / "private"), rate_limit_enabled=False,
                            # Failed-password counts of this run only: the anonymous run
                            # spends the client's budget on purpose, and a file in the working
                            # directory would carry it into the next identity's sign-in.
                            rate_limit_file=str(Path(tmp) / "rate-limits.sqlite3"),
                            password_hash_time_cost=1, password_hash_memory_kib=1024,
                            secret_key="contract-run-secret-key-0123456789abcdef",
                            stripe_webhook_secret="whsec_contract-run")
        services = bootstrap(settings)
        services.upgrade_database()
        seed(services)
        if identity != "anonymous":
            # "admin": the superuser of the seed, for the staff routes (not part of "all").
            username = "root" if identity == "admin" else f"contract_{identity}"

            @schemathesis.auth()
            class MintedToken:
                """A token minted by the use case itself (not through the login route,
                whose per-client failure budget the run spends on purpose)."""

                def get(self, case: Any, context: Any) -> str:
                    token = services.accounts.login(username=username, password=PASSWORD).token
                    assert token is not None
                    return token

                def set(self, case: Any, data: str, context: Any) -> None:
                    case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}

        server = make_server("127.0.0.1", 0, http_app(services), server_class=_Server,
                             handler_class=_Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}/api/openapi.json"
        print(f"== schemathesis as {identity}", flush=True)
        try:
            cli.main(args=["--config-file", str(HERE / "schemathesis.toml"), "--no-color",
                           "run", url, "--checks", "all", "--max-examples", str(max_examples),
                           "--workers", "1", "--phases", "examples,coverage,fuzzing", *extra],
                     standalone_mode=False)
            code = 0
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        finally:
            server.shutdown()
            services.close()
        return code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as", dest="identity", default="all",
                        choices=(*IDENTITIES, "admin", "all"))
    parser.add_argument("--max-examples", type=int, default=25)
    args, extra = parser.parse_known_args()
    if args.identity != "all":
        sys.exit(run(args.identity, args.max_examples, extra))
    # One process per identity: each gets its own database, server and auth provider.
    failed = [who for who in IDENTITIES if subprocess.run(
        [sys.executable, "-m", "tests.contract.run_schemathesis", "--as", who,
         "--max-examples", str(args.max_examples), *extra], check=False).returncode != 0]
    if failed:
        print(f"schemathesis found problems as: {', '.join(failed)}", flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
