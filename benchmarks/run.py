"""hfjobs benchmarks, side by side with the official `hf jobs` client.

    python benchmarks/run.py [--quick] [--runs N] [--out benchmarks/results/latest.json]

Starts a canned Jobs API (benchmarks/canned_server.py) for the listing and log cases and the
real emulator (`python -m hfjobs_cli.emulator serve`) for attached `run`, runs every case with
both clients after a warm-up run, interleaved (hfjobs, hf, hfjobs, hf ...) so that a change of
machine load hits both alike, and reports medians, ratios (hfjobs ÷ hf) and budgets as a table
on the terminal and as JSON. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import selectors
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from canned_server import SMALL_NAMESPACE, USER, log_job_id
from measure import GNU_TIME, Sample, run_once

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TOKEN = "hf_benchmarktoken0000000000000000000"
JOB_SECONDS = 4.0
JOB_CODE = (
    "import time; print('job started', flush=True); "
    f"time.sleep({JOB_SECONDS}); print('done', flush=True)"
)
MB = 1024.0

# Budgets (issues 9 and 19). Each is a ratio hfjobs ÷ hf or hfjobs ÷ floor measured in the
# same run, or an absolute bound.
STARTUP_MAX_RATIO = 0.10
LOGS_MIN_RATIO = 2.0
LOGS_MAX_TIME_RATIO = 0.18  # `logs ID` of 1,000,000 lines, wall time against hf's
PS_MAX_RATIO = 1.0
PS_JSON_MAX_FLOOR_RATIO = 1.10  # `ps -a --json --limit 0` against a plain page walk
FLOOR = "floor"  # the name of the floor command in a measurement's rotation
FLAT_MEMORY_MB = 3.0  # "within a few MB"
RUN_MAX_DELAY = 0.5


# -- plumbing -------------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Clients:
    """Where the two commands are, and the argv prefix of each."""

    def __init__(self, bin_dir: Path, with_hf: bool):
        self.bin_dir = bin_dir
        self.hfjobs = [str(bin_dir / "hfjobs")]
        hf = bin_dir / "hf"
        self.hf = [str(hf), "jobs"] if with_hf and hf.exists() and _has_hub(bin_dir) else None
        self.python = str(bin_dir / "python")

    def argv(self, client: str, *args: str) -> list[str]:
        prefix = self.hfjobs if client == "hfjobs" else self.hf
        assert prefix is not None
        return [*prefix, *args]

    @property
    def names(self) -> list[str]:
        return ["hfjobs", "hf"] if self.hf else ["hfjobs"]


def _has_hub(bin_dir: Path) -> bool:
    code = (
        "import importlib.util, sys; sys.exit(importlib.util.find_spec('huggingface_hub') is None)"
    )
    return subprocess.run([str(bin_dir / "python"), "-c", code], check=False).returncode == 0


def _version(python: str, dist: str) -> str | None:
    code = f"import importlib.metadata as m; print(m.version({dist!r}))"
    result = subprocess.run([python, "-c", code], capture_output=True, text=True, check=False)
    return result.stdout.strip() or None


def client_env(endpoint: str, token: str, home: Path, bin_dir: Path) -> dict[str, str]:
    """A clean environment: the endpoint, a token, and every cache and config in `home`."""
    hf_home = home / "hf"
    hf_home.mkdir(parents=True, exist_ok=True)
    # hf asks the Hub for its list of AI-agent harnesses once a day and caches it; a user has it
    # cached, so give it the (empty) list instead of a request on every run.
    registry = hf_home / ".agent_harnesses.json"
    registry.write_text(json.dumps({"standardEnvVars": [], "harnesses": {}}))
    path = os.pathsep.join([str(bin_dir), "/usr/local/bin", "/usr/bin", "/bin"])
    return {
        "PATH": path,
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "xterm-256color",
        "NO_COLOR": "1",
        "HF_ENDPOINT": endpoint,
        "HF_TOKEN": token,
        "HF_HOME": str(hf_home),
        "HF_HUB_DISABLE_UPDATE_CHECK": "1",
        "HFJOBS_CONFIG_DIR": str(home / "hfjobs-config"),
        "HFJOBS_CACHE_DIR": str(home / "hfjobs-cache"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }


def _read_lines(proc: subprocess.Popen, count: int, timeout: float) -> list[str]:
    """The first `count` lines of a child's stdout, never blocking past `timeout`."""
    assert proc.stdout is not None
    lines: list[str] = []
    buffer = b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        while len(lines) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                raise TimeoutError(f"{proc.args[:3]} printed nothing in {timeout:.0f}s")
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                raise RuntimeError(f"{proc.args[:3]} exited early with code {proc.wait(5)}")
            buffer += chunk
            while b"\n" in buffer and len(lines) < count:
                line, buffer = buffer.split(b"\n", 1)
                lines.append(line.decode())
    return lines


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL of the process group we created for it (its id is its pid)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(10)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(5)
    if proc.stdout is not None:
        proc.stdout.close()


@contextlib.contextmanager
def canned_server(python: str, args: list[str]) -> Iterator[str]:
    proc = subprocess.Popen(
        [python, str(HERE / "canned_server.py"), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        [url] = _read_lines(proc, 1, 300)
        yield url
    finally:
        _stop(proc)


@contextlib.contextmanager
def emulator(python: str, data_dir: Path) -> Iterator[tuple[str, str]]:
    """The real emulator, `process` runtime, no scheduling delay; yields (endpoint, token)."""
    env = {k: v for k, v in os.environ.items() if k not in ("HF_TOKEN", "HF_ENDPOINT")}
    argv = [
        python,
        "-m",
        "hfjobs_cli.emulator",
        "serve",
        "--port",
        "0",
        "--data-dir",
        str(data_dir),
        "--runtime",
        "process",
        "--scheduling-delay",
        "0",
    ]
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "serve.stderr", "ab") as stderr:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env,
            cwd=REPO,
            start_new_session=True,
        )
    try:
        values = dict(
            line.removeprefix("export ").split("=", 1) for line in _read_lines(proc, 2, 30)
        )
        yield values["HF_ENDPOINT"], values["HF_TOKEN"]
    finally:
        _stop(proc)


def get_json(url: str, token: str) -> Any:
    request = urllib.request.Request(url, headers={"authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def parse_iso(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


# -- measuring ------------------------------------------------------------------------------


class Check(Exception):
    """A client's output was not what the case expects: its numbers would mean nothing."""


Checker = Callable[[str, Sample], None]


def measure(
    clients: Clients,
    args_by_client: dict[str, list[str]],
    env: dict[str, str],
    *,
    runs: int,
    warmup: int = 1,
    tty: bool = False,
    check: Checker | None = None,
    label: str = "",
    floor: list[str] | None = None,
) -> dict[str, list[Sample]]:
    """Warm-up runs, then `runs` interleaved runs of each client (and of the `floor` command,
    measured as one more client named FLOOR); every run is checked."""
    names = [*clients.names, *([FLOOR] if floor else [])]
    samples: dict[str, list[Sample]] = {name: [] for name in names}
    for i in range(warmup + runs):
        for name in names:
            argv = floor if name == FLOOR else clients.argv(name, *args_by_client[name])
            sample = run_once(argv, env, tty=tty)  # type: ignore[arg-type]
            if sample.timed_out:
                raise Check(f"{name} {label}: timed out")
            if check is not None:
                check(name, sample)
            if i >= warmup:
                samples[name].append(sample)
        log(
            f"  {label}: run {i + 1}/{warmup + runs} "
            + ", ".join(f"{n} {samples[n][-1].wall:.3f}s" for n in names if samples[n])
        )
    return samples


def expect(
    *, code: int = 0, lines: dict[str, int] | None = None, text: dict[str, bytes] | None = None
) -> Checker:
    def check(name: str, sample: Sample) -> None:
        if sample.returncode != code:
            raise Check(
                f"{name}: exit code {sample.returncode}, expected {code}: {sample.stderr[-800:]}"
            )
        if lines and name in lines and sample.lines != lines[name]:
            raise Check(f"{name}: {sample.lines} lines on stdout, expected {lines[name]}")
        if text and name in text and text[name] not in sample.head + sample.tail:
            raise Check(f"{name}: {text[name]!r} not in its output: {sample.head[:300]!r}")

    return check


def med(values: list[float]) -> float:
    return statistics.median(values)


def stats(samples: list[Sample]) -> dict[str, Any]:
    return {
        "wall_s": med([s.wall for s in samples]),
        "cpu_s": med([s.cpu for s in samples]),
        "peak_rss_mb": med([s.maxrss_kb / MB for s in samples]),
        "lines": samples[0].lines,
        "bytes": samples[0].nbytes,
        "runs_wall_s": [round(s.wall, 4) for s in samples],
        "runs_cpu_s": [round(s.cpu, 4) for s in samples],
        "runs_peak_rss_mb": [round(s.maxrss_kb / MB, 1) for s in samples],
    }


class Report:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.details: dict[str, Any] = {}

    def row(
        self,
        case: str,
        metric: str,
        unit: str,
        values: dict[str, float | None],
        *,
        budget: str = "",
        higher_is_better: bool = False,
        met: bool | None = None,
        ratio: float | None = None,
        max_ratio: float | None = None,
        min_ratio: float | None = None,
        no_ratio: bool = False,
        commands: dict[str, str] | None = None,
        note: str = "",
        max_floor_ratio: float | None = None,
    ) -> None:
        mine, theirs, floor = values.get("hfjobs"), values.get("hf"), values.get(FLOOR)
        if ratio is None and mine is not None and theirs and not no_ratio:
            ratio = mine / theirs
        floor_ratio = mine / floor if mine is not None and floor and not no_ratio else None
        if met is None and max_floor_ratio is not None and floor_ratio is not None:
            met = floor_ratio <= max_floor_ratio
        elif met is None and ratio is not None:
            if max_ratio is not None:
                met = ratio <= max_ratio
            elif min_ratio is not None:
                met = ratio >= min_ratio
        self.rows.append(
            {
                "case": case,
                "metric": metric,
                "unit": unit,
                "hfjobs": mine,
                "hf": theirs,
                "ratio": ratio,
                "floor": floor,
                "floor_ratio": floor_ratio,
                "budget": budget,
                "met": met if budget else None,
                "higher_is_better": higher_is_better,
                "commands": commands or {},
                "note": note,
            }
        )

    def markdown(self) -> str:
        head = (
            "| Case | Metric | hfjobs | hf jobs | hfjobs ÷ hf | floor | hfjobs ÷ floor "
            "| Budget | Met |"
        )
        lines = [head, "|---|---|---:|---:|---:|---:|---:|---|---|"]
        for r in self.rows:
            met = {True: "yes", False: "**NO**", None: "n/a" if r["budget"] else ""}[r["met"]]
            ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "n/a"
            floor = fmt(r["floor"], r["unit"]) if r["floor"] is not None else ""
            floor_ratio = f"{r['floor_ratio']:.2f}" if r["floor_ratio"] is not None else ""
            lines.append(
                f"| {r['case']} | {r['metric']} | {fmt(r['hfjobs'], r['unit'])} | "
                f"{fmt(r['hf'], r['unit'])} | {ratio} | {floor} | {floor_ratio} | "
                f"{r['budget']} | {met} |"
            )
        return "\n".join(lines)


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if abs(value) < 1 else f"{value:.2f} s"
    if unit == "lines/s":
        return f"{value:,.0f}"
    if unit == "MB":
        return f"{value:+.1f} MB" if value < 0 else f"{value:.1f} MB"
    if unit == "KB":
        return f"{value:.1f} KB"
    return f"{value:g} {unit}"


# -- the cases ------------------------------------------------------------------------------


def bench_startup(clients: Clients, env: dict[str, str], runs: int, report: Report) -> None:
    log("start-up")
    floor = [clients.python, "-c", "import typer"]  # what any typer-based answer costs first
    cases = [
        (
            "`--help`",
            ["--help"],
            ["--help"],
            STARTUP_MAX_RATIO,
            {"hfjobs": b"Usage: hfjobs", "hf": b"Usage: hf jobs"},
        ),
        (
            "`ps --help`",
            ["ps", "--help"],
            ["ps", "--help"],
            STARTUP_MAX_RATIO,
            {"hfjobs": b"Usage: hfjobs ps", "hf": b"Usage: hf jobs ps"},
        ),
    ]
    for title, mine, theirs, budget, text in cases:
        samples = measure(
            clients,
            {"hfjobs": mine, "hf": theirs},
            env,
            runs=runs,
            check=expect(text=text),
            label=title,
            floor=floor,
        )
        commands = {"hfjobs": " ".join(["hfjobs", *mine]), "hf": " ".join(["hf jobs", *theirs])}
        _startup_rows(report, title, samples, budget, commands)
    # A Tab press after `hfjobs sc` (`hf jobs sc`): each shell's completion function runs the
    # program with these variables (typer's `complete_bash` for hfjobs; click's `bash_complete`
    # for hf, whose variable is `_HF_COMPLETE`).
    title = "Tab completion of `sc`"
    tab = {
        "hfjobs": {
            "_HFJOBS_COMPLETE": "complete_bash",
            "COMP_WORDS": "hfjobs sc",
            "COMP_CWORD": "1",
        },
        "hf": {"_HF_COMPLETE": "bash_complete", "COMP_WORDS": "hf jobs sc", "COMP_CWORD": "2"},
    }
    names = [*clients.names, FLOOR]
    samples = {name: [] for name in names}
    check = expect(text={"hfjobs": b"schedule", "hf": b"scheduled"})
    for i in range(1 + runs):
        for name in names:
            if name == FLOOR:
                sample = run_once(floor, env)
            else:
                prog = clients.hfjobs[:1] if name == "hfjobs" else clients.hf[:1]  # type: ignore[index]
                sample = run_once(prog, {**env, **tab[name]})
            check(name, sample)
            if i:
                samples[name].append(sample)
    log(
        f"  {title}: " + ", ".join(f"{n} {med([s.wall for s in samples[n]]):.3f}s" for n in samples)
    )
    commands = {
        n: " ".join(f"{k}='{v}'" for k, v in tab[n].items())
        + (" hfjobs" if n == "hfjobs" else " hf")
        for n in tab
    }
    commands[FLOOR] = 'python -c "import typer"'
    _startup_rows(report, title, samples, STARTUP_MAX_RATIO, commands)


def _startup_rows(
    report: Report,
    title: str,
    samples: dict[str, list[Sample]],
    budget: float | None,
    commands: dict[str, str],
) -> None:
    values = {name: stats(s)["wall_s"] for name, s in samples.items()}
    report.row(
        title,
        "wall time (median)",
        "s",
        values,
        budget=f"≤ {budget:.2f}" if budget else "",
        max_ratio=budget,
        commands=commands,
    )
    cpu = {name: stats(s)["cpu_s"] for name, s in samples.items()}
    report.row(title, "CPU time (median)", "s", cpu)
    rss = {name: stats(s)["peak_rss_mb"] for name, s in samples.items()}
    report.row(title, "peak RSS", "MB", rss)
    report.details[f"startup {title}"] = {name: stats(s) for name, s in samples.items()}


def bench_ps(
    clients: Clients, env: dict[str, str], runs: int, jobs: int, small: int, report: Report
) -> None:
    log("ps")
    table_lines = {"hfjobs": jobs + 1, "hf": jobs + 2}  # header (+ hf's dashes line)
    first_100 = {"hfjobs": 101, "hf": 102}  # both show 100 jobs by default (--limit 100)
    cases = [
        (
            f"`ps -a --json --limit 0` ({jobs:,} jobs)",
            ["ps", "-a", "--json", "--limit", "0"],
            False,
            None,
        ),
        (
            f"`ps -a --limit 0` piped ({jobs:,} jobs)",
            ["ps", "-a", "--limit", "0"],
            False,
            table_lines,
        ),
        (
            f"`ps -a --limit 0` on a terminal ({jobs:,} jobs)",
            ["ps", "-a", "--limit", "0"],
            True,
            table_lines,
        ),
        ("`ps -a` piped (first 100 of 10,000)", ["ps", "-a"], False, first_100),
        ("`ps -a` on a terminal (first 100 of 10,000)", ["ps", "-a"], True, first_100),
    ]
    # The floor of the JSON listing: a plain page walk printing the same bytes (floors.py).
    walk = [clients.python, str(HERE / "floors.py"), "page-walk", env["HF_ENDPOINT"], USER, TOKEN]
    for title, args, tty, lines in cases:
        title = title.replace("10,000", f"{jobs:,}")
        floor = walk if "--json" in args else None
        samples = measure(
            clients,
            {"hfjobs": args, "hf": args},
            env,
            runs=runs,
            tty=tty,
            check=expect(lines=lines),
            label=title,
            floor=floor,
        )
        if floor and {s.nbytes for s in samples[FLOOR]} != {s.nbytes for s in samples["hfjobs"]}:
            raise Check(f"{title}: the page walk and hfjobs printed different JSON")
        st = {name: stats(s) for name, s in samples.items()}
        report.details[f"ps {title}"] = st
        walls = {n: st[n]["wall_s"] for n in st}
        report.row(
            title,
            "wall time (median)",
            "s",
            walls,
            budget=f"≤ {PS_MAX_RATIO:.2f}",
            max_ratio=PS_MAX_RATIO,
            commands=_commands(args, tty=tty),
        )
        cpu = {n: st[n]["cpu_s"] for n in st}
        if floor:  # what hfjobs adds to the page walk: CPU time, which other work hardly moves
            report.row(
                title,
                "CPU time (median)",
                "s",
                cpu,
                budget=f"≤ {PS_JSON_MAX_FLOOR_RATIO:.2f} × floor",
                max_floor_ratio=PS_JSON_MAX_FLOOR_RATIO,
                commands={FLOOR: "python benchmarks/floors.py page-walk ENDPOINT alice TOKEN"},
            )
        else:
            report.row(title, "CPU time (median)", "s", cpu)
        report.row(title, "peak RSS", "MB", {n: st[n]["peak_rss_mb"] for n in st if n != FLOOR})
    # Memory: one page plus the rows shown. `ps -a --json` shows 100 jobs whether the namespace
    # has 10,000 or 1,000, so its peak must not depend on the total.
    by_ns = {}
    for ns, count in ((USER, jobs), (SMALL_NAMESPACE, small)):
        args = ["ps", "-a", "--json", "--namespace", ns]
        by_ns[ns] = measure(
            clients,
            {"hfjobs": args, "hf": args},
            env,
            runs=runs,
            check=expect(),
            label=f"ps -a --json --namespace {ns} ({count:,} jobs)",
        )
    growth = {
        name: med([s.maxrss_kb / MB for s in by_ns[USER][name]])
        - med([s.maxrss_kb / MB for s in by_ns[SMALL_NAMESPACE][name]])
        for name in clients.names
    }
    report.details["ps memory by namespace size"] = {
        ns: {n: stats(s) for n, s in v.items()} for ns, v in by_ns.items()
    }
    mine = growth["hfjobs"]
    report.row(
        f"`ps -a --json` (100 shown), {jobs:,} vs {small:,} jobs in the namespace",
        "peak RSS growth",
        "MB",
        growth,
        budget=f"hfjobs ≤ {FLAT_MEMORY_MB:.0f} MB",
        met=abs(mine) <= FLAT_MEMORY_MB,
        no_ratio=True,
    )
    # Per row shown, when every row is shown: (all rows − 100 rows) / (jobs − 100).
    all_rows = report.details[f"ps `ps -a --json --limit 0` ({jobs:,} jobs)"]
    per_row = {
        n: (all_rows[n]["peak_rss_mb"] - med([s.maxrss_kb / MB for s in by_ns[USER][n]]))
        * 1024
        / (jobs - 100)
        for n in clients.names
    }
    report.row(f"`ps -a --json --limit 0` ({jobs:,} jobs)", "peak RSS per row shown", "KB", per_row)


def _commands(args: list[str], *, tty: bool = False) -> dict[str, str]:
    where = " (stdout on a pseudo-terminal)" if tty else " | (a pipe)"
    return {n: f"{p} {' '.join(args)}{where}" for n, p in (("hfjobs", "hfjobs"), ("hf", "hf jobs"))}


def bench_logs(
    clients: Clients, env: dict[str, str], runs: int, sizes: tuple[int, int], report: Report
) -> None:
    small, big = sizes
    for follow in (False, True):
        flag = ["-f"] if follow else []
        name = "logs -f" if follow else "logs"
        log(name)
        by_size: dict[int, dict[str, list[Sample]]] = {}
        for n in (small, big):
            args = ["logs", *flag, log_job_id(n)]
            lines = {"hfjobs": n, "hf": n, FLOOR: n}
            # The floor: a minimal SSE reader of the same stream (floors.py), for the big log.
            sse = [clients.python, str(HERE / "floors.py"), "sse", env["HF_ENDPOINT"], USER]
            by_size[n] = measure(
                clients,
                {"hfjobs": args, "hf": args},
                env,
                runs=runs,
                check=expect(lines=lines),
                label=f"{name} {n:,} lines",
                floor=[*sse, log_job_id(n), TOKEN] if n == big and not follow else None,
            )
        st = {n: {c: stats(s) for c, s in v.items()} for n, v in by_size.items()}
        report.details[name] = {f"{n} lines": v for n, v in st.items()}
        title = f"`{name} ID` ({big:,} lines)"
        walls = {c: st[big][c]["wall_s"] for c in st[big]}
        if follow:
            report.row(title, "wall time (median)", "s", walls)
        else:
            report.row(
                title,
                "wall time (median)",
                "s",
                walls,
                budget=f"≤ {LOGS_MAX_TIME_RATIO:.2f}",
                max_ratio=LOGS_MAX_TIME_RATIO,
                commands={
                    **_commands(["logs", log_job_id(big)]),
                    FLOOR: "python benchmarks/floors.py sse ENDPOINT alice ID TOKEN",
                },
            )
        report.row(title, "CPU time (median)", "s", {c: st[big][c]["cpu_s"] for c in st[big]})
        rate = {c: big / w for c, w in walls.items() if c != FLOOR}
        report.row(
            title,
            "lines per second",
            "lines/s",
            rate,
            higher_is_better=True,
            budget=f"≥ {LOGS_MIN_RATIO:.0f}",
            min_ratio=LOGS_MIN_RATIO,
            commands=_commands(["logs", *flag, log_job_id(big)]),
        )
        report.row(title, "peak RSS", "MB", {c: st[big][c]["peak_rss_mb"] for c in clients.names})
        growth = {c: st[big][c]["peak_rss_mb"] - st[small][c]["peak_rss_mb"] for c in clients.names}
        report.row(
            f"`{name} ID`, {big:,} vs {small:,} lines",
            "peak RSS growth",
            "MB",
            growth,
            budget=f"hfjobs ≤ {FLAT_MEMORY_MB:.0f} MB",
            met=abs(growth["hfjobs"]) <= FLAT_MEMORY_MB,
            no_ratio=True,
        )


def bench_run(clients: Clients, home: Path, runs: int, report: Report) -> None:
    """Attached `run`: from the job's end (its `finishedAt`) to the client's exit."""
    log("attached run (emulator)")
    command = [sys.executable, "-c", JOB_CODE]
    with emulator(clients.python, home / "emulator") as (endpoint, token):
        env = client_env(endpoint, token, home / "run-home", clients.bin_dir)
        namespace = get_json(f"{endpoint}/api/whoami-v2", token)["name"]
        delays: dict[str, list[float]] = {name: [] for name in clients.names}
        runs_detail: dict[str, list[dict[str, Any]]] = {name: [] for name in clients.names}
        seen: set[str] = set()
        for i in range(1 + runs):
            for name in clients.names:
                sample = run_once(
                    clients.argv(name, "run", "python:3.12", *command), env, timeout=120
                )
                expect(text={"hfjobs": b"done", "hf": b"done"})(name, sample)
                [job] = get_json(f"{endpoint}/api/jobs/{namespace}?limit=1", token)
                if job["id"] in seen or job["status"]["stage"] != "COMPLETED":
                    raise Check(f"{name} run: newest job {job['id']} is not a new COMPLETED job")
                seen.add(job["id"])
                finished, started = parse_iso(job["finishedAt"]), parse_iso(job["startedAt"])
                delay = sample.ended_at - finished
                log(
                    f"  run {i + 1}/{1 + runs} {name}: wall {sample.wall:.2f}s, job ran "
                    f"{finished - started:.2f}s, end to exit {delay * 1000:.0f} ms"
                )
                if i:
                    delays[name].append(delay)
                    runs_detail[name].append(
                        {
                            "wall_s": round(sample.wall, 4),
                            "job_running_s": round(finished - started, 3),
                            "end_to_exit_s": round(delay, 4),
                            "peak_rss_mb": round(sample.maxrss_kb / MB, 1),
                        }
                    )
    report.details["attached run"] = runs_detail
    values = {name: med(v) for name, v in delays.items()}
    report.row(
        f"attached `run` (a {JOB_SECONDS:.0f} s job, emulator)",
        "job end → exit (median)",
        "s",
        values,
        budget=f"hfjobs ≤ {RUN_MAX_DELAY * 1000:.0f} ms",
        met=values["hfjobs"] <= RUN_MAX_DELAY,
        commands=_commands(["run", "python:3.12", "python", "-c", f'"{JOB_CODE}"']),
    )


# -- main -----------------------------------------------------------------------------------


def machine(clients: Clients) -> dict[str, Any]:
    py = subprocess.run(
        [clients.python, "-c", "import sys; print(sys.version.split()[0])"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "hfjobs_cli"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": py,
        "platform": platform.platform(),
        "hfjobs": _version(clients.python, "hfjobs-cli"),
        "huggingface_hub": _version(clients.python, "huggingface_hub") if clients.hf else None,
        "git_commit": commit,
        "hfjobs_cli_uncommitted_changes": bool(dirty),
        "peak_rss_from": "GNU time %M" if GNU_TIME else "os.wait4 (floor: the benchmark's size)",
    }


def default_bin_dir() -> Path:
    here = Path(sys.executable).parent
    if (here / "hfjobs").exists():
        return here
    found = shutil.which("hfjobs")
    return Path(found).resolve().parent if found else here


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a fast smoke run: 2,000 jobs, 10,000/100,000-line logs, fewer runs",
    )
    parser.add_argument("--runs", type=int, help="measured runs of the heavy cases (default 3)")
    parser.add_argument("--startup-runs", type=int, help="measured runs of start-up (default 7)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "latest.json")
    parser.add_argument(
        "--only",
        default="startup,ps,logs,run",
        help="comma-separated groups: startup, ps, logs, run",
    )
    parser.add_argument("--no-hf", action="store_true", help="measure hfjobs alone")
    parser.add_argument(
        "--bin-dir",
        type=Path,
        default=default_bin_dir(),
        help="the venv bin/ with hfjobs, hf and python",
    )
    parser.add_argument("--page-size", type=int, default=50, help="jobs per listing page")
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="first wait up to SECONDS for the 1-minute load average to drop below 1.0",
    )
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.wait_idle
    while os.getloadavg()[0] >= 1.0 and time.monotonic() < deadline:
        log(f"waiting for the load average to drop below 1.0 (now {os.getloadavg()[0]:.2f}) ...")
        time.sleep(min(15.0, max(0.0, deadline - time.monotonic())))
    runs = args.runs or (1 if args.quick else 3)
    startup_runs = args.startup_runs or (3 if args.quick else 7)
    jobs, small = (2_000, 200) if args.quick else (10_000, 1_000)
    sizes = (10_000, 100_000) if args.quick else (100_000, 1_000_000)
    groups = {g.strip() for g in args.only.split(",") if g.strip()}
    clients = Clients(args.bin_dir, with_hf=not args.no_hf)
    if clients.hf is None and not args.no_hf:
        log("huggingface_hub is not installed: measuring hfjobs alone (no ratios)")

    meta = machine(clients)
    meta.update(
        started=datetime.now(UTC).isoformat(timespec="seconds"),
        load_before=[round(x, 2) for x in os.getloadavg()],
        quick=args.quick,
        runs=runs,
        startup_runs=startup_runs,
        warmup_runs=1,
        jobs=jobs,
        small_namespace_jobs=small,
        page_size=args.page_size,
        log_lines=list(sizes),
    )
    log(f"machine: {meta['nproc']} cores, Python {meta['python']}, load {meta['load_before']}")
    report = Report()
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="hfjobs-bench-") as tmp:
        home = Path(tmp)
        if groups & {"startup", "ps", "logs"}:
            server_args = [
                "--jobs",
                str(jobs),
                "--small-jobs",
                str(small),
                "--page-size",
                str(args.page_size),
                "--log-lines",
                ",".join(map(str, sizes)),
            ]
            log("preparing the canned server ...")
            with canned_server(clients.python, server_args) as url:
                env = client_env(url, TOKEN, home / "home", clients.bin_dir)
                for group, bench in (
                    ("startup", lambda: bench_startup(clients, env, startup_runs, report)),
                    ("ps", lambda: bench_ps(clients, env, runs, jobs, small, report)),
                    ("logs", lambda: bench_logs(clients, env, runs, sizes, report)),
                ):
                    if group in groups:
                        try:
                            bench()
                        except Check as exc:
                            errors.append(f"{group}: {exc}")
                            log(f"FAILED {group}: {exc}")
        if "run" in groups:
            try:
                bench_run(clients, home, runs, report)
            except Check as exc:
                errors.append(f"run: {exc}")
                log(f"FAILED run: {exc}")
    meta["load_after"] = [round(x, 2) for x in os.getloadavg()]
    meta["finished"] = datetime.now(UTC).isoformat(timespec="seconds")

    table = report.markdown()
    print(table)
    missed = [r for r in report.rows if r["met"] is False]
    print()
    print(
        f"Machine: {meta['nproc']} cores ({meta['cpu']}), Python {meta['python']}, "
        f"hfjobs {meta['hfjobs']}, huggingface_hub {meta['huggingface_hub']}; "
        f"load average {meta['load_before']} before, {meta['load_after']} after."
    )
    for row in missed:
        print(
            f"BUDGET NOT MET: {row['case']}, {row['metric']}: hfjobs {fmt(row['hfjobs'], row['unit'])}"
            f", hf {fmt(row['hf'], row['unit'])}, budget {row['budget']}"
        )
    for error in errors:
        print(f"ERROR: {error}")
    unchecked = [r for r in report.rows if r["budget"] and r["met"] is None]
    if not missed and not errors:
        print(
            "Every budget is met."
            if not unchecked
            else f"Every budget that could be checked is met ({len(unchecked)} need hf jobs)."
        )
    if meta["load_before"][0] >= 1.0:  # the benchmark itself keeps about one core busy
        print(
            "Note: the load average was 1.0 or more before the start: other work shared the CPUs."
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {"meta": meta, "results": report.rows, "details": report.details, "errors": errors},
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    print(f"Results written to {args.out}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
