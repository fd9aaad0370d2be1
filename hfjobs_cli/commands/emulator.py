"""`hfjobs emulator ...`: the local Jobs server that runs jobs on this machine."""

from __future__ import annotations

import os
import re
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer

from hfjobs_cli.commands._common import app_context
from hfjobs_cli.errors import CliError, ExitCode, UsageError
from hfjobs_cli.hints import command
from hfjobs_cli.options import JsonOpt

emulator_app = typer.Typer(
    help="""Run the Jobs API locally: no account, jobs run on this machine.

    Examples:

      hfjobs emulator start

      eval "$(hfjobs emulator env)"
    """,
    no_args_is_help=True,
)

DataDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        metavar="DIR",
        help="Where jobs, schedules, webhooks and logs are kept (default: the user data folder).",
        show_default=False,
    ),
]
RuntimeOpt = Annotated[
    str | None,
    typer.Option(
        "--runtime",
        metavar="RUNTIME",
        help="auto (docker when its engine answers, else podman, else process), process, docker "
        "or podman [default: $HFJOBS_EMULATOR_RUNTIME, else auto].",
        show_default=False,
    ),
]


def _check_runtime(runtime: str | None) -> str | None:
    if runtime is not None and runtime not in ("auto", "process", "docker", "podman"):
        raise UsageError(f"Invalid --runtime '{runtime}': use auto, process, docker or podman")
    return runtime


def _control():
    """The emulator's control module, once the platform is known to run it (not native Windows)."""
    from hfjobs_cli.emulator import control

    try:
        control.check_platform()
    except control.UnsupportedPlatform as exc:
        raise CliError(str(exc)) from None
    return control


PORT_HELP = (
    "Port to listen on (default: the one this data folder used last, else "
    "$HFJOBS_EMULATOR_PORT or 28765, so the address stays the same across restarts; "
    "0 picks a free one)."
)


def _exports(url: str, token: str, shell: str = "posix") -> str:
    """The lines that set HF_ENDPOINT and HF_TOKEN in `shell` (posix, powershell or cmd)."""
    pairs = (("HF_ENDPOINT", url), ("HF_TOKEN", token))
    if shell == "powershell":
        return "".join(f"$Env:{k} = '{v.replace(chr(39), chr(39) * 2)}'\n" for k, v in pairs)
    if shell == "cmd":
        return "".join(f'set "{k}={v}"\n' for k, v in pairs)
    return "".join(f"export {k}={shlex.quote(v)}\n" for k, v in pairs)


ENV_SHELLS = ("posix", "powershell", "cmd")


def detect_shell(environ: Mapping[str, str] | None = None, platform: str | None = None) -> str:
    """The shell `emulator env` writes for when --shell is not given: posix outside Windows
    and in Git Bash, MSYS2 or Cygwin; on Windows PowerShell when PSModulePath holds a folder
    of the user's (PowerShell adds one for its sessions), else cmd."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform != "win32" or environ.get("MSYSTEM") or environ.get("SHELL"):
        return "posix"
    home = environ.get("USERPROFILE", "").lower()
    folders = environ.get("PSModulePath", "").lower().split(";")
    if home and any(f.startswith(home) for f in folders):
        return "powershell"
    return "cmd"


@emulator_app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[
        str | None,
        typer.Option(
            "--host",
            metavar="ADDRESS",
            help="Address to listen on (default 127.0.0.1).",
            show_default=False,
        ),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(
            "--port", min=0, max=65535, metavar="PORT", help=PORT_HELP, show_default=False
        ),
    ] = None,
    data_dir: DataDirOpt = None,
    runtime: RuntimeOpt = None,
) -> None:
    """Serve the Jobs API in the foreground until Ctrl-C or SIGTERM.

    The first two lines on stdout are `export HF_ENDPOINT=...` and `export HF_TOKEN=...`;
    the request log goes to stderr.

    Examples:

      hfjobs emulator serve --port 8765

      hfjobs emulator serve --data-dir ./emu-state --runtime process
    """
    control = _control()
    out = app_context(ctx).output
    _check_runtime(runtime)
    allow_remote = host is not None and not control.is_loopback(host)
    if allow_remote:
        out.warn(
            f"Listening on {host}: anyone who can reach it and holds the token can run "
            "commands on this machine"
        )

    def ready(url: str, token: str) -> None:
        sys.stdout.write(_exports(url, token))
        sys.stdout.flush()

    def moved(wanted: int, url: str) -> None:
        out.warn(f"Port {wanted} is in use: listening on {url} instead (and there on later starts)")

    try:
        control.serve(
            host=host or "127.0.0.1",
            port=port,
            data_dir=data_dir,
            runtime=runtime,
            on_ready=ready,
            allow_remote=allow_remote,
            on_moved=moved,
        )
    except OSError as exc:
        where = f"{host or '127.0.0.1'}:{port}" if port is not None else host or "127.0.0.1"
        raise CliError(f"Cannot listen on {where}: {exc.strerror}") from None
    except (RuntimeError, ValueError) as exc:  # e.g. another emulator serves that folder
        raise CliError(f"Cannot start the emulator: {exc}") from None


@emulator_app.command("start")
def start(
    ctx: typer.Context,
    port: Annotated[
        int | None,
        typer.Option(
            "--port", min=0, max=65535, metavar="PORT", help=PORT_HELP, show_default=False
        ),
    ] = None,
    data_dir: DataDirOpt = None,
    runtime: RuntimeOpt = None,
    json: JsonOpt = False,
) -> None:
    """Start the emulator in the background (or report the one already running).

    It listens on the same address at every start (28765, or the port it used last), so
    `eval "$(hfjobs emulator env)"` stays valid; when that port is taken it says so and
    takes a free one, which it then keeps.

    Examples:

      hfjobs emulator start

      hfjobs emulator start --port 9000

      eval "$(hfjobs emulator env)" && hf jobs ps
    """
    control = _control()
    out = app_context(ctx).set_output(json=json)
    try:
        info = control.start_background(data_dir, runtime=_check_runtime(runtime), port=port)
    except ValueError as exc:  # a bad HFJOBS_EMULATOR_PORT
        raise UsageError(str(exc)) from None
    except RuntimeError as exc:  # e.g. --port taken
        raise CliError(f"Cannot start the emulator: {exc}") from None

    def show() -> None:
        if info.already_running:
            out.info(f"The emulator is already running at {info.url} (pid {info.pid})")
            if port is not None and not info.url.endswith(f":{port}"):
                out.warn(
                    f"It keeps its address: stop it first to move it to port {port} "
                    f"({command('emulator', 'stop')})"
                )
            return
        if info.moved_from is not None:
            out.warn(
                f"Port {info.moved_from} is in use: the emulator listens on {info.url} instead, "
                "and keeps that address across restarts"
            )
        out.result(f"Emulator started at {info.url} (pid {info.pid}, {info.runtime} runtime)")
        out.hint('Point any client at it: eval "$(hfjobs emulator env)"')

    out.report(_info_json(info), show)


@emulator_app.command("stop")
def stop(ctx: typer.Context, data_dir: DataDirOpt = None) -> None:
    """Stop the background emulator; jobs still running end in ERROR.

    Example:

      hfjobs emulator stop
    """
    control = _control()
    out = app_context(ctx).output
    info = control.stop(data_dir)
    if info is None:
        out.info("No emulator is running")
    else:
        out.result(f"Emulator stopped (pid {info.pid})")


@emulator_app.command("status")
def status(ctx: typer.Context, data_dir: DataDirOpt = None, json: JsonOpt = False) -> None:
    """Show whether the emulator runs, its URL, pid and running jobs; exit 1 when it does not.

    Examples:

      hfjobs emulator status

      hfjobs emulator status --json
    """
    control = _control()
    out = app_context(ctx).set_output(json=json)
    info = control.status(data_dir)

    def show() -> None:
        if info is None:
            out.info("The emulator is not running")
            out.hint("Start it with `hfjobs emulator start`, or use `hfjobs --local ...`")
            return
        out.fields(
            "Emulator",
            [
                ("Status", "running" if info.answering else "running, not answering (busy?)"),
                ("URL", info.url),
                ("PID", str(info.pid)),
                ("Jobs running", str(info.jobs_running)),
                ("Runtime", str(info.runtime or "unknown")),
                ("Data", str(info.data_dir)),
            ],
        )

    out.report(_info_json(info) if info else {"running": False, "url": None, "pid": None}, show)
    if info is None:
        raise typer.Exit(ExitCode.FAILURE)


@emulator_app.command("env")
def env(
    ctx: typer.Context,
    data_dir: DataDirOpt = None,
    shell: Annotated[
        str | None,
        typer.Option(
            "--shell",
            metavar="SHELL",
            help="posix, powershell or cmd (default: the shell this runs in, posix outside Windows).",
            autocompletion=lambda incomplete: [s for s in ENV_SHELLS if s.startswith(incomplete)],
            show_default=False,
        ),
    ] = None,
) -> None:
    """Print the lines that point a client at the running emulator (HF_ENDPOINT, HF_TOKEN).

    Examples:

      eval "$(hfjobs emulator env)"

      eval "$(hfjobs emulator env)" && hf jobs ps -a

      hfjobs emulator env --shell powershell | Invoke-Expression
    """
    if shell is not None and shell not in ENV_SHELLS:
        raise UsageError(f"Invalid --shell '{shell}': use posix, powershell or cmd")
    control = _control()
    info = control.status(data_dir)
    if info is None:
        raise CliError("The emulator is not running", hint="Start it with `hfjobs emulator start`")
    sys.stdout.write(_exports(info.url, info.token, shell or detect_shell()))
    sys.stdout.flush()


@emulator_app.command("open")
def open_pages(
    ctx: typer.Context,
    job: Annotated[
        str | None,
        typer.Argument(
            metavar="[JOB]",
            help="A job id (or NAMESPACE/ID) to land on its page; default: the jobs list.",
            show_default=False,
        ),
    ] = None,
    print_only: Annotated[
        bool,
        typer.Option("--print", help="Print the sign-in link instead of opening a browser."),
    ] = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Open the emulator's pages (jobs, logs, scheduled jobs, webhooks) in a browser.

    The pages show logs, so they are private: this asks the running emulator for a sign-in
    link that works once (within 5 minutes) and sets a cookie in the browser that opens it.
    Off a terminal, or with --print, the link is printed instead.

    Examples:

      hfjobs emulator open

      hfjobs emulator open --print
    """
    from hfjobs_cli.emulator import control

    out = app_context(ctx).output
    info = control.status(data_dir)
    if info is None:
        raise CliError("The emulator is not running", hint="Start it with `hfjobs emulator start`")
    target = "/jobs/local"
    if job:
        namespace, _, job_id = job.rpartition("/")
        if not re.fullmatch(r"[0-9a-f]{24}", job_id) or "/" in namespace:
            raise UsageError(f"Invalid job {job!r}: expected a job id or NAMESPACE/ID")
        target = f"/jobs/{namespace or 'local'}/{job_id}"
    url = _page_login_url(info.url, info.token, target)
    if not print_only and out.stdout_is_terminal:
        import webbrowser

        if webbrowser.open(url):
            out.info("Opened the emulator's pages in your browser")
            return
    sys.stdout.write(url + "\n")
    sys.stdout.flush()
    out.hint("Open it in a browser: it works once, within 5 minutes")


def _page_login_url(base: str, token: str, target: str) -> str:
    """`POST /api/emulator/page-login` with the emulator's token: a one-time sign-in URL."""
    import http.client
    import json as jsonlib
    from urllib.parse import urlsplit

    parts = urlsplit(base)
    try:
        connection = http.client.HTTPConnection(parts.netloc, timeout=10)
        try:
            connection.request(
                "POST",
                "/api/emulator/page-login",
                body=jsonlib.dumps({"next": target}),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        if response.status != 200:
            raise CliError(f"The emulator refused a sign-in link (HTTP {response.status})")
        return str(jsonlib.loads(body)["url"])
    except (OSError, ValueError, KeyError, http.client.HTTPException) as exc:
        raise CliError(
            f"Could not get a sign-in link from the emulator at {base}: {exc}",
            code=ExitCode.UNREACHABLE,
        ) from None


def _info_json(info) -> dict:
    return {
        "running": True,
        "url": info.url,
        "pid": info.pid,
        "answering": info.answering,
        "movedFrom": info.moved_from,
        "jobsRunning": info.jobs_running,
        "runtime": info.runtime,
        "dataDir": str(info.data_dir),
    }


def register(app: typer.Typer) -> None:
    app.add_typer(emulator_app, name="emulator")
