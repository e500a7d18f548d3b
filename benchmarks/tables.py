"""The printed tables: plain Markdown, readable in a terminal and pasteable into docs."""

import statistics
from typing import List, Optional, Sequence

from .results import BACKENDS, BOTS, Measurements


class Table:
    """A titled Markdown table whose columns line up in a terminal too."""

    def __init__(self, title: str, columns: Sequence[str]):
        self.title = title
        self.columns = list(columns)
        self.rows: List[List[str]] = []
        self.notes: List[str] = []

    def add(self, *cells: object) -> None:
        self.rows.append([str(cell) for cell in cells])

    def note(self, text: str) -> None:
        self.notes.append(text)

    def render(self) -> str:
        widths = [
            max(len(row[index]) for row in [self.columns, *self.rows])
            for index in range(len(self.columns))
        ]

        def line(cells: Sequence[str]) -> str:
            return "| " + " | ".join(cell.ljust(width) for cell, width in zip(cells, widths)) + " |"

        lines = [f"### {self.title}", "", line(self.columns)]
        lines.append("|" + "|".join("-" * (width + 2) for width in widths) + "|")
        lines.extend(line(row) for row in self.rows)
        if self.notes:
            lines.append("")
            lines.extend(self.notes)
        return "\n".join(lines)


def ratio(numerator: Optional[float], denominator: Optional[float]) -> str:
    """``numerator / denominator`` as ``3.1×``, or ``–`` when undefined."""
    if numerator is None or not denominator:
        return "–"
    return f"{numerator / denominator:.1f}×"


def number(value: Optional[float], digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _mode(concurrency: int) -> str:
    return "sequential" if concurrency == 1 else f"{concurrency} concurrent"


def turns_table(results: Measurements, conversations: int) -> Table:
    table = Table(
        f"Turns: {conversations} conversations × 7 turns, in process",
        ["backend", "bot", "mode", "turns/s", "p50 ms", "p95 ms", "CPU ms/turn",
         "loop blocked ms/turn", "core wait ms/turn", "server CPU ms/turn",
         "product ÷ stock turns/s"],
    )
    for backend in BACKENDS:
        for concurrency in (1, results.concurrency):
            stock = results.turns.get((backend, "stock", concurrency))
            for bot in BOTS:
                run = results.turns.get((backend, bot, concurrency))
                if run is None:
                    continue
                table.add(
                    results.labels[backend], bot, _mode(concurrency),
                    number(run.turns_per_second), number(run.latency_ms(50)),
                    number(run.latency_ms(95)), number(run.cpu_ms_per_turn, 2),
                    number(run.loop_blocked_ms_per_turn, 2), number(run.core_wait_ms_per_turn, 2),
                    number(run.server_cpu_ms_per_turn, 2),
                    _product_over_stock(results, backend, concurrency, run, stock)
                    if bot == "product" else "",
                )
    table.note(
        "product: messages_function.main (azure.functions.HttpRequest in, HttpResponse out). "
        "stock: the article's bot on stock CloudAdapter.process_activity, ConversationState/"
        "UserState and the stock storage. Both use deliveryMode expectReplies. Latency: from "
        "the request joining the event loop's queue to its response. CPU: this process "
        "(time.process_time). Loop blocked: time the event loop thread neither computed, "
        "waited for I/O nor waited for a core, i.e. sat in a synchronous call. Core wait: "
        "time it was ready but another process had the core (2 cores, shared with the "
        "storage server). Server CPU: the storage server's process."
    )
    if len(results.rounds) > 1:
        table.note(
            f"The {results.concurrency} concurrent runs were made in {len(results.rounds)} "
            "rounds, each round running every backend and bot in turn (Blob stock, Blob "
            "product, memory product, Cosmos product, Cosmos stock, memory stock: the two runs "
            "of each ratio side by side but memory's product and stock); each row is its "
            "middle round by turns/s; their product ÷ stock, like the targets, is the median "
            "of the rounds' ratios, each taken within one round."
        )
    return table


def _product_over_stock(results: Measurements, backend: str, concurrency: int, run, stock) -> str:
    """The turns/s ratio; for the concurrent runs, the median of the rounds' ratios."""
    if concurrency == results.concurrency and len(results.rounds) > 1:
        ratios = results.round_ratios((backend, "product"), (backend, "stock"), "turns_per_second")
        if ratios:
            return f"{statistics.median(ratios):.1f}×"
    return ratio(run.turns_per_second, stock and stock.turns_per_second)


def latency_table(results: Measurements) -> Table:
    table = Table(
        f"Latency: {results.concurrency} concurrent, every storage round trip +"
        f"{results.delay_ms:g} ms (delaying TCP proxy)",
        ["backend", "bot", "turns/s", "p50 ms", "p95 ms", "CPU ms/turn",
         "loop blocked ms/turn", "core wait ms/turn", "turns/s vs no delay",
         "product ÷ stock turns/s"],
    )
    for backend in BACKENDS:
        stock = results.delayed.get((backend, "stock"))
        for bot in BOTS:
            run = results.delayed.get((backend, bot))
            if run is None:
                continue
            direct = results.turns.get((backend, bot, results.concurrency))
            table.add(
                results.labels[backend], bot, number(run.turns_per_second),
                number(run.latency_ms(50)), number(run.latency_ms(95)),
                number(run.cpu_ms_per_turn, 2), number(run.loop_blocked_ms_per_turn, 2),
                number(run.core_wait_ms_per_turn, 2),
                ratio(run.turns_per_second, direct and direct.turns_per_second),
                ratio(run.turns_per_second, stock and stock.turns_per_second)
                if bot == "product" else "",
            )
    table.note(
        "Memory has no storage round trip and is left out. A storage call that blocks the "
        "event loop holds it for at least the added delay, so it shows in loop blocked ms/turn."
    )
    return table


def storage_table(results: Measurements) -> Table:
    table = Table(
        "Storage requests per turn",
        ["backend", "bot", "conversation reads/turn", "user reads/conversation",
         "writes/turn", "deletes/turn", "first turn: conversation reads",
         "HTTP requests/turn (by kind)"],
    )
    for backend in BACKENDS:
        for bot in BOTS:
            counts = results.requests.get((backend, bot))
            if counts is None:
                continue
            writes = counts.per_turn("conversation", "write") + counts.per_turn("user", "write")
            deletes = counts.per_turn("conversation", "delete") + counts.per_turn("user", "delete")
            http = "–"
            if counts.http:
                kinds = ", ".join(
                    f"{kind} {count / counts.turns:.2f}" for kind, count in sorted(counts.http.items())
                )
                http = f"{counts.http_per_turn:.2f} ({kinds})"
            table.add(
                results.labels[backend], bot,
                number(counts.per_turn("conversation", "read"), 2),
                number(counts.per_conversation("user", "read"), 2),
                number(writes, 2), number(deletes, 2),
                number(counts.first_turn("conversation", "read"), 2), http,
            )
    table.note(
        "Counted per key at each bot's Storage objects (read/write/delete wrapped), and as "
        "HTTP requests at azure-core's transports (every request the Azure SDKs send, "
        "retries included; container set-up excluded). Every conversation has a new user, "
        "so user reads/conversation is the reads of a new user."
    )
    return table


def sweep_table(results: Measurements, sizes: Sequence[int]) -> Table:
    table = Table(
        "Sweep: 1 % of the stored conversations stale",
        ["backend", "stored", "stale", "sweep s", "CPU s", "requests (by kind)",
         "expired", "time vs previous size", "fill s"],
    )
    for backend in BACKENDS:
        previous = None
        for size in sizes:
            run = results.sweep(backend, size, "share")
            if run is None:
                continue
            table.add(
                results.labels[backend], f"{size:,}", f"{run.stale:,}", number(run.seconds, 3),
                number(run.cpu_seconds, 3), _requests(run), f"{run.expired:,}",
                ratio(run.seconds, previous.seconds) if previous else "", number(run.populate_seconds),
            )
            previous = run
    for note in results.sweep_notes:
        table.note(note)
    return table


def fixed_sweep_table(results: Measurements, sizes: Sequence[int]) -> Table:
    table = Table(
        "Sweep: the same number of stale conversations at every size",
        ["backend", "stored", "stale", "sweep s", "requests (by kind)", "time vs previous size",
         "requests vs previous size"],
    )
    for backend in BACKENDS:
        previous = None
        for size in sizes:
            run = results.sweep(backend, size, "fixed")
            if run is None:
                continue
            table.add(
                results.labels[backend], f"{run.stored:,}", f"{run.stale:,}",
                number(run.seconds, 3), _requests(run),
                ratio(run.seconds, previous.seconds) if previous else "",
                ratio(run.total_requests, previous.total_requests) if previous else "",
            )
            previous = run
    table.note("Blob is not in this table: its sweep lists every blob by design (see above).")
    return table


def lifecycle_table(results: Measurements, sizes: Sequence[int]) -> Table:
    """Notices per second, and what a sweep asks of Cosmos as the store grows."""
    table = Table(
        "Lifecycle: notices, and Cosmos sweep requests with the same number due",
        ["measure", "size", "result", "vs first row"],
    )
    first = results.notices[0] if results.notices else None
    for run in results.notices:
        table.add(
            f"notices, {run.concurrency} at a time, channel +5 ms",
            f"{run.notices:,} notices",
            f"{run.per_second:.0f} notices/s",
            ratio(run.per_second, first.per_second),
        )
    sweeps = [(size, results.sweep("cosmos", size, "fixed")) for size in sizes]
    sweeps = [(size, run) for size, run in sweeps if run is not None]
    for size, run in sweeps:
        table.add(
            f"Cosmos sweep, {run.stale:,} due",
            f"{run.stored:,} stored",
            f"{run.total_requests:,} requests",
            ratio(run.total_requests, sweeps[0][1].total_requests),
        )
    table.note("Sweep rows come from the sweep section (run it too): one query on DueAt plus one "
               "write per due conversation, whatever is stored.")
    return table


def sweep_concurrency_table(results: Measurements, quick: bool) -> Table:
    """The product's sweep beside a one-at-a-time one, expiring the same conversations."""
    result = results.sweep_concurrency
    due = f"{result.due:,}" if result else "–"
    table = Table(
        f"Sweep concurrency: expiring {due} conversations on Cosmos with notices, every round "
        f"trip +{results.delay_ms:g} ms",
        ["mode", "sweep × notices at once", "round", "records (due + fresh)", "sweep s",
         "sweeper CPU s", "sweeper core wait s", "Cosmos server + proxy CPU s",
         "requests (by kind)", "expired", "notices sent", "left: due, tombstones, fresh",
         "vs one at a time"],
    )
    if result is None:
        return table
    for run in result.runs:
        table.add(
            run.mode, f"{run.sweep_concurrency} × {run.notice_concurrency}", run.round,
            f"{run.due:,} + {run.fresh:,}", number(run.seconds, 2),
            number(run.cpu_seconds, 2), number(run.core_wait_seconds, 2),
            number(run.server_cpu_seconds, 2), _requests(run),
            f"{run.expired:,}", f"{run.notices_sent:,}",
            f"{run.left_due}, {run.tombstones:,}, {run.fresh_left:,}"
            + ("" if run.complete else " (NOT all expired)"),
            f"{run.seconds / result.one_at_a_time_seconds:.2f}×",
        )
    table.note(
        f"Means: product defaults {result.product_seconds:.2f} s, one at a time "
        f"{result.one_at_a_time_seconds:.2f} s, ratio {result.ratio:.3f}. Each sweep has a "
        "container of its own, filled as the product's turns write (DueAt, Lifecycle.Reference) "
        "before the first sweep; rounds alternate which mode goes first. Notices go to a channel "
        "on 127.0.0.1 answering after 5 ms; it runs in the sweeper's process, so its CPU is in "
        "the sweeper's. Sweeper CPU s near sweep s: the sweep is bound by its own CPU, not by "
        "the round trips; core wait: time its event loop was ready to run but other processes "
        "had both cores. Left: what a query finds after the sweep (nothing due, a tombstone "
        "per expired conversation, every fresh one as written)."
        + (" --quick: fewer conversations than the target's 1,000." if quick else "")
    )
    return table


def _requests(run) -> str:
    if not run.requests:
        return "– (in process)"
    kinds = ", ".join(f"{kind} {count:,}" for kind, count in sorted(run.requests.items()))
    return f"{run.total_requests:,} ({kinds})"


def cold_start_table(results: Measurements, repetitions: int) -> Table:
    table = Table(
        f"Cold start: fresh process, median of {repetitions}",
        ["process", "import ms", "first answer ms (fastest)", "× stock", "process wall ms",
         "botbuilder.dialogs", "aiohttp.web / botbuilder.integration", "storage SDKs"],
    )
    stock = results.cold_start("stock")
    for run in results.cold_starts:
        imported = set(run.imported)
        http_stack = sorted(imported & {"aiohttp.web", "botbuilder.integration.aiohttp"})
        sdks = sorted(imported & {"azure.cosmos", "azure.storage.blob"})
        answered = run.first_result_ms is not None
        table.add(
            run.label, number(run.import_ms, 0),
            f"{number(run.first_result_ms, 0)} ({number(run.fastest_first_result_ms, 0)})"
            if answered else "–",
            f"{run.first_result_ms / stock.first_result_ms:.2f}"
            if answered and stock and run.scenario != "sweeper_function" else "–",
            number(run.process_ms, 0), "yes" if "botbuilder.dialogs" in imported else "no",
            ", ".join(http_stack) or "no", ", ".join(sdks) or "no",
        )
    table.note(
        "import: from the process's first line to the module imported (the floor: its four "
        "packages). first answer: a turn answered on memory storage (a sweep, for the sweeper); "
        "× stock: a first turn's median over the stock bot's. "
        "The stock process also imports azure.functions, as a function app would. Module "
        "columns: what the process had imported by its end."
    )
    return table


def instructions_table(results: Measurements, concurrency: int) -> Table:
    table = Table(
        f"A product turn's work in instructions: callgrind, {concurrency} concurrent",
        ["backend", "turns", "instructions/turn", "× memory", "CPU ms/turn (turn runs, by round)",
         "× memory (median of rounds)"],
    )
    memory = results.instructions.get("memory")
    for backend in BACKENDS:
        count = results.instructions.get(backend)
        if count is None:
            continue
        rounds = [measured[(backend, "product")].cpu_ms_per_turn for measured in results.rounds
                  if (backend, "product") in measured]
        cpu_ratios = results.round_ratios((backend, "product"), ("memory", "product"), "cpu_ms_per_turn")
        table.add(
            results.labels[backend], f"{count.turns:,}", f"{count.per_turn / 1e6:.2f} M",
            f"{count.per_turn / memory.per_turn:.2f}×" if memory else "–",
            ", ".join(f"{value:.2f}" for value in rounds) or "–",
            f"{statistics.median(cpu_ratios):.2f}×" if cpu_ratios else "–",
        )
    table.note(
        "Instructions: the bot process's user-space instructions over the measured turns, counted "
        "by valgrind's callgrind with counting on only around them (Python's start, imports and the "
        "warm-up not counted); the same code and inputs give nearly the same count whatever else "
        "the machine does. Not counted: what each instruction costs (cache and TLB misses) and the "
        "kernel's work on the storage sockets, so a ratio of instructions is not a ratio of CPU "
        "time; the CPU targets are decided in seconds. CPU ms/turn: the same product's CPU "
        "seconds in the concurrent turn runs above, which move with the machine's load and with "
        "the storage server sharing its two cores."
    )
    if results.instructions_missing:
        table.note(f"Not counted: {results.instructions_missing}.")
    return table
