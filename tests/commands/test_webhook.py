"""`hfjobs webhook ...` at the HTTP boundary: exact request bodies, every output mode."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from responses import matchers

from tests.conftest import auth_header
from tests.payloads import ENDPOINT, job_id, make_job, whoami

HOOKS = f"{ENDPOINT}/api/settings/webhooks"
JOBS = f"{ENDPOINT}/api/jobs"
SOURCE = job_id(0xA1)
HOOK = job_id(0xB1)
URL = "https://example.com/hook"
BOTH = ["repo", "discussion"]


def make_webhook(**overrides: Any) -> dict[str, Any]:
    """A job webhook as `/api/settings/webhooks` returns it (unwrapped)."""
    hook: dict[str, Any] = {
        "id": overrides.pop("id", HOOK),
        "url": None,
        "job": {
            "dockerImage": "python:3.12",
            "command": ["python", "-c", "print(1)"],
            "arguments": [],
            "environment": {},
            "secrets": [],
            "flavor": "cpu-basic",
        },
        "jobSourceId": SOURCE,
        "watched": [{"type": "model", "name": "alice/my-model"}],
        "domains": BOTH,
        "secret": None,
        "disabled": False,
    }
    hook.update(overrides)
    return hook


def url_webhook(**overrides: Any) -> dict[str, Any]:
    return make_webhook(**{"url": URL, "job": None, "jobSourceId": None, **overrides})


def body(expected: Any) -> list:
    return [auth_header(), matchers.json_params_matcher(expected)]


def no_body(request) -> tuple[bool, str]:
    return (not request.body, f"expected no body, got {request.body!r}")


def stub_source(api, job: dict[str, Any] | None = None, ns: str = "alice", whoami_too=True):
    job = job or make_job(id=SOURCE)
    if whoami_too:
        api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami())
    api.get(f"{JOBS}/{ns}/{job['id']}", json=job, match=[auth_header()])
    return job


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if not line.startswith("Hint:")]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: "), stderr
    return lines[0]


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


def _reset(request):
    import requests

    raise requests.exceptions.ConnectionError("Connection aborted: reset by peer")


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


# -- ls --------------------------------------------------------------------------------------
def test_ls_table(cli, api, logged_in):
    hooks = [
        make_webhook(
            watched=[{"type": "model", "name": "alice/m"}, {"type": "user", "name": "bob"}]
        ),
        url_webhook(id=job_id(0xB2), domains=["repo"], disabled=True, secret="s3"),
    ]
    api.get(HOOKS, json=hooks, match=[auth_header()])
    result = cli("webhook", "ls")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "ID\tTARGET\tWATCHED\tDOMAINS\tENABLED",
        f"{HOOK}\tjob {SOURCE}\tmodel:alice/m, user:bob\trepo, discussion\tyes",
        f"{job_id(0xB2)}\t{URL}\tmodel:alice/my-model\trepo\tno",
    ]


def test_ls_job_webhook_without_source_id_shows_the_image(cli, api, logged_in):
    api.get(HOOKS, json=[make_webhook(jobSourceId=None)])
    result = cli("webhook", "list")
    assert result.stdout.splitlines()[1].split("\t")[1] == "job (python:3.12)"


def test_ls_json_and_quiet(cli, api, logged_in):
    hooks = [make_webhook(secret="s3cr3t"), url_webhook(id=job_id(0xB2))]
    api.get(HOOKS, json=hooks)
    result = cli("webhook", "ls", "--json")
    assert json.loads(result.stdout) == [{**hooks[0], "secret": "***"}, hooks[1]]
    assert "s3cr3t" not in result.stdout
    api.get(HOOKS, json=hooks)
    assert cli("webhook", "ls", "-q").stdout == f"{HOOK}\n{job_id(0xB2)}\n"


def test_ls_empty(cli, api, logged_in):
    api.get(HOOKS, json=[])
    result = cli("webhook", "ls")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No webhooks" in result.stderr
    api.get(HOOKS, json=[])
    assert cli("webhook", "ls", "--json").stdout == "[]\n"
    api.get(HOOKS, json=[])
    assert cli("webhook", "ls", "-q").stdout == ""


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


# -- enable / disable ------------------------------------------------------------------------
@pytest.mark.parametrize("verb,disabled", [("enable", False), ("disable", True)])
def test_enable_and_disable(cli, api, logged_in, verb, disabled):
    hook = make_webhook(disabled=disabled)
    for _ in range(3):
        api.post(f"{HOOKS}/{HOOK}/{verb}", json={"webhook": hook}, match=[auth_header(), no_body])
    result = cli("webhook", verb, HOOK)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"✓ Webhook {HOOK} {verb}d\n"
    assert cli("webhook", verb, HOOK, "-q").stdout == f"{HOOK}\n"
    assert json.loads(cli("webhook", verb, HOOK, "--json").stdout)["disabled"] is disabled


def test_enable_accepts_an_unwrapped_answer_and_reports_unknown_ids(cli, api, logged_in):
    api.post(f"{HOOKS}/{HOOK}/enable", json=make_webhook())
    assert cli("webhook", "enable", HOOK).exit_code == 0
    api.post(f"{HOOKS}/{HOOK}/disable", status=404, json={"error": "Webhook not found"})
    result = cli("webhook", "disable", HOOK)
    assert result.exit_code == 5
    assert f"Webhook {HOOK} not found" in result.stderr


# -- delete ----------------------------------------------------------------------------------
def test_delete_with_yes(cli, api, logged_in):
    api.delete(f"{HOOKS}/{HOOK}", body=b"", match=[auth_header()])
    result = cli("webhook", "delete", "-y", HOOK)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"✓ Webhook {HOOK} deleted\n"
    api.delete(f"{HOOKS}/{HOOK}", json={})
    assert cli("webhook", "delete", "--yes", "-q", HOOK).stdout == f"{HOOK}\n"


def test_delete_refuses_without_yes_off_a_terminal(cli, api, logged_in):
    result = cli("webhook", "delete", HOOK, input="y\n")
    assert result.exit_code == 2
    assert one_error_line(result.stderr) == "Error: Refusing to delete without confirmation"
    assert "Hint: Pass -y/--yes" in result.stderr
    assert len(api.calls) == 0


def test_delete_asks_on_a_terminal(cli, api, logged_in, monkeypatch):
    monkeypatch.setattr("hfjobs_cli.invocation.stdin_is_terminal", lambda: True)
    api.get(f"{HOOKS}/{HOOK}", json={"webhook": make_webhook()})
    api.delete(f"{HOOKS}/{HOOK}", body=b"")
    result = cli("webhook", "delete", HOOK, input="y\n")
    assert result.exit_code == 0, result.stderr
    assert f"Delete webhook {HOOK} (watching model:alice/my-model)?" in result.stderr
    # CliRunner echoes the typed answer on stdout; a terminal would show it itself.
    assert result.stdout.splitlines()[-1] == f"✓ Webhook {HOOK} deleted"


def test_delete_declined_deletes_nothing(cli, api, logged_in, monkeypatch):
    monkeypatch.setattr("hfjobs_cli.invocation.stdin_is_terminal", lambda: True)
    api.get(f"{HOOKS}/{HOOK}", json={"webhook": make_webhook()})
    result = cli("webhook", "delete", HOOK, input="n\n")
    assert result.exit_code == 1
    assert "Nothing deleted" in result.stderr
    assert "Webhook" not in result.stdout
    assert [call.request.method for call in api.calls] == ["GET"]


def test_delete_unknown_webhook(cli, api, logged_in):
    api.delete(f"{HOOKS}/{HOOK}", status=404, json={"error": "Webhook not found"})
    result = cli("webhook", "delete", "-y", HOOK)
    assert result.exit_code == 5
    assert one_error_line(result.stderr) == f"Error: Webhook {HOOK} not found"


def test_delete_takes_several_ids_like_the_other_deletes(cli, api, logged_in):
    """An unknown id is reported (exit 5) and the others are still deleted."""
    other, missing = job_id(0xB2), job_id(0xB3)
    api.delete(f"{HOOKS}/{HOOK}", body=b"")
    api.delete(f"{HOOKS}/{missing}", status=404, json={"error": "Webhook not found"})
    api.delete(f"{HOOKS}/{other}", body=b"")
    result = cli("webhook", "delete", "-y", HOOK, missing, other)
    assert result.exit_code == 5
    assert result.stdout == f"✓ Webhook {HOOK} deleted\n✓ Webhook {other} deleted\n"
    assert f"Error: Webhook {missing} not found" in result.stderr
    assert "Hint: List your webhooks: hfjobs webhook ls" in result.stderr


def test_delete_of_several_asks_once_naming_them(cli, api, logged_in, monkeypatch):
    monkeypatch.setattr("hfjobs_cli.invocation.stdin_is_terminal", lambda: True)
    other = job_id(0xB2)
    api.delete(f"{HOOKS}/{HOOK}", body=b"")
    api.delete(f"{HOOKS}/{other}", body=b"")
    result = cli("webhook", "delete", HOOK, other, input="y\n")
    assert result.exit_code == 0
    assert f"Delete 2 webhooks ({HOOK}, {other})?" in result.output


def test_not_logged_in_exits_4_before_sending(cli, api):
    result = cli("webhook", "ls")
    assert result.exit_code == 4
    assert "Not logged in" in result.stderr


def test_every_subcommand_has_help_with_an_example(cli):
    for verb in ("create", "ls", "list", "inspect", "update", "enable", "disable", "delete"):
        result = cli("webhook", verb, "--help")
        assert result.exit_code == 0, verb
        assert "Example" in result.stdout, verb
