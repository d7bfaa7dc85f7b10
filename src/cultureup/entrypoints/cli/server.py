"""Serving the WSGI app with gunicorn: several processes, each with a pool of threads."""

from __future__ import annotations

import os
import socket
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from gunicorn import glogging
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from cultureup.bootstrap import bootstrap, http_app
from cultureup.config import Settings
from cultureup.entrypoints.cli.output import TIME_FORMAT

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class PortUnavailable(Exception):
    """The address cannot be listened on (in use, not local, not permitted)."""


def listen(host: str, port: int, *, sockets: int = 1) -> list[socket.socket]:
    """Listening TCP sockets on host:port (port 0: any free port), opened before anything else
    so that a port in use is reported at once, and so that the port the server really got is
    known. gunicorn serves on these very sockets.

    `sockets` > 1 (Linux only, see `BALANCED`): that many sockets on the one address, each with
    SO_REUSEPORT, one per worker. The kernel then spreads new connections over them by a hash
    of the client's address and port, instead of letting the workers race to accept from one
    shared socket, where one worker can take every connection of a burst (eight keep-alive
    connections opened at once stayed with one of two workers, which then did all the work
    while the other idled). A port that anything else listens on is still refused: a plain
    bind is tried first, since SO_REUSEPORT alone would let the sockets join another server's
    group of the same user.

    Raises PortUnavailable."""
    count = sockets if BALANCED else 1
    opened: list[socket.socket] = []
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                    flags=socket.AI_PASSIVE)[0][0]
        if count == 1:
            return [socket.create_server((host, port), family=family, backlog=BACKLOG)]
        if port:
            # Refused if anything listens there (a lingering connection does not count).
            socket.create_server((host, port), family=family).close()
        for _ in range(count):
            listener = socket.create_server((host, port), family=family, backlog=BACKLOG,
                                            reuse_port=True)
            opened.append(listener)
            port = listener.getsockname()[1]  # port 0: the others join the port it got
        return opened
    except OSError as exc:
        for listener in opened:
            listener.close()
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise PortUnavailable(f"cannot listen on {host}:{port}: {reason}") from exc


BACKLOG = 2048
# Whether `listen` opens one socket per worker: Linux spreads connections over the sockets of
# one SO_REUSEPORT group (since 3.9); other systems give them all to one socket, or refuse.
BALANCED = sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")


class UtcLogger(glogging.Logger):  # type: ignore[misc]
    """gunicorn's logs stamped in UTC like the API's times (2026-03-01T09:00:00Z), not in the
    machine's local time."""

    datefmt = TIME_FORMAT

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if handler.formatter is not None:
                    handler.formatter.converter = time.gmtime

    def now(self) -> str:
        return time.strftime(f"[{TIME_FORMAT}]", time.gmtime())


class _CountingInput:
    """wsgi.input, counting what the application read of the body."""

    def __init__(self, stream: Any) -> None:
        self._stream, self.read_bytes, self.exhausted = stream, 0, False

    def _count(self, data: bytes) -> bytes:
        self.read_bytes += len(data)
        self.exhausted = self.exhausted or not data
        return data

    def read(self, size: int | None = -1) -> bytes:
        return self._count(self._stream.read(size))

    def readline(self, size: int | None = -1) -> bytes:
        return self._count(self._stream.readline(size))

    def readlines(self, hint: int | None = -1) -> list[bytes]:
        lines = self._stream.readlines(hint)
        for line in lines:
            self._count(line)
        return list(lines)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")


def close_after_unread_body(app: WsgiApp) -> WsgiApp:
    """Answers given without reading the whole request body (a 413 for an upload too large,
    a 401 to an anonymous upload) close the connection: gunicorn sends `Connection: close` and
    closes after the answer. Otherwise gunicorn announces keep-alive, gives up draining a large
    unread body, and drops the connection under the client's next request."""
    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = _CountingInput(environ["wsgi.input"])
        environ["wsgi.input"] = body

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if _unread(environ, body):
                # gunicorn passes its Response's bound start_response; force_close() is how
                # it is told that the connection must not be kept.
                force_close = getattr(getattr(start_response, "__self__", None),
                                      "force_close", None)
                if callable(force_close):
                    force_close()
            return start_response(status, headers, exc_info)

        return app(environ, start)

    return wrapped


def _unread(environ: dict[str, Any], body: _CountingInput) -> bool:
    length = environ.get("CONTENT_LENGTH") or ""
    if length.isdigit():
        return body.read_bytes < int(length)
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    return chunked and not body.exhausted


class CultureUpServer(BaseApplication):  # type: ignore[misc]
    """gunicorn configured from code; every worker builds its own services after the fork.

    Nothing is shared with another server on the same machine: no control socket, no pid
    file; the listening sockets are the ones `listen` opened. With several of them, each
    worker accepts from its own (`_assign_listener`), and the master keeps every one open: a
    socket whose worker died holds its connections until the replacement accepts them."""

    def __init__(self, settings: Settings, *, listeners: list[socket.socket], workers: int,
                 threads: int) -> None:
        self._settings = settings
        self._options = {
            # gunicorn takes the descriptors over (and closes them when it stops).
            "bind": [f"fd://{listener.detach()}" for listener in listeners],
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "pre_fork": _assign_listener,
            "post_fork": _keep_own_listener,
            "accesslog": "-",
            # gunicorn's default line plus the worker's process id.
            "access_log_format": '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" '
                                 "%(p)s",
            "errorlog": "-",
            "loglevel": settings.log_level,
            "logger_class": UtcLogger,
            "timeout": 60,
            "graceful_timeout": 20,
            "proc_name": "cultureup",
            # Forwarded headers are the app's to judge (CULTUREUP_TRUST_FORWARDED_FOR).
            "forwarded_allow_ips": "",
            # gunicorn >= 25.1 would open one control socket per user, shared by every
            # server that user runs; the servers are stopped by signals instead.
            "control_socket_disable": True,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            if key == "control_socket_disable" and key not in self.cfg.settings:
                continue  # an older gunicorn, without a control socket to disable
            self.cfg.set(key, value)

    def load(self) -> Any:
        return close_after_unread_body(http_app(bootstrap(self._settings)))

    def run(self) -> None:
        try:
            _Arbiter(self).run()
        except RuntimeError as exc:  # as gunicorn's own run() reports a failed start
            print(f"\nError: {exc}\n", file=sys.stderr, flush=True)
            sys.exit(1)


class _Arbiter(Arbiter):  # type: ignore[misc]
    """gunicorn's master, with a fixed number of workers when each has a listening socket of
    its own: SIGTTIN and SIGTTOU are refused (gunicorn would stop the oldest worker on
    SIGTTOU, leaving its socket without a worker to answer the connections the kernel gives it).
    Restart the server to change the number of workers."""

    def handle_ttin(self) -> None:
        if len(self.LISTENERS) > 1:
            self._refuse("SIGTTIN")
        else:
            super().handle_ttin()

    def handle_ttou(self) -> None:
        if len(self.LISTENERS) > 1:
            self._refuse("SIGTTOU")
        else:
            super().handle_ttou()

    def _refuse(self, signal_name: str) -> None:
        self.log.warning("Ignoring %s: the %s workers each accept from a listening socket of "
                         "their own; restart the server to change their number",
                         signal_name, self.num_workers)


def _assign_listener(arbiter: Any, worker: Any) -> None:
    """gunicorn's pre_fork hook (in the master): the socket that `worker` will accept from,
    the one fewest live workers accept from (a replacement takes its predecessor's)."""
    taken = Counter(getattr(other, "listener_index", None)
                    for other in arbiter.WORKERS.values())
    worker.listener_index = min(range(len(worker.sockets)), key=lambda i: (taken[i], i))


def _keep_own_listener(arbiter: Any, worker: Any) -> None:
    """gunicorn's post_fork hook (in the new worker): accept only from its own socket, and
    close its copies of the others (the master's stay open)."""
    own = worker.sockets[worker.listener_index]
    for listener in worker.sockets:
        if listener is not own:
            listener.close()
    worker.sockets = [own]
