"""An image store in a local folder, for development and single-host deployments."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from urllib.parse import quote

from cultureup.domain.errors import NotFound

KEY_MAX = 1024


def check_key(key: str) -> str:
    """The key itself when it is a safe relative path such as "artworks/12/3f2a.jpg".

    Keys are made by the application, never by clients, so a bad one is a bug: ValueError.
    """
    if not key or len(key) > KEY_MAX:
        raise ValueError(f"a storage key has 1 to {KEY_MAX} characters: {key!r}")
    if "\\" in key or "\x00" in key or key.startswith("/") or ":" in key.split("/", 1)[0]:
        raise ValueError(f"a storage key is a relative path with forward slashes: {key!r}")
    if any(part in {"", ".", ".."} for part in key.split("/")):
        raise ValueError(f"a storage key has no empty, '.' or '..' segment: {key!r}")
    return key


# A key whose every segment is made of letters, digits and "._~-", not starting with a dot: one
# `check_key` accepts, and that `quote` leaves as it is (what the application makes, such as
# "media/artworks/12_wm.jpg"). Matching it is several times cheaper than both, once per image
# URL of every row of a list.
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]*(?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*")


def key_path(key: str) -> str:
    """The key checked (`check_key`) and percent-encoded for a URL path ("/" kept)."""
    if len(key) <= KEY_MAX and _PLAIN_KEY.fullmatch(key):
        return key
    return quote(check_key(key), safe="/")


class LocalImageStore:
    """Files under `root`, served by the HTTP layer under `url_prefix`."""

    # Public media is read by the web server and anyone else on the host.
    file_mode = 0o644

    def __init__(self, root: Path | str, url_prefix: str = "/media/") -> None:
        self.root = Path(root).resolve()
        self.url_prefix = url_prefix if url_prefix.endswith("/") else url_prefix + "/"

    def _path(self, key: str) -> Path:
        path = self.root / check_key(key)
        # A symlink inside the root must not lead outside it.
        if not path.resolve().is_relative_to(self.root):
            raise ValueError(f"the storage key leaves the media root: {key!r}")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target and rename over it, so a reader never sees half a file.
        fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as temp:
                temp.write(data)
                temp.flush()
                os.fsync(temp.fileno())
            # mkstemp makes the file private; media is served to everyone.
            os.chmod(temp_name, self.file_mode)
            os.replace(temp_name, path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def url(self, key: str) -> str:
        return self.url_prefix + key_path(key)

    def read(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError) as exc:
            raise NotFound("No image is stored under this key.") from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()


class LocalPrivateFileStore(LocalImageStore):
    """Private files in their own folder, which no route serves: the API hands them out only
    after its access check (`PrivateFileService`). Files are readable by their owner only.
    The folder must not lie inside the public media folder; bootstrap refuses that."""

    file_mode = 0o600

    def __init__(self, root: Path | str) -> None:
        super().__init__(root, url_prefix="/")

    def url(self, key: str) -> str:
        raise TypeError("private files have no URL; fetch them through PrivateFileService")

    def signed_url(self, key: str, *, filename: str, content_type: str) -> str | None:
        check_key(key)
        return None
