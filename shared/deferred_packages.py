"""Packages that load when something first uses them, not when they are imported.

botbuilder imports much that a turn rarely or never uses, and a cold worker
pays for all of it before its first answer:

* ``botbuilder.dialogs`` imports every prompt it has, and with them the text
  recognizers: date and time (for ``DateTimePrompt``, which this bot never
  uses), numbers, and yes/no, and Babel for numbers: about 0.2 s of a cold
  start. The first turn of a conversation only prompts, and recognizing runs
  on the recognizer pool (``dialogs/off_loop_prompts.py``), so that is where
  they load.
* msrest imports oauthlib's OAuth 2 and requests-oauthlib for the OAuth
  sessions and error types of its ``requests`` pipeline. The connector here
  sends on aiohttp (``connector_http.py``) and its tokens come from msal or
  azure-identity: only an error passing through one of msrest's ``except``
  clauses that name oauthlib's errors, or msrest's OAuth token credentials,
  load them.
* requests imports charset-normalizer to guess the encoding of a response
  that declares none, when its text is read. The bot's own requests (msal's
  token requests) run on the token pool.

A deferred package is a module object put in ``sys.modules`` in the
package's place; the first time anything reads an attribute it does not yet
have, the package's real code runs into that same object, which from then on
is the ordinary module. Whoever imported it meanwhile holds the real module.

``from package import name``, as botbuilder writes it, reads the attribute at
import time, so each name importers take that way is provided beforehand,
audited for how they use it:

* ``forwarded``: functions and classes importers only call, or name in
  annotations that are never evaluated. They get a function that loads the
  package on its first call and calls the real object.
* ``eager``: objects importers use at import time, taken from a submodule of
  the package that needs nothing else of it (run before the package's
  ``__init__``; the package reuses that same submodule when it loads).

A package may import submodules of another deferred package directly, which
would run them before that package's ``__init__``: ``after`` names those
packages, and they are loaded first. The loading takes one lock, so threads
that use a package at the same moment load it once.

So a package fits only when every importer is known (the versions are pinned
in requirements.txt) and none imports its submodules on its own: not aiohttp
or azure-core, which the storage SDKs import piecemeal. And only when a turn
rarely uses it: what the first real turn needs (aiohttp to reply, PyJWT and
cryptography to check a token) would otherwise load on the event loop then.
"""

import importlib
import importlib.util
import sys
import threading
import types
from dataclasses import dataclass
from typing import Any, Callable, Dict, Tuple

_lock = threading.RLock()
_loading = set()  # packages whose code is running, in the thread holding _lock
_deferred: Dict[str, "DeferredPackage"] = {}


@dataclass(frozen=True)
class DeferredPackage:
    name: str
    forwarded: Tuple[str, ...] = ()
    eager: Tuple[Tuple[str, str], ...] = ()  # (name, submodule that defines it)
    after: Tuple[str, ...] = ()


class _DeferredModule(types.ModuleType):
    """A package whose code has not run yet: reading a missing attribute runs it."""

    def __getattr__(self, name: str) -> Any:
        if name == "__path__":
            # Set when it is a package; "from module import name" asks a module too.
            raise AttributeError(name)
        load(self)
        # Still missing: the package has no such attribute, or its own code is
        # reading it while it loads (an AttributeError, as for any module part
        # way through its import).
        return types.ModuleType.__getattribute__(self, name)


def is_deferred(module: types.ModuleType) -> bool:
    """True while ``module`` is a deferred package whose code has not run."""
    return isinstance(module, _DeferredModule)


def load(module: types.ModuleType) -> None:
    """Run a deferred package's code, once; any other module is left as it is."""
    with _lock:
        if not is_deferred(module) or module.__name__ in _loading:
            return
        for package in _deferred[module.__name__].after:
            load(sys.modules[package])
        if not is_deferred(module):
            return  # one of those used it, and it loaded then
        _loading.add(module.__name__)
        try:
            module.__spec__.loader.exec_module(module)
            module.__class__ = types.ModuleType
        finally:
            _loading.discard(module.__name__)


def _forwarder(module: types.ModuleType, name: str) -> Callable[..., Any]:
    def forward(*args, **kwargs):
        load(module)
        return getattr(module, name)(*args, **kwargs)

    forward.__name__ = forward.__qualname__ = name
    forward.__module__ = module.__name__
    forward.__doc__ = f"{module.__name__}.{name}, the package loaded on the first call."
    return forward


def defer(package: DeferredPackage) -> None:
    """Put ``package`` in ``sys.modules`` unloaded, unless something imported it already."""
    if package.name in sys.modules:
        return
    spec = importlib.util.find_spec(package.name)
    module = importlib.util.module_from_spec(spec)
    for name in package.forwarded:
        setattr(module, name, _forwarder(module, name))
    module.__class__ = _DeferredModule
    _deferred[package.name] = package
    sys.modules[package.name] = module
    parent, _, child = package.name.rpartition(".")
    if parent:  # find_spec imported it; a submodule is its parent's attribute, as on import
        setattr(sys.modules[parent], child, module)
    for name, submodule in package.eager:
        setattr(module, name, getattr(importlib.import_module(submodule), name))


# What botbuilder-dialogs 4.17 imports from the recognizers and Babel, and how
# it uses it: Culture's constants at import time (prompt cultures); ModelResult,
# NumberModel and OrdinalModel only in annotations inside functions; the rest
# are called.
RECOGNIZERS = (
    DeferredPackage(
        "recognizers_text",
        eager=(("Culture", "recognizers_text.culture"), ("ModelResult", "recognizers_text.model")),
    ),
    DeferredPackage(
        "recognizers_number",
        forwarded=("recognize_number", "NumberRecognizer", "NumberModel", "OrdinalModel"),
        after=("recognizers_text",),
    ),
    DeferredPackage("recognizers_choice", forwarded=("recognize_boolean",), after=("recognizers_text",)),
    DeferredPackage(
        "recognizers_date_time",
        forwarded=("recognize_datetime",),
        after=("recognizers_text", "recognizers_number"),
    ),
    DeferredPackage("babel"),
    DeferredPackage("babel.numbers", forwarded=("parse_decimal",), after=("babel",)),
)


# msrest 0.7 and botframework-connector 4.17 take ``oauth2`` from oauthlib
# and only read its error types in ``except`` clauses; msrest calls
# requests_oauthlib's sessions for OAuth token credentials, which the bot
# does not use. requests_oauthlib imports submodules of oauthlib.oauth2.
MSREST_OAUTH = (
    DeferredPackage("oauthlib.oauth2"),
    DeferredPackage("requests_oauthlib", after=("oauthlib.oauth2",)),
)


# requests 2.32 reads charset-normalizer's version at import (its compatibility
# check), its name (for requests.packages) and calls detect() on a response.
REQUESTS_ENCODING_GUESS = (
    DeferredPackage("charset_normalizer", eager=(("__version__", "charset_normalizer.version"),)),
)


UNUSED_PACKAGES = RECOGNIZERS + MSREST_OAUTH + REQUESTS_ENCODING_GUESS


def defer_unused_packages() -> None:
    """Defer the packages above. Call it before botbuilder is imported: a package
    imported already is left as it is."""
    for package in UNUSED_PACKAGES:
        defer(package)
