"""What the webhook commands share: options and parsers (before anything is sent); what they
show is in `hfjobs_cli.views.webhooks`."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

import typer

from hfjobs_cli import completion
from hfjobs_cli.api import webhooks as api
from hfjobs_cli.api.errors import NotFoundError
from hfjobs_cli.errors import CliError, ExitCode, UsageError
from hfjobs_cli.hints import command
from hfjobs_cli.views.webhooks import WEBHOOKS, domains_text, watched_text

if TYPE_CHECKING:
    from hfjobs_cli.api.models import Webhook
    from hfjobs_cli.output import Output

WebhookIdArg = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help="Webhook id (see `hfjobs webhook ls`).",
        autocompletion=completion.complete_webhook_id,
        show_default=False,
    ),
]

WebhookIdsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="ID...",
        help="Webhook ids (see `hfjobs webhook ls`).",
        autocompletion=completion.complete_webhook_id,
        show_default=False,
    ),
]

_PLAIN_ID = re.compile(r"^[A-Za-z0-9_.-]+$")
_WATCH_NAME = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)?$")
_URL = re.compile(r"^https?://[^\s/]+\S*$")


# -- parsing ---------------------------------------------------------------------------
def parse_watch(text: str) -> dict[str, str]:
    """`TYPE:NAME`, split at the first `:`, as the API's `{"type", "name"}`."""
    kind, sep, name = text.partition(":")
    kind = kind.strip().lower()
    if not sep:
        raise UsageError(
            f"Invalid --watch '{text}': expected TYPE:NAME (for example model:alice/my-model)"
        )
    if kind not in api.WATCH_TYPES:
        raise UsageError(f"Invalid --watch '{text}': TYPE is one of {', '.join(api.WATCH_TYPES)}")
    if not name:
        raise UsageError(f"Invalid --watch '{text}': the name after ':' is empty")
    if kind in ("user", "org"):
        if not _PLAIN_ID.match(name):
            raise UsageError(f"Invalid --watch '{text}': expected {kind}:NAME, without '/'")
    elif not _WATCH_NAME.match(name):
        raise UsageError(f"Invalid --watch '{text}': expected {kind}:OWNER/NAME")
    return {"type": kind, "name": name}


def parse_watched(items: list[str]) -> list[dict[str, str]]:
    """Every `--watch`, in order, without duplicates."""
    watched: list[dict[str, str]] = []
    for item in items:
        parsed = parse_watch(item)
        if parsed not in watched:
            watched.append(parsed)
    return watched


def parse_domains(items: list[str] | None) -> list[str] | None:
    """`--domain repo --domain discussion` (or `repo,discussion`); None when not given."""
    if not items:
        return None
    domains: list[str] = []
    for item in items:
        for part in item.split(","):
            domain = part.strip().lower()
            if domain not in api.DOMAINS:
                raise UsageError(f"Invalid --domain '{part}': use repo or discussion")
            if domain not in domains:
                domains.append(domain)
    return domains


def check_webhook_id(text: str) -> str:
    """A plain id: webhooks belong to the token's user, so there is no NAMESPACE/ID form."""
    ident = text.strip()
    if "/" in ident:
        raise UsageError(
            f"Invalid webhook id '{text}': webhooks belong to your user, give the plain ID",
            hint=f"List them: {command('webhook', 'ls')}",
        )
    if not _PLAIN_ID.match(ident):
        raise UsageError(f"Invalid webhook id '{text}': unexpected characters")
    return ident


def check_url(url: str) -> str:
    if not _URL.match(url):
        raise UsageError(f"Invalid --url '{url}': expected an http:// or https:// URL")
    return url


# -- errors --------------------------------------------------------------------------------
@contextlib.contextmanager
def webhook_errors(ident: str) -> Iterator[None]:
    """A 404 from a webhook route as `Webhook <id> not found` (exit 5)."""
    try:
        yield
    except NotFoundError:
        raise CliError(
            f"Webhook {ident} not found",
            hint=f"List your webhooks: {command('webhook', 'ls')}",
            code=ExitCode.NOT_FOUND,
        ) from None


def show_changed(out: Output, hook: Webhook, verb: str, *, summary: bool = False) -> None:
    """`✓ Webhook <id> <verb>` (and what it watches), the id with -q, the object with --json."""

    def watching(hook: Webhook) -> None:
        out.line(f"Watching {watched_text(hook)} ({domains_text(hook)} events)")

    out.change(
        WEBHOOKS, hook, lambda hook: f"Webhook {hook.id} {verb}", then=watching if summary else None
    )
