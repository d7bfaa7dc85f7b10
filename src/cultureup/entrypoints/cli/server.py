"""Serving the WSGI app with gunicorn: several processes, each with a pool of threads."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from cultureup.bootstrap import bootstrap, http_app
from cultureup.config import Settings


class CultureUpServer(BaseApplication):  # type: ignore[misc]
    """gunicorn configured from code; every worker builds its own services after the fork."""

    def __init__(self, settings: Settings, *, host: str, port: int, workers: int,
                 threads: int) -> None:
        self._settings = settings
        self._options = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "accesslog": "-",
            # gunicorn's default line plus the worker's process id.
            "access_log_format": '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" '
                                 "%(p)s",
            "errorlog": "-",
            "loglevel": settings.log_level,
            "timeout": 60,
            "graceful_timeout": 20,
            "proc_name": "cultureup",
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return http_app(bootstrap(self._settings))
