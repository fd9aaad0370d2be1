"""Sweeps: `run --matrix KEY=V1,V2 ...` starts one job per combination of the values.

`{KEY}` in the command, the env values and the name is replaced by the job's value. Every job
carries the labels `sweep=<id>` and `KEY=<value>`, so `ps`, `wait`, `logs` and `cancel` with
`-l sweep=<id>` act on the whole sweep. Each create goes through the create-once machinery
(its own request id), so a retry never starts a job twice.
"""

from __future__ import annotations

import copy
import itertools
import re
import secrets
from typing import TYPE_CHECKING, Any

from hfjobs_cli.api.client import REQUEST_ID_LABEL
from hfjobs_cli.commands._spec import masked, with_request_id
from hfjobs_cli.errors import CliError, ExitCode, Interrupted, UsageError
from hfjobs_cli.output import Mode
from hfjobs_cli.parsing import merge_name_label
from hfjobs_cli.views.jobs import swept

if TYPE_CHECKING:
    from hfjobs_cli.invocation import Invocation

MAX_WITHOUT_YES = 100
SWEEP_LABEL = "sweep"
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,99}$")
_LABEL_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def parse_matrix(items: list[str]) -> dict[str, list[str]]:
    """`KEY=V1,V2` items as {KEY: [V1, V2]}, checked."""
    matrix: dict[str, list[str]] = {}
    for item in items:
        key, sep, values = item.partition("=")
        if not sep or not values:
            raise UsageError(f"Invalid --matrix '{item}': expected KEY=VALUE1,VALUE2,...")
        if not _KEY.match(key):
            raise UsageError(
                f"Invalid --matrix '{item}': the key uses letters, digits, '_' and '-', "
                "starting with a letter or '_'"
            )
        if key in (SWEEP_LABEL, "name", REQUEST_ID_LABEL):
            raise UsageError(f"Invalid --matrix '{item}': '{key}' is a label hfjobs sets itself")
        if key in matrix:
            raise UsageError(
                f"--matrix {key} is given twice: list its values once, comma-separated"
            )
        parts = values.split(",")
        if any(not p for p in parts):
            raise UsageError(f"Invalid --matrix '{item}': an empty value")
        matrix[key] = list(dict.fromkeys(parts))
    return matrix


def combinations(matrix: dict[str, list[str]]) -> list[dict[str, str]]:
    keys = list(matrix)
    return [dict(zip(keys, values, strict=True)) for values in itertools.product(*matrix.values())]


def substitute(text: str, params: dict[str, str]) -> str:
    """`{KEY}` replaced by the value; other braces are left alone (Python, JSON, shell)."""
    for key, value in params.items():
        text = text.replace("{" + key + "}", value)
    return text


def label_value(value: str) -> str:
    """A value as a label can hold it: other characters become '-', at most 100."""
    return _LABEL_UNSAFE.sub("-", value)[:100]


def take_name(opts) -> str | None:
    """The name template (--name, else a `name` label from -l or a job file), removed from
    the options so that placeholders are replaced before the name is checked."""
    name = opts.name
    kept = []
    for item in opts.labels:
        if item.partition("=")[0] == "name":
            if opts.name is None:
                name = item.partition("=")[2]
            continue
        kept.append(item)
    opts.labels = kept
    opts.name = None
    return name


def expand(
    spec: dict[str, Any], name: str | None, matrix: dict[str, list[str]], sweep_id: str
) -> list[tuple[dict[str, str], dict[str, Any]]]:
    """One (params, spec) per combination, each with its own request id."""
    base_labels = {k: v for k, v in spec.get("labels", {}).items() if k != REQUEST_ID_LABEL}
    clash = [k for k in matrix if k in base_labels]
    if clash:
        raise UsageError(
            f"--matrix {clash[0]} and --label {clash[0]}: a sweep labels each job with it"
        )
    jobs = []
    for params in combinations(matrix):
        one = copy.deepcopy(spec)
        one["command"] = [substitute(part, params) for part in spec["command"]]
        one["environment"] = {k: substitute(v, params) for k, v in spec["environment"].items()}
        labels = {
            **base_labels,
            SWEEP_LABEL: sweep_id,
            **{k: label_value(v) for k, v in params.items()},
        }
        if name is not None:
            labels = merge_name_label(labels, substitute(name, params))
        one["labels"] = with_request_id(labels)
        jobs.append((params, one))
    return jobs


def unused_keys(spec: dict[str, Any], name: str | None, matrix: dict[str, list[str]]) -> list[str]:
    texts = [*spec["command"], *spec["environment"].values(), name or ""]
    return [k for k in matrix if not any("{" + k + "}" in t for t in texts)]


def run_sweep(
    app: Invocation,
    opts,
    matrix_items: list[str],
    *,
    namespace: str | None,
    token: str | None,
    detach: bool,
    dry_run: bool,
    yes: bool,
    max_cost: str | None,
) -> int:
    """Build, check, price and start a sweep; follow it unless detached. The exit code."""
    from hfjobs_cli.commands._hardware import cost_limit
    from hfjobs_cli.commands._spec import build_spec

    out = app.output
    matrix = parse_matrix(matrix_items)
    cost_limit(app, max_cost)  # a bad amount is an error before anything else
    name = take_name(opts)
    spec = build_spec(app, opts)
    sweep_id = secrets.token_hex(4)
    jobs = expand(spec, name, matrix, sweep_id)
    for key in unused_keys(spec, name, matrix):
        out.warn(f"--matrix {key}: {{{key}}} appears nowhere in the command, env or name")
    if len(jobs) > MAX_WITHOUT_YES and not yes:
        raise UsageError(
            f"The matrix makes {len(jobs)} jobs, more than {MAX_WITHOUT_YES}: "
            "refusing without --yes",
            hint="Check the values, then pass --yes to start them all",
        )
    if dry_run:
        ns = namespace or app.setting("namespace").value or "<your user>"
        out.note(
            f"Dry run: nothing sent. Sweep {sweep_id}: {len(jobs)} jobs, each a "
            f"POST /api/jobs/{ns} with these bodies:"
        )
        out.json([masked(one) for _params, one in jobs])
        return ExitCode.OK
    from hfjobs_cli.commands._hardware import cost_guard, sweep_summary

    client = app.client(token)
    cost_guard(app, client, [one for _p, one in jobs], max_cost, yes=yes)
    ns = app.namespace(namespace)
    out.info(sweep_summary(app, client, sweep_id, [one for _p, one in jobs]))
    started = []
    try:
        for _params, one in jobs:
            started.append(client.jobs.create(ns, one))
    except (Exception, KeyboardInterrupt) as exc:  # say what was started, then the error
        _report_partial(app, started, len(jobs), sweep_id, ns, namespace)
        if isinstance(exc, KeyboardInterrupt):
            raise Interrupted() from None
        raise
    return _present(app, client, started, jobs, matrix, sweep_id, ns, namespace, detach=detach)


def _command(*words: str, sweep_id: str, namespace: str | None) -> str:
    from hfjobs_cli import hints

    return hints.command(*words, "-l", f"{SWEEP_LABEL}={sweep_id}", namespace=namespace)


def _report_partial(app, started, total, sweep_id, ns, namespace) -> None:
    out = app.output
    if out.mode is Mode.QUIET:
        out.ids(job.id for job in started)
    if not started:
        out.error(f"Sweep {sweep_id}: no job was started")
        return
    cancel = _command("cancel", "-y", sweep_id=sweep_id, namespace=namespace)
    out.error(
        f"Sweep {sweep_id}: {len(started)} of {total} jobs were started before this failure; "
        f"they keep running (cancel them with `{cancel}`)"
    )
    out.hint(f"See them: {_command('ps', sweep_id=sweep_id, namespace=namespace)}")


def _present(app, client, started, jobs, matrix, sweep_id, ns, namespace, *, detach) -> int:
    from hfjobs_cli.commands._ci import job_url, log_section, report_to_ci
    from hfjobs_cli.commands._multilog import Target, follow_many, summary

    out = app.output
    app.ci.jobs_started(
        [(f"{job.owner or ns}/{job.id}", job_url(client, job, ns)) for job in started]
    )

    def cmd(*words: str) -> str:
        return _command(*words, sweep_id=sweep_id, namespace=namespace)

    if detach:
        view = swept(list(matrix))
        out.records(view, zip(started, [params for params, _one in jobs], strict=True))
        out.tip(f"Follow them: {cmd('logs', '-f')}")
        out.tip(f"Wait for them: {cmd('wait')}")
        report_to_ci(app, client, started, namespace=ns)
        return ExitCode.OK
    if out.mode is Mode.QUIET:  # the ids first: the logs follow on stderr
        out.ids(job.id for job in started)
    targets = [Target(job.owner or ns, job.id, job.name or "") for job in started]
    out.info(f"Following the {len(targets)} jobs of sweep {sweep_id} (Ctrl-C detaches)")
    try:
        with log_section(app, f"Logs of sweep {sweep_id}", to_stderr=out.logs_to_stderr):
            code, finals = follow_many(app, client, targets, to_stderr=out.logs_to_stderr)
    except CliError as exc:
        if exc.code == ExitCode.INTERRUPTED:
            out.hint(f"Follow them again: {cmd('logs', '-f')}")
            out.hint(f"Cancel them: {cmd('cancel', '-y')}")
        raise
    if out.mode is Mode.JSON:
        out.json([finals[t.job_id].raw for t in targets if t.job_id in finals])
    summary(app, targets, finals)
    report_to_ci(
        app, client, [finals[t.job_id] for t in targets if t.job_id in finals], namespace=ns
    )
    return code
