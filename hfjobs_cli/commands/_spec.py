"""Building a job spec (the body of `POST /api/jobs/{ns}`) from run-style options.

Shared by `run`, `schedule run`, `rerun`, `uv run` and `webhook create`, so every one of them
validates durations, env files, labels and secrets the same way, before anything is sent.
The options are read once, by name, from the command's parameters: `spec_options(ctx.params)`;
`launch` starts the job of `run` and `uv run`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hfjobs_cli import config, hints
from hfjobs_cli.api import client as api_client
from hfjobs_cli.api.client import REQUEST_ID_LABEL
from hfjobs_cli.api.models import masked
from hfjobs_cli.errors import UsageError
from hfjobs_cli.invocation import Invocation
from hfjobs_cli.parsing import (
    check_name,
    file_mode_warning,
    image_fields,
    merge_name_label,
    parse_env_pairs,
    parse_labels,
    parse_port,
    parse_timeout_seconds,
    parse_volume,
    read_env_file,
)

if TYPE_CHECKING:
    from hfjobs_cli.jobfile import JobFile

MAX_ATTEMPTS = 100  # tries of one job in all; the server may allow fewer


@dataclass
class SpecOptions:
    image: str
    command: list[str]
    env: list[str] = field(default_factory=list)
    env_files: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    secrets_files: list[str] = field(default_factory=list)
    flavor: str | None = None
    timeout: str | None = None
    labels: list[str] = field(default_factory=list)
    name: str | None = None
    dry_run: bool = False
    attempts: int | None = None
    volumes: list[str] = field(default_factory=list)
    expose: list[str] = field(default_factory=list)
    expose_public: list[str] = field(default_factory=list)
    ssh: bool = False
    network_group: str | None = None
    network_aliases: list[str] = field(default_factory=list)
    resource_group_id: str | None = None
    file_secrets: list[str] = field(default_factory=list)  # names from a job file
    file_source: str = ""


# a run-style command's parameter (as named in every such command) -> the field it sets
SPEC_PARAMS = {
    "env": "env",
    "env_file": "env_files",
    "secrets": "secrets",
    "secrets_file": "secrets_files",
    "flavor": "flavor",
    "timeout": "timeout",
    "label": "labels",
    "name": "name",
    "dry_run": "dry_run",
    "attempts": "attempts",
    "volume": "volumes",
    "expose": "expose",
    "expose_public": "expose_public",
    "ssh": "ssh",
    "network_group": "network_group",
    "network_alias": "network_aliases",
    "resource_group_id": "resource_group_id",
}


def spec_options(params: Mapping[str, Any], *, job_file: JobFile | None = None) -> SpecOptions:
    """The options of a run-style command, from its parameters by name (`ctx.params`; a
    command without one of them gets its default), over a job file's values: the `file`
    parameter (`-f FILE`), else `job_file` (a script's `[tool.hfjobs]`)."""
    from hfjobs_cli import jobfile

    path = params.get("file")
    if path is not None:
        stdin_files = [*(params.get("env_file") or []), *(params.get("secrets_file") or [])]
        if path == "-" and "-" in stdin_files:
            raise UsageError("Only one of -f -, --env-file - and --secrets-file - can read stdin")
        job_file = jobfile.load(path)
    image, command = jobfile.image_and_command(job_file, params.get("image"), params.get("command"))
    values: dict[str, Any] = {
        field: list(value) if isinstance(value, list | tuple) else value
        for param, field in SPEC_PARAMS.items()
        if (value := params.get(param)) is not None
    }
    return jobfile.apply(job_file, SpecOptions(image=image, command=command, **values))


def split_command(image: str, command: list[str] | None) -> tuple[str, list[str]]:
    """Check IMAGE (an option typed before it is unknown) and drop one leading `--`."""
    if image.startswith("-") and image != "-":
        raise UsageError(f"No such option: {image}", hint="Options go before IMAGE")
    args = list(command or [])
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        raise UsageError(
            "Missing COMMAND: give the command to run after IMAGE",
            hint=f"For example: {hints.command('run', 'python:3.12', 'python', '-c', 'print(1)')}",
        )
    return image, args


def _token_fallback(app: Invocation, *, dry_run: bool) -> dict[str, str]:
    """Your own token for a bare `-s HF_TOKEN`: under --local, the emulator's token."""
    if dry_run and app.local:
        return {}  # a dry run starts no emulator; the value is shown as *** anyway
    info = app.token_info()
    return {"HF_TOKEN": info.token} if info.token else {}


def read_secrets(
    app: Invocation, items: list[str], files: list[str], *, dry_run: bool
) -> dict[str, str]:
    """Secrets from files then `-s` (which wins); a bare HF_TOKEN forwards the user's token."""
    if sum(1 for f in files if f == "-") > 1:
        raise UsageError("--secrets-file - can be given only once")
    needs_token = any(i == "HF_TOKEN" for i in items) and "HF_TOKEN" not in os.environ
    fallbacks = _token_fallback(app, dry_run=dry_run) if needs_token or files else {}
    secrets: dict[str, str] = {}
    for path in files:
        warning = file_mode_warning(path)
        if warning:
            app.output.warn(warning)
        secrets.update(
            read_env_file(path, option="--secrets-file", fallbacks=fallbacks, allow_missing=dry_run)
        )
    inline = [item.split("=", 1)[0] for item in items if "=" in item]
    if inline:
        app.output.warn(
            f"Secret value{'s' if len(inline) > 1 else ''} for {', '.join(inline)} given on the "
            "command line land in your shell history; prefer `-s NAME` (read from your "
            "environment) or --secrets-file"
        )
    secrets.update(
        parse_env_pairs(items, option="-s/--secrets", fallbacks=fallbacks, allow_missing=dry_run)
    )
    return secrets


TOKEN_NAMES = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")


def refuse_plain_token(names: dict[str, str], where: str) -> None:
    """The token is a secret or nothing: a job's plain environment is shown by `--dry-run`,
    `inspect` and the Hub's pages, so HF_TOKEN there is refused (exit 2) with the fix."""
    for name in TOKEN_NAMES:
        if name in names:
            raise UsageError(
                f"{where}: {name} would put a token in the job's plain environment, which "
                "`--dry-run` and `inspect` show",
                hint=f"Pass it as a secret: -s {name} (your own token) or -s {name}=VALUE",
            )


def build_spec(app: Invocation, opts: SpecOptions) -> dict[str, Any]:
    """The request body, validated; raises UsageError naming the first bad input."""
    image, command = split_command(opts.image, opts.command)
    if opts.env_files.count("-") + opts.secrets_files.count("-") > 1:
        raise UsageError("Only one of --env-file - and --secrets-file - can read stdin")
    environment: dict[str, str] = {}
    for path in opts.env_files:
        from_file = read_env_file(path, option="--env-file", allow_missing=opts.dry_run)
        refuse_plain_token(from_file, f"--env-file {path}")
        environment.update(from_file)
    refuse_plain_token({item.partition("=")[0]: "" for item in opts.env}, "-e/--env")
    environment.update(parse_env_pairs(opts.env, option="-e/--env", allow_missing=opts.dry_run))
    secrets = read_secrets(app, opts.secrets, opts.secrets_files, dry_run=opts.dry_run)
    named = [name for name in opts.file_secrets if name not in secrets]
    if named:  # a job file names secrets; their values come from here, like a bare -s NAME
        fallbacks = _token_fallback(app, dry_run=opts.dry_run) if "HF_TOKEN" in named else None
        for name in named:
            try:
                secrets.update(
                    parse_env_pairs(
                        [name], option="-s", fallbacks=fallbacks, allow_missing=opts.dry_run
                    )
                )
            except UsageError:
                raise UsageError(
                    f"{opts.file_source} names the secret {name}, which is not set in your "
                    "environment",
                    hint=f"Set {name} first, or pass it with -s {name}=VALUE or --secrets-file",
                ) from None
    labels = merge_name_label(parse_labels(opts.labels), opts.name)
    timeout = app.setting("timeout", opts.timeout).value
    flavor = app.setting("flavor", opts.flavor).value or config.DEFAULT_FLAVOR
    spec: dict[str, Any] = {
        **image_fields(image),
        "command": command,
        "arguments": [],
        "environment": environment,
        "flavor": check_name(flavor, option="--flavor"),
    }
    if secrets:
        spec["secrets"] = secrets
    if timeout is not None:  # an empty --timeout is a mistake, not "no timeout"
        spec["timeoutSeconds"] = parse_timeout_seconds(timeout)
    if opts.attempts is not None:
        if not 1 <= opts.attempts <= MAX_ATTEMPTS:
            raise UsageError(
                f"Invalid --attempts {opts.attempts}: use 1 (the first run) to {MAX_ATTEMPTS}"
            )
        spec["attempts"] = opts.attempts
    if opts.volumes:
        spec["volumes"] = [parse_volume(v) for v in opts.volumes]
    if opts.expose or opts.expose_public:
        spec["expose"] = expose_body(opts.expose, opts.expose_public)
    if opts.ssh:
        spec["ssh"] = {"enabled": True}
    if opts.network_group or opts.network_aliases:
        spec["network"] = network_body(opts.network_group, opts.network_aliases)
    if opts.resource_group_id:
        spec["resourceGroupId"] = opts.resource_group_id
    spec["labels"] = with_request_id(labels)
    return spec


def with_request_id(labels: dict[str, str]) -> dict[str, str]:
    """The labels plus a fresh `hfjobs-request-id`, which makes a create safe to retry."""
    return {**labels, REQUEST_ID_LABEL: api_client.new_request_id()}


_NETWORK_NAME = re.compile(r"^[a-z0-9-]+$")


def network_body(group: str | None, aliases: list[str]) -> dict[str, object]:
    """`{"group", "aliases"}`: lowercase letters, digits and dashes; aliases need a group."""
    if not group:
        raise UsageError("--network-alias needs --network-group")
    if not _NETWORK_NAME.match(group) or len(group) > 46:
        raise UsageError(
            f"Invalid --network-group '{group}': lowercase letters, digits and '-', at most 46"
        )
    for alias in aliases:
        if not _NETWORK_NAME.match(alias) or len(alias) > 34:
            raise UsageError(
                f"Invalid --network-alias '{alias}': lowercase letters, digits and '-', at most 34"
            )
    body: dict[str, object] = {"group": group}
    if aliases:
        body["aliases"] = list(dict.fromkeys(aliases))
    return body


def expose_body(ports: list[str], public: list[str]) -> dict[str, list[int]]:
    """`{"ports", "portsPublic"}`: public ports are in both lists (a subset rule), deduplicated."""
    public_ports = list(dict.fromkeys(parse_port(p, option="--expose-public") for p in public))
    all_ports = [parse_port(p, option="--expose") for p in ports] + public_ports
    return {"ports": list(dict.fromkeys(all_ports)), "portsPublic": public_ports}


def guard_cost(
    app: Invocation, spec: dict[str, Any], *, token: str | None, max_cost: str | None, yes: bool
) -> None:
    """--max-cost (or the max_cost setting) before a job starts; nothing to do without one."""
    from hfjobs_cli.commands._hardware import cost_guard, cost_limit

    if cost_limit(app, max_cost) is None:  # checks the value before logging in
        return
    cost_guard(app, app.client(token), [spec], max_cost, yes=yes)


def launch(app: Invocation, opts: SpecOptions, params: Mapping[str, Any]) -> int:
    """Start the job of `run` or `uv run`, or the jobs of a `--matrix` sweep (or show them,
    under --dry-run); the exit code.

    The command's `namespace`, `token`, `detach`, `if_running`, `max_cost`, `yes` and
    `matrix` parameters are read by name, like `spec_options` reads the spec's."""
    namespace, token = params["namespace"], params["token"]
    if params.get("matrix"):
        from hfjobs_cli.commands._sweep import run_sweep

        if params["if_running"]:
            raise UsageError("--if-running applies to one named job, not to a --matrix sweep")
        return run_sweep(
            app,
            opts,
            list(params["matrix"]),
            namespace=namespace,
            token=token,
            detach=params["detach"],
            dry_run=opts.dry_run,
            yes=params["yes"],
            max_cost=params["max_cost"],
        )
    from hfjobs_cli.commands._attach import start_job

    spec = build_spec(app, opts)
    if opts.dry_run:
        show_dry_run(app, "/api/jobs", masked(spec), namespace)
        return 0
    guard_cost(app, spec, token=token, max_cost=params["max_cost"], yes=params["yes"])
    return start_job(
        app,
        spec,
        namespace=namespace,
        token=token,
        detach=params["detach"],
        if_running=params["if_running"],
    )


def show_dry_run(app: Invocation, route: str, body: dict[str, Any], namespace: str | None) -> None:
    """`--dry-run`: the body that would be POSTed to `route`/NAMESPACE, secrets as `***`."""
    ns = namespace or app.setting("namespace").value or "<your user>"
    app.output.note(f"Dry run: nothing sent. POST {route}/{ns} with this body:")
    app.output.json(body)
