"""Image stores: a local folder served under /media/, or an S3 bucket; and private files,
in a folder no route serves or private S3 objects."""

from cultureup.adapters.storage.local import LocalImageStore, LocalPrivateFileStore
from cultureup.adapters.storage.s3 import S3ImageStore, S3PrivateFileStore

__all__ = ["LocalImageStore", "LocalPrivateFileStore", "S3ImageStore", "S3PrivateFileStore"]
