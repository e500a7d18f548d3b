"""The product's work per turn counted in instructions, under valgrind's callgrind.

CPU seconds on this shared two-core machine move by a third and more from one
minute to the next, and the storage servers run beside the bot on the same
cores, which is not so on Azure. The number of instructions a turn executes
does not depend on what else the machine is doing: for the same code and
inputs callgrind gives nearly the same count, so a change to the storage path
shows in it even when the seconds cannot show it. It is not CPU time: it
leaves out what each instruction costs (cache and TLB misses, a bigger code
footprint) and the kernel's work on the sockets, and here a storage turn's
instructions cost more each than a memory turn's. The CPU targets stay in
seconds; the count is printed beside them.

Each backend's turns run in a process of their own (instructions_probe.py)
under ``valgrind --tool=callgrind --instr-atstart=no``: nothing is counted while
Python starts, imports and warms up; ``callgrind_control`` turns counting on
just before the measured conversations and dumps the counts just after them.
What is counted is the bot process's user-space instructions, the storage
SDKs and TLS included.
"""

import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, List, Optional, Sequence

from .backends import Backend

REPO_ROOT = Path(__file__).resolve().parents[1]
STEP_TIMEOUT_SECONDS = 900  # Python runs about 50 times slower under callgrind
_TOTALS = re.compile(r"^(?:summary|totals):\s*(\d+)", re.MULTILINE)


@dataclass(frozen=True)
class InstructionCount:
    backend: str
    turns: int
    instructions: int

    @property
    def per_turn(self) -> float:
        return self.instructions / self.turns


def callgrind_missing() -> Optional[str]:
    """Why instructions cannot be counted here, or None when they can."""
    missing = [tool for tool in ("valgrind", "callgrind_control") if shutil.which(tool) is None]
    return f"{' and '.join(missing)} not found (Debian package valgrind)" if missing else None


def measure_instructions(
    backends: Sequence[Backend], conversations: int, concurrency: int
) -> List[InstructionCount]:
    """Instructions per product turn on each backend, one backend after another."""
    with tempfile.TemporaryDirectory(prefix="callgrind-") as folder:
        return [
            _count(backend, conversations, concurrency, Path(folder) / backend.name)
            for backend in backends
        ]


def _count(backend: Backend, conversations: int, concurrency: int, out: Path) -> InstructionCount:
    environment = {**os.environ, **backend.product_settings, "PYTHONPATH": str(REPO_ROOT)}
    command = [
        "valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
        sys.executable, "-m", "benchmarks.instructions_probe", str(conversations), str(concurrency),
    ]
    with tempfile.TemporaryFile(mode="w+") as log:
        probe = subprocess.Popen(
            command, cwd=REPO_ROOT, env=environment, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
        )
        try:
            if _next_line(probe, log) != "ready":
                raise RuntimeError(f"{backend.name}: the probe did not get ready: {_tail(log)}")
            _control(probe, "--instr=on")
            _control(probe, "--zero")
            probe.stdin.write("go\n")
            probe.stdin.flush()
            try:
                turns = json.loads(_next_line(probe, log))["turns"]
            except (ValueError, KeyError, TypeError):
                raise RuntimeError(f"{backend.name}: the probe ran no turns: {_tail(log)}") from None
            _control(probe, "--dump=measured")
            probe.stdin.write("done\n")
            probe.stdin.flush()
            if probe.wait(STEP_TIMEOUT_SECONDS) != 0:
                raise RuntimeError(f"{backend.name}: probe exited with {probe.returncode}: {_tail(log)}")
        finally:
            if probe.poll() is None:
                probe.kill()
                probe.wait()
    return InstructionCount(backend.name, turns, _measured_total(out))


def _next_line(probe: subprocess.Popen, log: IO[str]) -> str:
    """The probe's next line of output; RuntimeError if none comes in time.

    The probe writes one whole line and then waits, so once the pipe is
    readable the line is there.
    """
    readable, _, _ = select.select([probe.stdout], [], [], STEP_TIMEOUT_SECONDS)
    if not readable:
        raise RuntimeError(f"the probe said nothing for {STEP_TIMEOUT_SECONDS} s: {_tail(log)}")
    return probe.stdout.readline().strip()


def _control(probe: subprocess.Popen, option: str) -> None:
    subprocess.run(
        ["callgrind_control", option, str(probe.pid)],
        check=True, capture_output=True, timeout=STEP_TIMEOUT_SECONDS,
    )


def _measured_total(out: Path) -> int:
    """Instructions in the dump taken after the measured turns (named ``out.N``)."""
    dumps = sorted(out.parent.glob(f"{out.name}.*"))
    if not dumps:
        raise RuntimeError(f"callgrind wrote no dump for {out.name}")
    found = _TOTALS.search(dumps[0].read_text(encoding="utf-8", errors="replace"))
    if found is None:
        raise RuntimeError(f"no instruction total in {dumps[0]}")
    return int(found.group(1))


def _tail(log: IO[str]) -> str:
    log.seek(0)
    return log.read()[-2000:]
