"""`hfjobs webhook inspect` at the HTTP boundary: the panel and --json, secret values never shown."""

from __future__ import annotations

import json
import re

from tests.commands.webhook.helpers import (
    HOOK,
    HOOKS,
    SOURCE,
    make_webhook,
    one_error_line,
    url_webhook,
)
from tests.conftest import auth_header


# -- inspect ---------------------------------------------------------------------------------
def test_inspect_panel_shows_secret_names_never_values(cli, api, logged_in):
    job = {**make_webhook()["job"], "secrets": ["HF_TOKEN"], "environment": {"MODE": "fast"}}
    hook = make_webhook(job=job, secret="s3cr3t", createdAt="2025-07-22T16:06:25.079Z")
    api.get(f"{HOOKS}/{HOOK}", json={"webhook": hook}, match=[auth_header()])
    result = cli("webhook", "inspect", HOOK)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Webhook {HOOK}"
    fields = dict(re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in lines[1:])
    assert fields["Status"] == "enabled"
    assert fields["Target"] == f"job {SOURCE}"
    assert fields["Watching"] == "model:alice/my-model"
    assert fields["Domains"] == "repo, discussion"
    assert fields["Webhook secret"] == "***"
    assert fields["Secrets"] == "HF_TOKEN"
    assert fields["Image"] == "python:3.12"
    assert fields["Env"] == "MODE=fast"
    assert fields["Created"] == "2025-07-22T16:06:25Z"
    assert "s3cr3t" not in result.output


def test_inspect_json_is_the_unwrapped_object_with_the_secret_masked(cli, api, logged_in):
    hook = url_webhook(secret="s3cr3t", disabled=True)
    api.get(f"{HOOKS}/{HOOK}", json={"webhook": hook})
    result = cli("webhook", "inspect", "--json", HOOK)
    assert json.loads(result.stdout) == {**hook, "secret": "***"}


def test_inspect_unknown_and_malformed_ids(cli, api, logged_in):
    api.get(f"{HOOKS}/{HOOK}", status=404, json={"error": "Webhook not found"})
    result = cli("webhook", "inspect", HOOK)
    assert result.exit_code == 5
    assert one_error_line(result.stderr) == f"Error: Webhook {HOOK} not found"
    result = cli("webhook", "inspect", f"alice/{HOOK}")
    assert result.exit_code == 2
    assert "webhooks belong to your user" in one_error_line(result.stderr)
