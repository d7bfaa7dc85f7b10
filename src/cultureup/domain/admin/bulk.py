"""The one limit of every bulk admin request (`POST /api/admin/bulk/users/`,
`POST /api/admin/bulk/artworks/` and the `cultureup users bulk` and `artworks bulk` commands,
which send their ids in batches of this size).

A bulk request is one transaction that holds a lock on every row it changes until it commits,
writes one audit entry per row and, for some actions, a notification or a token revocation:
the cap bounds how long that transaction runs and how much one request may ask. Ids are
counted as given, repeats included, so the cap bounds the request itself; the work is done
once per distinct id. Choice and measurements: docs/decisions.md, "Bulk admin requests"."""

from __future__ import annotations

from collections.abc import Sequence

BULK_MAX_IDS = 500


def bulk_ids_error(ids: Sequence[int], noun: str) -> str | None:
    """Why the ids of a bulk request are refused (none, or more than BULK_MAX_IDS counted
    with repeats), or None when they are fine; `noun` names them ("user", "artwork")."""
    if not ids:
        return f"Give at least one {noun} id."
    if len(ids) > BULK_MAX_IDS:
        return f"At most {BULK_MAX_IDS} {noun} ids per request; {len(ids)} were given."
    return None


def distinct_ids(ids: Sequence[int]) -> list[int]:
    """The ids without repeats, in the order first given."""
    return list(dict.fromkeys(ids))
