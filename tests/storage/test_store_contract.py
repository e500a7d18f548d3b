"""What every state store promises beyond botbuilder's suite: ETags and keys."""

from datetime import datetime

import pytest

from shared.storage import ETagConflict

# Each of the characters Cosmos forbids in an id, and what else a key may hold.
FORBIDDEN_IN_COSMOS_IDS = ["\\", "?", "/", "#", "\t", "\n", "\r", "*"]
ODD_KEYS = [f"emulator/conversations/a{char}b/" for char in FORBIDDEN_IN_COSMOS_IDS] + [
    "msteams/conversations/19:abc@thread.tacv2;messageid=1/",
    "unicode/ünïcødé/会话/🙂",
    "percent%2Fand%25escapes",
    "ends with a dot.",
    "ends with a slash/",
    " spaces and + plus ",
    "a" * 2000,
    "é" * 2000,
]


class Profile:
    """A store item that is an object rather than a dict."""

    def __init__(self, name: str, age: int):
        self.name = name
        self.age = age
        self.e_tag = None


async def test_every_write_gives_a_new_e_tag(state_stores):
    store = state_stores.conversation
    await store.write({"key": {"count": 1}})
    first = (await store.read(["key"]))["key"]
    await store.write({"key": first})
    second = (await store.read(["key"]))["key"]
    assert first["e_tag"] and second["e_tag"]
    assert first["e_tag"] != second["e_tag"]


async def test_a_write_with_a_stale_e_tag_is_refused(state_stores):
    # given two readers of the same record
    store = state_stores.conversation
    await store.write({"key": {"count": 1}})
    first_reader = (await store.read(["key"]))["key"]
    second_reader = (await store.read(["key"]))["key"]
    # when the first saves, then the second saves what it read earlier
    first_reader["count"] = 2
    await store.write({"key": first_reader})
    second_reader["count"] = 3
    with pytest.raises(ETagConflict) as conflict:
        await store.write({"key": second_reader})
    # then the second save is refused and the first one's value stays
    assert conflict.value.key == "key"
    assert (await store.read(["key"]))["key"]["count"] == 2


async def test_a_write_to_a_deleted_record_with_its_e_tag_is_refused(state_stores):
    store = state_stores.conversation
    await store.write({"key": {"count": 1}})
    read = (await store.read(["key"]))["key"]
    await store.delete(["key"])
    with pytest.raises(ETagConflict):
        await store.write({"key": read})
    assert await store.read(["key"]) == {}


@pytest.mark.parametrize("wildcard", [None, "*"])
async def test_a_write_without_a_real_e_tag_overwrites(state_stores, wildcard):
    store = state_stores.conversation
    await store.write({"key": {"count": 1}})
    stale = (await store.read(["key"]))["key"]
    await store.write({"key": {"count": 2}})
    stale.update(count=3, e_tag=wildcard)
    await store.write({"key": stale})
    assert (await store.read(["key"]))["key"]["count"] == 3


async def test_an_empty_e_tag_is_refused_before_anything_is_written(state_stores):
    store = state_stores.conversation
    with pytest.raises(ValueError):
        await store.write({"first": {"count": 1}, "second": {"count": 2, "e_tag": ""}})
    assert await store.read(["first", "second"]) == {}


@pytest.mark.parametrize("key", ODD_KEYS, ids=lambda key: repr(key[:40]))
async def test_any_key_round_trips(state_stores, key):
    store = state_stores.conversation
    await store.write({key: {"key": key}})
    assert (await store.read([key]))[key]["key"] == key
    await store.delete([key])
    assert await store.read([key]) == {}


async def test_keys_that_escape_alike_stay_apart(state_stores):
    # "/" is stored in a Cosmos id as "*47", and long keys are cut and hashed.
    keys = ["a/b", "a*47b", "a%2Fb", "x" * 1990 + "1", "x" * 1990 + "2"]
    store = state_stores.conversation
    await store.write({key: {"key": key} for key in keys})
    read = await store.read(keys)
    assert {key: item["key"] for key, item in read.items()} == {key: key for key in keys}


async def test_state_with_no_json_form_is_refused_naming_it_and_nothing_is_stored(state_stores):
    # Stored documents are plain JSON: an object is neither pickled nor
    # half-written, and the error says what to change.
    store = state_stores.user
    await store.write({"kept": {"count": 1}})
    kept = (await store.read(["kept"]))["kept"]
    for changes in (
        {"profile": Profile("Ada", 36)},
        {"profile": {"name": "Ada", "joined": datetime(2026, 1, 1)}},
        {"kept": {**kept, "count": 2}, "profile": {"tags": {"a", "b"}}},
    ):
        with pytest.raises(TypeError, match="Profile|datetime|set"):
            await store.write(changes)
    found = await store.read(["kept", "profile"])
    assert list(found) == ["kept"] and found["kept"]["count"] == 1


async def test_conversation_and_user_state_live_apart(state_stores):
    await state_stores.conversation.write({"key": {"from": "conversation"}})
    await state_stores.user.write({"key": {"from": "user"}})
    assert (await state_stores.conversation.read(["key"]))["key"]["from"] == "conversation"
    assert (await state_stores.user.read(["key"]))["key"]["from"] == "user"
    await state_stores.conversation.delete(["key"])
    assert (await state_stores.user.read(["key"]))["key"]["from"] == "user"
