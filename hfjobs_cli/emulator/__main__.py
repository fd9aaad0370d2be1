"""`python -m hfjobs_cli.emulator serve|start|status|stop`: run or manage the local Jobs server."""

from __future__ import annotations

import argparse
import sys

from hfjobs_cli.emulator import control
from hfjobs_cli.emulator.control import RUNTIMES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m hfjobs_cli.emulator", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the emulator in the foreground")
    serve.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    serve.add_argument(
        "--port",
        type=int,
        default=None,
        help="port (default: the one this data folder used last, else $HFJOBS_EMULATOR_PORT "
        "or 28765; 0 picks a free one)",
    )
    serve.add_argument(
        "--data-dir", default=None, help="state folder (default: the user data folder)"
    )
    serve.add_argument("--runtime", choices=RUNTIMES, default=None)
    serve.add_argument(
        "--keepalive", type=float, default=15.0, help="seconds between SSE keep-alives"
    )
    serve.add_argument(
        "--scheduling-delay", type=float, default=0.0, help="seconds a job waits in SCHEDULING"
    )
    serve.add_argument("--quiet", action="store_true", help="do not log requests to stderr")
    for name, text in (
        ("start", "start a detached emulator"),
        ("status", "show the running emulator"),
        ("stop", "stop the running emulator"),
    ):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("--data-dir", default=None)
        if name == "start":
            cmd.add_argument("--port", type=int, default=None)
            cmd.add_argument("--runtime", choices=RUNTIMES, default=None)
    return parser


def _print_exports(url: str, token: str) -> None:
    print(f"export HF_ENDPOINT={url}")
    print(f"export HF_TOKEN={token}", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        control.check_platform()
    except control.UnsupportedPlatform as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command == "serve":
        host = args.host or "127.0.0.1"
        if not control.is_loopback(host):
            print(
                f"warning: listening on {host}: anyone who can reach it and holds the token can run "
                "commands on this machine",
                file=sys.stderr,
            )
        try:
            control.serve(
                host=host,
                port=args.port,
                data_dir=args.data_dir,
                runtime=args.runtime,
                keepalive=args.keepalive,
                scheduling_delay=args.scheduling_delay,
                on_ready=_print_exports,
                allow_remote=args.host is not None,
                quiet=args.quiet,
            )
        except (ValueError, OSError, RuntimeError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return 0
    if args.command == "start":
        try:
            info = control.start_background(args.data_dir, runtime=args.runtime, port=args.port)
        except (ValueError, OSError, RuntimeError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        if info.moved_from is not None and not info.already_running:
            print(
                f"warning: port {info.moved_from} is in use; listening on {info.url}",
                file=sys.stderr,
            )
        _print_exports(info.url, info.token)
        return 0
    found = (
        control.status(args.data_dir) if args.command == "status" else control.stop(args.data_dir)
    )
    if found is None:
        print("no emulator is running", file=sys.stderr)
        return 1
    print(
        f"{'stopped' if args.command == 'stop' else 'running'}: {found.url} (pid {found.pid}, "
        f"{found.jobs_running} job(s) running)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
