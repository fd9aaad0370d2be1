"""`hfjobs webhook delete` at the HTTP boundary: --yes, the question, several ids, unknown ids."""

from __future__ import annotations

from tests.commands.webhook.helpers import HOOK, HOOKS, make_webhook, one_error_line
from tests.conftest import auth_header
from tests.payloads import job_id


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
