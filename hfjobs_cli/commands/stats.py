"""`hfjobs stats`: CPU, memory, network and GPU use of running jobs, once or live."""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hfjobs_cli import clock
from hfjobs_cli.api.errors import ApiError, NotFoundError
from hfjobs_cli.commands._common import app_context, ref_text, resolve_refs
from hfjobs_cli.errors import ExitCode, Interrupted, UsageError
from hfjobs_cli.hints import command
from hfjobs_cli.invocation import Invocation
from hfjobs_cli.options import JsonOpt, NamespaceOpt, OptionalJobIdsArg, TokenOpt
from hfjobs_cli.output import Output
from hfjobs_cli.views.stats import (
    HISTORY,
    STATS_COLUMNS,
    TREND_COLUMNS,
    metric_series,
    metrics_rows,
    waiting_rows,
)

if TYPE_CHECKING:
    from hfjobs_cli.api.models import MetricSample

WORKERS = 8  # parallel snapshot reads, below the connection pool's size
MIN_REDRAW = 0.1  # seconds between redraws: at most ten a second


@dataclass
class Track:
    """What is known of one job: its latest sample, a short history, and how it ended."""

    namespace: str
    job_id: str
    named: bool
    sample: MetricSample | None = None
    seq: int = 0
    history: dict[str, deque] = field(default_factory=dict)
    ended: str | None = None  # why there are no more samples (a finished job, an error)
    failed: bool = False  # not found
    error: Exception | None = None  # anything else that stopped it, reported at the end

    def add(self, sample: MetricSample) -> None:
        self.sample = sample
        self.seq += 1
        for key, value in metric_series(sample).items():
            self.history.setdefault(key, deque(maxlen=HISTORY)).append(value)


def stats(
    ctx: typer.Context,
    job_ids: OptionalJobIdsArg = None,
    follow: Annotated[
        bool,
        typer.Option(
            "-f",
            "--follow",
            help="Keep refreshing until the jobs end or Ctrl-C (a live table with trends on a "
            "terminal, new rows as samples arrive elsewhere).",
        ),
    ] = False,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
) -> None:
    """Show the CPU, memory, network and GPU use of running jobs.

    Without ids: every running job. One snapshot unless -f. Exit 1 when a job named here
    is not running (a finished job has no metrics).

    Examples:

      hfjobs stats

      hfjobs stats -f 6650a1b2c3d4e5f60718293a

      hfjobs stats --json | jq '.[] | {job_id, cpu_usage_pct}'
    """
    app = app_context(ctx)
    out = app.set_output(json=json)
    if follow and json:
        raise UsageError("Use either -f/--follow or --json, not both: --json prints one snapshot")
    client = app.client(token)
    if job_ids:
        tracks = [
            Track(ns, ident, True)
            for ns, ident in dict.fromkeys(resolve_refs(app, job_ids, namespace))
        ]
    else:
        ns = app.namespace(namespace)
        tracks = [Track(ns, job.id, False) for job in client.jobs.list(ns, stages=["RUNNING"])]
        if not tracks:
            out.report([], lambda: out.info(f"No running jobs in {ns}"))
            out.tip(f"Use `{command('ps', '-a', namespace=namespace)}` to see finished jobs")
            return
    if follow:
        _follow(app, tracks)
    else:
        _snapshot(app, tracks)
    missing = [t for t in tracks if t.seq == 0 and t.named]
    if any(t.failed for t in tracks if t.seq == 0):
        raise typer.Exit(ExitCode.NOT_FOUND)
    if missing:
        raise typer.Exit(ExitCode.FAILURE)


def _snapshot(app: Invocation, tracks: list[Track]) -> None:
    from hfjobs_cli.api.errors import NotRunning

    client = app.client()
    out = app.output
    pending = list(tracks)
    not_running: list[Track] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if not pending:
                    return
                track = pending.pop(0)
            try:
                sample = measured_sample(client, track.namespace, track.job_id)
            except NotRunning:
                with lock:
                    not_running.append(track)
                continue
            except Exception as exc:  # reported by the main thread, in one place
                with lock:
                    errors.append(exc)
                    track.failed = isinstance(exc, NotFoundError)
                    track.ended = "not found" if track.failed else str(exc)
                continue
            if sample is None:
                track.ended = "sent no metrics within 10s (its hardware may still be starting)"
            else:
                track.add(sample)

    workers = [_start(work) for _ in range(min(WORKERS, len(tracks)))]
    try:
        for worker in workers:
            worker.join()
    except KeyboardInterrupt:
        raise Interrupted() from None
    unexpected = [e for e in errors if not isinstance(e, NotFoundError)]
    if unexpected:
        raise unexpected[0]
    for track in not_running:
        track.ended = _why_not_running(app, track)
    with_data = [t for t in tracks if t.sample is not None]

    def show() -> None:
        if with_data:
            repeat = not out.stdout_is_terminal  # a pipe's rows each name their job
            rows = [
                row
                for t in with_data
                if t.sample
                for row in metrics_rows(t.job_id, t.sample, repeat_id=repeat)
            ]
            out.table(STATS_COLUMNS, rows)

    out.report([{"job_id": t.job_id, **t.sample.raw} for t in with_data if t.sample], show)
    for track in tracks:
        if track.sample is None:
            _report_ended(out, track)
    if with_data:
        refs = [ref_text(t.namespace, t.job_id) for t in with_data]
        out.tip(f"Follow live: {command('stats', '-f', *refs)}")


def measured_sample(client: Any, namespace: str, job_id: str) -> MetricSample | None:
    """The job's current sample, with a CPU figure that measures something.

    A stream's first sample may read 0 % CPU because it has nothing to compare with yet (the
    CPU share is a difference between two readings): then the next sample, a second later,
    is the snapshot. None when no sample came within the stream's read timeout.
    """
    from hfjobs_cli.api.metrics import stream

    samples = stream(client, namespace, job_id)
    try:
        first = next(samples, None)
        if first is None or first.cpu_usage_pct:
            return first
        return next(samples, None) or first
    finally:
        samples.close()


def _why_not_running(app: Invocation, track: Track) -> str:
    """`has finished (COMPLETED)`, `is still scheduling`: why a job has no metrics."""
    try:
        job = app.client().jobs.get(track.namespace, track.job_id)
    except NotFoundError:
        track.failed = True
        return "not found"
    if job.is_terminal:
        return f"has finished ({job.stage}): no metrics"
    if job.stage == "SCHEDULING":
        return "is still scheduling: no metrics yet"
    return f"is not running ({job.stage}): no metrics"


def _report_ended(out: Output, track: Track) -> None:
    """An error for a job named on the command line that gave nothing, a note otherwise."""
    ref = ref_text(track.namespace, track.job_id)
    if track.error is not None:
        return  # raised at the end, for the error boundary to report
    if track.failed:
        out.error(f"Job {ref} not found")
    elif track.named and track.seq == 0:
        out.error(f"Job {ref} {track.ended}")
    else:
        out.info(f"Job {ref} {track.ended}")


def _follow(app: Invocation, tracks: list[Track]) -> None:
    from hfjobs_cli.api.metrics import MetricsFollower

    client = app.client()
    out = app.output
    lock = threading.Lock()
    changed = threading.Event()

    def work(track: Track) -> None:
        follower = MetricsFollower(client, track.namespace, track.job_id)
        try:
            for sample in follower:
                with lock:
                    track.add(sample)
                changed.set()
            assert follower.job is not None
            job = follower.job
            message = f": {job.message}" if job.message else ""
            no_data = ": no metrics" if follower.samples == 0 else ""
            ended = f"has finished ({job.stage}{message}){no_data}"
        except NotFoundError:
            track.failed, ended = True, "not found"
        except Exception as exc:  # one job's failure must not stop the others' view
            if isinstance(exc, ApiError):
                exc.message += f" (metrics of job {ref_text(track.namespace, track.job_id)})"
            track.error, ended = exc, f"could not be read: {exc}"
        with lock:
            track.ended = ended
        changed.set()

    for track in tracks:
        _start(work, track)
    live = out.interactive and out.stdout_is_terminal
    printed: dict[str, int] = {}
    reported: set[str] = set()
    try:
        with out.live_table() if live else contextlib.nullcontext() as table:
            while True:
                changed.wait(1.0)
                changed.clear()
                with lock:
                    done = all(t.ended is not None for t in tracks)
                    if live:
                        assert table is not None  # live_table() gives one
                        rows, styles = _live_rows(tracks)
                        trend = (TREND_COLUMNS, _trend_rows(out, tracks))
                        table.update(
                            STATS_COLUMNS,
                            rows,
                            row_styles=styles,
                            note=_note(tracks, done),
                            extra=[trend],
                        )
                    else:
                        _print_new_rows(out, tracks, printed)
                for track in tracks:
                    if track.ended is not None and track.job_id not in reported and not live:
                        reported.add(track.job_id)
                        _report_ended(out, track)
                if done:
                    break
                clock.sleep(MIN_REDRAW)
    except KeyboardInterrupt:
        raise Interrupted() from None
    if live:
        for track in tracks:
            if track.seq == 0 or track.failed:
                _report_ended(out, track)
    errors = [t.error for t in tracks if t.error is not None]
    if errors:
        raise errors[0]  # the error boundary gives it its message and exit code


def _print_new_rows(out: Output, tracks: list[Track], printed: dict[str, int]) -> None:
    """Off a terminal: the header once, then the rows of every job with a new sample."""
    for track in tracks:
        if track.sample is None or printed.get(track.job_id) == track.seq:
            continue
        if not printed:
            out.table_line(STATS_COLUMNS)
        printed[track.job_id] = track.seq
        for row in metrics_rows(track.job_id, track.sample, repeat_id=True):
            out.table_line(row)


def _live_rows(tracks: list[Track]) -> tuple[list[list[str]], list[str | None]]:
    """The rows and their styles: the last numbers of a job that ended are dimmed (the note
    below the table says it ended)."""
    rows: list[list[str]] = []
    dimmed: list[str | None] = []
    for track in tracks:
        if track.sample is None:
            job_rows = waiting_rows(track.job_id, "waiting" if track.ended is None else "--")
        else:
            job_rows = metrics_rows(track.job_id, track.sample)
        rows += job_rows
        dimmed += ["dim" if track.ended is not None else None] * len(job_rows)
    return rows, dimmed


def _trend_rows(out: Output, tracks: list[Track]) -> list[list[str]]:
    """Sparklines of the last samples (a table of their own: the numbers' table is wide)."""
    rows = []
    for track in tracks:
        if track.sample is None:
            continue
        gpus: list[str | None] = [gpu_id for gpu_id, _gpu in track.sample.gpus] or [None]
        for index, gpu_id in enumerate(gpus):
            gpu = _spark(out, track, f"gpu:{gpu_id}") if gpu_id else "N/A"
            if index == 0:
                rows.append(
                    [track.job_id, _spark(out, track, "cpu"), _spark(out, track, "mem"), gpu]
                )
            else:
                rows.append(["", "", "", gpu])
    return rows


def _spark(out: Output, track: Track, key: str) -> str:
    return out.sparkline(list(track.history.get(key, ()))) or "--"


def _note(tracks: list[Track], done: bool) -> str:
    lines = [f"Job {t.job_id} {t.ended}" for t in tracks if t.ended is not None]
    if not done:
        lines.append("Refreshing every second; Ctrl-C to stop")
    return "\n".join(lines)


def _start(target, *args) -> threading.Thread:
    # Daemon threads: Ctrl-C must not wait for a stream blocked in a read.
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread


def register(app: typer.Typer) -> None:
    app.command("stats")(stats)
