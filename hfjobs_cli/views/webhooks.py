"""Webhooks: `webhook ls|inspect` and the changes' results (no I/O, no rich).

Their JSON is the API's object with every secret value masked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hfjobs_cli.output import Column, View
from hfjobs_cli.views.format import iso
from hfjobs_cli.views.jobs import spec_fields

if TYPE_CHECKING:
    from hfjobs_cli.api.models import Webhook


def target_text(hook: Webhook) -> str:
    """`job <source id>` for a job webhook, else its URL."""
    if hook.url:
        return hook.url
    if hook.job_source_id:
        return f"job {hook.job_source_id}"
    if hook.job is not None:
        return f"job ({hook.job.image or 'unknown image'})"
    return "--"


def watched_text(hook: Webhook) -> str:
    return ", ".join(str(item) for item in hook.watched) or "--"


def domains_text(hook: Webhook) -> str:
    return ", ".join(hook.domains) or "--"


def webhook_fields(hook: Webhook) -> list[tuple[str, str]]:
    """The inspect panel: secret names only, the signing secret as `***`."""
    fields = [
        ("Status", "enabled" if hook.enabled else "disabled"),
        ("Target", target_text(hook)),
        ("Watching", watched_text(hook)),
        ("Domains", domains_text(hook)),
        ("Webhook secret", "***" if hook.has_secret else "--"),
    ]
    if hook.job is not None:
        fields += spec_fields(hook.job)
    if hook.created_at:
        fields.append(("Created", iso(hook.created_at)))
    if hook.updated_at:
        fields.append(("Updated", iso(hook.updated_at)))
    return fields


def _masked(hook: Webhook) -> dict[str, Any]:
    from hfjobs_cli.api.models import masked

    return masked(hook.raw)


WEBHOOKS = View(
    columns=(
        Column("ID", lambda hook: hook.id),
        Column("TARGET", target_text, priority=3, flexible=True),
        Column("WATCHED", watched_text, priority=3, flexible=True),
        Column("DOMAINS", domains_text, priority=5, flexible=True),
        Column(
            "ENABLED",
            lambda hook: "yes" if hook.enabled else "no",
            style=lambda hook: "green" if hook.enabled else "yellow",
            priority=1,
        ),
    ),
    data=_masked,
    title=lambda hook: f"Webhook {hook.id}",
    fields=webhook_fields,
)

# A webhook acted on by its id alone (`webhook delete`: the server answers nothing).
WEBHOOK_ID = View(ident=lambda ident: ident, data=lambda ident: {"id": ident})
