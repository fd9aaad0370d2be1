"""Shared option and argument aliases, so a flag reads and behaves the same everywhere."""

from __future__ import annotations

from typing import Annotated

import typer

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
