"""Private files: one way for every file that only some users may fetch.

Each kind of private file (an artwork's original today; message attachments and
verification documents later) registers a resolver: given the acting user and the id of the
thing the file belongs to, it checks that the user may have the file and says where it is.
`fetch` runs that check and then hands the file over, as a short-lived signed URL when the
store has them (S3), or as the bytes themselves (a local folder, served by the API after
authentication). Nothing else ever gives out a private file or a URL to one.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from cultureup.application.storage import PrivateFileStore
from cultureup.domain.accounts.users import Actor
from cultureup.domain.errors import NotFound


@attrs.frozen(kw_only=True)
class PrivateFile:
    """Where a private file is and how it is handed over."""

    key: str
    content_type: str
    filename: str


@attrs.frozen(kw_only=True)
class Delivery:
    """A private file handed to its rightful reader: either `url` (short-lived, signed) or
    `data`, never both."""

    filename: str
    content_type: str
    url: str | None = None
    data: bytes | None = attrs.field(default=None, repr=False)


# Checks the actor's right to the file of the given thing (raising PermissionDenied or
# NotFound) and says where the file is.
Resolver = Callable[[Actor, int], PrivateFile]


class PrivateFileService:
    def __init__(self, *, store: PrivateFileStore) -> None:
        self._store = store
        self._resolvers: dict[str, Resolver] = {}

    def register(self, kind: str, resolver: Resolver) -> None:
        """Make files of `kind` ("artwork-original") available through `fetch`."""
        if kind in self._resolvers:
            raise ValueError(f"a resolver for {kind!r} is registered already")
        self._resolvers[kind] = resolver

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(sorted(self._resolvers))

    def fetch(self, actor: Actor, kind: str, ref_id: int) -> Delivery:
        """The file of `kind` belonging to thing `ref_id`, for an actor allowed to have it."""
        resolver = self._resolvers.get(kind)
        if resolver is None:
            raise NotFound("No such kind of file.")
        file = resolver(actor, ref_id)
        url = self._store.signed_url(file.key, filename=file.filename,
                                     content_type=file.content_type)
        if url is not None:
            return Delivery(filename=file.filename, content_type=file.content_type, url=url)
        return Delivery(filename=file.filename, content_type=file.content_type,
                        data=self._store.read(file.key))
