"""`hfjobs webhook ls` at the HTTP boundary: the table and output modes."""

from __future__ import annotations

import json

from tests.commands.webhook.helpers import HOOK, HOOKS, SOURCE, URL, make_webhook, url_webhook
from tests.conftest import auth_header
from tests.payloads import job_id


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


def test_not_logged_in_exits_4_before_sending(cli, api):
    result = cli("webhook", "ls")
    assert result.exit_code == 4
    assert "Not logged in" in result.stderr
