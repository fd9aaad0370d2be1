"""`hfjobs rerun`: start a job again, as it was or with overrides."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from hfjobs_cli.api.client import REQUEST_ID_LABEL
from hfjobs_cli.commands._attach import present_started_job
from hfjobs_cli.commands._common import app_context, resolve_refs
from hfjobs_cli.commands._spec import guard_cost, read_secrets, with_request_id
from hfjobs_cli.errors import UsageError
from hfjobs_cli.hints import command
from hfjobs_cli.options import (
    DetachOpt,
    EnvOpt,
    FlavorOpt,
    JobIdArg,
    JsonOpt,
    MaxCostOpt,
    NamespaceOpt,
    QuietOpt,
    SecretsFileOpt,
    SecretsOpt,
    TimeoutOpt,
    TokenOpt,
    YesOpt,
)
from hfjobs_cli.parsing import merge_name_label, parse_env_pairs, parse_timeout_seconds

COPIED = (
    "dockerImage",
    "spaceId",
    "arguments",
    "attempts",
    "volumes",
    "expose",
    "resourceGroupId",
    "arch",
)


def spec_from_job(raw: dict[str, Any]) -> dict[str, Any]:
    """The run body of an existing job, without its secrets (they cannot be read back)."""
    spec: dict[str, Any] = {k: raw[k] for k in COPIED if raw.get(k) not in (None, [], {})}
    spec["command"] = list(raw.get("command") or [])
    spec.setdefault("arguments", [])
    spec["environment"] = dict(raw.get("environment") or {})
    spec["flavor"] = raw.get("flavor") or "cpu-basic"
    timeout = raw.get("timeoutSeconds", raw.get("timeout"))
    if isinstance(timeout, int) and timeout > 0:
        spec["timeoutSeconds"] = timeout
    labels = {k: v for k, v in (raw.get("labels") or {}).items() if k != REQUEST_ID_LABEL}
    spec["labels"] = labels
    return spec


def rerun(
    ctx: typer.Context,
    job_id: JobIdArg,
    flavor: FlavorOpt = None,
    env: EnvOpt = None,
    secrets: SecretsOpt = None,
    secrets_file: SecretsFileOpt = None,
    timeout: TimeoutOpt = None,
    name: Annotated[
        str | None,
        typer.Option("--name", metavar="NAME", help="A new display name.", show_default=False),
    ] = None,
    detach: DetachOpt = False,
    max_cost: MaxCostOpt = None,
    yes: YesOpt = False,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Run a job again, as it was (the Hub duplicates it) or with overrides.

    With overrides, a new job starts from the old one's spec; secrets cannot be read back, so
    the old job's secret names must be given again with -s or --secrets-file. Attached by
    default, like `run`.

    Examples:

      hfjobs rerun 6650a1b2c3d4e5f60718293a

      hfjobs rerun --flavor a10g-large --timeout 4h -s HF_TOKEN -d 6650a1b2c3d4e5f60718293a
    """
    app = app_context(ctx)
    app.set_output(json=json, quiet=quiet)
    new_env = parse_env_pairs(env or [], option="-e/--env")
    new_secrets = read_secrets(app, list(secrets or []), list(secrets_file or []), dry_run=False)
    new_timeout = parse_timeout_seconds(timeout) if timeout else None
    from hfjobs_cli.commands._hardware import cost_limit

    cost_limit(app, max_cost)  # a bad amount is an error before anything is sent
    overrides = bool(flavor or new_env or new_secrets or new_timeout or name)
    client = app.client(token)
    [(ns, ident)] = resolve_refs(app, [job_id], namespace)
    if not overrides:
        if max_cost is not None or app.setting("max_cost").value is not None:
            # the Hub duplicates the job: price the old spec first
            guard_cost(app, spec_from_job(client.jobs.get(ns, ident).raw), token=token,
                       max_cost=max_cost, yes=yes)  # fmt: skip
        job = client.jobs.duplicate(ns, ident)
    else:
        old = client.jobs.get(ns, ident)
        spec = spec_from_job(old.raw)
        missing = [s for s in old.spec.secrets if s not in new_secrets]
        if missing:
            flags = " ".join(f"-s {s}" for s in missing)
            raise UsageError(
                f"Job {ident} used the secret{'s' if len(missing) > 1 else ''} {', '.join(missing)}, "
                "which cannot be read back",
                hint=f"Pass them again: {command('rerun')} {flags} ... (values from your environment)",
            )
        spec["environment"].update(new_env)
        if new_secrets:
            spec["secrets"] = new_secrets
        if flavor:
            spec["flavor"] = flavor
        if new_timeout:
            spec["timeoutSeconds"] = new_timeout
        labels = dict(spec["labels"])
        if name is not None:
            labels.pop("name", None)
            labels = merge_name_label(labels, name)
        spec["labels"] = with_request_id(labels)
        guard_cost(app, spec, token=token, max_cost=max_cost, yes=yes)
        job = client.jobs.create(ns, spec)
    code = present_started_job(app, client, job, ns, detach=detach, what=f" (a rerun of {ident})")
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command("rerun")(rerun)
