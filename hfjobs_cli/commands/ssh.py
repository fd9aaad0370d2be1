"""`hfjobs ssh`: open a shell in a running job with the system `ssh`."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

import typer

from hfjobs_cli import clock
from hfjobs_cli.api.models import Job
from hfjobs_cli.commands._common import app_context, ref_text, resolve_refs
from hfjobs_cli.errors import CliError, ExitCode, Interrupted, UsageError
from hfjobs_cli.hints import command
from hfjobs_cli.options import JobIdArg, NamespaceOpt, TokenOpt

if TYPE_CHECKING:
    from hfjobs_cli.api.client import JobsClient

POLL = 2.0  # seconds between status checks while the job starts (the Hub's cadence)
ENABLE_HINT = (
    "Start a job with SSH enabled: hfjobs run --ssh ... "
    "(with your public key added at https://huggingface.co/settings/keys)"
)


def ssh(
    ctx: typer.Context,
    job_id: JobIdArg,
    identity_file: Annotated[
        str | None,
        typer.Option(
            "-i",
            "--identity-file",
            metavar="KEY",
            help="Private key to use (passed to `ssh -i`).",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print the ssh command line instead of running it."),
    ] = False,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
) -> None:
    """Open a shell in a job started with --ssh, waiting until it runs.

    Hands over to the system `ssh`, whose exit code hfjobs then returns.

    Examples:

      hfjobs ssh 6650a1b2c3d4e5f60718293a

      hfjobs ssh -i ~/.ssh/id_ed25519 alice/6650a1b2c3d4e5f60718293a

      hfjobs ssh --dry-run 6650a1b2c3d4e5f60718293a
    """
    app = app_context(ctx)
    out = app.set_output()
    key = os.path.expanduser(identity_file) if identity_file else None
    if key is not None and not Path(key).is_file():
        raise UsageError(f"Invalid --identity-file '{identity_file}': no such file")
    program = shutil.which("ssh")
    if program is None and not dry_run:
        raise CliError(
            "ssh is not installed (no `ssh` command on PATH)",
            hint="Install an OpenSSH client, or use --dry-run to see the command",
        )
    [(ns, ident)] = resolve_refs(app, [job_id], namespace)
    ref = ref_text(ns, ident)
    client = app.client(token)
    job = client.jobs.get(ns, ident)
    _check(job, ref, client, dry_run)
    if job.stage != "RUNNING" and not dry_run:
        start = clock.monotonic()
        try:
            with out.status(f"Waiting for job {ref} to run") as status:
                while job.stage != "RUNNING":
                    elapsed = int(clock.monotonic() - start)
                    status.update(f"{job.stage.title()}: {job.message or 'waiting'} ({elapsed}s)")
                    clock.sleep(POLL)
                    job = client.jobs.get(ns, ident)
                    if job.is_terminal:
                        raise CliError(
                            f"Job {ref} ended before it ran ({job.stage}): nothing to connect to",
                            hint=f"Details: {command('inspect', ref)}",
                        )
        except KeyboardInterrupt:
            raise Interrupted() from None
        _check(job, ref, client, dry_run)
    if not job.ssh_url:  # --dry-run of a job still starting: its address is not known yet
        raise CliError(
            f"Job {ref} has no SSH address yet ({job.stage}): the server gives it once the "
            "job runs",
            hint=f"Wait for it and connect: {command('ssh', ref)}",
        )
    argv = ssh_command(job.ssh_url, identity_file=key)
    if dry_run:
        out.line(shlex.join(argv))
        return
    out.info(f"Running: {shlex.join(argv)}")
    code = _exec(program or "ssh", argv)
    if code:
        raise typer.Exit(code)


def _emulator_without_ssh(client: JobsClient) -> bool:
    """True when the server is the local emulator and offers no SSH server (its health
    endpoint answers; none of its runtimes runs sshd unless it lists `ssh` in its features)."""
    try:
        health = client.emulator_health()
    except Exception:  # the Hub has no such endpoint: not the emulator
        return False
    if health is None or health.runtime is None:
        return False
    return "ssh" not in health.features


def _check(job: Job, ref: str, client: JobsClient, dry_run: bool = False) -> None:
    if job.is_terminal:
        raise CliError(
            f"Job {ref} has finished ({job.stage}): nothing to connect to",
            hint=f"Start a new one with SSH enabled: {command('run', '--ssh')} ...",
        )
    ssh_spec = job.raw.get("ssh")
    enabled = isinstance(ssh_spec, dict) and ssh_spec.get("enabled") is True
    no_address = enabled and not job.ssh_url and (job.stage == "RUNNING" or dry_run)
    if no_address and _emulator_without_ssh(client):
        raise CliError(
            f"Job {ref} was started with --ssh, but the local emulator has no SSH server: "
            "there is nothing to connect to",
            hint=f"Follow its log with {command('logs', '-f', ref)}; run the job on Hugging "
            "Face to use SSH",
        )
    # While the job schedules, an ssh-enabled job may not have its URL yet.
    if not job.ssh_url and (job.stage == "RUNNING" or not enabled):
        raise CliError(
            f"SSH is not enabled for job {ref}",
            hint=ENABLE_HINT.replace("hfjobs run", command("run")),
        )


def ssh_command(ssh_url: str, *, identity_file: str | None = None) -> list[str]:
    """`ssh [-i KEY] [-p PORT] USER@HOST` from `ssh://USER@HOST[:PORT]`."""
    try:
        parts = urlsplit(ssh_url)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme != "ssh" or not parts.username or not parts.hostname:
        raise CliError(f"Unexpected SSH address from the server: {ssh_url!r}")
    argv = ["ssh"]
    if identity_file:
        argv += ["-i", identity_file]
    if port is not None:
        argv += ["-p", str(port)]
    return [*argv, f"{parts.username}@{parts.hostname}"]


def _exec(program: str, argv: list[str]) -> int:
    """Become ssh (it owns the terminal and the exit code); run it as a child where exec fails."""
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name != "nt":  # Windows' exec returns at once and leaves the shell and ssh racing
        try:
            os.execvp(program, argv)
        except OSError:
            pass
    try:
        return subprocess.run([program, *argv[1:]]).returncode
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED


def register(app: typer.Typer) -> None:
    app.command("ssh")(ssh)
