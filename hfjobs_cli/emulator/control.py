"""Start, find and stop the emulator: in the foreground (`serve`) or detached (`start_background`).

A running emulator holds an exclusive lock on `serve.lock` for its whole life (the kernel drops
it when the process dies, however it dies) and writes `emulator.json` (0600) in its data folder:
its URL, pid and the path of its token file (never the token itself). `status` believes the lock:
while it is held, the emulator is alive, even when its health endpoint is slow to answer (it is
asked again), and its state file is never touched; once nobody holds it, the state file is stale
and removed.

The emulator runs on Linux and macOS; on native Windows every entry point says so in one line
(the POSIX-only modules are imported where they are used, never at import time).
"""

from __future__ import annotations

import ipaddress
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

STATE_FILE = "emulator.json"
LOCK_FILE = "emulator.lock"
SERVE_LOCK_FILE = "serve.lock"
LOG_FILE = "emulator.log"
PORT_FILE = "port"
START_TIMEOUT = 10.0
DEFAULT_PORT = 28765  # stays the same across restarts, so `emulator env` stays valid
HEALTH_TRIES = 3  # a busy emulator (a slow disk, a locked database) gets this many chances
HEALTH_TIMEOUT = 2.0
UNSUPPORTED = "The local emulator needs Linux, macOS or WSL: it does not run on native Windows"


class UnsupportedPlatform(RuntimeError):
    """The emulator cannot run here (native Windows)."""


def check_platform() -> None:
    if sys.platform == "win32":
        raise UnsupportedPlatform(UNSUPPORTED)


@dataclass
class EmulatorInfo:
    url: str
    token: str
    pid: int
    data_dir: Path
    jobs_running: int
    already_running: bool = False
    runtime: str | None = None  # process, docker or podman, as the running emulator reports it
    answering: bool = True  # False: alive (it holds its lock) but its health check timed out
    moved_from: int | None = None  # the port it wanted, when that one was taken


RUNTIMES = ("auto", "process", "docker", "podman")


def choose_runtime(runtime: str | None) -> str:
    """The runtime asked for, else `$HFJOBS_EMULATOR_RUNTIME`, else `auto`."""
    return runtime or os.environ.get("HFJOBS_EMULATOR_RUNTIME") or "auto"


def default_data_dir() -> Path:
    """`$HFJOBS_DATA_DIR`, else `platformdirs.user_data_dir("hfjobs")/emulator`.

    Where the data folder and the config folder are one (macOS: both are
    `~/Library/Application Support/hfjobs`), the emulator's data goes to a folder of its own,
    `hfjobs-emulator`, beside it; data an older version left in `hfjobs/emulator` is kept there.
    """
    override = os.environ.get("HFJOBS_DATA_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    base = Path(platformdirs.user_data_dir("hfjobs"))
    if base != Path(platformdirs.user_config_dir("hfjobs", appauthor=False)):
        return base / "emulator"
    legacy = base / "emulator"
    if (legacy / "emulator.db").exists():
        return legacy
    return Path(platformdirs.user_data_dir("hfjobs-emulator"))


def _resolve(data_dir: Path | str | None) -> Path:
    return Path(data_dir).expanduser().resolve() if data_dir else default_data_dir().resolve()


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def env_port() -> int | None:
    """`$HFJOBS_EMULATOR_PORT`, checked; None when unset."""
    raw = os.environ.get("HFJOBS_EMULATOR_PORT", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise ValueError(f"HFJOBS_EMULATOR_PORT must be a port number (1-65535), not {raw!r}")
    return int(raw)


def preferred_ports(folder: Path) -> list[int]:
    """Where an emulator listens when no port is given: `$HFJOBS_EMULATOR_PORT`; else the port
    this data folder listened on last time, then `DEFAULT_PORT`. Stable across restarts."""
    configured = env_port()
    if configured is not None:
        return [configured]
    try:
        last = int((folder / PORT_FILE).read_text().strip())
    except (OSError, ValueError):
        last = 0
    return list(dict.fromkeys(p for p in (last, DEFAULT_PORT) if 0 < p <= 65535))


def _bind(host: str, port: int | None, folder: Path, app, quiet: bool):
    """The server, listening on `port`, else on the first free preferred port, else on any free
    port; and the preferred port that was taken (None when it was free, or a port was given)."""
    import errno

    from hfjobs_cli.emulator.server import EmulatorServer

    if port is not None:
        return EmulatorServer((host, port), app, quiet=quiet), None
    wanted = preferred_ports(folder)
    for candidate in wanted:
        try:
            return EmulatorServer((host, candidate), app, quiet=quiet), (
                wanted[0] if candidate != wanted[0] else None
            )
        except OSError as exc:
            if exc.errno not in (errno.EADDRINUSE, errno.EACCES):
                raise
    return EmulatorServer((host, 0), app, quiet=quiet), wanted[0]


def serve(
    host: str = "127.0.0.1",
    port: int | None = None,
    data_dir: Path | str | None = None,
    runtime: str | None = None,
    keepalive: float = 15.0,
    scheduling_delay: float = 0.0,
    on_ready: Callable[[str, str], None] | None = None,
    allow_remote: bool = False,
    quiet: bool = False,
    on_moved: Callable[[int, str], None] | None = None,
) -> None:
    """Run the emulator in the foreground until SIGINT or SIGTERM, then stop it cleanly.

    Jobs still running at the stop are killed and end in ERROR ("The emulator stopped while this
    job was running"). Without `port`, it listens where it listened last time (see
    `preferred_ports`), or on a free port when that one is taken (`on_moved` is told). Binding a non-loopback address needs `allow_remote=True`: the emulator
    runs commands on this machine for anyone holding its token. Only one emulator serves a data
    folder at a time: a second one raises RuntimeError instead of taking over its jobs.
    """
    if not is_loopback(host) and not allow_remote:
        raise ValueError(
            f"refusing to listen on {host}: not a loopback address (pass allow_remote=True)"
        )
    check_platform()
    from hfjobs_cli.emulator.state import Emulator
    from hfjobs_cli.emulator.util import private_dir, write_private

    if port is None:
        env_port()  # a bad HFJOBS_EMULATOR_PORT is said before anything starts
    folder = private_dir(_resolve(data_dir))
    lock = _lock_serving(folder)
    try:
        app = Emulator(
            folder, choose_runtime(runtime), keepalive=keepalive, scheduling_delay=scheduling_delay
        )
        try:
            server, moved_from = _bind(host.strip("[]"), port, folder, app, quiet)
        except BaseException:
            app.close()
            raise
        write_private(folder / PORT_FILE, f"{server.server_address[1]}\n")
        sys.stderr.write(f"hfjobs emulator: jobs run with the {app.runtime.name} runtime\n")
        if moved_from is not None:
            sys.stderr.write(
                f"hfjobs emulator: port {moved_from} is in use; listening on {server.url} "
                "instead (and there on later starts)\n"
            )
            if on_moved is not None:
                on_moved(moved_from, server.url)
        _run(app, server, folder, on_ready, moved_from)
    finally:
        os.close(lock)


def _flock(fd: int, *, exclusive: bool = True, wait: bool = True) -> bool:
    """Lock an open file (POSIX `flock`); False when `wait` is off and someone else holds it."""
    import fcntl

    flags = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | (0 if wait else fcntl.LOCK_NB)
    try:
        fcntl.flock(fd, flags)
    except BlockingIOError:
        return False
    return True


def _serving(folder: Path) -> bool:
    """True while an emulator serves this folder: someone holds `serve.lock`."""
    try:
        fd = os.open(folder / SERVE_LOCK_FILE, os.O_RDONLY)
    except OSError:
        return False  # never served here
    try:
        return not _flock(fd, exclusive=False, wait=False)
    finally:
        os.close(fd)  # releases our probe, if we got it


def _lock_serving(folder: Path) -> int:
    """Hold `serve.lock` while serving; the kernel releases it even if the emulator is killed."""
    fd = os.open(folder / SERVE_LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    if not _flock(fd, wait=False):
        os.close(fd)
        info = status(folder)
        where = f" at {info.url}" if info else ""
        raise RuntimeError(f"an emulator is already serving {folder}{where}") from None
    return fd


def _run(
    app,
    server,
    folder: Path,
    on_ready: Callable[[str, str], None] | None,
    moved_from: int | None = None,
) -> None:
    from hfjobs_cli.emulator.util import write_private

    stop = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda *_: stop.set())
    from hfjobs_cli.emulator.procs import process_start_time

    state = folder / STATE_FILE
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2})
    try:
        app.start()
        thread.daemon = True
        thread.start()
        write_private(
            state,
            json.dumps(
                {
                    "url": server.url,
                    "pid": os.getpid(),
                    "pidStart": process_start_time(os.getpid()),
                    "tokenFile": str(folder / "token"),
                    "dataDir": str(folder),
                    "runtime": app.runtime.name,
                    "startedAt": time.time(),
                    "movedFrom": moved_from,
                }
            ),
        )
        if on_ready is not None:
            on_ready(server.url, app.token)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        app.stop_jobs()  # first: running jobs end, so log followers see a final stage
        server.shutdown()
        server.server_close()
        app.close()
        _remove_state(state, os.getpid())
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _read_state(folder: Path) -> dict | None:
    try:
        return json.loads((folder / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None


def _remove_state(path: Path, pid: int | None) -> None:
    """Remove a state file, unless it now belongs to another emulator."""
    try:
        if json.loads(path.read_text()).get("pid") == pid:
            path.unlink()
    except (OSError, ValueError):
        pass


def _alive(pid: int) -> bool:
    from hfjobs_cli.emulator.procs import alive

    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:  # type: ignore[attr-defined]
            return False  # our own child, now reaped
    except (ChildProcessError, AttributeError, OSError):
        pass
    return alive(pid)


def _health(url: str, timeout: float = HEALTH_TIMEOUT) -> dict | None:
    # http.client, which requests loads anyway: urllib.request would add 18 ms to every
    # `--local` command for this one request.
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    try:
        connection = connection_class(parts.netloc, timeout=timeout)
        try:
            connection.request("GET", f"{parts.path.rstrip('/')}/api/emulator/health")
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        if response.status != 200:
            return None
        health = json.loads(body)
    except (OSError, ValueError, http.client.HTTPException):
        return None
    return health if isinstance(health, dict) else None


def status(data_dir: Path | str | None = None) -> EmulatorInfo | None:
    """The emulator running for this data folder, or None (a stale state file is removed).

    An emulator that holds its lock is running, whatever its health endpoint says: a busy one
    is asked `HEALTH_TRIES` times, then reported with `answering=False`, never forgotten.
    """
    check_platform()
    folder = _resolve(data_dir)
    state = _read_state(folder)
    if state is None:
        return None
    pid, url = state.get("pid"), state.get("url")
    if not _serving(folder):
        _remove_state(folder / STATE_FILE, pid)  # nobody holds the lock: it is gone
        return None
    if not isinstance(pid, int) or not url or not _alive(pid):
        # Dying (its main thread is gone, the others still hold the lock for an instant), or
        # another emulator starting here that has not written its state yet.
        deadline = time.monotonic() + 2.0
        while _serving(folder) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not _serving(folder):
            _remove_state(folder / STATE_FILE, pid)
        return None
    health = None
    for attempt in range(HEALTH_TRIES):
        if attempt:
            time.sleep(0.2)
        answer = _health(url)
        if answer is not None and answer.get("pid") == pid:
            health = answer
            break
    token = Path(state.get("tokenFile") or folder / "token").read_text().strip()
    return EmulatorInfo(
        url=url,
        token=token,
        pid=pid,
        data_dir=folder,
        jobs_running=int((health or {}).get("jobsRunning", 0)),
        moved_from=state.get("movedFrom") if isinstance(state.get("movedFrom"), int) else None,
        answering=health is not None,
        runtime=(health or {}).get("runtime") or state.get("runtime"),
    )


_LAUNCHER = (
    "import subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,"
    " stderr=2, start_new_session=True, close_fds=True)\n"
    "print(p.pid, flush=True)\n"
)


def start_background(
    data_dir: Path | str | None = None, runtime: str | None = None, port: int | None = None
) -> EmulatorInfo:
    """Start a detached emulator for this data folder, or return the one already running.

    Without `port` it listens where it did last time (or on `$HFJOBS_EMULATOR_PORT`, or 28765),
    on a free port when that one is taken (`moved_from` says so); a `port` that is taken is
    an error.

    The emulator is a grandchild in its own session, with stdin and stdout on /dev/null and
    stderr in `emulator.log`: it holds none of the caller's pipes, so a script capturing the
    caller's output never hangs on it. A lock file makes concurrent starts start only one.
    """
    check_platform()
    from hfjobs_cli.emulator.util import private_dir

    runtime = choose_runtime(runtime)
    if port is None:
        env_port()  # a bad HFJOBS_EMULATOR_PORT is said here, not in the emulator's log
    folder = private_dir(_resolve(data_dir))
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _flock(fd)
        info = status(folder)
        if info is not None:
            info.already_running = True
            return info
        # A fresh log per start: request lines would otherwise pile up forever.
        log = os.open(folder / LOG_FILE, os.O_WRONLY | os.O_TRUNC | os.O_CREAT, 0o600)
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        argv = [
            sys.executable,
            "-m",
            "hfjobs_cli.emulator",
            "serve",
            *(["--port", str(port)] if port is not None else []),
            "--data-dir",
            str(folder),
            "--runtime",
            runtime,
        ]
        try:
            launcher = subprocess.run(
                [sys.executable, "-W", "ignore", "-c", _LAUNCHER, *argv],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=log,
                env=env,
                close_fds=True,
                timeout=START_TIMEOUT,
                check=True,
                start_new_session=True,
            )
        finally:
            os.close(log)
        child = int(launcher.stdout.strip() or 0)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            info = status(folder)
            if info is not None:
                return info
            if child and not _alive(child):
                break
            time.sleep(0.05)
        raise RuntimeError(
            f"the emulator did not start{_last_error(folder)}; see {folder / LOG_FILE}"
        )
    finally:
        os.close(fd)  # releases the lock


def _last_error(folder: Path) -> str:
    """`: <why>` from the emulator's log (its `error: ...` line), or nothing."""
    try:
        lines = (folder / LOG_FILE).read_text(errors="replace").splitlines()
    except OSError:
        return ""
    errors = [line.removeprefix("error: ") for line in lines if line.startswith("error: ")]
    return f": {errors[-1]}" if errors else ""


def stop(data_dir: Path | str | None = None, timeout: float = 10) -> EmulatorInfo | None:
    """Stop the emulator of this data folder: SIGTERM, then SIGKILL after `timeout` seconds."""
    check_platform()
    folder = _resolve(data_dir)
    info = status(folder)
    if info is None:
        return None
    try:
        os.kill(info.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(info.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(info.pid):
            os.kill(info.pid, signal.SIGKILL)  # type: ignore[attr-defined]
            while _alive(info.pid) and time.monotonic() < deadline + 5:
                time.sleep(0.05)
    except ProcessLookupError:
        pass
    _remove_state(folder / STATE_FILE, info.pid)
    return info
