"""Throughput of the list endpoints through the real Falcon app on a seeded SQLite database.

Run: ``python -m benchmarks.list_bench [--rounds 300]``

The database is filled through the API itself (20 artworks by three artists, 20 jobs, 20
equipment items, plus users and categories), so the same script measures any version of the
HTTP layer. Each endpoint is then called ``rounds`` times anonymously with its first page of
20 items, in-process through ``falcon.testing`` (no sockets), and the best of three runs is
reported as requests per second.
"""

from __future__ import annotations

import argparse
import io
import random
import tempfile
import time
from pathlib import Path

import falcon.testing
from PIL import Image, ImageDraw

from cultureup.bootstrap import bootstrap, http_app
from cultureup.config import Settings

PASSWORD = "Str0ng-Palette-42!"
ENDPOINTS = ("/api/artworks/?page_size=20", "/api/jobs/?page_size=20",
             "/api/equipment/?page_size=20")


def _image(seed: int) -> bytes:
    rng = random.Random(seed)
    image = Image.new("RGB", (320, 240), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(30):
        x0, y0 = rng.randrange(320), rng.randrange(240)
        box = (x0, y0, x0 + rng.randrange(10, 160), y0 + rng.randrange(10, 160))
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def _user(client: falcon.testing.TestClient, name: str, kind: str) -> dict[str, str]:
    response = client.simulate_post("/api/auth/register/", json={
        "username": name, "email": f"{name}@example.com", "password": PASSWORD,
        "password_confirm": PASSWORD, "user_type": kind, "first_name": "Bench",
        "last_name": name.title(), "phone_number": "+923001234567"})
    assert response.status_code == 201, response.text
    return _login(client, name)


def _login(client: falcon.testing.TestClient, name: str) -> dict[str, str]:
    login = client.simulate_post("/api/auth/login/", json={"username": name,
                                                          "password": PASSWORD})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Token {login.json['token']}"}


def _multipart(fields: dict[str, str], image: bytes) -> tuple[bytes, str]:
    boundary = "benchboundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             .encode() for name, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="image"; '
                 f'filename="art.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
                 + image + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), \
        f"multipart/form-data; boundary={boundary}"


def seed(client: falcon.testing.TestClient, services: object) -> None:
    admin, _ = services.sample_data.ensure_superuser(  # type: ignore[attr-defined]
        username="root", email="root@example.com", password=PASSWORD)
    actor = admin.as_actor()
    categories = [services.categories.create_category(  # type: ignore[attr-defined]
        actor=actor, name=f"Category {i}", description="Bench", is_active=True).id
        for i in range(4)]
    root = _login(client, "root")
    buyer = _user(client, "bench_buyer", "buyer")
    artists = [_user(client, f"bench_artist{i}", "artist") for i in range(3)]
    for i in range(20):
        response = client.simulate_post("/api/jobs/", headers=buyer, json={
            "title": f"Job {i}", "description": "A job to benchmark the list.",
            "category_id": categories[i % 4], "budget_min": "500.00",
            "budget_max": "1000.00", "duration_days": 7, "required_skills": "Logo",
            "experience_level": "expert", "deadline": "2099-01-01T00:00:00Z"})
        assert response.status_code == 201, response.text
        response = client.simulate_post("/api/equipment/", headers=root, json={
            "name": f"Brush set {i}", "description": "Brushes", "equipment_type": "brush",
            "price": "4599.00", "stock_quantity": 10})
        assert response.status_code == 201, response.text
        body, content_type = _multipart({
            "title": f"Artwork {i}", "description": "An artwork to benchmark the list.",
            "category_id": str(categories[i % 4]), "artwork_type": "digital",
            "price": "1500.00"}, _image(i))
        response = client.simulate_post("/api/artworks/", body=body, headers={
            **artists[i % 3], "Content-Type": content_type})
        assert response.status_code == 201, response.text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{Path(tmp) / 'bench.db'}",
                            media_root=str(Path(tmp) / "media"),
                            private_root=str(Path(tmp) / "private"), rate_limit_enabled=False,
                            password_hash_time_cost=1, password_hash_memory_kib=1024)
        services = bootstrap(settings)
        services.upgrade_database()
        # A host the default allowed-hosts setting accepts.
        client = falcon.testing.TestClient(http_app(services), headers={"Host": "localhost"})
        seed(client, services)
        for url in ENDPOINTS:
            assert len(client.simulate_get(url).json["results"]) == 20, url
            best = 0.0
            for _ in range(3):
                start = time.perf_counter()
                for _ in range(args.rounds):
                    client.simulate_get(url)
                best = max(best, args.rounds / (time.perf_counter() - start))
            print(f"{url:40s} {best:8.1f} requests/s")
        services.close()


if __name__ == "__main__":
    main()
