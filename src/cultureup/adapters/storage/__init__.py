"""Image stores: a local folder served under /media/, or an S3 bucket."""

from cultureup.adapters.storage.local import LocalImageStore
from cultureup.adapters.storage.s3 import S3ImageStore

__all__ = ["LocalImageStore", "S3ImageStore"]
