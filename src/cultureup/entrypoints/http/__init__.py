"""The HTTP API (Falcon)."""

from cultureup.entrypoints.http.app import create_app

__all__ = ["create_app"]
