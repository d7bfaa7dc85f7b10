"""What every answer owes the web around it: the hosts the API answers to, the origin its
absolute URLs are built on, cross-origin access, and the security and caching headers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import attrs
import falcon
import secure

HOST_SYNTAX = re.compile(r"(?P<name>[a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(:[0-9]{1,5})?")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
ONE_YEAR = 31_536_000
# Headers a cross-origin client may read besides the CORS-safelisted ones.
EXPOSED_HEADERS = ("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining",
                   "WWW-Authenticate", "Idempotent-Replayed")

ALWAYS = secure.Secure(
    xcto=secure.XContentTypeOptions(),  # nosniff
    xfo=secure.XFrameOptions().deny(),
    csp=secure.ContentSecurityPolicy().frame_ancestors("'none'"),
    referrer=secure.ReferrerPolicy().no_referrer(),
)
NO_STORE = secure.Secure(cache=secure.CacheControl().no_store())


def host_allowed(host: str, allowed: Sequence[str]) -> bool:
    """Whether a Host header value names one of the allowed hosts, as Django's ALLOWED_HOSTS
    decides: the port is ignored, ".example.com" matches example.com and its subdomains, "*"
    matches any well-formed host."""
    match = HOST_SYNTAX.fullmatch(host.lower())
    if match is None:
        return False
    name = match.group("name").removesuffix(".")
    for pattern in allowed:
        pattern = pattern.lower()
        if pattern == "*" or name == pattern:
            return True
        if pattern.startswith(".") and (name == pattern[1:] or name.endswith(pattern)):
            return True
    return False


@attrs.frozen(kw_only=True)
class WebPolicy:
    """The web-facing settings of one app (see Settings for each meaning)."""

    allowed_hosts: tuple[str, ...] = LOCAL_HOSTS
    public_url: str = ""
    cors_allowed_origins: tuple[str, ...] = ()
    hsts_seconds: int = ONE_YEAR
    trust_proxy: bool = False
    # Paths whose answers may be cached (public files): every other answer is no-store.
    cacheable_prefixes: tuple[str, ...] = ("/media/", "/api/docs/assets")

    @property
    def hosts(self) -> tuple[str, ...]:
        if self.public_url:
            return (*self.allowed_hosts, urlsplit(self.public_url).netloc)
        return self.allowed_hosts

    def middleware(self) -> list[object]:
        """The components to run before any other: the host check first, so that nothing is
        done for a request on a host the API does not serve."""
        components: list[object] = [HostCheck(self), SecurityHeaders(self)]
        if self.cors_allowed_origins:
            origins: str | tuple[str, ...] = (
                "*" if "*" in self.cors_allowed_origins
                else tuple(origin.rstrip("/") for origin in self.cors_allowed_origins))
            components.append(falcon.CORSMiddleware(allow_origins=origins,
                                                    expose_headers=EXPOSED_HEADERS))
        return components

    def request_type(self) -> type[falcon.Request]:
        """Requests whose `prefix` (the start of every absolute URL in an answer) is the public
        URL when one is set, else the request's own scheme and (checked) host, with the scheme
        a trusted proxy reports."""
        public, trust_proxy = self.public_url, self.trust_proxy

        class PublicRequest(falcon.Request):
            @property
            def prefix(self) -> str:
                if public:
                    return public
                scheme = self.forwarded_scheme if trust_proxy else self.scheme
                return f"{scheme}://{self.netloc}{self.root_path}"

        return PublicRequest

    def served_over_tls(self, req: falcon.Request) -> bool:
        """TLS is known from the WSGI server (it terminated TLS itself), from a trusted proxy
        (X-Forwarded-Proto or Forwarded: proto=https), or from an https public URL."""
        if self.public_url.startswith("https://") or req.scheme == "https":
            return True
        return self.trust_proxy and req.forwarded_scheme == "https"


class HostCheck:
    """400 for a Host header that names no allowed host (or no Host at all on HTTP/1.1)."""

    def __init__(self, policy: WebPolicy) -> None:
        self._hosts = policy.hosts

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        if not host_allowed(req.netloc, self._hosts):
            raise falcon.HTTPBadRequest(
                title="Invalid Host header.",
                description="Invalid Host header: this server does not answer for that host.")


class SecurityHeaders:
    """nosniff, frame denial and no referrer on every answer, errors included; HSTS over TLS;
    `Cache-Control: no-store` on every answer but public files, so that no token, TOTP secret,
    backup code or personal detail is ever kept by a browser or a shared cache. A resource
    that set its own Cache-Control (`private, no-store` on a private file) keeps it."""

    def __init__(self, policy: WebPolicy) -> None:
        self._policy = policy
        # The headers `secure` builds, worked out once (applying a Secure object works them
        # out again for every answer: a tenth of an artwork's detail GET).
        self._always = list(ALWAYS.headers.items())
        self._no_store = list(NO_STORE.headers.items())
        self._hsts = (list(secure.Secure(hsts=secure.StrictTransportSecurity().max_age(
            policy.hsts_seconds)).headers.items()) if policy.hsts_seconds else None)

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: Any,
                         req_succeeded: bool) -> None:
        resp.set_headers(self._always)
        if self._hsts is not None and self._policy.served_over_tls(req):
            resp.set_headers(self._hsts)
        if resp.status_code >= 400 or not (
                req.path.startswith(self._policy.cacheable_prefixes)
                or resp.get_header("Cache-Control")):  # a resource's own, stricter choice
            resp.set_headers(self._no_store)
