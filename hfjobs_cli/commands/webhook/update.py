"""`hfjobs webhook update`: change a webhook."""

from __future__ import annotations

from typing import Any

import typer

from hfjobs_cli.commands._common import app_context
from hfjobs_cli.commands.webhook._shared import (
    WebhookIdArg,
    check_webhook_id,
    parse_domains,
    parse_watched,
    show_changed,
    webhook_errors,
)
from hfjobs_cli.commands.webhook.create import (
    DomainOpt,
    JobSourceOpt,
    SecretOpt,
    UrlOpt,
    WatchOpt,
    job_secrets,
    parse_target,
    source_job,
    warn_missing_secrets,
)
from hfjobs_cli.errors import UsageError
from hfjobs_cli.options import (
    JsonOpt,
    NamespaceOpt,
    QuietOpt,
    SecretsFileOpt,
    SecretsOpt,
    TokenOpt,
)


def update(
    ctx: typer.Context,
    webhook_id: WebhookIdArg,
    watch: WatchOpt = None,
    job_id: JobSourceOpt = None,
    url: UrlOpt = None,
    domain: DomainOpt = None,
    secret: SecretOpt = None,
    secrets: SecretsOpt = None,
    secrets_file: SecretsFileOpt = None,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Change a webhook's watch list, domains, target or secrets; the rest stays.

    --watch replaces the whole list. Secrets merge by name (-s NAME= removes one) and need
    --job-id, the source job again, whose spec is then copied anew.

    Examples:

      hfjobs webhook update 6650c2d3e4f5a6b7c8d9e0f1 --watch model:alice/my-model --domain repo

      hfjobs webhook update 6650c2d3e4f5a6b7c8d9e0f1 --job-id 6650a1b2c3d4e5f60718293a -s HF_TOKEN
    """
    app = app_context(ctx)
    out = app.set_output(json=json, quiet=quiet)
    ident = check_webhook_id(webhook_id)
    watched = parse_watched(watch) if watch else None
    ref = parse_target(job_id, url, namespace, required=False)
    domains = parse_domains(domain)
    values = job_secrets(app, secrets, secrets_file, has_job=ref is not None)
    body: dict[str, Any] = {}
    if watched:
        body["watched"] = watched  # only when given: `[]` could clear the list
    if domains:
        body["domains"] = domains
    if url is not None:
        body["url"] = url
    if secret is not None:
        body["secret"] = secret
    if values:
        body["secrets"] = values
    if not body and ref is None:
        raise UsageError(
            "Nothing to update",
            hint="Pass --watch, --domain, --job-id, --url, --secret, -s or --secrets-file",
        )
    client = app.client(token)
    job = source_job(app, client, ref) if ref is not None else None
    if job is not None:
        body["jobSourceId"] = job.id
    with webhook_errors(ident):
        hook = client.webhooks.update(ident, body)
    show_changed(out, hook, "updated", summary=True)
    if job is not None:
        kept = set(values) | set(hook.secret_names)
        missing = [name for name in job.spec.secrets if name not in kept]
        warn_missing_secrets(out, missing, hook.id, job_id or job.id)


def register(app: typer.Typer) -> None:
    app.command("update")(update)
