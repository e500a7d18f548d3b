"""Cold start: a fresh Python process per measurement, as a new Functions worker.

Each scenario runs in its own process (cold_start_probe.py) several times,
interleaved so that slow moments hit every scenario alike; one round is run
first and discarded, to get the files into the OS cache as on a warm host.
Reported: medians of the time to import the function module and to its first
answer, measured inside the process (and the fastest first answer: this
machine is shared, and the fastest run is the one least disturbed), and of
the whole process's wall time. The product's first answer must be the stock
bot's, or the measurement fails.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

REPO_ROOT = Path(__file__).resolve().parents[1]
PROBE = Path(__file__).resolve().parent / "cold_start_probe.py"
SCENARIOS: Tuple[Tuple[str, str], ...] = (
    ("floor", "floor: import botbuilder.core, .dialogs, .schema, azure.functions"),
    ("stock", "stock: the article's bot on stock plumbing, memory"),
    ("messages_function", "messages_function, memory"),
    ("sweeper_function", "sweeper_function, memory"),
)


@dataclass(frozen=True)
class ColdStart:
    scenario: str
    label: str
    import_ms: float
    first_result_ms: Optional[float]
    fastest_first_result_ms: Optional[float]
    process_ms: float
    imported: List[str]


def _probe_once(scenario: str) -> Tuple[Dict, float]:
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "StateStorage": "memory",
        "PYTHONDONTWRITEBYTECODE": "",
    }
    started = time.perf_counter()
    finished = subprocess.run(
        [sys.executable, str(PROBE), scenario],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    wall_ms = 1000 * (time.perf_counter() - started)
    if finished.returncode != 0:
        raise RuntimeError(f"cold start probe {scenario} failed:\n{finished.stderr[-2000:]}")
    return json.loads(finished.stdout.strip().splitlines()[-1]), wall_ms


def measure_cold_starts(repetitions: int) -> List[ColdStart]:
    """Median cold start of every scenario over ``repetitions`` fresh processes."""
    samples: Dict[str, List[Tuple[Dict, float]]] = {name: [] for name, _ in SCENARIOS}
    for round_number in range(repetitions + 1):
        for name, _ in SCENARIOS:
            sample = _probe_once(name)
            if round_number:  # round 0 warms the OS file cache
                samples[name].append(sample)
    stock_replies = {tuple(run["replies"]) for run, _ in samples["stock"]}
    product_replies = {tuple(run["replies"]) for run, _ in samples["messages_function"]}
    if product_replies != stock_replies or len(stock_replies) != 1:
        raise RuntimeError(f"first answers differ: {product_replies} vs stock {stock_replies}")
    results = []
    for name, label in SCENARIOS:
        runs = samples[name]
        first = [run["first_result_ms"] for run, _ in runs if "first_result_ms" in run]
        results.append(
            ColdStart(
                scenario=name,
                label=label,
                import_ms=statistics.median(run["import_ms"] for run, _ in runs),
                first_result_ms=statistics.median(first) if first else None,
                fastest_first_result_ms=min(first) if first else None,
                process_ms=statistics.median(wall for _, wall in runs),
                imported=runs[-1][0]["imported"],
            )
        )
    return results
