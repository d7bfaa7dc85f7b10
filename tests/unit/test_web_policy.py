"""Which Host header values name an allowed host."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cultureup.entrypoints.http.web_policy import LOCAL_HOSTS, host_allowed

LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
PORT = st.none() | st.integers(min_value=1, max_value=65535)


@pytest.mark.parametrize(("host", "allowed"), [
    ("localhost", True), ("localhost:8000", True), ("LocalHost:8000", True),
    ("127.0.0.1", True), ("127.0.0.1:80", True), ("[::1]", True), ("[::1]:8000", True),
    ("localhost.", True),
    ("evil.example", False), ("localhost.evil.example", False), ("127.0.0.1.nip.io", False),
    ("evil.example:8000", False), ("", False), ("localhost:", False), ("localhost:8000:1", False),
    ("local host", False), ("localhost/evil", False), ("user@localhost", False),
    ("localhost\r\nX: y", False), ("[::2]", False), ("::1", False),
])
def test_the_default_hosts(host: str, allowed: bool) -> None:
    assert host_allowed(host, LOCAL_HOSTS) is allowed


@given(sub=LABEL, name=LABEL, port=PORT)
def test_a_subdomain_matches_only_a_leading_dot_pattern(sub: str, name: str,
                                                        port: int | None) -> None:
    host = f"{sub}.{name}.example" + (f":{port}" if port else "")
    assert host_allowed(host, [f".{name}.example"])
    assert host_allowed(host, ["*"])
    assert not host_allowed(host, [f"{name}.example"])
    assert not host_allowed(f"{sub}{name}.example", [f".{name}.example"])
    assert host_allowed(f"{name}.example", [f".{name}.example"])


@given(host=st.text(max_size=30))
def test_nothing_malformed_passes_even_the_wildcard(host: str) -> None:
    if host_allowed(host, ["*"]):
        assert host.strip() == host and " " not in host and "/" not in host and "@" not in host
