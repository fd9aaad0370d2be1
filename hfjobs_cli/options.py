"""Shared option and argument aliases, so a flag reads and behaves the same everywhere."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from hfjobs_cli import completion

NamespaceOpt = Annotated[
    str | None,
    typer.Option(
        "--namespace",
        metavar="NAMESPACE",
        help="User or organisation that owns the jobs (default: your user).",
        autocompletion=completion.complete_namespace,
        show_default=False,
    ),
]
TokenOpt = Annotated[
    str | None,
    typer.Option(
        "--token",
        metavar="TOKEN",
        help="Hugging Face token (prefer HF_TOKEN or `hfjobs login`: flags land in shell history).",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the API objects as JSON.")]
QuietOpt = Annotated[bool, typer.Option("-q", "--quiet", help="Print only ids, one per line.")]
NoTruncOpt = Annotated[
    bool,
    typer.Option("--no-trunc", help="On a terminal, show every column whole (lines may wrap)."),
]
YesOpt = Annotated[bool, typer.Option("-y", "--yes", help="Do not ask for confirmation.")]
JobIdArg = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help="Job id, or NAMESPACE/ID as copied from the website.",
        autocompletion=completion.complete_job_id,
        show_default=False,
    ),
]
JobIdsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="ID...",
        help="Job ids, or NAMESPACE/ID as copied from the website.",
        autocompletion=completion.complete_job_id,
        show_default=False,
    ),
]
OptionalJobIdsArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="ID...",
        help="Job ids, or NAMESPACE/ID as copied from the website.",
        autocompletion=completion.complete_job_id,
        show_default=False,
    ),
]
LabelFilterOpt = Annotated[
    list[str] | None,
    typer.Option(
        "-l",
        "--label",
        metavar="KEY=VALUE",
        help="Only jobs with this label (repeatable; all must match).",
    ),
]
NameFilterOpt = Annotated[
    str | None,
    typer.Option("--name", metavar="NAME", help="Only jobs with this name.", show_default=False),
]
DetachOpt = Annotated[
    bool, typer.Option("-d", "--detach", help="Start the job and return at once.")
]
CancelOnExitOpt = Annotated[
    bool,
    typer.Option(
        "--cancel-on-exit",
        help="Cancel the job on Ctrl-C or SIGTERM (always on in CI).",
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

# -- run-style commands (`run`, `uv run`, `schedule run`, `rerun`, `webhook create`) --------
# The parameters keep the same names in every command: `spec_options(ctx.params)` in
# commands/_spec.py reads them by name.

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
IfRunningOpt = Annotated[
    str | None,
    typer.Option(
        "--if-running",
        metavar="skip|replace|fail",
        help="When a job of this --name runs: attach to it, cancel it first, or exit 1.",
        show_default=False,
    ),
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
SshOpt = Annotated[bool, typer.Option("--ssh", help="Make the job reachable with `hfjobs ssh`.")]
NetworkGroupOpt = Annotated[
    str | None,
    typer.Option(
        "--network-group",
        metavar="GROUP",
        help="Join a network group shared with other jobs.",
        show_default=False,
    ),
]
NetworkAliasOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--network-alias",
        metavar="ALIAS",
        help="A name this job answers to in its network group (repeatable).",
    ),
]
ResourceGroupOpt = Annotated[
    str | None,
    typer.Option(
        "--resource-group-id",
        metavar="ID",
        help="Enterprise resource group billed for the job.",
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
DryRunOpt = Annotated[
    bool,
    typer.Option("--dry-run", help="Print the request body (secrets as ***) and send nothing."),
]
