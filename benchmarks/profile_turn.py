"""A profile of the product's turn: where the CPU of one turn goes.

    python -m benchmarks.profile_turn [--backend memory] [--conversations 100]

Runs scripted conversations one after another through ``messages_function.main``
and prints the time per turn by package (self time) and the call tree.

With pyinstrument installed (requirements-dev.txt) it samples the stack every
millisecond, which keeps each function's share honest. Without it, cProfile
is used: it times every call, so code made of many tiny calls (deepcopy,
msrest) looks bigger than it is; read its shares as an order, not a measure.
"""

import argparse
import asyncio
import cProfile
import pstats
import time
import warnings
from collections import defaultdict
from contextlib import ExitStack
from typing import Dict

from .backends import Backend, blob_backend, cosmos_backend, memory_backend
from .conversation import TURNS_PER_CONVERSATION
from .plumbing import product
from .tables import Table
from .turns import run_conversations

WAITING = "(waiting for I/O: the loop is idle)"
# First match wins: more specific paths come first.
PACKAGES = (
    ("botbuilder/dialogs", "botbuilder.dialogs"),
    ("botbuilder/core", "botbuilder.core"),
    ("botbuilder/integration", "botbuilder.integration"),
    ("botbuilder/schema", "botbuilder.schema"),
    ("botframework/connector", "botframework.connector"),
    ("msrest", "msrest (Activity (de)serialization)"),
    ("jsonpickle", "jsonpickle"),
    ("recognizers", "recognizers-text (prompts)"),
    ("regex", "regex (prompts)"),
    ("azure/cosmos", "azure.cosmos"),
    ("azure/storage", "azure.storage.blob"),
    ("azure/core", "azure.core"),
    ("azure/functions", "azure.functions"),
    ("aiohttp", "aiohttp"),
    ("shared/storage/http_transport", "shared.storage.http_transport (HTTP to storage)"),
    ("/shared/", "shared (the product)"),
    ("/messages_function/", "shared (the product)"),
    ("/benchmarks/", "benchmarks (the load driver)"),
    ("asyncio", "asyncio"),
    ("json", "json"),
    ("copy.py", "copy (deepcopy)"),
    ("copyreg.py", "copy (deepcopy)"),
    ("pickle", "pickle"),
    ("enum.py", "enum"),
    ("ssl.py", "ssl"),
    ("selectors.py", WAITING),
)


def package_of(path: str) -> str:
    for fragment, package in PACKAGES:
        if fragment in path:
            return package
    return "other"


async def _run_profiled(backend: Backend, conversations: int, start, stop) -> int:
    async with product(backend) as plumbing:
        await run_conversations(plumbing.handle, "profile-warm", 2, 1)
        start()
        await run_conversations(plumbing.handle, f"profile-{time.time_ns()}", conversations, 1)
        stop()
    return conversations * TURNS_PER_CONVERSATION


def _package_table(title: str, seconds_by_package: Dict[str, float], turns: int) -> Table:
    total = sum(seconds_by_package.values())
    table = Table(title, ["package", "ms/turn", "share"])
    for package, seconds in sorted(seconds_by_package.items(), key=lambda item: -item[1]):
        if seconds / total >= 0.005:
            table.add(package, f"{1000 * seconds / turns:.2f}", f"{100 * seconds / total:.0f} %")
    return table


def profile_with_pyinstrument(backend: Backend, conversations: int) -> str:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001, async_mode="disabled")
    turns = asyncio.run(_run_profiled(backend, conversations, profiler.start, profiler.stop))
    by_package: Dict[str, float] = defaultdict(float)

    def add(frame, caller_package: str):
        package = caller_package
        if frame.function.startswith(("epoll.", "select.", "kqueue.")):
            package = WAITING
        elif frame.file_path and frame.file_path != "<built-in>":
            package = package_of(frame.file_path)
        if frame.file_path:  # synthetic frames ("[self]", "[await]") repeat their parent's time
            by_package[package] += frame.total_self_time  # a built-in counts for its caller
        for child in frame.children:
            add(child, package)

    add(profiler.last_session.root_frame(), "other")
    table = _package_table(
        f"Where a product turn's time goes ({backend.name}; pyinstrument, self time, {turns} turns)",
        by_package, turns,
    )
    tree = profiler.output_text(unicode=False, color=False, show_all=False)
    return f"{table.render()}\n\n```\n{tree}```"


def profile_with_cprofile(backend: Backend, conversations: int, top: int) -> str:
    profiler = cProfile.Profile(time.process_time)  # CPU, not time spent waiting
    turns = asyncio.run(_run_profiled(backend, conversations, profiler.enable, profiler.disable))
    stats = pstats.Stats(profiler)
    by_package: Dict[str, float] = defaultdict(float)
    for (path, _, _), (_, _, self_time, _, callers) in stats.stats.items():
        if path == "~":  # a C function: charge each caller's share to the caller's package
            for (caller_path, _, _), (_, _, caller_time, _) in callers.items():
                by_package[package_of(caller_path)] += caller_time
        else:
            by_package[package_of(path)] += self_time
    table = _package_table(
        f"Where a product turn's CPU goes ({backend.name}; cProfile, self time, {turns} turns; "
        "profiled ms are several times the real ones)",
        by_package, turns,
    )
    functions = Table("Most cumulative time", ["function", "calls/turn", "ms/turn"])
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][3])[:top]
    for (path, line, function), (_, calls, _, cumulative, _) in rows:
        where = path.split("site-packages/")[-1]
        functions.add(f"{function} ({where}:{line})", f"{calls / turns:.1f}", f"{1000 * cumulative / turns:.2f}")
    return f"{table.render()}\n\n{functions.render()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--backend", choices=("memory", "blob", "cosmos"), default="memory")
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--profiler", choices=("pyinstrument", "cprofile"))
    parser.add_argument("--top", type=int, default=25, help="functions listed by cProfile")
    arguments = parser.parse_args()
    warnings.filterwarnings("ignore", message="Unverified HTTPS request")
    profiler = arguments.profiler
    if profiler is None:
        try:
            import pyinstrument  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import

            profiler = "pyinstrument"
        except ImportError:
            profiler = "cprofile"
    with ExitStack() as stack:
        backend = memory_backend()
        if arguments.backend != "memory":
            from .servers import start_direct

            found = start_direct(stack)
            backend = (
                blob_backend(found.blob_connection_string)
                if arguments.backend == "blob"
                else cosmos_backend(found.cosmos_endpoint, found.cosmos_key)
            )
        if profiler == "pyinstrument":
            print(profile_with_pyinstrument(backend, arguments.conversations))
        else:
            print(profile_with_cprofile(backend, arguments.conversations, arguments.top))


if __name__ == "__main__":
    main()
