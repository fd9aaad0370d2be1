"""`hfjobs webhook create` at the HTTP boundary: the exact body sent, lost answers, secrets, bad input."""

from __future__ import annotations

import json

import pytest

from tests.commands.webhook.helpers import (
    BOTH,
    HOOK,
    HOOKS,
    JOBS,
    SOURCE,
    URL,
    body,
    make_webhook,
    one_error_line,
    stub_source,
    url_webhook,
)
from tests.payloads import job_id, make_job


def _reset(request):
    import requests

    raise requests.exceptions.ConnectionError("Connection aborted: reset by peer")


# -- create ----------------------------------------------------------------------------------
def test_create_from_a_job_sends_the_source_and_both_domains(cli, api, logged_in):
    stub_source(api)
    expected = {
        "watched": [{"type": "model", "name": "alice/my-model"}, {"type": "user", "name": "bob"}],
        "domains": BOTH,
        "jobSourceId": SOURCE,
    }
    hook = make_webhook(watched=expected["watched"])
    api.post(HOOKS, json={"webhook": hook}, match=body(expected))
    result = cli("webhook", "create", "--watch", "model:alice/my-model", "--watch", "user:bob",
                 "--job-id", SOURCE)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"✓ Webhook {HOOK} created\n"
        "Watching model:alice/my-model, user:bob (repo, discussion events)\n"
    )
    assert "Warning" not in result.stderr
    assert f"Every event starts a copy of job {SOURCE}" in result.stderr


def test_create_whose_answer_was_lost_finds_the_new_webhook_and_sends_nothing_again(
    cli, api, logged_in
):
    """Webhooks have no labels: after a reset, the one with the same source job, watch list
    and domains, created since the call began, is the result. One POST."""
    import time

    stub_source(api)
    api.add_callback("POST", HOOKS, callback=_reset)
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    older = make_webhook(id=job_id(0xB0), createdAt="2020-01-01T00:00:00.000Z")
    other = make_webhook(id=job_id(0xB2), createdAt=now, watched=[{"type": "user", "name": "x"}])
    api.get(HOOKS, json=[older, other, make_webhook(createdAt=now)])
    result = cli("webhook", "create", "-q", "--watch", "model:alice/my-model", "--job-id", SOURCE)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{HOOK}\n"
    assert sum(1 for c in api.calls if c.request.method == "POST") == 1


def test_create_whose_outcome_cannot_be_known_exits_6_with_the_command_to_check(
    cli, api, logged_in
):
    stub_source(api)
    api.add_callback("POST", HOOKS, callback=_reset)
    api.get(HOOKS, json=[make_webhook(createdAt="2020-01-01T00:00:00.000Z")])
    result = cli("webhook", "create", "--watch", "model:alice/my-model", "--job-id", SOURCE)
    assert result.exit_code == 6, result.stderr
    assert "The webhook may have been created" in result.stderr
    assert "`hfjobs webhook ls`" in result.stderr
    assert "ps -a" not in result.stderr  # the hint fits the operation
    assert sum(1 for c in api.calls if c.request.method == "POST") == 1


def test_create_with_namespace_id_domain_secret_and_secrets(
    cli, api, logged_in, tmp_path, monkeypatch
):
    monkeypatch.setenv("API_KEY", "key-from-env")
    secrets_file = tmp_path / "secrets.env"
    secrets_file.write_text("DB_PASSWORD=pw-from-file\n")
    secrets_file.chmod(0o600)
    source = make_job(id=SOURCE, secrets=["API_KEY", "DB_PASSWORD"])
    stub_source(api, source, ns="acme", whoami_too=False)
    expected = {
        "watched": [
            {"type": "dataset", "name": "acme/data"},
            {"type": "bucket", "name": "acme/in"},
        ],
        "domains": ["repo"],
        "jobSourceId": SOURCE,
        "secret": "sign-me",
        "secrets": {"API_KEY": "key-from-env", "DB_PASSWORD": "pw-from-file"},
    }
    reply = make_webhook(watched=expected["watched"], domains=["repo"], secret="sign-me",
                         job={**make_webhook()["job"], "secrets": ["API_KEY", "DB_PASSWORD"]})  # fmt: skip
    api.post(HOOKS, json={"webhook": reply}, match=body(expected))
    result = cli("webhook", "create", "--watch", "dataset:acme/data", "--watch", "BUCKET:acme/in",
                 "--watch", "dataset:acme/data", "--domain", "repo", "--job-id", f"acme/{SOURCE}",
                 "--secret", "sign-me", "-s", "API_KEY", "--secrets-file", str(secrets_file),
                 "--json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown == {**reply, "secret": "***"}
    for value in ("sign-me", "key-from-env", "pw-from-file"):
        assert value not in result.output
    assert "Warning" not in result.stderr


def test_create_names_the_source_secrets_that_will_be_missing(cli, api, logged_in):
    stub_source(api, make_job(id=SOURCE, secrets=["HF_TOKEN", "WANDB_API_KEY"]))
    expected = {
        "watched": [{"type": "org", "name": "acme"}],
        "domains": BOTH,
        "jobSourceId": SOURCE,
        "secrets": {"WANDB_API_KEY": "wandb-value"},
    }
    api.post(HOOKS, json={"webhook": make_webhook()}, match=body(expected))
    result = cli("webhook", "create", "--watch", "org:acme", "--job-id", SOURCE,
                 "-s", "WANDB_API_KEY=wandb-value")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "shell history" in result.stderr  # the inline value warning of `run`
    assert (
        "Warning: The source job's secrets are not copied: HF_TOKEN will be missing from the "
        "jobs this webhook starts; pass them again with -s HF_TOKEN"
    ) in result.stderr
    assert f"Hint: hfjobs webhook update {HOOK} --job-id {SOURCE} -s HF_TOKEN" in result.stderr
    assert "wandb-value" not in result.output


def test_create_quiet_prints_the_id_and_still_warns(cli, api, logged_in):
    stub_source(api, make_job(id=SOURCE, secrets=["HF_TOKEN"]))
    expected = {"watched": [{"type": "space", "name": "alice/demo"}], "domains": BOTH,
                "jobSourceId": SOURCE}  # fmt: skip
    api.post(HOOKS, json={"webhook": make_webhook()}, match=body(expected))
    result = cli("webhook", "create", "--watch", "space:alice/demo", "--job-id", SOURCE, "-q")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{HOOK}\n"
    assert "HF_TOKEN will be missing" in result.stderr
    assert "Hint" not in result.stderr


def test_create_url_webhook(cli, api, logged_in):
    expected = {"watched": [{"type": "model", "name": "gpt2"}], "domains": ["discussion"],
                "url": URL, "secret": "s3"}  # fmt: skip
    reply = url_webhook(watched=expected["watched"], domains=["discussion"], secret="s3")
    api.post(HOOKS, json={"webhook": reply}, match=body(expected))
    result = cli("webhook", "create", "--watch", "model:gpt2", "--url", URL,
                 "--domain", "discussion", "--secret", "s3")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (f"✓ Webhook {HOOK} created\nWatching model:gpt2 (discussion events)\n")
    assert result.stderr == ""


def test_create_source_job_not_found_sends_nothing_else(cli, api, logged_in):
    api.get(f"{JOBS}/acme/{SOURCE}", status=404, json={"error": "Job not found"})
    result = cli("webhook", "create", "--watch", "org:acme", "--job-id", SOURCE,
                 "--namespace", "acme")  # fmt: skip
    assert result.exit_code == 5
    assert one_error_line(result.stderr) == f"Error: Job acme/{SOURCE} not found"
    assert result.stdout == ""


def test_create_refused_by_the_server_exits_2(cli, api, logged_in):
    api.post(HOOKS, status=400, json={"error": "Invalid watched item"})
    result = cli("webhook", "create", "--watch", "user:nobody", "--url", URL)
    assert result.exit_code == 2
    assert "Invalid watched item" in one_error_line(result.stderr)


@pytest.mark.parametrize(
    "args,message",
    [
        ([], "Missing --watch"),
        (["--watch", "model", "--job-id", SOURCE], "Invalid --watch 'model': expected TYPE:NAME"),
        (["--watch", "planet:x", "--url", URL], "Invalid --watch 'planet:x': TYPE is one of"),
        (["--watch", "model:", "--url", URL], "the name after ':' is empty"),
        (["--watch", "user:alice/x", "--url", URL], "expected user:NAME"),
        (["--watch", "model:a/b/c", "--url", URL], "expected model:OWNER/NAME"),
        (["--watch", "org:acme", "--job-id", SOURCE, "--url", URL], "either --job-id or --url"),
        (["--watch", "org:acme"], "Missing --job-id or --url"),
        (["--watch", "org:acme", "--job-id", SOURCE, "--domain", "forum"], "Invalid --domain 'forum'"),
        (["--watch", "org:acme", "--job-id", "a/b/c"], "Invalid job id 'a/b/c'"),
        (["--watch", "org:acme", "--job-id", "bad id!"], "Invalid job id 'bad id!'"),
        (["--watch", "org:acme", "--job-id", SOURCE, "--secrets-file", "/nonexistent/s.env"],
         "--secrets-file /nonexistent/s.env: no such file"),
        (["--watch", "org:acme", "--job-id", SOURCE, "-s", "NOT_SET_ANYWHERE"],
         "NOT_SET_ANYWHERE is not set"),
        (["--watch", "org:acme", "--url", URL, "-s", "A=b"], "need --job-id"),
        (["--watch", "org:acme", "--url", "ftp://example.com"], "Invalid --url"),
        (["--watch", "org:acme", "--url", URL, "--namespace", "acme"], "--namespace applies to --job-id"),
        (["--watch", "org:acme", "--url", URL, "--json", "-q"], "either --json or -q"),
    ],
)  # fmt: skip
def test_create_bad_input_is_one_line_exit_2_nothing_sent(cli, api, logged_in, args, message):
    result = cli("webhook", "create", *args)
    assert result.exit_code == 2, result.output
    assert message in one_error_line(result.stderr)
    assert result.stdout == ""
    assert len(api.calls) == 0


def test_create_unreadable_secrets_file(cli, api, logged_in, tmp_path):
    result = cli("webhook", "create", "--watch", "org:acme", "--job-id", SOURCE,
                 "--secrets-file", str(tmp_path))  # fmt: skip
    assert result.exit_code == 2
    assert "is a directory" in one_error_line(result.stderr)
    assert len(api.calls) == 0
