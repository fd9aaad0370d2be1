"""`hfjobs webhook update` at the HTTP boundary: only the given fields are sent."""

from __future__ import annotations

import json

import pytest

from tests.commands.webhook.helpers import (
    HOOK,
    HOOKS,
    SOURCE,
    URL,
    body,
    make_webhook,
    one_error_line,
    stub_source,
    url_webhook,
)
from tests.payloads import make_job


# -- update ----------------------------------------------------------------------------------
def test_update_sends_only_the_given_fields(cli, api, logged_in):
    api.post(f"{HOOKS}/{HOOK}", json={"webhook": make_webhook(domains=["repo"])},
             match=body({"domains": ["repo"]}))  # fmt: skip
    result = cli("webhook", "update", HOOK, "--domain", "repo")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"✓ Webhook {HOOK} updated\nWatching model:alice/my-model (repo events)\n"
    )


def test_update_watch_replaces_the_list_and_secret_and_url(cli, api, logged_in):
    expected = {"watched": [{"type": "org", "name": "acme"}], "url": URL, "secret": ""}
    reply = url_webhook(watched=expected["watched"])
    api.post(f"{HOOKS}/{HOOK}", json={"webhook": reply}, match=body(expected))
    result = cli("webhook", "update", HOOK, "--watch", "org:acme", "--url", URL, "--secret", "",
                 "--json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == reply


def test_update_job_and_secrets_warns_about_the_ones_still_missing(cli, api, logged_in):
    stub_source(api, make_job(id=SOURCE, secrets=["HF_TOKEN", "KEPT", "NEW"]))
    expected = {"jobSourceId": SOURCE, "secrets": {"NEW": "v", "OLD": ""}}
    job = {**make_webhook()["job"], "secrets": ["KEPT", "NEW"]}
    api.post(f"{HOOKS}/{HOOK}", json={"webhook": make_webhook(job=job)}, match=body(expected))
    result = cli("webhook", "update", HOOK, "--job-id", SOURCE, "-s", "NEW=v", "-s", "OLD=", "-q")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{HOOK}\n"
    assert "HF_TOKEN will be missing" in result.stderr
    assert "KEPT" not in result.stderr.split("not copied:")[1]


@pytest.mark.parametrize(
    "args,message",
    [
        ([], "Nothing to update"),
        (["-s", "A=b"], "need --job-id"),
        (["--watch", "planet:x"], "Invalid --watch 'planet:x'"),
        (["--domain", "forum"], "Invalid --domain 'forum'"),
        (["--job-id", SOURCE, "--url", URL], "either --job-id or --url"),
        (["--job-id", "a/b/c"], "Invalid job id"),
    ],
)
def test_update_bad_input(cli, api, logged_in, args, message):
    result = cli("webhook", "update", HOOK, *args)
    assert result.exit_code == 2, result.output
    assert message in one_error_line(result.stderr)
    assert len(api.calls) == 0


def test_update_unknown_webhook(cli, api, logged_in):
    api.post(f"{HOOKS}/{HOOK}", status=404, json={"error": "Webhook not found"})
    result = cli("webhook", "update", HOOK, "--domain", "repo")
    assert result.exit_code == 5
    assert one_error_line(result.stderr) == f"Error: Webhook {HOOK} not found"
