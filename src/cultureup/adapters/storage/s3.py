"""An image store in an S3 bucket (or anything that speaks its API, such as moto or MinIO)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from cultureup.adapters.storage.local import check_key, key_path
from cultureup.application.storage import PUBLIC_CACHE_CONTROL
from cultureup.domain.errors import NotFound

_MISSING = {"NoSuchKey", "404", "NotFound"}


class S3ImageStore:
    """Objects in one bucket. Clients fetch them straight from `public_base_url` (a CDN or the
    bucket's own address), so the bucket policy must allow public reads of these keys."""

    def __init__(self, client: Any, bucket: str, region: str,
                 public_base_url: str | None = None) -> None:
        self.client = client
        self.bucket = bucket
        self.region = region
        if public_base_url is None:
            public_base_url = f"https://{bucket}.s3.{region}.amazonaws.com/"
        self.public_base_url = public_base_url.rstrip("/") + "/"

    @classmethod
    def from_settings(cls, bucket: str, region: str, access_key_id: str | None,
                      secret_access_key: str | None, endpoint_url: str | None = None,
                      *, public_base_url: str | None = None) -> S3ImageStore:
        """A store with its own boto3 client. Without keys, boto3's usual chain applies
        (environment, instance role). With an endpoint_url (moto, MinIO), objects are
        addressed by path there, since such hosts rarely resolve bucket sub-domains."""
        client = s3_client(region, access_key_id, secret_access_key, endpoint_url)
        if public_base_url is None and endpoint_url:
            public_base_url = f"{endpoint_url.rstrip('/')}/{bucket}/"
        return cls(client, bucket, region, public_base_url)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        # Caches keep a public object only briefly: it may stop being public (an artwork
        # removed or rejected), and then its object is deleted.
        self.client.put_object(Bucket=self.bucket, Key=check_key(key), Body=data,
                               ContentType=content_type, CacheControl=PUBLIC_CACHE_CONTROL)

    def delete(self, key: str) -> None:
        # S3 answers a delete of a missing key with success, which is the contract.
        self.client.delete_object(Bucket=self.bucket, Key=check_key(key))

    def url(self, key: str) -> str:
        return self.public_base_url + key_path(key)

    def read(self, key: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                raise NotFound("No image is stored under this key.") from exc
            raise
        body = response["Body"]
        try:
            return bytes(body.read())
        finally:
            body.close()

    def exists(self, key: str) -> bool:
        return _exists(self.client, self.bucket, check_key(key))


class S3PrivateFileStore:
    """Private objects: in their own bucket, or under `prefix` in the media bucket, written
    without any ACL, so they stay as private as the bucket (the public-read statement of the
    media bucket's policy must name only the public prefixes, such as `artworks/*`, never
    `*`). Clients get them only through short-lived presigned URLs that `PrivateFileService`
    hands to users allowed to have them."""

    def __init__(self, client: Any, bucket: str, *, prefix: str = "private/",
                 url_ttl_seconds: int = 300) -> None:
        if prefix and not prefix.endswith("/"):
            raise ValueError("the private prefix ends with '/'")
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.url_ttl_seconds = url_ttl_seconds

    def _key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data,
                               ContentType=content_type)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def read(self, key: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                raise NotFound("No file is stored under this key.") from exc
            raise
        body = response["Body"]
        try:
            return bytes(body.read())
        finally:
            body.close()

    def exists(self, key: str) -> bool:
        return _exists(self.client, self.bucket, self._key(key))

    def signed_url(self, key: str, *, filename: str, content_type: str) -> str | None:
        return str(self.client.generate_presigned_url("get_object", Params={
            "Bucket": self.bucket, "Key": self._key(key),
            "ResponseContentType": content_type,
            "ResponseContentDisposition": f'attachment; filename="{quote(filename)}"',
            "ResponseCacheControl": "private, no-store",
        }, ExpiresIn=self.url_ttl_seconds))


def _exists(client: Any, bucket: str, key: str) -> bool:
    try:
        client.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in _MISSING:
            return False
        raise
    return True


def s3_client(region: str, access_key_id: str | None = None,
              secret_access_key: str | None = None, endpoint_url: str | None = None) -> Any:
    """A boto3 S3 client. Without keys, boto3's usual chain applies (environment, instance
    role). With an endpoint_url (moto, MinIO), objects are addressed by path there, since such
    hosts rarely resolve bucket sub-domains. Presigned URLs use Signature Version 4."""
    config = Config(
        connect_timeout=5, read_timeout=30, retries={"max_attempts": 4, "mode": "standard"},
        signature_version="s3v4",
        s3={"addressing_style": "path"} if endpoint_url else {},
    )
    return boto3.client("s3", region_name=region, endpoint_url=endpoint_url, config=config,
                        **_credentials(access_key_id, secret_access_key))


def _credentials(access_key_id: str | None, secret_access_key: str | None) -> dict[str, str]:
    if access_key_id and secret_access_key:
        return {"aws_access_key_id": access_key_id, "aws_secret_access_key": secret_access_key}
    return {}
