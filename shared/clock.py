"""Where the bot and the sweeper get the time: injectable, so tests never sleep."""

import time
from typing import Callable

Clock = Callable[[], float]
"""Returns the current time as epoch seconds."""

system_clock: Clock = time.time
