"""Run both test servers until Ctrl+C, for trying the bot against them by hand."""

import signal
import sys

from . import start_azurite, start_cosmos


def main() -> int:
    azurite = start_azurite()
    cosmos = start_cosmos()
    try:
        print("Azurite (Blob):   StateStorage=blob")
        print(f"  BlobConnectionString={azurite.connection_string}")
        print("Cosmos-compatible: StateStorage=cosmos  CosmosDbVerifyTls=false")
        print(f"  CosmosDbEndpoint={cosmos.url}")
        print(f"  CosmosDbAuthKey={cosmos.key}")
        print("Ctrl+C stops both.", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        azurite.stop()
        cosmos.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
