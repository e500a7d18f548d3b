"""Everything one benchmark run measured, keyed the way the tables read it."""

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from .backends import LABELS
from .cold_start import ColdStart
from .instructions import InstructionCount
from .storage_requests import RequestCounts
from .sweep_concurrency import SweepConcurrency
from .sweeps import SweepResult
from .turns import TurnRun

BACKENDS = ("memory", "blob", "cosmos")
BOTS = ("product", "stock")


@dataclass
class Measurements:
    concurrency: int
    delay_ms: float
    labels: Dict[str, str] = field(default_factory=lambda: dict(LABELS))  # backend name -> label
    turns: Dict[Tuple[str, str, int], TurnRun] = field(default_factory=dict)  # backend, bot, concurrency
    # The concurrent runs, round by round (backend, bot); turns[...] holds each one's middle round.
    rounds: List[Dict[Tuple[str, str], TurnRun]] = field(default_factory=list)
    delayed: Dict[Tuple[str, str], TurnRun] = field(default_factory=dict)  # backend, bot
    requests: Dict[Tuple[str, str], RequestCounts] = field(default_factory=dict)  # backend, bot
    sweeps: Dict[Tuple[str, int], Dict[str, SweepResult]] = field(default_factory=dict)
    sweep_notes: List[str] = field(default_factory=list)
    cold_starts: List[ColdStart] = field(default_factory=list)
    instructions: Dict[str, InstructionCount] = field(default_factory=dict)  # backend
    instructions_missing: Optional[str] = None  # why instructions were not counted
    notices: list = field(default_factory=list)  # benchmarks.notices.NoticeRun
    sweep_concurrency: Optional[SweepConcurrency] = None
    failures: List[str] = field(default_factory=list)  # measurements that raised

    def round_ratios(
        self, first: Tuple[str, str], second: Tuple[str, str], measure: str
    ) -> List[float]:
        """``measure`` (a TurnRun property) of concurrent run ``first`` over ``second``'s,
        (backend, bot) each, one ratio per round that measured both."""
        return [
            getattr(measured[first], measure) / getattr(measured[second], measure)
            for measured in self.rounds
            if first in measured and second in measured
        ]

    def sweep(self, backend: str, size: int, kind: str):
        return self.sweeps.get((backend, size), {}).get(kind)

    def cold_start(self, scenario: str):
        return next((run for run in self.cold_starts if run.scenario == scenario), None)
