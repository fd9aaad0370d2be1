"""`hfjobs schedule delete` at the HTTP boundary: deletes scheduled jobs: --yes, the question, unknown ids."""

from __future__ import annotations

import json

from tests.commands.schedule.helpers import SJ
from tests.conftest import auth_header
from tests.payloads import job_id


def test_delete_without_terminal_hints_at_yes(cli, api, logged_in):
    result = cli("schedule", "delete", "abc")
    assert result.stderr.splitlines() == [
        "Error: Refusing to delete without confirmation",
        "Hint: Pass -y/--yes",
    ]


# -- delete, suspend, resume -----------------------------------------------------------------


def test_delete_with_yes(cli, api, logged_in):
    a, b = job_id(), job_id()
    api.delete(f"{SJ}/{a}", json={}, match=[auth_header()])
    api.delete(f"{SJ}/{b}", body="")
    result = cli("schedule", "delete", "-y", "--namespace", "alice", a, b)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"✓ Scheduled job {a} deleted",
        f"✓ Scheduled job {b} deleted",
    ]


def test_delete_asks_on_a_terminal(cli, api, logged_in, monkeypatch):
    monkeypatch.setattr("hfjobs_cli.invocation.stdin_is_terminal", lambda: True)
    ident = job_id()
    api.delete(f"{SJ}/{ident}", json={})
    result = cli("schedule", "delete", "--namespace", "alice", ident, input="y\n")
    assert result.exit_code == 0, result.stderr
    assert f"Delete scheduled job {ident}?" in result.stderr
    # CliRunner echoes the typed answer to stdout; a real terminal shows it on the tty.
    assert result.stdout.endswith(f"\n✓ Scheduled job {ident} deleted\n")


def test_delete_declined_deletes_nothing(cli, api, logged_in, monkeypatch):
    monkeypatch.setattr("hfjobs_cli.invocation.stdin_is_terminal", lambda: True)
    result = cli("schedule", "delete", "--namespace", "alice", "a1", "b2", input="n\n")
    assert result.exit_code == 1
    assert "Delete 2 scheduled jobs?" in result.stderr
    assert "Nothing deleted" in result.stderr
    assert len(api.calls) == 0


def test_delete_reports_unknown_ids_and_deletes_the_others(cli, api, logged_in):
    ident = job_id()
    api.delete(f"{SJ}/nope", status=404, json={"error": "not found"})
    api.delete(f"{SJ}/{ident}", json={})
    result = cli("schedule", "delete", "-y", "-q", "--namespace", "alice", "nope", ident)
    assert result.exit_code == 5
    assert result.stdout == f"{ident}\n"
    assert "Scheduled job alice/nope not found" in result.stderr


def test_delete_json(cli, api, logged_in):
    ident = job_id()
    api.delete(f"{SJ}/{ident}", json={})
    result = cli("schedule", "delete", "-y", "--json", "--namespace", "alice", ident)
    assert json.loads(result.stdout) == [{"id": ident, "deleted": True}]
