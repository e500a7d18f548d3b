"""The product's turns in a process of their own, for counting instructions (instructions.py).

    python -m benchmarks.instructions_probe CONVERSATIONS CONCURRENCY

Storage comes from the app settings in the environment, as in the Functions
worker. The probe warms up, says ``ready`` and waits for a line on stdin; the
parent turns callgrind's counting on and sends it. The probe then runs the
measured conversations, prints one JSON line with the turns it ran, and waits
for another line before it closes, so that the parent can take callgrind's
counts before anything else runs.
"""

import asyncio
import json
import sys
import time
import warnings

from shared import worker

from .product_app import handle
from .turns import run_conversations


async def _run(conversations: int, concurrency: int) -> None:
    # Warm: the bot built, the containers opened, and as many storage
    # connections in the pool as the measured run will use.
    await run_conversations(handle, f"instructions-warm-{time.time_ns()}", concurrency, concurrency)
    print("ready", flush=True)
    sys.stdin.readline()
    run = await run_conversations(handle, f"instructions-{time.time_ns()}", conversations, concurrency)
    print(json.dumps({"turns": run.turns}), flush=True)
    sys.stdin.readline()
    await worker.reset_worker()


def main() -> None:
    conversations, concurrency = (int(argument) for argument in sys.argv[1:3])
    warnings.filterwarnings("ignore", message="Unverified HTTPS request")  # the local server's cert
    asyncio.run(_run(conversations, concurrency))


if __name__ == "__main__":
    main()
