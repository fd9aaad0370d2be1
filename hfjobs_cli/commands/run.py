"""`hfjobs run`: start a job and, unless detached, follow it to the end."""

from __future__ import annotations

import typer

from hfjobs_cli.commands._common import app_context, reject_option_word
from hfjobs_cli.commands._spec import launch, spec_options
from hfjobs_cli.options import (
    RUN_CONTEXT,
    AttemptsOpt,
    CancelOnExitOpt,
    CommandArg,
    DetachOpt,
    DryRunOpt,
    EnvFileOpt,
    EnvOpt,
    ExposeOpt,
    ExposePublicOpt,
    FileOpt,
    FlavorOpt,
    IfRunningOpt,
    ImageArg,
    JsonOpt,
    LabelOpt,
    MatrixOpt,
    MaxCostOpt,
    NameOpt,
    NamespaceOpt,
    NetworkAliasOpt,
    NetworkGroupOpt,
    QuietOpt,
    ResourceGroupOpt,
    SecretsFileOpt,
    SecretsOpt,
    SshOpt,
    StopsAtImage,
    TimeoutOpt,
    TokenOpt,
    VolumeOpt,
    YesOpt,
)


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
    ssh: SshOpt = False,
    network_group: NetworkGroupOpt = None,
    network_alias: NetworkAliasOpt = None,
    resource_group_id: ResourceGroupOpt = None,
    detach: DetachOpt = False,
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
    code = launch(app, spec_options(ctx.params), ctx.params)
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command("run", cls=StopsAtImage, context_settings=RUN_CONTEXT)(run)
