"""Which serviceUrls an unauthenticated activity may make the bot call.

A signed activity's serviceUrl is vouched for by the channel's token. An
unsigned one is whatever the sender wrote, and replies are POSTed there: left
open, anyone could make the function call any address it can reach. So
without credentials the bot answers only on loopback (a local Emulator,
Agents Playground or the terminal chat) and at the prefixes an operator lists
in AllowedServiceUrls. In Azure, loopback is the function host itself and is
never allowed implicitly.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Optional, Tuple

from yarl import URL

from .http_urls import is_loopback_host, parse_http_url

if TYPE_CHECKING:
    from .settings import Settings


@dataclass(frozen=True)
class _Prefix:
    scheme: str
    host: str
    port: int
    path: str

    @classmethod
    def of(cls, url: str) -> "_Prefix":
        parsed = parse_http_url(url)
        path = parsed.path if parsed.path.endswith("/") else parsed.path + "/"
        return cls(parsed.scheme.lower(), parsed.host.lower(), parsed.port, path)

    def covers(self, url: URL) -> bool:
        path = url.path if url.path.endswith("/") else url.path + "/"
        return (
            url.scheme.lower() == self.scheme
            and url.host.lower() == self.host
            and url.port == self.port
            and path.startswith(self.path)
        )


class ServiceUrlPolicy:
    """Decides whether an unauthenticated activity's serviceUrl may be called."""

    def __init__(self, allowed_prefixes: Iterable[str] = (), allow_loopback: bool = True):
        self._prefixes: Tuple[_Prefix, ...] = tuple(_Prefix.of(url) for url in allowed_prefixes)
        self._allow_loopback = allow_loopback

    def allows(self, service_url: str) -> bool:
        try:
            url = parse_http_url(service_url)
        except ValueError:
            return False
        if self._allow_loopback and is_loopback_host(url.host):
            return True
        return any(prefix.covers(url) for prefix in self._prefixes)

    def describe(self) -> str:
        """What is allowed, for the error a refused sender reads."""
        allowed = ["loopback addresses"] if self._allow_loopback else []
        allowed += [f"{p.scheme}://{p.host}:{p.port}{p.path}" for p in self._prefixes]
        if not allowed:
            return "no serviceUrl is allowed without credentials; list one in AllowedServiceUrls"
        return f"allowed without credentials: {', '.join(allowed)} (AllowedServiceUrls)"


def unsigned_destinations(settings: "Settings") -> Optional[ServiceUrlPolicy]:
    """The policy for activities nobody signed; None when the bot authenticates them."""
    if settings.authenticates_requests:
        return None
    return ServiceUrlPolicy(
        settings.allowed_service_urls, allow_loopback=not settings.running_in_azure
    )
