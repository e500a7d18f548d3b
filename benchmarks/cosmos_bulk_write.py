"""Filling a Cosmos container fast, for the sweep benchmark: raw REST upserts.

Through the SDK each write costs this machine about 2 ms of Python CPU, so
100,000 records take minutes; signed REST calls over one aiohttp session
cost a fraction of that. The documents are exactly what the product's
CosmosStore writes (same id, ``realId`` and ``document``), and the container
is created by the product's store before the first bulk write.
"""

import asyncio
import base64
import hashlib
import hmac
import json
from email.utils import formatdate
from typing import Dict, Iterable, Tuple
from urllib.parse import quote

import aiohttp

from shared.storage.cosmos_key_escape import cosmos_id_for
from shared.storage.state_json import to_document

API_VERSION = "2018-12-31"
CONCURRENCY = 64


def _authorization(key: str, verb: str, resource_link: str, date: str) -> str:
    """A master-key signature, as the Cosmos REST API defines it."""
    text = f"{verb.lower()}\ndocs\n{resource_link}\n{date.lower()}\n\n"
    digest = hmac.new(base64.b64decode(key), text.encode("utf-8"), hashlib.sha256).digest()
    return quote(f"type=master&ver=1.0&sig={base64.b64encode(digest).decode()}", safe="")


async def upsert_records(
    endpoint: str, key: str, database_id: str, container_id: str,
    records: Iterable[Tuple[str, Dict]],
) -> None:
    """Upsert each ``(state key, state)`` as the product's store would, many at once."""
    resource_link = f"dbs/{database_id}/colls/{container_id}"
    url = f"{endpoint.rstrip('/')}/{resource_link}/docs"
    slots = asyncio.Semaphore(CONCURRENCY)
    connector = aiohttp.TCPConnector(ssl=False, limit=CONCURRENCY)  # self-signed local server
    async with aiohttp.ClientSession(connector=connector) as session:

        async def upsert(state_key: str, state: Dict):
            document_id = cosmos_id_for(state_key)
            body = {"id": document_id, "realId": state_key, "document": to_document(state)}
            date = formatdate(usegmt=True)
            headers = {
                "authorization": _authorization(key, "POST", resource_link, date),
                "x-ms-date": date,
                "x-ms-version": API_VERSION,
                "x-ms-documentdb-is-upsert": "True",
                "x-ms-documentdb-partitionkey": json.dumps([document_id]),
                "content-type": "application/json",
            }
            async with slots:
                async with session.post(url, data=json.dumps(body), headers=headers) as response:
                    if response.status >= 300:
                        raise RuntimeError(f"bulk upsert answered {response.status}: {await response.text()}")

        await asyncio.gather(*(upsert(state_key, state) for state_key, state in records))
