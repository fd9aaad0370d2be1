"""Tab completion: job, scheduled-job and webhook ids, namespaces and flavors; the words of a
Tab press as each shell passes them, and the shells' completion scripts.

Completion runs on every Tab press, so it is fast and quiet: candidates come from a cache in
`platformdirs.user_cache_dir("hfjobs")`; a stale cache is served at once and refreshed by a
detached background process; a missing one is fetched within about a second with no retries.
Nothing is printed but candidates, nothing prompts, and without a token nothing is offered.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hfjobs_cli.api.models import Webhook

from hfjobs_cli.fast import COMPLETE_VAR

TTL = 60.0  # seconds before a cache is refreshed in the background
BUDGET = (0.5, 1.0)  # connect and read timeouts of a synchronous fetch
KINDS = ("jobs", "scheduled", "webhooks", "whoami", "hardware")

FALLBACK_FLAVORS = (
    "cpu-basic", "cpu-upgrade", "cpu-performance", "cpu-xl", "t4-small", "t4-medium", "l4x1",
    "l4x4", "l40sx1", "l40sx4", "l40sx8", "a10g-small", "a10g-large", "a10g-largex2",
    "a10g-largex4", "a100-large", "a100x4", "a100x8", "h200", "h200x2", "h200x4", "h200x8",
    "rtx-pro-6000", "rtx-pro-6000x2", "rtx-pro-6000x4", "rtx-pro-6000x8",
)  # fmt: skip


def _target(params: dict[str, Any]) -> tuple[str, str | None, str] | None:
    """(endpoint, token, namespace-or-empty) for the command being completed, without network.

    Under --local (or HFJOBS_LOCAL=1, or the `local` profile) that is the running emulator and
    its own token; a Tab press never starts one. A profile brings its endpoint and token.
    """
    from hfjobs_cli import config

    local, profile = _mode(params)
    if local:
        from hfjobs_cli.emulator import control

        info = control.status()
        if info is None:
            return None
        return info.url, info.token, params.get("namespace") or ""
    from hfjobs_cli.invocation import Invocation

    app = Invocation(profile=profile)
    if not config.config_path().exists():
        app._config = {}
    token = app.token_info(params.get("token")).token
    if not token:
        return None
    endpoint = config.endpoint_from(app.setting("endpoint").value)
    namespace = params.get("namespace") or app.setting("namespace").value
    return endpoint, token, namespace or ""


def _mode(params: dict[str, Any]) -> tuple[bool, str | None]:
    """(local, profile) from the command line being completed, else the environment."""
    from hfjobs_cli import config

    local = bool(params.get("local")) or config.is_truthy(os.environ.get("HFJOBS_LOCAL"))
    profile = params.get("profile") or os.environ.get("HFJOBS_PROFILE") or None
    if profile == config.LOCAL_PROFILE:
        local = True
    if profile == config.DEFAULT_PROFILE or local:
        profile = None
    return local, profile


def cache_path(kind: str, endpoint: str, namespace: str) -> Path:
    from hfjobs_cli.config import cache_dir

    digest = hashlib.sha256(f"{endpoint}\0{namespace}".encode()).hexdigest()[:16]
    return cache_dir() / f"complete-{kind}-{digest}.json"


def read_cache(path: Path) -> tuple[list[Any] | None, float]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data["items"], time.time() - float(data["at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None, float("inf")


def write_cache(path: Path, items: list[Any]) -> None:
    from hfjobs_cli.config import write_private_file

    write_private_file(path, json.dumps({"at": time.time(), "items": items}))


def forget(kind: str) -> None:
    """Drop the cached candidates of one kind: the CLI has just created one (a new job...)."""
    from hfjobs_cli.config import cache_dir

    try:
        for path in cache_dir().glob(f"complete-{kind}-*.json"):
            path.unlink(missing_ok=True)
    except OSError:
        pass


def fetch(kind: str, endpoint: str, token: str, namespace: str) -> list[Any]:
    """Candidates from the API, bounded in time: one attempt, short timeouts."""
    from hfjobs_cli.api.client import JobsClient
    from hfjobs_cli.api.http import RetryPolicy, Transport
    from hfjobs_cli.invocation import user_agent

    transport = Transport(
        endpoint, token, user_agent=user_agent(), timeout=BUDGET, retry=RetryPolicy(attempts=1)
    )
    client = JobsClient(transport)
    if kind == "whoami":
        me = client.whoami()
        return [[me.name, "you"]] + [[org, "organisation"] for org in me.orgs]
    if kind == "hardware":
        return [[f.name, f.pretty_name or ""] for f in client.hardware.list()]
    if kind == "webhooks":
        return [[w.id, _webhook_help(w)] for w in client.webhooks.list()]
    ns = namespace or client.namespace()
    if kind == "scheduled":
        return [[s.id, f"{s.name or ''} {s.schedule}".strip()] for s in client.scheduled.list(ns)]
    items = []
    for job in client.jobs.list(ns):
        items.append([job.id, f"{job.name or job.spec.image} ({job.stage.lower()})"])
        if len(items) >= 50:
            break
    return items


def _webhook_help(webhook: Webhook) -> str:
    watched = ", ".join(str(item) for item in webhook.watched)
    return watched or "webhook"


def _refresh_in_background(kind: str, namespace: str, params: dict[str, Any]) -> None:
    local, profile = _mode(params)
    env = dict(os.environ)
    env.pop("HFJOBS_LOCAL", None)
    env.pop("HFJOBS_PROFILE", None)
    if local:
        env["HFJOBS_LOCAL"] = "1"
    elif profile:
        env["HFJOBS_PROFILE"] = profile
    try:
        subprocess.Popen(
            [sys.executable, "-m", "hfjobs_cli.completion", kind, namespace],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    except OSError:
        pass


def candidates(kind: str, params: dict[str, Any], *, background: bool = True) -> list[Any]:
    """Cached candidates of one kind; never raises, never prints."""
    try:
        target = _target(params)
        if target is None:
            return []
        endpoint, token, namespace = target
        path = cache_path(kind, endpoint, namespace)
        items, age = read_cache(path)
        if items is not None:
            if age > TTL and background:
                _refresh_in_background(kind, namespace, params)
            return items
        items = fetch(kind, endpoint, token or "", namespace)
        write_cache(path, items)
        return items
    except Exception:  # completion must never break the shell
        return []


def _filter(items: list[Any], incomplete: str, prefix: str = "") -> list[tuple[str, str]]:
    out = []
    for value, help_text in items:
        full = f"{prefix}{value}"
        if full.startswith(incomplete):
            out.append((full, help_text))
    return out


def _params(ctx: Any) -> dict[str, Any]:
    """The completed command's parameters, with the root's --local and --profile."""
    params = dict(getattr(ctx, "params", None) or {})
    try:
        root = ctx.find_root().params or {}
    except AttributeError:
        root = {}
    for key in ("local", "profile"):
        if root.get(key) and not params.get(key):
            params[key] = root[key]
    return params


def complete_job_id(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    params = _params(ctx)
    prefix = ""
    if "/" in incomplete:
        prefix = incomplete.split("/", 1)[0] + "/"
        params["namespace"] = prefix[:-1]
    return _filter(candidates("jobs", params), incomplete, prefix)


def complete_scheduled_id(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    return _filter(candidates("scheduled", _params(ctx)), incomplete)


def complete_webhook_id(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    params = _params(ctx)
    params.pop("namespace", None)
    return _filter(candidates("webhooks", params), incomplete)


def complete_namespace(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    params = _params(ctx)
    params.pop("namespace", None)
    return _filter(candidates("whoami", params), incomplete)


def complete_flavor(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    params = _params(ctx)
    params.pop("namespace", None)
    items = candidates("hardware", params) or [[f, ""] for f in FALLBACK_FLAVORS]
    return _filter(items, incomplete)


# -- the shell side: the words of a Tab press, the scripts ------------------------------


def _split(line: str) -> list[str]:
    """Words of a command line as the shell would split them (an open quote ends the last)."""
    import shlex

    lexer = shlex.shlex(line, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    words: list[str] = []
    try:
        words.extend(lexer)
    except ValueError:  # an unclosed quote: the word being typed
        words.append(lexer.token)
    return words


def typed_words() -> list[str]:
    """The words before the one being completed on a Tab press, read as each shell passes them.

    bash gives the words and the index of the current one; PowerShell gives the whole command
    (its text has no trailing space) and, apart, the word under the cursor; zsh
    (`${words[1,$CURRENT]}`) and fish (`commandline -cp`) give the line up to the cursor, so
    there a trailing space means that a new, empty word is being completed.
    """
    shell = os.environ.get(COMPLETE_VAR, "").partition("_")[2]  # complete_zsh -> zsh
    if shell == "bash":
        words = _split(os.environ.get("COMP_WORDS", ""))
        try:
            cword = int(os.environ.get("COMP_CWORD", len(words)))
        except ValueError:
            cword = len(words)
        return words[1:cword]
    line = os.environ.get("_TYPER_COMPLETE_ARGS", "")
    words = _split(line)[1:]
    if shell in ("powershell", "pwsh"):
        current = os.environ.get("_TYPER_COMPLETE_WORD_TO_COMPLETE", "")
        return words[:-1] if current and words else words
    if words and not line.endswith(" "):
        return words[:-1]
    return words


def enable_shells() -> None:
    """Register typer's shell classes, only on a Tab press (add_completion=False skips it)."""
    import typer.completion

    typer.completion.completion_init()


def completion_script(shell: str) -> str:
    """The completion script of a shell, as `hfjobs completion SHELL` prints it."""
    import typer.completion

    enable_shells()
    script = typer.completion.get_completion_script(
        prog_name="hfjobs", complete_var=COMPLETE_VAR, shell=shell
    )
    # zsh reads `#compdef` only on the first line of a file on $fpath.
    return script.lstrip() if shell == "zsh" else script


def _main(argv: list[str]) -> int:
    """`python -m hfjobs_cli.completion KIND [NAMESPACE]`: refresh one cache (background use)."""
    if not argv or argv[0] not in KINDS:
        return 2
    try:
        target = _target({"namespace": argv[1] if len(argv) > 1 else None})  # mode from env
        if target is None:
            return 0
        endpoint, token, namespace = target
        write_cache(
            cache_path(argv[0], endpoint, namespace),
            fetch(argv[0], endpoint, token or "", namespace),
        )
    except Exception:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
