"""Blob names: valid for Azure, and one per key."""

from urllib.parse import unquote

import pytest

from shared.storage.blob_names import MAX_BLOB_NAME_LENGTH, blob_name_for


@pytest.mark.parametrize(
    "key", ["a/b/", "a.", "a?b#c%d", "tab\tnewline\n", "ünï/会话", "a\\b", "*", "~_-"]
)
def test_short_keys_become_names_without_separators_that_decode_back(key):
    name = blob_name_for(key)
    assert not set(name) & set("/\\?#. \t\n")
    assert unquote(name) == key


def test_long_keys_are_cut_to_the_limit_and_stay_distinct():
    keys = ["k" * 5000 + "1", "k" * 5000 + "2", "会" * 1000]
    names = [blob_name_for(key) for key in keys]
    assert all(len(name) == MAX_BLOB_NAME_LENGTH for name in names)
    assert len(set(names)) == len(keys)


def test_names_are_hashed_only_past_the_limit_so_the_two_kinds_never_meet():
    longest_plain = MAX_BLOB_NAME_LENGTH - 65
    assert blob_name_for("x" * longest_plain) == "x" * longest_plain
    hashed = blob_name_for("x" * (longest_plain + 1))
    assert len(hashed) == MAX_BLOB_NAME_LENGTH
    assert hashed.startswith("x" * longest_plain + "~")


def test_an_empty_key_is_refused():
    with pytest.raises(ValueError):
        blob_name_for("")
