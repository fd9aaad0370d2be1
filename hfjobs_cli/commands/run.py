"""`hfjobs run`: start a job and, unless detached, follow it to the end."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from hfjobs_cli import completion
from hfjobs_cli.commands._attach import start_job
from hfjobs_cli.commands._common import app_context, reject_option_word
from hfjobs_cli.commands._spec import SpecOptions, build_spec, masked, show_dry_run
from hfjobs_cli.errors import UsageError
from hfjobs_cli.options import JsonOpt, NamespaceOpt, QuietOpt, TokenOpt, YesOpt

RUN_CONTEXT = {"allow_interspersed_args": False, "ignore_unknown_options": True}


class StopsAtImage(TyperCommand):
    """Tab after IMAGE (or SCRIPT) offers none of our options: from there on, the words are
    the job's, as parsing treats them (`hfjobs run python:3.12 --fl<Tab>` is the job's `--fl`)."""

    boundary = "image"

    def shell_complete(self, ctx: Any, incomplete: str) -> list[Any]:
        if incomplete.startswith("-") and ctx.params.get(self.boundary) is not None:
            return []
        return super().shell_complete(ctx, incomplete)


class StopsAtScript(StopsAtImage):
    boundary = "script"


ImageArg = Annotated[
    str | None,
    typer.Argument(
        metavar="IMAGE",
        help="Docker image (python:3.12) or Space (hf.co/spaces/OWNER/NAME).",
        show_default=False,
    ),
]
CommandArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="COMMAND...",
        help="The command to run and its arguments; everything after IMAGE belongs to it.",
        show_default=False,
    ),
]
EnvOpt = Annotated[
    list[str] | None,
    typer.Option(
        "-e",
        "--env",
        metavar="KEY[=VALUE]",
        help="Environment variable (bare KEY copies your local value).",
    ),
]
EnvFileOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--env-file",
        metavar="FILE",
        help="Read environment variables from a dotenv file ('-' for stdin).",
    ),
]
SecretsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "-s",
        "--secrets",
        metavar="KEY[=VALUE]",
        help="Secret variable (bare KEY reads your environment; HF_TOKEN your token).",
    ),
]
SecretsFileOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--secrets-file", metavar="FILE", help="Read secrets from a dotenv file ('-' for stdin)."
    ),
]
FlavorOpt = Annotated[
    str | None,
    typer.Option(
        "--flavor",
        metavar="FLAVOR",
        help="Hardware flavor (see `hfjobs hardware`; default cpu-basic).",
        autocompletion=completion.complete_flavor,
        show_default=False,
    ),
]
TimeoutOpt = Annotated[
    str | None,
    typer.Option(
        "--timeout",
        metavar="DURATION",
        help="Maximum run time: 90, 90s, 5m, 1.5h, 2d, 1h30m (server default 30m).",
        show_default=False,
    ),
]
LabelOpt = Annotated[
    list[str] | None,
    typer.Option("-l", "--label", metavar="KEY[=VALUE]", help="Label the job (repeatable)."),
]
NameOpt = Annotated[
    str | None,
    typer.Option(
        "--name", metavar="NAME", help="Display name (the `name` label).", show_default=False
    ),
]
FileOpt = Annotated[
    str | None,
    typer.Option(
        "-f",
        "--file",
        metavar="FILE",
        help="Read the job from a TOML job file; options and IMAGE COMMAND override it.",
        show_default=False,
    ),
]
MaxCostOpt = Annotated[
    str | None,
    typer.Option(
        "--max-cost",
        metavar="USD",
        help="Refuse to start when price x timeout (x jobs) exceeds USD, unless --yes "
        "(config: max_cost).",
        show_default=False,
    ),
]
MatrixOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--matrix",
        metavar="KEY=V1,V2",
        help="Sweep: one job per combination of values; {KEY} in the command, env values and "
        "name is replaced (repeatable).",
    ),
]
IfRunningOpt = Annotated[
    str | None,
    typer.Option(
        "--if-running",
        metavar="skip|replace|fail",
        help="When a job of this --name runs: attach to it, cancel it first, or exit 1.",
        show_default=False,
    ),
]
CancelOnExitOpt = Annotated[
    bool,
    typer.Option(
        "--cancel-on-exit",
        help="Cancel the job on Ctrl-C or SIGTERM (always on in CI).",
    ),
]
DryRunOpt = Annotated[
    bool,
    typer.Option("--dry-run", help="Print the request body (secrets as ***) and send nothing."),
]


AttemptsOpt = Annotated[
    int | None,
    typer.Option(
        "--attempts",
        metavar="N",
        help="Tries in all, the first included (server default 1).",
        show_default=False,
    ),
]
VolumeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "-v",
        "--volume",
        metavar="hf://[TYPE/]REPO:/MOUNT[:ro|:rw]",
        help="Mount a Hub model, dataset, Space or bucket.",
    ),
]
ExposeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--expose",
        metavar="PORT",
        help="Publish a port through the jobs proxy (reaching it needs a token).",
    ),
]
ExposePublicOpt = Annotated[
    list[str] | None,
    typer.Option("--expose-public", metavar="PORT", help="Publish a port that anyone can reach."),
]


def spec_options(
    image, command, env, env_file, secrets, secrets_file, flavor, timeout, label, name, dry_run,
    *, attempts=None, volumes=None, expose=None, expose_public=None, ssh=False,
    network_group=None, network_aliases=None, resource_group_id=None, job_file=None,
) -> SpecOptions:  # fmt: skip
    """The options as typed, over the job file's values (`-f FILE`) when one is given."""
    from hfjobs_cli import jobfile

    loaded = job_file if isinstance(job_file, jobfile.JobFile) or job_file is None else None
    if isinstance(job_file, str):
        if job_file == "-" and "-" in [*(env_file or []), *(secrets_file or [])]:
            raise UsageError("Only one of -f -, --env-file - and --secrets-file - can read stdin")
        loaded = jobfile.load(job_file)
    image, command = jobfile.image_and_command(loaded, image, command)
    opts = SpecOptions(
        image=image,
        command=list(command or []),
        env=list(env or []),
        env_files=list(env_file or []),
        secrets=list(secrets or []),
        secrets_files=list(secrets_file or []),
        flavor=flavor,
        timeout=timeout,
        labels=list(label or []),
        name=name,
        dry_run=dry_run,
        attempts=attempts,
        volumes=list(volumes or []),
        expose=list(expose or []),
        expose_public=list(expose_public or []),
        ssh=ssh,
        network_group=network_group,
        network_aliases=list(network_aliases or []),
        resource_group_id=resource_group_id,
    )
    return jobfile.apply(loaded, opts)


def guard_cost(app, spec, *, token: str | None, max_cost: str | None, yes: bool) -> None:
    """--max-cost (or the max_cost setting) before a job starts; nothing to do without one."""
    from hfjobs_cli.commands._hardware import cost_guard, cost_limit

    if cost_limit(app, max_cost) is None:  # checks the value before logging in
        return
    cost_guard(app, app.client(token), [spec], max_cost, yes=yes)


def run(
    ctx: typer.Context,
    image: ImageArg = None,
    command: CommandArg = None,
    file: FileOpt = None,
    env: EnvOpt = None,
    env_file: EnvFileOpt = None,
    secrets: SecretsOpt = None,
    secrets_file: SecretsFileOpt = None,
    flavor: FlavorOpt = None,
    timeout: TimeoutOpt = None,
    label: LabelOpt = None,
    name: NameOpt = None,
    if_running: IfRunningOpt = None,
    attempts: AttemptsOpt = None,
    volume: VolumeOpt = None,
    expose: ExposeOpt = None,
    expose_public: ExposePublicOpt = None,
    ssh: Annotated[
        bool, typer.Option("--ssh", help="Make the job reachable with `hfjobs ssh`.")
    ] = False,
    network_group: Annotated[
        str | None,
        typer.Option(
            "--network-group",
            metavar="GROUP",
            help="Join a network group shared with other jobs.",
            show_default=False,
        ),
    ] = None,
    network_alias: Annotated[
        list[str] | None,
        typer.Option(
            "--network-alias",
            metavar="ALIAS",
            help="A name this job answers to in its network group (repeatable).",
        ),
    ] = None,
    resource_group_id: Annotated[
        str | None,
        typer.Option(
            "--resource-group-id",
            metavar="ID",
            help="Enterprise resource group billed for the job.",
            show_default=False,
        ),
    ] = None,
    detach: Annotated[
        bool, typer.Option("-d", "--detach", help="Start the job and return at once.")
    ] = False,
    matrix: MatrixOpt = None,
    max_cost: MaxCostOpt = None,
    yes: YesOpt = False,
    cancel_on_exit: CancelOnExitOpt = False,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    dry_run: DryRunOpt = False,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Run a command in a Docker image or a Space on Hugging Face hardware.

    Options go before IMAGE; everything after IMAGE is the job's command. Attached (the
    default), the job's log streams to stdout and the exit code tells how it ended
    (0 COMPLETED, 1 ERROR, 3 CANCELED); Ctrl-C detaches without cancelling (in CI, or with
    --cancel-on-exit, SIGINT and SIGTERM cancel the job: exit 130 or 143).

    Examples:

      hfjobs run python:3.12 python -c "print('hello')"

      hfjobs run --flavor a10g-small --timeout 2h -s HF_TOKEN -d pytorch/pytorch python train.py

      ID=$(hfjobs run -d -q ubuntu sleep 60)

      hfjobs run -f job.toml --flavor a10g-small

      hfjobs run --matrix lr=1e-4,3e-4 --max-cost 5 -d pytorch/pytorch python train.py --lr {lr}
      hfjobs run --name nightly --if-running skip python:3.12 python eval.py
    """
    app = app_context(ctx)
    app.set_output(json=json, quiet=quiet)
    reject_option_word(ctx, image, before="IMAGE")
    app.cancel_on_exit = cancel_on_exit
    opts = spec_options(
        image, command, env, env_file, secrets, secrets_file, flavor, timeout, label, name, dry_run,
        attempts=attempts, volumes=volume, expose=expose, expose_public=expose_public, ssh=ssh,
        network_group=network_group, network_aliases=network_alias, resource_group_id=resource_group_id,
        job_file=file,
    )  # fmt: skip
    if matrix:
        from hfjobs_cli.commands._sweep import run_sweep
        from hfjobs_cli.errors import UsageError

        if if_running:
            raise UsageError("--if-running applies to one named job, not to a --matrix sweep")

        code = run_sweep(
            app, opts, matrix, namespace=namespace, token=token, detach=detach,
            dry_run=dry_run, yes=yes, max_cost=max_cost,
        )  # fmt: skip
        if code:
            raise typer.Exit(code)
        return
    spec = build_spec(app, opts)
    if dry_run:
        show_dry_run(app, "/api/jobs", masked(spec), namespace)
        return
    guard_cost(app, spec, token=token, max_cost=max_cost, yes=yes)
    code = start_job(
        app, spec, namespace=namespace, token=token, detach=detach, if_running=if_running
    )
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command("run", cls=StopsAtImage, context_settings=RUN_CONTEXT)(run)
