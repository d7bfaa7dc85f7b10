"""The OpenAPI 3.1 description of every route. A test compares it with the app's routes."""

from __future__ import annotations

from typing import Any

from cultureup.application.views import (
    BID_ORDERING_FIELDS,
    JOB_ORDERING_FIELDS,
    MAX_PAGE_SIZE,
)

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _string(**extra: Any) -> Schema:
    return {"type": "string", **extra}


MONEY = _string(pattern=r"^-?\d+\.\d{2}$", examples=["750.00"],
                description="PKR amount with exactly two decimals")
MONEY_IN = {"oneOf": [_string(examples=["750.00"]), {"type": "number"}],
            "description": "PKR amount, a string or number with at most two decimals"}
TIMESTAMP = _string(format="date-time", examples=["2025-10-20T23:59:59Z"])
ID = {"type": "integer", "minimum": 1}


def _object(properties: dict[str, Schema], required: list[str] | None = None) -> Schema:
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def _nullable(schema: Schema) -> Schema:
    return {"oneOf": [schema, {"type": "null"}]}


def _page_of(item: str) -> Schema:
    return _object({
        "count": {"type": "integer"},
        "next": _nullable(_string(format="uri")),
        "previous": _nullable(_string(format="uri")),
        "results": {"type": "array", "items": ref(item)},
    }, ["count", "next", "previous", "results"])


USER_REF = {"id": ID, "username": _string()}
USER_SUMMARY = {**USER_REF, "email": _string(), "first_name": _string(),
                "last_name": _string(), "user_type": _string(enum=["artist", "buyer", "admin"])}

SCHEMAS: dict[str, Schema] = {
    "Error": _object({
        "success": {"type": "boolean", "const": False},
        "error": _string(description="One sentence saying what went wrong"),
        "detail": _string(description="The same sentence, for clients that read `detail`"),
        "details": {"type": "object", "additionalProperties": {
            "type": "array", "items": _string()}},
    }, ["success", "error", "detail", "details"]),
    "UserRef": _object(USER_REF, ["id", "username"]),
    "UserSummary": _object(USER_SUMMARY, list(USER_SUMMARY)),
    "User": _object({
        **USER_SUMMARY, "phone_number": _string(), "is_verified": {"type": "boolean"},
        "profile_image": _nullable(_string(format="uri")), "created_at": TIMESTAMP,
    }),
    "Registration": _object({
        "username": _string(minLength=3, maxLength=150), "email": _string(format="email"),
        "password": _string(minLength=8), "password_confirm": _string(),
        "user_type": _string(enum=["artist", "buyer"]), "first_name": _string(),
        "last_name": _string(), "phone_number": _string(examples=["+923001234567"]),
    }, ["username", "email", "password", "password_confirm", "user_type", "first_name",
        "last_name"]),
    "Login": _object({"username": _string(description="Username or email"),
                      "password": _string()}, ["username", "password"]),
    "LoginResult": _object({"token": _string(), "user": ref("UserSummary"),
                            "message": _string()}, ["token", "user"]),
    "ProfileUpdate": _object({"first_name": _string(), "last_name": _string(),
                              "email": _string(format="email"), "phone_number": _string()}),
    "Message": _object({"message": _string()}, ["message"]),
    "Category": _object({"id": ID, "name": _string(), "description": _string(),
                         "is_active": {"type": "boolean"}, "created_at": TIMESTAMP,
                         "updated_at": TIMESTAMP}),
    "JobInput": _object({
        "title": _string(maxLength=200), "description": _string(), "category_id": ID,
        "budget_min": MONEY_IN, "budget_max": MONEY_IN,
        "duration_days": {"type": "integer", "minimum": 1, "maximum": 3650},
        "required_skills": _string(maxLength=500),
        "experience_level": _string(enum=["entry", "intermediate", "expert"]),
        "deadline": TIMESTAMP,
    }, ["title", "description", "category_id", "budget_min", "budget_max", "duration_days",
        "experience_level", "deadline"]),
    "Job": _object({
        "id": ID, "buyer": ref("UserSummary"), "title": _string(), "description": _string(),
        "category": _object({"id": ID, "name": _string(), "description": _string()}),
        "budget_min": MONEY, "budget_max": MONEY, "duration_days": {"type": "integer"},
        "required_skills": _string(),
        "experience_level": _string(enum=["entry", "intermediate", "expert"]),
        "status": _string(enum=["open", "in_progress", "completed", "cancelled"]),
        "hired_artist": _nullable(ref("UserRef")), "final_amount": _nullable(MONEY),
        "deadline": TIMESTAMP, "created_at": TIMESTAMP, "updated_at": TIMESTAMP,
        "average_bid": _nullable({**MONEY, "description": "Mean of all bids on the job, "
                                  "rounded half-up; null without bids"}),
        "total_bids": {"type": "integer"},
        "deadline_approaching": {"type": "boolean", "description":
                                 "Open and the deadline is less than three days away"},
    }),
    "BidInput": _object({
        "job_id": ID, "bid_amount": MONEY_IN,
        "delivery_time": {"type": "integer", "minimum": 1, "maximum": 3650,
                          "description": "Days"},
        "cover_letter": _string(maxLength=2000),
    }, ["job_id", "bid_amount", "delivery_time", "cover_letter"]),
    "BidUpdate": _object({"bid_amount": MONEY_IN, "delivery_time": {"type": "integer"},
                          "cover_letter": _string(maxLength=2000)}),
    "Bid": _object({
        "id": ID,
        "job": _object({"id": ID, "title": _string(), "buyer_name": _string(),
                        "category_name": _string(), "budget_min": MONEY,
                        "budget_max": MONEY, "status": _string()}),
        "artist": ref("UserRef"), "bid_amount": MONEY, "delivery_time": {"type": "integer"},
        "cover_letter": _string(), "status": _string(enum=["pending", "accepted", "rejected"]),
        "created_at": TIMESTAMP, "updated_at": TIMESTAMP,
        "bid_rank": {"type": "integer", "description":
                     "1 for the cheapest bid on the job; ties go to the earlier bid"},
    }),
    "Hire": _object({"bid_id": ID, "final_amount": MONEY_IN}, ["bid_id"]),
    "HireResult": _object({"message": _string(), "job": _object({
        "id": ID, "status": _string(), "hired_artist": ref("UserRef"),
        "final_amount": MONEY})}),
    "JobStatusResult": _object({"message": _string(), "job": _object({
        "id": ID, "status": _string()})}),
    "PasswordChange": _object({"current_password": _string(), "new_password": _string(),
                               "new_password_confirm": _string()},
                              ["current_password", "new_password", "new_password_confirm"]),
    "PasswordChanged": _object({"message": _string(), "token": _string()}),
    "LoginChallenge": _object({"requires_2fa": {"type": "boolean", "const": True},
                               "session_token": _string(description="Valid 10 minutes, once"),
                               "message": _string()}, ["requires_2fa", "session_token"]),
    "TwoFactorSetup": _object({
        "secret_key": _string(description="Base32 TOTP secret"),
        "qr_code": _string(description="data:image/png;base64 QR code of the otpauth URI"),
        "message": _string(), "expires_in_minutes": {"type": "integer"}}),
    "TwoFactorCode": _object({"totp_code": _string(pattern=r"^\d{6}$")}, ["totp_code"]),
    "TwoFactorVerify": _object({"session_token": _string(), "totp_code": _string(),
                                "backup_code": _string()}, ["session_token"]),
    "TwoFactorDisable": _object({"password": _string(), "totp_code": _string(),
                                 "backup_code": _string()}, ["password"]),
    "TwoFactorReauth": _object({"password": _string(), "totp_code": _string()}),
    "TwoFactorStatus": _object({"two_factor_enabled": {"type": "boolean"},
                                "backup_codes_count": {"type": "integer"}}),
    "BackupCodes": _object({"message": _string(), "backup_codes": {
        "type": "array", "items": _string(), "minItems": 10, "maxItems": 10}}),
    "JobPage": _page_of("Job"),
    "BidPage": _page_of("Bid"),
    "CategoryPage": _page_of("Category"),
}


def _error(description: str) -> Schema:
    return {"description": description,
            "content": {"application/json": {"schema": ref("Error")}}}


def _json(description: str, schema: Schema) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, schema: Schema, description: str = "") -> Schema:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


def _path_id(name: str) -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": ID}


PAGINATION = [
    _query("page", {"type": "integer", "minimum": 1}, "Page number, from 1"),
    _query("page_size", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
           "Items per page (default 20)"),
]


def _ordering(fields: tuple[str, ...]) -> Schema:
    values = [v for f in fields for v in (f, f"-{f}")]
    return _query("ordering", _string(enum=values), "Sort field; prefix - for descending")


def op(summary: str, tag: str, *, ok: tuple[str, str, Schema | None],
       auth: bool = False, body: str | None = None, params: list[Schema] | None = None,
       errors: tuple[int, ...] = ()) -> Schema:
    code, description, schema = ok
    responses: dict[str, Schema] = {
        code: _json(description, schema) if schema else {"description": description}}
    messages = {400: "Invalid input", 401: "Missing or invalid token",
                403: "Not allowed for this user", 404: "Not found",
                409: "Conflicts with the current state",
                429: "Too many requests or attempts; see Retry-After"}
    for status in sorted({*errors, *((401,) if auth else ())}):
        responses[str(status)] = _error(messages[status])
    operation: Schema = {"summary": summary, "tags": [tag], "responses": responses}
    if auth:
        operation["security"] = [{"TokenAuth": []}]
    if body:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": ref(body)}}}
    if params:
        operation["parameters"] = params
    return operation


def build_document() -> Schema:
    job_filters = [
        _query("status", _string(enum=["open", "in_progress", "completed", "cancelled"])),
        _query("category", ID, "Category id"),
        _query("experience_level", _string(enum=["entry", "intermediate", "expert"])),
        _query("min_budget", MONEY_IN, "Jobs whose budget reaches at least this amount"),
        _query("max_budget", MONEY_IN, "Jobs whose budget starts at or below this amount"),
        _query("search", _string(maxLength=200), "Words in the title or description"),
        _ordering(JOB_ORDERING_FIELDS), *PAGINATION,
    ]
    bid_filters = [_query("status", _string(enum=["pending", "accepted", "rejected"])),
                   _ordering(BID_ORDERING_FIELDS), *PAGINATION]
    job_id, bid_id = [_path_id("job_id")], [_path_id("bid_id")]
    job_update = dict(auth=True, body="JobInput", params=job_id, errors=(400, 403, 404, 409))
    bid_update = dict(auth=True, body="BidUpdate", params=bid_id, errors=(400, 403, 404, 409))
    html = {"summary": "Interactive API documentation (Swagger UI)", "tags": ["Docs"],
            "responses": {"200": {"description": "HTML page",
                                  "content": {"text/html": {"schema": _string()}}}}}
    paths: dict[str, dict[str, Schema]] = {
        "/api/health/": {"get": op("Liveness check", "Docs", ok=("200", "Up", _object(
            {"status": _string()})))},
        "/api/auth/register/": {"post": op(
            "Register an artist or buyer", "Authentication", body="Registration",
            ok=("201", "Created", ref("User")), errors=(400,))},
        "/api/auth/login/": {"post": op(
            "Log in: a token, or a 2FA session when the account has 2FA", "Authentication",
            body="Login", ok=("200", "Logged in, or 2FA required", {"oneOf": [
                ref("LoginResult"), ref("LoginChallenge")]}), errors=(400, 429))},
        "/api/auth/password/": {"post": op(
            "Change the password (revokes every token, returns a new one)", "Authentication",
            auth=True, body="PasswordChange", ok=("200", "Changed", ref("PasswordChanged")),
            errors=(400, 429))},
        "/api/auth/2fa/setup/": {"get": op(
            "Start (or resume, for 30 minutes) 2FA setup", "Two-factor authentication",
            auth=True, ok=("200", "Secret and QR code", ref("TwoFactorSetup")), errors=(409,))},
        "/api/auth/2fa/reset-setup/": {"post": op(
            "Discard the pending 2FA setup", "Two-factor authentication", auth=True,
            ok=("200", "Reset", ref("Message")))},
        "/api/auth/2fa/enable/": {"post": op(
            "Enable 2FA with a code from the pending secret", "Two-factor authentication",
            auth=True, body="TwoFactorCode", ok=("200", "Enabled", ref("BackupCodes")),
            errors=(400, 409, 429))},
        "/api/auth/2fa/verify/": {"post": op(
            "Finish a 2FA login with a TOTP or backup code", "Two-factor authentication",
            body="TwoFactorVerify", ok=("200", "Logged in", ref("LoginResult")),
            errors=(400, 429))},
        "/api/auth/2fa/disable/": {"post": op(
            "Disable 2FA (password and a TOTP or backup code)", "Two-factor authentication",
            auth=True, body="TwoFactorDisable", ok=("200", "Disabled", ref("Message")),
            errors=(400, 409, 429))},
        "/api/auth/2fa/status/": {"get": op(
            "Whether 2FA is on and how many backup codes are left", "Two-factor authentication",
            auth=True, ok=("200", "Status", ref("TwoFactorStatus")))},
        "/api/auth/2fa/backup-codes/": {"post": op(
            "Replace the backup codes (confirm with password or TOTP code)",
            "Two-factor authentication", auth=True, body="TwoFactorReauth",
            ok=("200", "New codes", ref("BackupCodes")), errors=(400, 409, 429))},
        "/api/auth/logout/": {"post": op(
            "Revoke the token of this request", "Authentication", auth=True,
            ok=("200", "Logged out", ref("Message")))},
        "/api/auth/profile/": {
            "get": op("The caller's profile", "Authentication", auth=True,
                      ok=("200", "Profile", ref("User"))),
            "put": op("Replace the caller's profile fields", "Authentication", auth=True,
                      body="ProfileUpdate", ok=("200", "Updated", ref("User")), errors=(400,)),
            "patch": op("Change some of the caller's profile fields", "Authentication",
                        auth=True, body="ProfileUpdate", ok=("200", "Updated", ref("User")),
                        errors=(400,)),
        },
        "/api/categories/": {"get": op("List active categories", "Categories",
                                       params=PAGINATION, errors=(400, 404),
                                       ok=("200", "A page", ref("CategoryPage")))},
        "/api/categories/{category_id}/": {"get": op(
            "One category", "Categories", params=[_path_id("category_id")], errors=(404,),
            ok=("200", "Category", ref("Category")))},
        "/api/jobs/": {
            "get": op("List jobs", "Jobs", params=job_filters, errors=(400, 404),
                      ok=("200", "A page", ref("JobPage"))),
            "post": op("Post a job (buyers)", "Jobs", auth=True, body="JobInput",
                       errors=(400, 403), ok=("201", "Created", ref("Job"))),
        },
        "/api/jobs/{job_id}/": {
            "get": op("One job", "Jobs", params=job_id, errors=(404,),
                      ok=("200", "Job", ref("Job"))),
            "put": op("Replace a job's terms (its buyer, while open)", "Jobs",
                      ok=("200", "Updated", ref("Job")), **job_update),
            "patch": op("Change some of a job's terms (its buyer, while open)", "Jobs",
                        ok=("200", "Updated", ref("Job")), **job_update),
            "delete": op("Delete a job that has not been hired for (its buyer)", "Jobs",
                         auth=True, params=job_id, errors=(403, 404, 409),
                         ok=("204", "Deleted", None)),
        },
        "/api/jobs/{job_id}/bids/": {"get": op(
            "Bids on a job (its buyer)", "Jobs", auth=True, params=job_id + bid_filters,
            errors=(400, 403, 404), ok=("200", "A page", ref("BidPage")))},
        "/api/jobs/{job_id}/hire/": {"post": op(
            "Hire the artist of a pending bid", "Jobs", auth=True, body="Hire", params=job_id,
            errors=(400, 403, 404, 409), ok=("200", "Hired", ref("HireResult")))},
        "/api/jobs/{job_id}/complete/": {"post": op(
            "Mark a job in progress as completed", "Jobs", auth=True, params=job_id,
            errors=(403, 404, 409), ok=("200", "Completed", ref("JobStatusResult")))},
        "/api/jobs/{job_id}/cancel/": {"post": op(
            "Cancel an open or in-progress job", "Jobs", auth=True, params=job_id,
            errors=(403, 404, 409), ok=("200", "Cancelled", ref("JobStatusResult")))},
        "/api/bids/": {
            "get": op("The caller's own bids", "Bids", auth=True, params=bid_filters,
                      errors=(400, 404), ok=("200", "A page", ref("BidPage"))),
            "post": op("Bid on an open job (artists)", "Bids", auth=True, body="BidInput",
                       errors=(400, 403, 404, 409), ok=("201", "Created", ref("Bid"))),
        },
        "/api/bids/{bid_id}/": {
            "get": op("One bid (its artist, the job's buyer)", "Bids", auth=True,
                      params=bid_id, errors=(404,), ok=("200", "Bid", ref("Bid"))),
            "put": op("Replace a pending bid's terms", "Bids",
                      ok=("200", "Updated", ref("Bid")), **bid_update),
            "patch": op("Change some of a pending bid's terms", "Bids",
                        ok=("200", "Updated", ref("Bid")), **bid_update),
            "delete": op("Withdraw a pending bid", "Bids", auth=True, params=bid_id,
                         errors=(403, 404, 409), ok=("204", "Withdrawn", None)),
        },
        "/api/openapi.json": {"get": {
            "summary": "This document", "tags": ["Docs"],
            "responses": {"200": {"description": "OpenAPI document",
                                  "content": {"application/json": {"schema": {
                                      "type": "object"}}}}}}},
        "/api/docs/": {"get": html},
        "/swagger/": {"get": html},
        "/redoc/": {"get": html},
    }
    # Imported here: the catalogue's module builds its part with the helpers above.
    from cultureup.entrypoints.http.artwork_openapi import ARTWORK_SCHEMAS, artwork_paths
    from cultureup.entrypoints.http.catalog_openapi import CATALOG_PATHS, CATALOG_SCHEMAS
    from cultureup.entrypoints.http.private_files_openapi import private_file_paths
    from cultureup.entrypoints.http.resources.api_index import INDEX_SCHEMAS, index_paths
    from cultureup.entrypoints.http.search_openapi import SEARCH_SCHEMAS, search_paths
    paths.update(index_paths())
    paths.update(CATALOG_PATHS)
    paths.update(private_file_paths())
    paths.update(artwork_paths())
    paths.update(search_paths())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "CultureUp API",
            "version": "1.0.0",
            "description": "The CultureUp art marketplace. Every path also answers without "
                           "its trailing slash. Errors share one envelope (see Error). "
                           "Money is PKR as strings with two decimals; times are UTC.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": {**SCHEMAS, **CATALOG_SCHEMAS, **ARTWORK_SCHEMAS, **SEARCH_SCHEMAS,
                        **INDEX_SCHEMAS},
            "securitySchemes": {"TokenAuth": {
                "type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Token <key>, as returned by /api/auth/login/"}},
        },
    }
