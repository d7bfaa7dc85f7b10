"""Verification applications through the HTTP API: an artist applies with notes and private
documents, staff decide through both CultureUp's paths and the admin-panel document's agent
paths (exactly as the mobile client calls them), approval verifies the account, the artist is
told, everything is audited; bad input and strangers change nothing."""

from __future__ import annotations

from typing import Any

from cultureup.application.views import AuditFilters, PageRequest
from cultureup.domain.accounts.users import StaffRole
from tests.integration.artwork_images import jpeg
from tests.integration.assertions import documented_body_is_valid
from tests.integration.conftest import ApiUser, Marketplace
from tests.integration.moderation_support import staff_user

BOUNDARY = "verification-boundary"


def _body(notes: str | None, files: list[tuple[str, bytes]]) -> tuple[bytes, dict[str, str]]:
    chunks: list[bytes] = []
    if notes is not None:
        chunks.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="notes"\r\n\r\n'
                      f"{notes}\r\n".encode())
    for filename, data in files:
        chunks.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="documents"; '
                      f'filename="{filename}"\r\nContent-Type: application/octet-stream'
                      "\r\n\r\n".encode() + data + b"\r\n")
    chunks.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(chunks), {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


def _apply(market: Marketplace, user: ApiUser, notes: str | None = "My portfolio",
           files: list[tuple[str, bytes]] | None = None) -> Any:
    if files is None:
        files = [("cv.txt", b"Ten years of oil painting."), ("studio.jpg", jpeg(77))]
    body, headers = _body(notes, files)
    return market.client.simulate_post("/api/verification-applications/", body=body,
                                       headers={**user.headers, **headers})


def _audited(market: Marketplace) -> list[str]:
    entries = market.services.audit.list_entries(None, AuditFilters(),
                                                 PageRequest.of(1, 100)).items
    return [e.action for e in entries if "verification" in e.action]


def test_an_artist_applies_and_staff_approve_through_the_documents_paths(
        market: Marketplace) -> None:
    artist, other = market.user("artist"), market.user("artist")
    staff = staff_user(market, "staff_farah", StaffRole.STAFF)
    moderator = staff_user(market, "mod_gul")
    get, post = market.client.simulate_get, market.client.simulate_post

    applied = _apply(market, artist)

    assert applied.status_code == 201, applied.json
    body = applied.json
    assert (body["status"], body["notes"], body["verified_by"], body["reason"]) == (
        "pending", "My portfolio", None, None)
    assert body["user"]["id"] == artist.id and body["user"]["email"]
    assert [(d["type"], d["filename"]) for d in body["documents"]] == [
        ("text", "cv.txt"), ("image", "studio.jpg")]
    url = body["documents"][0]["url"]
    path = url[url.index("/api/files/"):]
    assert path == f"/api/files/verification-document/{body['documents'][0]['id']}/"
    # Private: the applicant and staff who verify users, nobody else (not even moderators).
    assert get(path, headers=artist.headers).content == b"Ten years of oil painting."
    assert get(path, headers=staff.headers).status_code == 200
    for stranger in (other, moderator):
        assert get(path, headers=stranger.headers).status_code == 404
    assert get(path).status_code == 401
    # One pending application at a time.
    again = _apply(market, artist)
    assert again.status_code == 409
    own = get("/api/verification-applications/", headers=artist.headers).json
    assert [row["id"] for row in own["results"]] == [body["id"]]

    # The mobile client's calls, exactly as the document shows them.
    pending = get("/real_estate/api/admin/agents/pending/", headers=staff.headers,
                  params={"page": 1, "page_size": 20})
    assert pending.status_code == 200, pending.json
    assert set(pending.json) == {"count", "next", "previous", "results"}
    row = pending.json["results"][0]
    assert set(row) >= {"id", "user", "status", "application_date", "documents", "notes"}
    assert set(row["user"]) >= {"id", "username", "email", "first_name", "last_name"}
    assert {"type", "url"} <= set(row["documents"][0])
    verified = post(f"/real_estate/api/admin/agents/{body['id']}/verify/",
                    headers=staff.headers,
                    json={"action": "approve", "reason": "All documents verified and approved"})
    assert verified.status_code == 200, verified.json
    answer = verified.json
    assert (answer["id"], answer["status"], answer["reason"]) == (
        body["id"], "approved", "All documents verified and approved")
    assert answer["user"]["id"] == artist.id
    assert answer["verified_by"] == {"id": staff.id, "username": "staff_farah"}
    assert answer["verified_at"].endswith("Z")

    profile = get("/api/auth/profile/", headers=artist.headers).json
    assert profile["is_verified"] is True
    notes = get("/api/notifications/", headers=artist.headers).json["results"]
    assert [(n["notification_type"], "All documents verified" in n["message"])
            for n in notes] == [("verification_approved", True)]
    assert _audited(market) == ["moderation.verification_approved", "verification.applied"]
    assert get("/real_estate/api/admin/agents/pending/", headers=staff.headers
               ).json["count"] == 0
    decided = post(f"/api/admin/verification-applications/{body['id']}/verify/",
                   headers=staff.headers, json={"action": "reject", "reason": "Too late"})
    assert decided.status_code == 409
    # Verified now: no new application.
    assert _apply(market, artist).status_code == 409


def test_a_rejection_needs_a_reason_and_the_artist_may_apply_again(
        market: Marketplace) -> None:
    artist = market.user("artist")
    staff = staff_user(market, "staff_hana", StaffRole.STAFF)
    post, get = market.client.simulate_post, market.client.simulate_get
    application = _apply(market, artist).json["id"]
    decide = f"/api/admin/verification-applications/{application}/verify/"

    for body, field in (({"action": "reject"}, "reason"),
                        ({"action": "reject", "reason": "  "}, "reason"),
                        ({"action": "maybe", "reason": "x"}, "action"),
                        ({"reason": "x"}, "action")):
        response = post(decide, headers=staff.headers, json=body)
        assert response.status_code == 400, (body, response.json)
        assert field in response.json["details"]
    assert post("/api/admin/verification-applications/99999/verify/", headers=staff.headers,
                json={"action": "approve"}).status_code == 404
    assert get("/api/admin/verification-applications/", headers=staff.headers,
               params={"status": "pending"}).json["count"] == 1

    rejected = post(decide, headers=staff.headers,
                    json={"action": "reject", "reason": "The documents are unreadable"})

    assert rejected.status_code == 200, rejected.json
    assert (rejected.json["status"], rejected.json["reason"]) == (
        "rejected", "The documents are unreadable")
    assert get("/api/auth/profile/", headers=artist.headers).json["is_verified"] is False
    notes = get("/api/notifications/", headers=artist.headers).json["results"]
    assert notes[0]["notification_type"] == "verification_rejected"
    assert "unreadable" in notes[0]["message"]
    assert _apply(market, artist).status_code == 201
    listed = get("/api/admin/verification-applications/", headers=staff.headers,
                 params={"status": "rejected"}).json
    assert [row["id"] for row in listed["results"]] == [application]
    assert get("/api/admin/verification-applications/", headers=staff.headers,
               params={"status": "lost"}).status_code == 400


def test_bad_applications_and_strangers_change_nothing(market: Marketplace) -> None:
    artist, buyer = market.user("artist"), market.user("buyer")
    moderator = staff_user(market, "mod_imran")
    get, post = market.client.simulate_get, market.client.simulate_post
    too_many = [(f"doc{i}.txt", b"text %d" % i) for i in range(6)]
    refused = [
        (artist, too_many, 400),
        (artist, [("virus.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00")], 400),
        (artist, [("empty.txt", b"")], 400),
        (buyer, None, 403),
    ]
    for user, files, status in refused:
        response = _apply(market, user, files=files)
        assert response.status_code == status, response.json
        if status == 400:
            assert "documents" in response.json["details"]
    assert _apply(market, artist, notes="x" * 2001).status_code == 400
    assert get("/api/verification-applications/", headers=artist.headers).json["count"] == 0
    assert _audited(market) == []
    application = _apply(market, artist).json["id"]
    admin_paths = [("GET", "/api/admin/verification-applications/"),
                   ("GET", "/real_estate/api/admin/agents/pending/"),
                   ("POST", f"/api/admin/verification-applications/{application}/verify/"),
                   ("POST", f"/real_estate/api/admin/agents/{application}/verify/")]
    for method, path in admin_paths:
        for user in (artist, buyer, moderator):  # moderators do not verify users
            response = market.client.simulate_request(
                method, path, headers=user.headers, json={"action": "approve"}
                if method == "POST" else None)
            assert response.status_code == 403, (method, path, user.username)
        assert market.client.simulate_request(method, path, json={"action": "approve"}
                                              if method == "POST" else None
                                              ).status_code == 401
    assert get("/api/auth/profile/", headers=artist.headers).json["is_verified"] is False
    as_json = post("/api/verification-applications/", json={"documents": ["a"]},
                   headers=buyer.headers)
    assert as_json.status_code == 400 and "documents" in as_json.json["details"]


def test_documents_are_files_sent_as_multipart_as_the_document_says(
        market: Marketplace) -> None:
    """The JSON and form bodies the document describes carry notes only and say a
    `documents` key is invalid, as the server does (400); the multipart one lists the
    documents as binary files."""
    client, operation = market.client, "POST /api/verification-applications/"
    document = client.simulate_get("/api/openapi.json").json
    content = document["paths"]["/api/verification-applications/"]["post"]["requestBody"][
        "content"]

    def schema(media_type: str) -> dict[str, Any]:
        name = content[media_type]["schema"]["$ref"].rsplit("/", 1)[1]
        return document["components"]["schemas"][name]

    for media_type in ("application/json", "application/x-www-form-urlencoded"):
        assert set(schema(media_type)["properties"]) == {"notes"}
        assert schema(media_type)["not"] == {"required": ["documents"]}
    assert schema("multipart/form-data")["properties"]["documents"]["items"]["format"] == (
        "binary")
    artist = market.user("artist")
    with_documents = {"notes": "My portfolio", "documents": ["not a file"]}
    assert not documented_body_is_valid(client, operation, with_documents)
    response = client.simulate_post("/api/verification-applications/", json=with_documents,
                                    headers=artist.headers)
    assert response.status_code == 400 and "documents" in response.json["details"]
    assert client.simulate_get("/api/verification-applications/",
                               headers=artist.headers).json["count"] == 0
    notes_only = {"notes": "My portfolio"}
    assert documented_body_is_valid(client, operation, notes_only)
    response = client.simulate_post("/api/verification-applications/", json=notes_only,
                                    headers=artist.headers)
    assert response.status_code == 201, response.text
    assert response.json["documents"] == []
