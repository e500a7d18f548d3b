"""Reading http(s) URLs that came from a request, the way aiohttp will.

URLs are parsed with yarl, the parser aiohttp sends with, so a check made here
and a request made later can never disagree about the host.
"""

import ipaddress

from yarl import URL


def parse_http_url(url: str) -> URL:
    """``url`` as an absolute http(s) URL with a host and no credentials, or ValueError."""
    parsed = URL(url)
    if (
        parsed.scheme.lower() not in ("http", "https")
        or not parsed.host
        or parsed.user is not None
        or parsed.password is not None
        or "\\" in url
    ):
        raise ValueError(f"not an http(s) URL with a host and no credentials: {url!r}")
    parsed.port  # noqa: B018  (raises ValueError on a bad port)
    return parsed


def is_loopback_host(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_shareable_link(url: object, allow_loopback: bool) -> bool:
    """True for an https URL, or an http(s) loopback one when ``allow_loopback``."""
    if not isinstance(url, str):
        return False
    try:
        parsed = parse_http_url(url)
    except ValueError:
        return False
    return parsed.scheme.lower() == "https" or (allow_loopback and is_loopback_host(parsed.host))
