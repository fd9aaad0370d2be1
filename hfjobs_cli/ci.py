"""Behaving well as a CI step (GitHub Actions, GitLab CI).

Which CI runs us: `--ci`, else HFJOBS_CI, else the `ci` config key, else the runner's own
variables (`GITHUB_ACTIONS=true`, `GITLAB_CI=true`). In CI the job's log is folded into a
group in which the job's lines cannot act as workflow commands, a job that does not complete
gets an annotation, and the runner's files get a summary, step outputs and the job's id (so a
cleanup step can cancel a job whose step was killed). Outside CI nothing here does anything,
except what the user asked for by name (`--ci-dotenv`, `HFJOBS_ID_FILE`).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from hfjobs_cli.errors import UsageError

CHOICES = ("auto", "github", "gitlab", "off")
ID_FILE_NAME = "hfjobs-job-ids"


def detect(choice: str | None, environ: dict[str, str] | None = None) -> str | None:
    """'github', 'gitlab' or None (not in CI, or `off`)."""
    env = os.environ if environ is None else environ
    value = (choice or "auto").strip().lower()
    if value not in CHOICES:
        raise UsageError(f"Invalid CI '{choice}': use one of {', '.join(CHOICES)}")
    if value == "off":
        return None
    if value != "auto":
        return value
    if env.get("GITHUB_ACTIONS") == "true":
        return "github"
    if env.get("GITLAB_CI") == "true":
        return "gitlab"
    return None


# -- workflow commands -----------------------------------------------------------------
def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(name: str, message: str, **properties: str) -> str:
    props = ",".join(f"{k}={_escape_property(v)}" for k, v in properties.items())
    return f"::{name}{' ' + props if props else ''}::{_escape_data(message)}"


def json_line_safe(text: str) -> str:
    """A JSON line that no runner reads as a command: `::` and `##[` written as JSON escapes
    (the same string once parsed)."""
    return text.replace("::", "\\u003a\\u003a").replace("##[", "\\u0023#[")


@dataclass
class Fold:
    """What `CiStep.fold` hands the log printer: a filter for each batch of lines."""

    provider: str | None

    def lines(self, lines: list[str]) -> list[str]:
        if self.provider != "gitlab":
            return lines  # GitHub: ::stop-commands:: covers every line of the group
        # GitLab folds on `ESC[0Ksection_...` markers: a job's line must not open or close one.
        return [
            line.replace("\x1b", "\\x1b") if "section_" in line and "\x1b" in line else line
            for line in lines
        ]


@dataclass
class JobReport:
    """One job as a CI summary shows it."""

    ref: str
    job_id: str
    url: str
    image: str
    flavor: str
    stage: str
    message: str | None
    duration: float | None
    cost: float | None


class CiStep:
    """The CI side effects of one invocation; every method is a no-op outside CI."""

    def __init__(
        self,
        provider: str | None,
        *,
        dotenv: str | None = None,
        environ: dict[str, str] | None = None,
    ):
        self.provider = provider
        self.dotenv = Path(dotenv) if dotenv else None
        self.env = os.environ if environ is None else environ
        self._dotenv_values: dict[str, str] = {}
        self._log_stream: TextIO | None = None

    @property
    def active(self) -> bool:
        return self.provider is not None

    # -- folding -------------------------------------------------------------------
    @contextlib.contextmanager
    def fold(self, title: str, stream: TextIO) -> Iterator[Fold]:
        """The job's log in a collapsible group; in GitHub, workflow commands are off inside."""
        if self.provider is None:
            yield Fold(None)
            return
        token = secrets.token_hex(16)
        self._log_stream = stream  # annotations follow on the same stream, after the fold
        if self.provider == "github":
            _write(stream, [github_command("group", title), f"::stop-commands::{token}"])
        else:
            title = title.replace("\x1b", "\\x1b").replace("\r", " ").replace("\n", " ")
            _write(
                stream, [f"\x1b[0Ksection_start:{int(time.time())}:hfjobs_{token}\r\x1b[0K{title}"]
            )
        try:
            yield Fold(self.provider)
        finally:
            if self.provider == "github":
                _write(stream, [f"::{token}::", "::endgroup::"])
            else:
                _write(stream, [f"\x1b[0Ksection_end:{int(time.time())}:hfjobs_{token}\r\x1b[0K"])

    # -- annotations -----------------------------------------------------------------
    def annotate(self, kind: str, title: str, message: str) -> None:
        """An error or warning annotation on the run's page (GitHub).

        Written on the stream that carried the log, so that the runner reads it after the
        line that switched workflow commands back on (two pipes have no order between them).
        """
        if self.provider == "github":
            _write(self._log_stream or sys.stderr, [github_command(kind, message, title=title)])

    # -- files for later steps ---------------------------------------------------------
    @property
    def id_file(self) -> Path | None:
        if self.env.get("HFJOBS_ID_FILE"):
            return Path(self.env["HFJOBS_ID_FILE"])
        if self.provider == "github" and self.env.get("RUNNER_TEMP"):
            return Path(self.env["RUNNER_TEMP"]) / ID_FILE_NAME
        return None

    def job_started(self, ref: str, url: str) -> None:
        """As soon as the job exists: its id where a cleanup step finds it, and the outputs."""
        self.jobs_started([(ref, url)])

    def jobs_started(self, jobs: Sequence[tuple[str, str]]) -> None:
        """`job_started` for (ref, url) pairs: one job as strings, several as JSON lists."""
        if not jobs:
            return
        path = self.id_file
        if path is not None:
            _append(path, "".join(f"{ref}\n" for ref, _url in jobs))
        ids = [ref.rsplit("/", 1)[-1] for ref, _url in jobs]
        urls = [url for _ref, url in jobs]
        if self.active:
            if len(jobs) == 1:
                self._outputs({"job-id": ids[0], "job-url": urls[0]})
            else:
                self._outputs({"job-id": json.dumps(ids), "job-url": json.dumps(urls)})
        self._write_dotenv({"HFJOBS_JOB_ID": " ".join(ids), "HFJOBS_JOB_URL": " ".join(urls)})

    def jobs_ended(self, reports: Sequence[JobReport]) -> None:
        """The summary table, the outputs with the final stage, the dotenv report."""
        if not reports:
            return
        if self.active:
            self._summary(reports)
            if len(reports) == 1:
                self._outputs({"stage": reports[0].stage})
            else:
                self._outputs(
                    {
                        "job-id": json.dumps([r.job_id for r in reports]),
                        "job-url": json.dumps([r.url for r in reports]),
                        "stage": json.dumps([r.stage for r in reports]),
                    }
                )
        if len(reports) == 1:
            self._write_dotenv({"HFJOBS_STAGE": reports[0].stage})
        else:
            self._write_dotenv(
                {
                    "HFJOBS_JOB_ID": " ".join(r.job_id for r in reports),
                    "HFJOBS_JOB_URL": " ".join(r.url for r in reports),
                    "HFJOBS_STAGE": " ".join(r.stage for r in reports),
                }
            )

    def _outputs(self, values: dict[str, str]) -> None:
        path = self.env.get("GITHUB_OUTPUT")
        if self.provider == "github" and path:
            _append(Path(path), "".join(f"{k}={_one_line(v)}\n" for k, v in values.items()))

    def _summary(self, reports: Sequence[JobReport]) -> None:
        path = self.env.get("GITHUB_STEP_SUMMARY")
        if self.provider == "github" and path:
            _append(Path(path), summary_markdown(reports))

    def _write_dotenv(self, values: dict[str, str]) -> None:
        if self.dotenv is None:
            return
        self._dotenv_values.update(values)
        text = "".join(f"{k}={_one_line(v)}\n" for k, v in self._dotenv_values.items())
        self.dotenv.parent.mkdir(parents=True, exist_ok=True)
        self.dotenv.write_text(text, encoding="utf-8")


def summary_markdown(reports: Sequence[JobReport]) -> str:
    from hfjobs_cli.views import format_duration, format_usd

    title = "Hugging Face job" if len(reports) == 1 else f"Hugging Face jobs ({len(reports)})"
    lines = [
        f"### {title}",
        "",
        "| Job | Image | Flavor | Stage | Duration | Cost |",
        "|---|---|---|---|---|---|",
    ]
    for r in reports:
        stage = f"{r.stage}: {r.message}" if r.message and r.stage != "COMPLETED" else r.stage
        cells = [
            f"[{_cell(r.job_id)}]({r.url})",
            f"`{_cell(r.image)}`",
            _cell(r.flavor),
            _cell(stage),
            format_duration(r.duration) if r.duration is not None else "--",
            format_usd(r.cost) if r.cost is not None else "--",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\n"


def _cell(text: str) -> str:
    return _one_line(text).replace("|", "\\|").replace("`", "'")


def _one_line(text: str) -> str:
    return " ".join(str(text).splitlines())


def _write(stream: TextIO, lines: list[str]) -> None:
    stream.write("\n".join(lines) + "\n")
    stream.flush()


def _append(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


# -- signals ---------------------------------------------------------------------------
class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every `except KeyboardInterrupt` also stops on it."""


def signal_name(exc: BaseException) -> str:
    return "SIGTERM" if isinstance(exc, Terminated) else "SIGINT"


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


@contextlib.contextmanager
def terminate_raises() -> Iterator[None]:
    """Inside the block SIGTERM raises `Terminated` (as SIGINT raises KeyboardInterrupt)."""
    with _handlers({signal.SIGTERM: _raise_terminated}):
        yield


@contextlib.contextmanager
def signals_deferred() -> Iterator[list[str]]:
    """Inside the block SIGINT and SIGTERM are noted, not acted on (a create in flight must
    return the job it made, so that it can be cancelled); yields the list of names noted."""
    noted: list[str] = []

    def note(signum: int, frame: object) -> None:
        noted.append(signal.Signals(signum).name)

    with _handlers({signal.SIGINT: note, signal.SIGTERM: note}):
        yield noted


@contextlib.contextmanager
def signals_ignored() -> Iterator[None]:
    """While a cancel is being sent, a second signal must not interrupt it."""
    with _handlers({signal.SIGINT: signal.SIG_IGN, signal.SIGTERM: signal.SIG_IGN}):
        yield


@contextlib.contextmanager
def _handlers(handlers: dict[int, Callable | int]) -> Iterator[None]:
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers (in-process tests run elsewhere)
        return
    previous = {sig: signal.signal(sig, handler) for sig, handler in handlers.items()}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
