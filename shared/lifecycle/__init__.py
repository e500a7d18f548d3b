"""The lifecycle of a conversation: active, warned, expired (a tombstone), removed.

    join ──greeting──▶ active ──(WarnBeforeSeconds before expiry)──▶ warned
                         ▲  any message: active again ◀─────────────────┤
                         │                                              ▼
    message: "Welcome back", fresh dialog ◀── tombstone ◀── expired + notice
                                                  │
                                   RememberExpiredSeconds later: removed

Every active turn stamps the absolute times at which its conversation is due
(``record``); the sweeper warns, expires and removes what is due (``sweep``);
the message path welcomes a user back from a live record or a tombstone
alike. A dialog may give its conversation its own idle timeout
(``set_conversation_timeout``).
"""

from .conversation_timeout import set_conversation_timeout
from .rules import LifecycleRules

__all__ = ["LifecycleRules", "set_conversation_timeout"]
