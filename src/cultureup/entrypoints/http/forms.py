"""multipart/form-data bodies (artwork uploads): text fields and bounded file parts."""

from __future__ import annotations

from typing import Any

import falcon

from cultureup.domain.errors import ValidationFailed
from cultureup.entrypoints.http.input import json_object

# Room for the text fields and multipart framing around the file itself.
FORM_OVERHEAD = 256 * 1024
MAX_TEXT_FIELD = 64 * 1024


def is_multipart(req: falcon.Request) -> bool:
    return (req.content_type or "").lower().startswith(falcon.MEDIA_MULTIPART)


def read_body(req: falcon.Request, *, max_file_bytes: int) -> tuple[dict[str, Any],
                                                                   dict[str, bytes]]:
    """Text fields and files of a multipart form, or the fields of a JSON object."""
    if not is_multipart(req):
        return json_object(req), {}
    if req.content_length is not None and req.content_length > max_file_bytes + FORM_OVERHEAD:
        # Refused before a byte of the body is read.
        raise falcon.HTTPContentTooLarge(
            title="Upload too large",
            description=f"Images may be at most {max_file_bytes // (1024 * 1024)} MB.")
    fields: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    try:
        for part in req.get_media():
            if part.filename is not None:
                data = part.stream.read(max_file_bytes + 1)
                if len(data) > max_file_bytes:
                    raise ValidationFailed({part.name: [
                        f"The file is larger than {max_file_bytes // (1024 * 1024)} MB."]})
                files[part.name] = data
            else:
                text = part.stream.read(MAX_TEXT_FIELD + 1)
                if len(text) > MAX_TEXT_FIELD:
                    raise ValidationFailed({part.name: ["This field is too long."]})
                try:
                    fields[part.name] = text.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise ValidationFailed({part.name: ["Not valid UTF-8 text."]}) from exc
    except falcon.MediaMalformedError as exc:
        raise ValidationFailed({"non_field_errors": ["The multipart body is malformed."]},
                               "The multipart body is malformed.") from exc
    return fields, files
