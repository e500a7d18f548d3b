"""Fixtures for the local_run tests only."""

import sys

import pytest


@pytest.fixture
def app_root(tmp_path, monkeypatch):
    """An empty function app root on sys.path, as the host's working directory is.

    Function modules imported from it are forgotten afterwards, so the next test
    can reuse folder names.
    """
    monkeypatch.syspath_prepend(str(tmp_path))
    modules_before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - modules_before:
        del sys.modules[name]
