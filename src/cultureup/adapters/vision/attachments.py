"""Message attachments judged by their content: images (cleaned like artworks), PDF, ZIP
archives and plain UTF-8 text. The file name a client sends is never trusted for the type."""

from __future__ import annotations

import io
import zipfile

from cultureup.adapters.vision.sanitize import IMAGE_TYPES, sniff
from cultureup.application.collaboration.messages import CheckedFile
from cultureup.application.storage import ImageSanitizer
from cultureup.domain.errors import ValidationFailed

ACCEPTED = "Attach an image (JPEG, PNG, GIF, WebP), a PDF, a ZIP archive or a plain text file."


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed({"attachment": [message]})


def _megabytes(count: int) -> str:
    return f"{count / 2**20:.1f}".removesuffix(".0") + " MB"


class ContentAttachmentInspector:
    def __init__(self, sanitizer: ImageSanitizer) -> None:
        self._sanitizer = sanitizer

    def inspect(self, data: bytes, *, max_bytes: int) -> CheckedFile:
        if not data:
            raise _refuse("The submitted file is empty.")
        if len(data) > max_bytes:
            raise _refuse(f"The file is {_megabytes(len(data))}; the largest allowed is "
                          f"{_megabytes(max_bytes)}.")
        if data.startswith(b"%PDF-"):
            if b"%%EOF" not in data[-2048:]:
                raise _refuse("The PDF file is incomplete.")
            return CheckedFile(data, "application/pdf", ".pdf")
        if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    archive.infolist()
            except (zipfile.BadZipFile, ValueError) as error:
                raise _refuse("The ZIP archive is damaged.") from error
            return CheckedFile(data, "application/zip", ".zip")
        kind = sniff(data)
        if kind is not None:
            if kind not in IMAGE_TYPES:
                raise _refuse(f"{kind} images are not accepted. {ACCEPTED}")
            try:
                image = self._sanitizer.inspect_and_clean(data, max_bytes=max_bytes)
            except ValidationFailed as error:
                raise ValidationFailed({"attachment": error.details.get("image", [
                    "The image could not be read."])}) from error
            return CheckedFile(image.data, image.content_type, image.extension)
        if b"\x00" not in data:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                return CheckedFile(data, "text/plain; charset=utf-8", ".txt")
        raise _refuse(f"This type of file is not accepted. {ACCEPTED}")
