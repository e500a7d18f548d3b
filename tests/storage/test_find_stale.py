"""The sweeper's view of a store: which records are stale, and safe deletes.

The cutoff lies in the future so that on Blob every record written by the
test is a candidate for the check (see test_blob_store for the listing
filter that skips recent blobs).
"""

import dataclasses
import time

from shared.storage import create_state_stores


def future_cutoff() -> float:
    return round(time.time()) + 3600.0


async def stale_keys(store, cutoff):
    return sorted([record.key async for record in store.find_due(cutoff, cutoff)])


async def test_only_records_at_or_before_the_cutoff_are_stale(state_stores):
    # given records accessed before, exactly at and after the cutoff
    cutoff = future_cutoff()
    store = state_stores.conversation
    await store.write(
        {
            "before": {"LastAccessedTime": cutoff - 1000},
            "at": {"LastAccessedTime": cutoff},
            "after": {"LastAccessedTime": cutoff + 1},
            "fraction": {"LastAccessedTime": cutoff - 0.5},
        }
    )
    # when the store lists stale records
    records = {record.key: record async for record in store.find_due(cutoff, cutoff)}
    # then exactly the first ones come back, with their times and current e_tags
    assert sorted(records) == ["at", "before", "fraction"]
    assert records["before"].last_accessed == cutoff - 1000
    assert records["fraction"].last_accessed == cutoff - 0.5
    current = await store.read(["at"])
    assert records["at"].e_tag == current["at"]["e_tag"]


async def test_records_without_a_numeric_time_are_never_stale(state_stores):
    cutoff = future_cutoff()
    store = state_stores.conversation
    await store.write(
        {
            "missing": {"DialogState": {}},
            "null": {"LastAccessedTime": None},
            "text": {"LastAccessedTime": "yesterday"},
            "number-as-text": {"LastAccessedTime": "12"},
            "boolean": {"LastAccessedTime": True},
            "object": {"LastAccessedTime": {"seconds": 12}},
            "list": {"LastAccessedTime": [12]},
            "stale": {"LastAccessedTime": 12},
        }
    )
    assert await stale_keys(store, cutoff) == ["stale"]


async def test_user_records_are_not_listed_with_conversations(state_stores):
    cutoff = future_cutoff()
    await state_stores.user.write({"user": {"LastAccessedTime": 12}})
    await state_stores.conversation.write({"conversation": {"LastAccessedTime": 12}})
    assert await stale_keys(state_stores.conversation, cutoff) == ["conversation"]


async def test_odd_keys_are_listed_by_their_real_key(state_stores):
    keys = ["emulator/conversations/a?b#c\\d*e/", "ü" * 2000]
    await state_stores.conversation.write({key: {"LastAccessedTime": 12} for key in keys})
    assert await stale_keys(state_stores.conversation, future_cutoff()) == sorted(keys)


async def test_a_stale_record_is_deleted_with_its_e_tag(state_stores):
    store = state_stores.conversation
    await store.write({"key": {"LastAccessedTime": 12}})
    [record] = [record async for record in store.find_due(future_cutoff(), future_cutoff())]
    assert await store.delete_if_unchanged(record.key, record.e_tag) is True
    assert await store.read(["key"]) == {}


async def test_a_record_written_after_listing_is_not_deleted(state_stores):
    # given a record listed as stale
    store = state_stores.conversation
    await store.write({"key": {"LastAccessedTime": 12}})
    [record] = [record async for record in store.find_due(future_cutoff(), future_cutoff())]
    # when a turn saves it before the sweeper deletes it
    await store.write({"key": {"LastAccessedTime": time.time()}})
    # then the delete is refused and the turn's state stays
    assert await store.delete_if_unchanged(record.key, record.e_tag) is False
    assert (await store.read(["key"]))["key"]["LastAccessedTime"] > 12


async def test_deleting_a_record_already_gone_reports_false(state_stores):
    store = state_stores.conversation
    await store.write({"key": {"LastAccessedTime": 12}})
    [record] = [record async for record in store.find_due(future_cutoff(), future_cutoff())]
    await store.delete(["key"])
    assert await store.delete_if_unchanged(record.key, record.e_tag) is False


async def test_deleting_while_listing_in_pages_reaches_every_stale_record(settings_for_backend):
    # given more stale records than one page holds (Cosmos pages by batch size)
    settings = dataclasses.replace(settings_for_backend, sweep_batch_size=7)
    stores = create_state_stores(settings)
    try:
        store = stores.conversation
        keys = [f"conversation-{index:02}" for index in range(30)]
        await store.write({key: {"LastAccessedTime": 12} for key in keys})
        await store.write({"fresh": {"LastAccessedTime": future_cutoff() + 1}})
        # when each listed record is deleted before the next page is fetched
        deleted = []
        async for record in store.find_due(future_cutoff(), future_cutoff()):
            assert await store.delete_if_unchanged(record.key, record.e_tag)
            deleted.append(record.key)
        # then every stale record was listed once, and deleted
        assert sorted(deleted) == keys
        assert list(await store.read(keys + ["fresh"])) == ["fresh"]
    finally:
        await stores.aclose()
