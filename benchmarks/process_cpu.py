"""CPU time used by other processes (the storage servers, the proxies), from /proc.

The machine has few cores, so a storage server's CPU competes with the bot's;
reporting it shows when the server, not the bot, sets the pace.
"""

import os
from typing import Iterable, Optional

_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pids: Iterable[int]) -> Optional[float]:
    """User + system CPU seconds of ``pids`` so far; None where /proc is missing."""
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / _TICKS_PER_SECOND
    return total
