"""Clients built once, on first use, even when first uses overlap."""

import asyncio

from shared.storage.lazy_resource import LazyResource


async def test_overlapping_first_uses_share_one_build():
    builds = []

    async def build():
        builds.append(1)
        await asyncio.sleep(0.01)
        return object()

    resource = LazyResource(build)
    assert not resource.built
    values = await asyncio.gather(*(resource.get() for _ in range(10)))
    assert len(builds) == 1
    assert all(value is values[0] for value in values)
    assert resource.built


async def test_a_failed_build_is_tried_again_on_the_next_use():
    attempts = []

    async def build():
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionError("storage is down")
        return "client"

    resource = LazyResource(build)
    try:
        await resource.get()
    except ConnectionError:
        pass
    assert await resource.get() == "client"


def test_it_can_be_created_outside_an_event_loop():
    resource = LazyResource(lambda: None)
    assert not resource.built
