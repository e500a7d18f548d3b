"""Deferred packages: unloaded until first used, then the ordinary module, loaded once."""

import importlib
import sys
import threading
import types
import uuid

import pytest

from shared.deferred_packages import DeferredPackage, defer, is_deferred, load
from tests.cold_worker import run_in_fresh_process

PACKAGE_CODE = '''
from .constants import Colour
from .runs import RUNS

RUNS.append(1)
LOADED_WITH = Colour


def shout(text):
    return text.upper() + "!"


class Greeter:
    def __init__(self, name):
        self.name = name
'''


@pytest.fixture
def make_package(tmp_path, monkeypatch):
    """Writes a package with an ``__init__`` and two standalone submodules: ``constants``,
    and ``runs``, which counts how often the ``__init__`` ran."""
    monkeypatch.syspath_prepend(str(tmp_path))
    made = []

    def make(code: str = PACKAGE_CODE, imports_first: str = "") -> str:
        name = f"deferred_test_{uuid.uuid4().hex[:8]}"
        folder = tmp_path / name
        folder.mkdir()
        (folder / "__init__.py").write_text(imports_first + code)
        (folder / "constants.py").write_text(
            "class Colour:\n    RED = 'red'\n\n\ndef paint(thing):\n    return f'{Colour.RED} {thing}'\n"
        )
        (folder / "runs.py").write_text("RUNS = []\n")
        made.append(name)
        return name

    yield make
    for name in made:
        for module in [module for module in sys.modules if module.split(".")[0] == name]:
            del sys.modules[module]


def test_a_deferred_package_runs_on_first_use_into_the_module_its_importers_hold(make_package):
    name = make_package()
    defer(DeferredPackage(name))
    imported = importlib.import_module(name)
    assert is_deferred(imported) and "shout" not in vars(imported)
    assert imported.shout("hi") == "HI!"
    assert type(imported) is types.ModuleType and not is_deferred(imported)
    assert sys.modules[name] is imported
    assert importlib.import_module(name).Greeter("x").name == "x"


def test_forwarded_names_load_the_package_when_called(make_package):
    name = make_package()
    defer(DeferredPackage(name, forwarded=("shout", "Greeter")))
    module = sys.modules[name]
    shout, greeter = module.shout, module.Greeter  # as "from package import ..." takes them
    assert is_deferred(module)
    assert shout("hi") == "HI!"
    assert not is_deferred(module)
    assert module.shout is not shout and module.shout("a") == "A!"  # the real one, now
    assert isinstance(greeter("Bob"), module.Greeter)


def test_a_deferred_module_that_is_not_a_package_loads_when_used_too(make_package):
    name = make_package()
    defer(DeferredPackage(name))
    defer(DeferredPackage(f"{name}.constants", forwarded=("paint",), after=(name,)))
    paint = importlib.import_module(f"{name}.constants").paint  # as "from ... import paint"
    module = sys.modules[f"{name}.constants"]
    assert is_deferred(module) and getattr(sys.modules[name], "constants") is module
    assert paint("wall") == "red wall"
    assert not is_deferred(module) and not is_deferred(sys.modules[name])


def test_eager_names_come_from_their_own_submodule_which_the_package_then_reuses(make_package):
    name = make_package()
    defer(DeferredPackage(name, eager=(("Colour", f"{name}.constants"),)))
    module = sys.modules[name]
    colour = module.Colour
    assert colour.RED == "red" and is_deferred(module)
    load(module)
    assert module.Colour is colour and module.LOADED_WITH is colour


def test_threads_using_it_at_once_load_it_once(make_package):
    name = make_package()
    defer(DeferredPackage(name, forwarded=("shout",)))
    shout = sys.modules[name].shout
    start = threading.Barrier(8)
    results = []

    def use():
        start.wait()
        results.append(shout("x"))

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["X!"] * 8
    assert importlib.import_module(f"{name}.runs").RUNS == [1]


def test_a_package_loads_the_packages_it_comes_after_first(make_package):
    first = make_package()
    second = make_package(imports_first=f"import {first}.constants\n")
    defer(DeferredPackage(first))
    defer(DeferredPackage(second, forwarded=("shout",), after=(first,)))
    sys.modules[second].shout("x")
    assert not is_deferred(sys.modules[first]) and not is_deferred(sys.modules[second])


def test_a_package_already_imported_is_left_as_it_is(make_package):
    name = make_package()
    imported = importlib.import_module(name)
    defer(DeferredPackage(name, forwarded=("shout",)))
    assert sys.modules[name] is imported and not is_deferred(imported)


def test_requests_and_msrest_load_the_packages_the_worker_deferred_when_they_use_them():
    # The recognizers' first use is in test_cold_worker.py.
    result = run_in_fresh_process("tests.requests_packages_check")
    oauth, oauth_session, encoding_guess = "oauthlib.oauth2", "requests_oauthlib", "charset_normalizer"
    assert result == {
        "deferred_at_first": {oauth: True, oauth_session: True, encoding_guess: True},
        "error": "ConnectionError",  # raised through except clauses naming oauthlib's errors
        "deferred_after_the_error": {oauth: False, oauth_session: True, encoding_guess: True},
        "session_auth": "requests_oauthlib.oauth2_auth.OAuth2",
        "guessed_text": "Grüße aus Köln, Straße Nummer fünf",
        "deferred_at_the_end": {oauth: False, oauth_session: False, encoding_guess: False},
    }
