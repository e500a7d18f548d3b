"""Which listed blobs the Blob sweep must download to check.

Every save stamps LastAccessedTime just before it writes, so a blob last
modified well after the cutoff was touched after the cutoff and cannot be
stale. Blob listings carry last-modified times for free: only the rest are
downloaded and re-checked.

"Well after" allows a margin for the gap between the bot's stamp and the
storage service's write time: the save's own latency and SDK retries, plus
clock skew between the function host and storage (the Blob SDK's default
retries alone can spend over a minute before a write lands). Getting it too
small is never unsafe: a record written later than the margin after its stamp
is merely found by a later sweep, that much later. Getting it too large costs
downloads of conversations idle for nearly the whole window. So the margin is
a tenth of the idle window, at most five minutes: with ExpireAfterSeconds of a
day a sweep downloads only conversations idle for more than 23h55m; with the
demo's 30 seconds, those idle for more than 27 seconds.
"""

from datetime import datetime

MARGIN_FRACTION = 0.1
MAX_MARGIN_SECONDS = 300.0


def last_modified_margin(cutoff: float, now: float) -> float:
    """Seconds a stale record's blob may have been written after ``cutoff``."""
    idle_window = now - cutoff
    return max(0.0, min(MAX_MARGIN_SECONDS, MARGIN_FRACTION * idle_window))


def may_be_stale(last_modified: datetime, cutoff: float, now: float) -> bool:
    """False when a blob written at ``last_modified`` must be newer than ``cutoff``."""
    return last_modified.timestamp() <= cutoff + last_modified_margin(cutoff, now)
