"""Following several jobs' logs at once, interleaved, each line behind a short stable tag.

One thread per job runs the single-job `Follower` (same reconnects, same no-loss/no-double
guarantee) and hands its batches to a bounded queue; the main thread prints them. A slow
terminal makes the threads wait on the queue, so memory stays bounded however many lines the
jobs write. The set's exit code: 1 if any job ended in ERROR (or could not be followed), else 3
if any was cancelled, else 0.
"""

from __future__ import annotations

import queue
import re
import threading
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from hfjobs_cli.commands._common import stage_exit_code, worst_exit_code
from hfjobs_cli.errors import CliError, Interrupted, UsageError
from hfjobs_cli.output import Mode

if TYPE_CHECKING:
    from hfjobs_cli.api.client import JobsClient
    from hfjobs_cli.api.models import Job, LogEvent
    from hfjobs_cli.invocation import Invocation

QUEUE_BATCHES = 64  # batches in flight between the followers and the printer
COLOURS = ("36", "33", "35", "32", "34", "31", "96", "93", "95", "92", "94", "91")
DEFAULT_PREFIX = "{tag} | "
_FIELDS = re.compile(r"\{(\w*)\}")
PREFIX_FIELDS = ("tag", "id", "short", "name", "ns")


@dataclass
class Target:
    namespace: str
    job_id: str
    name: str = ""

    @property
    def ref(self) -> str:
        return f"{self.namespace}/{self.job_id}"


def stdout_colour(out) -> bool:
    """Colour the tags: stdout is a terminal and colour is allowed (NO_COLOR, TERM=dumb)."""
    console = out.out
    return bool(
        out.stdout_is_terminal
        and getattr(console, "color_system", None) is not None
        and not getattr(console, "no_color", False)
    )


def check_prefix_format(text: str) -> str:
    for field in _FIELDS.findall(text):
        if field not in PREFIX_FIELDS:
            raise UsageError(
                f"Invalid --prefix-format '{text}': unknown field {{{field}}}",
                hint=f"Fields: {', '.join('{' + f + '}' for f in PREFIX_FIELDS)}",
            )
    return text


def _field(values: dict[str, str], match: re.Match[str]) -> str:
    return values[match.group(1)]


def prefixes(targets: list[Target], fmt: str, *, colour: bool) -> list[str]:
    """One prefix per job: its name when names tell the jobs apart, else the id's last 8
    characters (the first ones are a timestamp, shared by jobs started together)."""
    names = [t.name for t in targets]
    unique_names = all(names) and len(set(names)) == len(names)
    tags = [t.name if unique_names else t.job_id[-8:] for t in targets]
    width = max((len(t) for t in tags), default=0)
    out = []
    for target, tag in zip(targets, tags, strict=True):
        values = {
            "tag": tag.ljust(width),
            "id": target.job_id,
            "short": target.job_id[-8:],
            "name": target.name or target.job_id[-8:],
            "ns": target.namespace,
        }
        text = _FIELDS.sub(partial(_field, values), fmt)
        if colour and text:
            code = COLOURS[zlib.crc32(target.job_id.encode()) % len(COLOURS)]
            text = f"\x1b[{code}m{text}\x1b[0m"
        out.append(text)
    return out


def follow_many(
    app: Invocation,
    client: JobsClient,
    targets: list[Target],
    *,
    tail: int | None = None,
    keep: Callable[[LogEvent], bool] | None = None,
    timestamps: bool = False,
    prefix_format: str | None = DEFAULT_PREFIX,
    to_stderr: bool = False,
    queue_batches: int = QUEUE_BATCHES,
) -> tuple[int, dict[str, Job]]:
    """Follow every target to its end; return the set's exit code and the final jobs."""
    from hfjobs_cli.api.logs import Follower

    out = app.output
    json_lines = out.mode is Mode.JSON and not to_stderr
    colour = not to_stderr and not json_lines and stdout_colour(out)
    tags = prefixes(targets, prefix_format or "", colour=colour)
    client.http.widen_pool(2 * len(targets) + 4)  # a stream and a stage check per job
    inbox: queue.Queue = queue.Queue(maxsize=queue_batches)
    stop = threading.Event()

    def put(item: tuple) -> None:
        while not stop.is_set():
            try:
                inbox.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def work(index: int, target: Target) -> None:
        try:
            follower = Follower(
                client,
                target.namespace,
                target.job_id,
                tail=tail,
                read_timeout=app.stream_timeout,
                on_reconnect=lambda message: put(("note", index, message)),
            )
            for batch in follower:
                if stop.is_set():
                    return
                put(("lines", index, batch))
            put(("done", index, follower.job))
        except CliError as exc:
            put(("error", index, exc))
        except Exception as exc:  # reported for this job; the others go on
            from hfjobs_cli.main import _api_error

            message, _hint, code = _api_error(exc)
            put(("error", index, CliError(message, code=code)))

    threads = [
        threading.Thread(target=work, args=(i, t), daemon=True, name=f"follow-{t.job_id}")
        for i, t in enumerate(targets)
    ]
    for thread in threads:
        thread.start()
    finals: dict[str, Job] = {}
    codes: list[int] = []
    pending = len(targets)
    try:
        while pending:
            try:
                kind, index, payload = inbox.get(timeout=0.5)
            except queue.Empty:
                continue
            target = targets[index]
            if kind == "lines":
                print_lines(
                    app, payload, tags[index], target,
                    timestamps=timestamps, to_stderr=to_stderr, keep=keep,
                )  # fmt: skip
            elif kind == "note":
                if out.interactive:
                    out.info(f"({target.ref}: {payload})")
            elif kind == "done":
                pending -= 1
                finals[target.job_id] = payload
                codes.append(stage_exit_code(payload.stage))
            else:
                pending -= 1
                codes.append(payload.code)
                out.error(f"Job {target.ref}: {payload.message}")
    except KeyboardInterrupt:
        stop.set()
        out.warn(f"Detached: the {len(targets)} jobs keep running (none was cancelled)")
        raise Interrupted() from None
    return worst_exit_code(codes), finals


def print_lines(
    app: Invocation,
    batch: Sequence[LogEvent],
    prefix: str,
    target: Target,
    *,
    timestamps: bool = False,
    to_stderr: bool = False,
    keep: Callable[[LogEvent], bool] | None = None,
) -> None:
    """One job's lines behind its tag (`--json`: objects that name the job)."""
    json_lines = app.output.mode is Mode.JSON and not to_stderr
    if keep is not None:
        batch = [e for e in batch if keep(e)]
        if not batch:
            return
    if json_lines:
        import json

        encoded = [
            json.dumps(
                {"job": target.job_id, "timestamp": e.timestamp, "data": e.data},
                ensure_ascii=False,
            )
            for e in batch
        ]
        if app.ci.active:  # no line of a job may read as a workflow command
            from hfjobs_cli.ci import json_line_safe

            encoded = [json_line_safe(line) for line in encoded]
        app.output.write_log_lines(encoded)
        return
    if timestamps:
        lines = [f"{prefix}{e.timestamp} {e.data}" for e in batch]
    else:
        lines = [prefix + e.data for e in batch] if prefix else [e.data for e in batch]
    if to_stderr:
        import sys

        sys.stderr.write("\n".join(lines) + "\n")
        sys.stderr.flush()
    else:
        app.output.write_log_lines(lines)


def summary(app: Invocation, targets: list[Target], finals: dict[str, Any]) -> None:
    """One line per job on stderr: how it ended."""
    for target in targets:
        job = finals.get(target.job_id)
        if job is None:
            continue
        stage = job.stage
        message = f": {job.message}" if job.message and stage != "COMPLETED" else ""
        line = f"Job {target.ref}" + (f" ({target.name})" if target.name else "")
        if stage == "COMPLETED":
            app.output.info(f"{line} completed")
        else:
            app.output.error(f"{line} ended with stage {stage}{message}")
