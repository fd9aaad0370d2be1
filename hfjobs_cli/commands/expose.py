"""`hfjobs expose`: replace the ports a running job publishes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hfjobs_cli.commands._common import app_context, resolve_refs
from hfjobs_cli.commands._spec import expose_body
from hfjobs_cli.errors import UsageError
from hfjobs_cli.options import JobIdArg, JsonOpt, NamespaceOpt, TokenOpt
from hfjobs_cli.views.jobs import JOBS

if TYPE_CHECKING:
    from hfjobs_cli.api.models import Job


def expose(
    ctx: typer.Context,
    job_id: JobIdArg,
    ports: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PORT]...", help="Ports reachable with a token.", show_default=False
        ),
    ] = None,
    public: Annotated[
        list[str] | None,
        typer.Option("--public", metavar="PORT", help="A port anyone can reach (repeatable)."),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Close every port.")] = False,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
) -> None:
    """Replace the ports a running job publishes through the jobs proxy, and print their URLs.

    Exposed ports cost $0.01 per hour per job on the Hub.

    Examples:

      hfjobs expose 6650a1b2c3d4e5f60718293a 8000

      hfjobs expose 6650a1b2c3d4e5f60718293a 8000 --public 7860

      hfjobs expose 6650a1b2c3d4e5f60718293a --clear
    """
    app = app_context(ctx)
    out = app.set_output(json=json)
    if clear and (ports or public):
        raise UsageError("--clear cannot be combined with ports")
    if not clear and not ports and not public:
        raise UsageError("Give the ports to expose, or --clear to close them all")
    body = {"ports": [], "portsPublic": []} if clear else expose_body(ports or [], public or [])
    client = app.client(token)
    [(ns, ident)] = resolve_refs(app, [job_id], namespace)
    job = client.jobs.set_expose(ns, ident, body)

    def urls(job: Job) -> None:
        for url in job.expose_urls:
            out.line(url)

    opened = ", ".join(map(str, body["ports"])) or "none"
    out.change(JOBS, job, lambda _job: f"Ports of job {ident}: {opened}", then=urls)


def register(app: typer.Typer) -> None:
    app.command("expose")(expose)
