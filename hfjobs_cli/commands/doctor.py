"""`hfjobs doctor`: the setup in one report, to read or to paste into a bug report."""

from __future__ import annotations

import platform
from typing import Any

import typer

from hfjobs_cli import __version__
from hfjobs_cli.commands._common import app_context
from hfjobs_cli.errors import CliError, ExitCode
from hfjobs_cli.hints import command
from hfjobs_cli.invocation import Invocation
from hfjobs_cli.options import JsonOpt, NamespaceOpt, TokenOpt

CI_NAMES = {"github": "GitHub Actions", "gitlab": "GitLab CI"}


def doctor(
    ctx: typer.Context,
    namespace: NamespaceOpt = None,
    token: TokenOpt = None,
    json: JsonOpt = False,
) -> None:
    """Check the setup in one report: version, endpoint, token, hardware, emulator, CI.

    Says where the endpoint and the token come from (never the token itself), whether the
    token works and may start jobs in the namespace, and which hardware the API lists.
    Exit 0 when everything needed to run jobs works, 4 for a token problem, 6 when the
    API cannot be reached.

    Examples:

      hfjobs doctor

      hfjobs doctor --json --namespace my-org
    """
    app = app_context(ctx)
    out = app.set_output(json=json)
    report, code = diagnose(app, namespace, token)

    def show() -> None:
        out.fields(f"hfjobs {__version__}", _rows(report))
        if code == ExitCode.AUTH:
            out.hint(f"Run `{command('login')}`, or set HF_TOKEN to a token with write access")
        elif code == ExitCode.UNREACHABLE:
            out.hint("Check your network and HF_ENDPOINT")

    out.report(report, show)
    if code:
        raise typer.Exit(code)


def diagnose(app: Invocation, namespace: str | None, token: str | None) -> tuple[dict, int]:
    """The report (JSON-ready) and the exit code it earns."""
    report: dict[str, Any] = {
        "version": __version__,
        "python": f"{platform.python_version()} ({platform.python_implementation()}, "
        f"{platform.system()} {platform.machine()})",
    }
    setting = app.setting("endpoint")
    info = None if app.local else app.token_info(token)
    report["endpoint"] = {"url": setting.value, "source": setting.source}
    report["token"] = {"source": "the local emulator" if info is None else info.source}
    report["ci"] = app.ci.provider
    report["emulator"] = _emulator()
    try:
        client = app.client(token, require_token=False)
    except CliError as exc:
        report["endpoint"]["error"] = exc.message
        report["ok"] = False
        return report, exc.code
    report["endpoint"]["url"] = client.endpoint
    has_token = info is None or info.token is not None
    codes = [_check_token(app, client, namespace, report, has_token=has_token)]
    if codes[0] == ExitCode.UNREACHABLE:  # one round of retries is enough to know
        report["hardware"] = {"reachable": False, "error": "not tried: the API is unreachable"}
    else:
        codes.append(_check_hardware(client, report))
    code = ExitCode.UNREACHABLE if ExitCode.UNREACHABLE in codes else max(codes)
    report["ok"] = code == ExitCode.OK
    return report, code


def _failure_code(exc: Exception) -> int:
    from hfjobs_cli.api import errors as e

    if isinstance(exc, e.AuthError | e.ForbiddenError):
        return ExitCode.AUTH
    if isinstance(exc, e.ConnectionFailure | e.ServerError | e.RateLimitError | e.AmbiguousSend):
        return ExitCode.UNREACHABLE
    return ExitCode.FAILURE


def _check_token(
    app: Invocation, client, namespace: str | None, report: dict, *, has_token: bool
) -> int:
    token = report["token"]
    if not has_token:
        token["works"] = False
        token["error"] = "no token found"
        return ExitCode.AUTH
    try:
        who = client.whoami()
    except Exception as exc:
        token["works"] = False
        token["error"] = str(exc)
        return _failure_code(exc)
    access = (who.raw.get("auth") or {}).get("accessToken") or {}
    token.update(works=True, user=who.name, orgs=who.orgs, role=access.get("role"))
    setting = app.setting("namespace", namespace)
    ns = namespace or (setting.value if not app.local else None) or who.name
    source = "flag" if namespace else setting.source if setting.value else "the token's user"
    check: dict[str, Any] = {"name": ns, "source": source}
    report["namespace"] = check
    allowed, reason = _may_start_jobs(who, access, ns)
    if allowed is not False:
        try:  # a real call in the namespace: listing its jobs needs the same access
            next(iter(client.jobs.list(ns)), None)
        except Exception as exc:
            allowed, reason = False, f"listing its jobs failed: {exc}"
            if _failure_code(exc) == ExitCode.UNREACHABLE:
                check.update(canStartJobs=None, reason=reason)
                return ExitCode.UNREACHABLE
    check.update(canStartJobs=allowed, reason=reason)
    return ExitCode.AUTH if allowed is False else ExitCode.OK


def _may_start_jobs(who, access: dict, ns: str) -> tuple[bool | None, str]:
    if ns != who.name and ns not in who.orgs:
        return False, f"{ns} is neither {who.name} nor one of their organisations"
    role = access.get("role")
    if role == "read":
        return False, "a read token cannot start jobs"
    if role == "fineGrained":
        grants = (access.get("fineGrained") or {}).get("scoped") or []
        for grant in grants:
            entity = grant.get("entity") or {} if isinstance(grant, dict) else {}
            if entity.get("name") == ns and "job.write" in (grant.get("permissions") or []):
                return True, "the fine-grained token grants job.write here"
        return None, "a fine-grained token: job.write in this namespace could not be confirmed"
    return True, f"a {role or 'valid'} token of {'the user' if ns == who.name else 'a member'}"


def _check_hardware(client, report: dict) -> int:
    try:
        items = client.hardware.list()
    except Exception as exc:
        report["hardware"] = {"reachable": False, "error": str(exc)}
        return _failure_code(exc) if _failure_code(exc) == ExitCode.UNREACHABLE else ExitCode.OK
    report["hardware"] = {"reachable": True, "flavors": [h.name for h in items]}
    return ExitCode.OK


def _emulator() -> dict[str, Any]:
    from hfjobs_cli.emulator import control

    try:
        info = control.status()
    except Exception as exc:  # a broken state file is worth reporting, not a crash
        return {"running": False, "error": str(exc)}
    if info is None:
        return {"running": False, "dataDir": str(control.default_data_dir())}
    return {
        "running": True,
        "url": info.url,
        "pid": info.pid,
        "jobsRunning": info.jobs_running,
        "dataDir": str(info.data_dir),
    }


def _rows(report: dict) -> list[tuple[str, str]]:
    endpoint, token = report["endpoint"], report["token"]
    rows = [
        ("Python", report["python"]),
        ("Endpoint", f"{endpoint['url']} (from {endpoint['source']})"),
    ]
    if endpoint.get("error"):
        rows.append(("", f"FAILED: {endpoint['error']}"))
    source = token["source"]
    rows.append(("Token", "none found" if source == "none" else f"from {source}"))
    if token.get("works"):
        role = f", role {token['role']}" if token.get("role") else ""
        rows.append(("", f"works: user {token['user']}{role}"))
    elif "works" in token:
        rows.append(("", f"FAILED: {token['error']}"))
    ns = report.get("namespace")
    if ns:
        verdict = {True: "may start jobs", False: "may NOT start jobs", None: "unknown"}
        rows.append(("Namespace", f"{ns['name']} (from {ns['source']})"))
        rows.append(("", f"{verdict[ns['canStartJobs']]}: {ns['reason']}"))
    hardware = report.get("hardware")
    if hardware:
        if hardware["reachable"]:
            names = hardware["flavors"]
            more = f" and {len(names) - 6} more" if len(names) > 6 else ""
            rows.append(("Hardware", f"{len(names)} flavors: {', '.join(names[:6])}{more}"))
        else:
            rows.append(("Hardware", f"FAILED: {hardware['error']}"))
    emulator = report["emulator"]
    if emulator.get("running"):
        text = f"running at {emulator['url']} (pid {emulator['pid']}, {emulator['jobsRunning']} jobs running)"
    else:
        text = "not running" + (f" ({emulator['error']})" if emulator.get("error") else "")
    rows.append(("Emulator", text))
    rows.append(("CI", CI_NAMES.get(report["ci"], "none detected")))
    rows.append(("Result", "everything needed to run jobs works" if report["ok"] else "PROBLEMS"))
    return rows


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
