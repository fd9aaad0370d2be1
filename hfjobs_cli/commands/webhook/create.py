"""`hfjobs webhook create`, and the options and steps `update` shares with it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from hfjobs_cli import completion
from hfjobs_cli.api import webhooks as api
from hfjobs_cli.api.errors import NotFoundError
from hfjobs_cli.commands._common import app_context
from hfjobs_cli.commands._spec import read_secrets
from hfjobs_cli.commands.webhook._shared import (
    check_url,
    parse_domains,
    parse_watched,
    show_changed,
)
from hfjobs_cli.errors import CliError, ExitCode, UsageError
from hfjobs_cli.hints import command
from hfjobs_cli.invocation import Invocation
from hfjobs_cli.options import (
    FileOpt,
    JsonOpt,
    NamespaceOpt,
    QuietOpt,
    SecretsFileOpt,
    SecretsOpt,
    TokenOpt,
)
from hfjobs_cli.parsing import parse_job_ref

if TYPE_CHECKING:
    from hfjobs_cli.api.client import JobsClient
    from hfjobs_cli.api.models import Job
    from hfjobs_cli.output import Output

WatchOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--watch",
        metavar="TYPE:NAME",
        help="What to watch: model|dataset|space|bucket:OWNER/NAME or user|org:NAME (repeatable).",
    ),
]
JobSourceOpt = Annotated[
    str | None,
    typer.Option(
        "--job-id",
        metavar="ID",
        help="Start a copy of this job (ID or NAMESPACE/ID) on every event.",
        autocompletion=completion.complete_job_id,
        show_default=False,
    ),
]
UrlOpt = Annotated[
    str | None,
    typer.Option(
        "--url", metavar="URL", help="POST every event to this URL instead.", show_default=False
    ),
]
DomainOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--domain", metavar="repo|discussion", help="Events to react to (repeatable; default both)."
    ),
]
SecretOpt = Annotated[
    str | None,
    typer.Option(
        "--secret",
        metavar="SECRET",
        help="Sent with every event (WEBHOOK_SECRET in the jobs started).",
        show_default=False,
    ),
]


def parse_target(
    job_id: str | None, url: str | None, namespace: str | None, *, required: bool
) -> tuple[str | None, str] | None:
    """Check `--job-id`/`--url` (exactly one when `required`); the parsed job reference."""
    if job_id is not None and url is not None:
        raise UsageError("Use either --job-id or --url, not both")
    if required and job_id is None and url is None:
        raise UsageError(
            "Missing --job-id or --url: say what an event starts",
            hint="--job-id ID runs a copy of that job on every event; --url URL receives them",
        )
    if namespace and job_id is None:
        raise UsageError("--namespace applies to --job-id only (webhooks belong to your user)")
    if url is not None:
        check_url(url)
    return parse_job_ref(job_id, namespace=namespace) if job_id is not None else None


def job_secrets(
    app: Invocation, items: list[str] | None, files: list[str] | None, *, has_job: bool
) -> dict[str, str]:
    """`-s`/`--secrets-file` values (job webhooks only), read like `hfjobs run` reads them."""
    if not items and not files:
        return {}
    if not has_job:
        raise UsageError(
            "-s/--secrets and --secrets-file need --job-id: only job webhooks have secrets",
            hint="Pass the source job with --job-id ID",
        )
    return read_secrets(app, list(items or []), list(files or []), dry_run=False)


def source_job(app: Invocation, client: JobsClient, ref: tuple[str | None, str]) -> Job:
    """The job a webhook copies: this checks the id and gives the job's secret names."""
    ns, ident = ref
    ns = ns or app.namespace()
    try:
        return client.jobs.get(ns, ident)
    except NotFoundError:
        raise CliError(
            f"Job {ns}/{ident} not found",
            hint="Check the id and its namespace (NAMESPACE/ID); list jobs with "
            f"`{command('ps', '-a', namespace=ns)}`",
            code=ExitCode.NOT_FOUND,
        ) from None


def start_source_job(
    app: Invocation, client: JobsClient, file: str, namespace: str | None
) -> tuple[Job, dict[str, str]]:
    """Start the job of a job file, detached: the job a new webhook will copy."""
    from hfjobs_cli.commands._hardware import launch_summary
    from hfjobs_cli.commands._spec import build_spec, spec_options

    spec = build_spec(app, spec_options({"file": file}))
    ns = app.namespace(namespace)
    app.output.note(
        lambda: (
            launch_summary(app, client, spec)
            + f"; the webhook's source job, from {file} (a webhook runs copies of a job)"
        )
    )
    job = client.jobs.create(ns, spec)
    app.output.info(f"Source job {job.owner or ns}/{job.id} started")
    return job, dict(spec.get("secrets") or {})


def warn_missing_secrets(out: Output, missing: list[str], hook_id: str, job_ref: str) -> None:
    """Name the source job's secrets that the started jobs will lack, and how to pass them."""
    if not missing:
        return
    flags = " ".join(f"-s {name}" for name in missing)
    out.warn(
        f"The source job's secrets are not copied: {', '.join(missing)} will be missing from "
        f"the jobs this webhook starts; pass them again with {flags}"
    )
    out.hint(f"{command('webhook', 'update', hook_id, '--job-id', job_ref)} {flags}")


def create(
    ctx: typer.Context,
    watch: WatchOpt = None,
    job_id: JobSourceOpt = None,
    url: UrlOpt = None,
    domain: DomainOpt = None,
    secret: SecretOpt = None,
    secrets: SecretsOpt = None,
    secrets_file: SecretsFileOpt = None,
    file: FileOpt = None,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Create a webhook that runs a job (or calls a URL) when something watched changes.

    Every matching event starts a new job with the source job's spec and the event in
    WEBHOOK_PAYLOAD. The source job's secrets are not copied: pass them again with -s.
    With -f FILE, the source job is started once now from that job file (a webhook copies an
    existing job), and the file's secrets are given to the webhook.

    Examples:

      hfjobs webhook create --watch model:alice/my-model --job-id 6650a1b2c3d4e5f60718293a

      hfjobs webhook create --watch org:acme --domain repo --job-id alice/6650a1b2c3d4e5f60718293a -s HF_TOKEN

      hfjobs webhook create --watch dataset:alice/data --url https://example.com/hook

      hfjobs webhook create --watch dataset:alice/data -f job.toml
    """
    app = app_context(ctx)
    out = app.set_output(json=json, quiet=quiet)
    if not watch:
        raise UsageError(
            "Missing --watch: give at least one TYPE:NAME to watch",
            hint="For example: --watch model:alice/my-model or --watch org:acme",
        )
    watched = parse_watched(watch)
    if file is not None and (job_id is not None or url is not None):
        raise UsageError("Use either -f FILE, --job-id or --url, not two of them")
    ref = None if file is not None else parse_target(job_id, url, namespace, required=True)
    domains = parse_domains(domain) or list(api.DOMAINS)
    values = job_secrets(app, secrets, secrets_file, has_job=ref is not None or file is not None)
    client = app.client(token)
    body: dict[str, Any] = {"watched": watched, "domains": domains}
    job: Job | None
    if file is not None:
        job, file_secrets = start_source_job(app, client, file, namespace)
        values = {**file_secrets, **values}
        job_id = f"{job.owner or app.namespace(namespace)}/{job.id}"
    else:
        job = source_job(app, client, ref) if ref is not None else None
    if job is not None:
        body["jobSourceId"] = job.id
    else:
        body["url"] = url
    if secret:
        body["secret"] = secret
    if values:
        body["secrets"] = values
    try:
        hook = client.webhooks.create(body)
    except CliError as exc:
        if file is not None:
            assert job_id is not None  # the job started from the file
            exc.message += f" (the source job {job_id} was started and keeps running)"
            exc.hint = exc.hint or f"Cancel it: {command('cancel', job_id)}"
        raise
    completion.forget("webhooks")  # so that Tab offers it at once
    show_changed(out, hook, "created", summary=True)
    if job is not None:
        missing = [name for name in job.spec.secrets if name not in values]
        warn_missing_secrets(out, missing, hook.id, job_id or job.id)
        out.hint(
            f"Every event starts a copy of job {job.id}: watch for them with `{command('ps')}`"
        )


def register(app: typer.Typer) -> None:
    app.command("create")(create)
