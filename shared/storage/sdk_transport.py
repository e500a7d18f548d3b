"""The Azure SDKs' HTTP transport for the stores.

By default azure-core's aiohttp transport trusts the environment, and aiohttp
then looks for a proxy variable and a .netrc entry on every request, each in
a worker thread: about 1 ms of CPU and two thread hand-offs per storage call,
to find the same answer every time. Where the environment configures no proxy
and no .netrc, the stores use ``Http11Transport`` (``http_transport``), which
makes no such lookups and sends the stores' requests itself; where it does,
the SDK's own transport and behaviour, proxies included, are kept.
"""

import os
from pathlib import Path
from typing import Any, Dict, Mapping

# What aiohttp reads when it trusts the environment (urllib's proxy variables, any case).
_ENVIRONMENT_NAMES = {"http_proxy", "https_proxy", "ws_proxy", "wss_proxy", "all_proxy", "netrc"}


def environment_configures_http(environ: Mapping[str, str] = os.environ) -> bool:
    """True when a proxy variable or a .netrc file could change where requests go."""
    if any(name.lower() in _ENVIRONMENT_NAMES for name in environ):
        return True
    home = environ.get("HOME")
    return bool(home) and any((Path(home) / name).is_file() for name in (".netrc", "_netrc"))


def client_options_with_transport(client_options: Mapping[str, Any]) -> Dict[str, Any]:
    """``client_options`` plus the stores' own transport, unless one is given or
    the environment configures proxies."""
    options = dict(client_options)
    if "transport" not in options and not environment_configures_http():
        from .http_transport import Http11Transport  # pylint: disable=import-outside-toplevel

        options["transport"] = Http11Transport()
    return options
