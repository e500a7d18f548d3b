"""The sweep: what it deletes, what it leaves, and what it reports."""

import logging

from shared.storage.memory_store import MemoryStore
from shared.lifecycle.sweep import sweep
from tests.sweeping import deleting_rules
from tests.chat_driver import FakeClock

EXPIRE = 30


async def stored_conversations(store, clock, ages):
    """Conversations idle for the given number of seconds, keyed like botbuilder does."""
    keys = []
    for index, age in enumerate(ages):
        key = f"emulator/conversations/conversation-{index}"
        await store.write({key: {"LastAccessedTime": clock.now - age, "DialogState": {}}})
        keys.append(key)
    return keys


async def test_only_conversations_idle_for_the_window_are_deleted():
    clock, store = FakeClock(), MemoryStore()
    keys = await stored_conversations(store, clock, [EXPIRE + 100, EXPIRE, EXPIRE - 1, 0])
    report = await sweep(store, deleting_rules(EXPIRE), batch_size=100, clock=clock)
    remaining = await store.read(keys)
    assert sorted(remaining) == keys[2:]
    assert (report.expired, report.skipped, report.errors) == (2, 0, 0)


async def test_records_without_a_usable_time_are_never_deleted():
    clock, store = FakeClock(), MemoryStore()
    odd = {
        "emulator/conversations/none": {"DialogState": {}},
        "emulator/conversations/text": {"LastAccessedTime": "yesterday"},
        "emulator/conversations/future": {"LastAccessedTime": clock.now + 3600},
    }
    await store.write(odd)
    report = await sweep(store, deleting_rules(EXPIRE), batch_size=100, clock=clock)
    assert sorted(await store.read(list(odd))) == sorted(odd)
    assert report.expired == 0


async def test_iso_times_left_by_older_bots_are_swept():
    clock, store = FakeClock(1_700_000_000), MemoryStore()
    await store.write({"emulator/conversations/old": {"LastAccessedTime": "2023-11-14T22:00:00Z"}})
    report = await sweep(store, deleting_rules(EXPIRE), batch_size=100, clock=clock)
    assert report.expired == 1


async def test_user_state_is_never_touched():
    clock = FakeClock()
    conversations, users = MemoryStore(), MemoryStore()
    await stored_conversations(conversations, clock, [EXPIRE * 2])
    await users.write({"emulator/users/user-1": {"UserProfile": {"name": "Ada"}, "LastAccessedTime": 0}})
    await sweep(conversations, deleting_rules(EXPIRE), batch_size=100, clock=clock)
    assert "emulator/users/user-1" in await users.read(["emulator/users/user-1"])


class TouchedAfterScanStore(MemoryStore):
    """A store where a turn writes the record between the scan and the delete."""

    async def delete_if_unchanged(self, key, e_tag):
        current = (await self.read([key]))[key]
        current["LastAccessedTime"] = 10**10
        await self.write({key: current})
        return await super().delete_if_unchanged(key, e_tag)


async def test_a_conversation_touched_after_the_scan_is_skipped():
    clock, store = FakeClock(), TouchedAfterScanStore()
    keys = await stored_conversations(store, clock, [EXPIRE * 2])
    report = await sweep(store, deleting_rules(EXPIRE), batch_size=100, clock=clock)
    assert keys[0] in await store.read(keys)
    assert (report.expired, report.skipped) == (0, 1)


async def test_a_run_stops_at_its_batch_and_the_next_run_goes_on():
    clock, store = FakeClock(), MemoryStore()
    keys = await stored_conversations(store, clock, [EXPIRE * 2] * 5)
    first = await sweep(store, deleting_rules(EXPIRE), batch_size=3, clock=clock)
    second = await sweep(store, deleting_rules(EXPIRE), batch_size=3, clock=clock)
    assert (first.expired, second.expired) == (3, 2)
    assert await store.read(keys) == {}


class UnreachableStore(MemoryStore):
    async def find_due(self, now, legacy_cutoff):
        raise ConnectionError("storage is down")
        yield  # pragma: no cover - makes this an async generator


async def test_a_storage_outage_is_reported_and_deletes_nothing(caplog):
    clock, store = FakeClock(), UnreachableStore()
    keys = await stored_conversations(store, clock, [EXPIRE * 2])
    report = await sweep(store, deleting_rules(EXPIRE), batch_size=100, clock=clock)
    assert (report.expired, report.errors) == (0, 1)
    assert sorted(await store.read(keys)) == keys


async def test_each_run_logs_one_summary_line_and_one_line_per_expiry(caplog):
    from shared.scheduled_sweep import run_scheduled_sweep  # noqa: PLC0415
    from shared import worker  # noqa: PLC0415

    await worker.reset_worker()
    store = worker.get_state_stores().conversation
    await store.write({"emulator/conversations/secret-id": {"LastAccessedTime": 0}})
    with caplog.at_level(logging.INFO):
        report = await run_scheduled_sweep(past_due=True)
    await worker.reset_worker()
    summaries = [r.getMessage() for r in caplog.records if "sweep finished" in r.getMessage()]
    assert summaries == [
        f"sweep finished scanned=1 warned=0 expired=1 removed=0 skipped=0 malformed=0 "
        f"notices_sent=0 notices_failed=0 errors=0 "
        f"duration_ms={report.duration_seconds * 1000:.0f} past_due=True"
    ]
    expiries = [r.getMessage() for r in caplog.records if "conversation expired" in r.getMessage()]
    assert len(expiries) == 1
    assert "channel=emulator" in expiries[0] and "mechanism=sweep" in expiries[0]
    assert "secret-id" not in expiries[0]


async def test_a_record_rewritten_during_the_listing_keeps_the_e_tag_it_was_judged_by():
    clock, store = FakeClock(), MemoryStore()
    keys = await stored_conversations(store, clock, [EXPIRE * 2, EXPIRE * 2])
    listing = store.find_due(clock.now - EXPIRE, clock.now - EXPIRE)
    await anext(listing)
    await store.write({keys[1]: {"LastAccessedTime": clock.now}})
    second = await anext(listing)
    assert not await store.delete_if_unchanged(second.key, second.e_tag)
    assert keys[1] in await store.read(keys)


class UnreadableFirstStore(MemoryStore):
    """A store whose listing meets unreadable records before the stale ones."""

    def __init__(self, unreadable):
        super().__init__()
        self.unreadable = unreadable

    async def find_due(self, now, legacy_cutoff):
        for record in self.unreadable:
            yield record
        async for record in super().find_due(now, legacy_cutoff):
            yield record


async def test_unreadable_records_are_counted_without_using_up_the_batch(caplog):
    # given more unreadable records than a batch, listed before two stale ones,
    # one of them already reported by an earlier sweep
    from shared.storage import UnreadableRecord  # noqa: PLC0415

    unreadable = [UnreadableRecord(f"secret-{index}", "no realId") for index in range(3)]
    unreadable.append(UnreadableRecord("secret-known", "not JSON", reported=True))
    clock, store = FakeClock(), UnreadableFirstStore(unreadable)
    keys = await stored_conversations(store, clock, [EXPIRE * 2, EXPIRE * 2])
    # when a sweep with a batch of two runs
    with caplog.at_level(logging.WARNING, logger="shared.sweeper"):
        report = await sweep(store, deleting_rules(EXPIRE), batch_size=2, clock=clock)
    # then both stale conversations are deleted and all four unreadable ones counted
    assert await store.read(keys) == {}
    assert (report.expired, report.malformed, report.errors) == (2, 4, 0)
    assert "malformed=4" in report.summary()
    # and only the newly found ones are logged, by a hash of their names
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 3
    assert not any("secret" in line for line in warnings)
