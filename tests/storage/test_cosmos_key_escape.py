"""Cosmos ids: the ones botbuilder-azure's CosmosDbPartitionedStorage gives."""

import pytest
from botbuilder.azure import CosmosDbKeyEscape
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.storage.cosmos_key_escape import cosmos_id_for

# Keys built mostly from the characters the escaping is about.
KEYS = st.text(alphabet=st.sampled_from("ab/\\?#\t\n\r* é会🙂"), max_size=400) | st.text(
    max_size=600
)


@settings(max_examples=300, deadline=None)
@given(KEYS.filter(lambda key: not key.endswith(" ")))
def test_ids_match_botbuilder_for_every_key_it_can_store(key):
    assert cosmos_id_for(key) == CosmosDbKeyEscape.sanitize_key(key)


@pytest.mark.parametrize("key", ["a ", "a/ ", "x" * 300 + " "])
def test_a_trailing_space_cosmos_would_refuse_is_escaped(key):
    assert not cosmos_id_for(key).endswith(" ")
    assert len(cosmos_id_for(key)) <= 255


def test_long_keys_are_cut_to_255_characters_with_a_hash():
    assert len(cosmos_id_for("k" * 2000)) == 255
    assert cosmos_id_for("k" * 2000 + "1") != cosmos_id_for("k" * 2000 + "2")
