"""The sweep around records it cannot read, on Blob and Cosmos.

Unreadable records of every kind sit among stale conversations. The clock
runs an hour ahead, so on Blob every record is old enough to be checked.
"""

import logging
import time

import pytest

from shared.storage.blob_store import create_blob_stores
from shared.lifecycle.sweep import sweep
from tests.sweeping import deleting_rules
from tests.chat_driver import FakeClock
from tests.storage.raw_records import (
    STALE_TIME,
    UNRESTORABLE_DOCUMENTS,
    plant,
    raw_record,
    unreadable_blobs,
    unreadable_cosmos_documents,
    unrestorable_records,
)
from tests.storage.request_counting import CountingTransport

EXPIRE = 60
BATCH = 4
FRESH = "test/conversations/fresh"
BLOB = pytest.mark.parametrize("settings_for_backend", ["blob"], indirect=True)
COSMOS = pytest.mark.parametrize("settings_for_backend", ["cosmos", "cosmos-real"], indirect=True)


def hour_ahead() -> FakeClock:
    return FakeClock(time.time() + 3600)


def one_of_each_kind(bodies_for) -> dict:
    """Raw unreadable records, one of each kind, each under a key of its own."""
    kinds = bodies_for("any key")
    keys = {kind: f"test/conversations/secret-{index}" for index, kind in enumerate(kinds)}
    return {key: bodies_for(key)[kind] for kind, key in keys.items()}


async def given_stale_conversations_around(settings, stores, unreadable, clock) -> list:
    """Stale conversations with ``unreadable`` planted among them, and a fresh one.

    Some stale records have documents that cannot be restored: the sweep
    judges them by their time like any other. Returns every stale key.
    """
    store = stores.conversation
    stale = [f"test/conversations/stale-{index}" for index in range(5)]
    await store.write({key: {"LastAccessedTime": STALE_TIME} for key in stale[:2]})
    for key, raw in unreadable.items():
        await plant(settings, stores, "conversation", key, raw)
    await store.write({key: {"LastAccessedTime": STALE_TIME} for key in stale[2:]})
    await store.write({FRESH: {"LastAccessedTime": clock.now}})
    for index, kind in enumerate(UNRESTORABLE_DOCUMENTS):
        key = f"test/conversations/unrestorable-{index}"
        raw = unrestorable_records(settings.state_storage, key)[kind]
        await plant(settings, stores, "conversation", key, raw)
        stale.append(key)
    return stale


async def assert_only_the_stale_ones_are_gone(settings, stores, stale, unreadable_before):
    for key in stale:
        assert await raw_record(settings, stores, "conversation", key) is None, key
    assert await raw_record(settings, stores, "conversation", FRESH) is not None
    for key, before in unreadable_before.items():
        assert await raw_record(settings, stores, "conversation", key) == before, key


@BLOB
async def test_blob_sweeps_delete_every_stale_conversation_around_unreadable_blobs(
    settings_for_backend, caplog
):
    transport = CountingTransport()
    stores = create_blob_stores(settings_for_backend, {"transport": transport})
    try:
        clock = hour_ahead()
        unreadable = one_of_each_kind(unreadable_blobs)
        stale = await given_stale_conversations_around(
            settings_for_backend, stores, unreadable, clock
        )
        # when the sweep runs twice, each run taking at most BATCH stale records
        with caplog.at_level(logging.WARNING, logger="shared.sweeper"):
            first = await sweep(stores.conversation, deleting_rules(EXPIRE), BATCH, clock)
            transport.reset()
            second = await sweep(stores.conversation, deleting_rules(EXPIRE), BATCH, clock)
        # then every stale conversation is gone, the fresh one stays and the
        # unreadable blobs hold what they held
        await assert_only_the_stale_ones_are_gone(settings_for_backend, stores, stale, {})
        for key, raw in unreadable.items():
            content, _ = await raw_record(settings_for_backend, stores, "conversation", key)
            assert content == raw, key
        assert (first.expired + second.expired, first.errors, second.errors) == (len(stale), 0, 0)
        # and each run counted every unreadable blob
        assert (first.malformed, second.malformed) == (len(unreadable), len(unreadable))
        # and each was logged once, by a hash of its name only
        warnings = [record.getMessage() for record in caplog.records]
        assert len(warnings) == len(unreadable)
        assert not any("secret" in line for line in warnings)
        # and the second run downloaded none of them
        downloads = [
            url for method, url in transport.requests if method == "GET" and "comp=list" not in url
        ]
        assert downloads and not [url for url in downloads if "secret" in url]
    finally:
        await stores.aclose()


@BLOB
async def test_a_blob_found_unreadable_is_judged_again_once_the_bot_rewrites_it(
    settings_for_backend, state_stores
):
    # given a blob the sweep found unreadable
    clock, store = hour_ahead(), state_stores.conversation
    key = "test/conversations/rewritten"
    await store.write({FRESH: {"LastAccessedTime": clock.now}})
    raw = unreadable_blobs(key)["no document"]
    await plant(settings_for_backend, state_stores, "conversation", key, raw)
    assert (await sweep(store, deleting_rules(EXPIRE), BATCH, clock)).malformed == 1
    # when the bot saves that conversation and it goes stale
    await store.write({key: {"LastAccessedTime": STALE_TIME}})
    report = await sweep(store, deleting_rules(EXPIRE), BATCH, clock)
    # then the sweep reads it again and deletes it
    assert (report.malformed, report.expired) == (0, 1)
    assert await store.read([key]) == {}


@COSMOS
async def test_cosmos_sweeps_delete_every_stale_conversation_around_unreadable_documents(
    settings_for_backend, state_stores, caplog
):
    clock = hour_ahead()
    unreadable = one_of_each_kind(unreadable_cosmos_documents)
    odd_times = {
        f"test/conversations/odd-time-{index}": {"LastAccessedTime": value}
        for index, value in enumerate(["12", [12], {"seconds": 12}, None, True])
    }
    await state_stores.conversation.write(odd_times)
    stale = await given_stale_conversations_around(
        settings_for_backend, state_stores, unreadable, clock
    )
    before = {
        key: await raw_record(settings_for_backend, state_stores, "conversation", key)
        for key in [*unreadable, *odd_times]
    }
    # when the sweep runs twice, each run taking at most BATCH stale records
    with caplog.at_level(logging.WARNING, logger="shared.sweeper"):
        reports = [await sweep(state_stores.conversation, deleting_rules(EXPIRE), BATCH, clock) for _ in range(2)]
    # then every stale conversation is gone and the rest is as it was
    await assert_only_the_stale_ones_are_gone(settings_for_backend, state_stores, stale, before)
    assert sum(report.expired for report in reports) == len(stale)
    assert [report.errors for report in reports] == [0, 0]
    # and each run counted the unreadable documents its query meets: those
    # with a stale time but no usable realId (no document: no time to match)
    assert [report.malformed for report in reports] == [3, 3]
    # and logged each of them once, by a hash of its id only
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 3 and not any("secret" in line for line in warnings)
