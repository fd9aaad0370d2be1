"""Token and secret hygiene, against the fault server (real sockets).

The token never reaches stdout, stderr, --dry-run output, HFJOBS_DEBUG=1 tracebacks or
exception text, and neither do secret values; the token goes only to the configured
endpoint's origin (no redirect to another host, no redirect at all for a change); ~/.netrc
cannot replace it; the config file is private; inline secrets and --token warn.
"""

from __future__ import annotations

import os
import stat
import traceback

import pytest

from hfjobs_cli.api.errors import ApiError
from hfjobs_cli.invocation import Invocation
from tests.faults import server as faults
from tests.faults.server import (
    Apply,
    FaultServer,
    Redirect,
    Reset,
    Respond,
    Stream,
    log_lines,
    serve,
)
from tests.payloads import TOKEN

fault_server, hub = faults.fault_server, faults.hub  # the fault server's fixtures

SECRET = "s3cr3t-value-0123456789"
SECRET_FILE_VALUE = "file-s3cr3t-9876543210"
HTML_500 = Respond(500, "<html><body>Internal error</body></html>", content_type="text/html")


def assert_private(text: str) -> None:
    for value in (TOKEN, SECRET, SECRET_FILE_VALUE):
        assert value not in text, f"{value!r} leaked in {text!r}"


# -- the sweep: every command, every format, every failure, with tracebacks on ----------------

COMMANDS: list[tuple[str, list[str]]] = [
    ("whoami", ["whoami"]),
    ("whoami", ["whoami", "--json"]),
    ("list", ["ps", "-a", "--namespace", "alice"]),
    ("list", ["ps", "--json", "--namespace", "alice"]),
    ("list", ["ps", "-q", "--namespace", "alice"]),
    ("get", ["inspect", "alice/{job}"]),
    ("get", ["inspect", "--json", "alice/{job}"]),
    ("logs", ["logs", "alice/{job}"]),
    ("logs", ["logs", "-f", "--json", "alice/{job}"]),
    ("cancel", ["cancel", "-y", "alice/{job}"]),
    ("get", ["wait", "alice/{job}"]),
    ("labels", ["labels", "alice/{job}", "-l", "team=a"]),
    ("hardware", ["hardware", "--json"]),
    ("create", ["run", "-d", "--namespace", "alice", "-s", f"KEY={SECRET}", "python:3.12", "true"]),
    ("create", ["run", "--json", "--namespace", "alice", "-s", "HF_TOKEN", "python:3.12", "true"]),
    ("create", ["run", "--namespace", "alice", "--secrets-file", "{secrets}", "python:3.12", "x"]),
    ("create", ["rerun", "-d", "-s", f"KEY={SECRET}", "alice/{job}"]),
    ("create", ["uv", "run", "-d", "-q", "--namespace", "alice", "-s", "HF_TOKEN", "x", "--help"]),
]
FAULTS = {
    "ok": None,
    "html-500": HTML_500,
    "reset": Reset(),
    "401": Respond(401, {"error": "Invalid credentials in Authorization header"}),
    "garbled": Respond(200, "{garbled", content_type="application/json"),
}


@pytest.fixture
def secrets_file(tmp_path) -> str:
    path = tmp_path / "secrets.env"
    path.write_text(f"HF_TOKEN\nOTHER={SECRET_FILE_VALUE}\n")
    path.chmod(0o600)
    return str(path)


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("route,args", COMMANDS, ids=[" ".join(a[:3]) for _, a in COMMANDS])
def test_no_command_prints_the_token_or_a_secret(
    cli, hub: FaultServer, monkeypatch, secrets_file, route, args, fault
):
    monkeypatch.setenv("HFJOBS_DEBUG", "1")  # tracebacks on: they must not leak either
    job = hub.add_job(lines=[f"echo {SECRET[:4]}"], stages=["COMPLETED"], secrets=["KEY"])
    if FAULTS[fault] is not None:
        hub.script(route, FAULTS[fault], forever=True)
    argv = [a.replace("{job}", job.id).replace("{secrets}", secrets_file) for a in args]
    result = cli(*argv)  # the fixture fails the test if the token shows up
    assert_private(result.output)
    if fault != "ok":
        assert result.exit_code != 0


@pytest.mark.parametrize("fault", ["ok", "401", "reset"])
def test_a_token_given_with_the_flag_is_not_printed_either(
    cli, hub: FaultServer, monkeypatch, fault
):
    monkeypatch.delenv("HF_TOKEN")
    monkeypatch.setenv("HFJOBS_DEBUG", "1")
    if FAULTS[fault] is not None:
        hub.script("list", FAULTS[fault], forever=True)
    result = cli("ps", "--namespace", "alice", "--token", TOKEN)
    assert_private(result.output)
    assert hub.seen("list")[0].headers["authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize("fmt", [[], ["--json"]])
@pytest.mark.parametrize(
    "command",
    [
        ["run", "--namespace", "alice"],
        ["uv", "run", "--namespace", "alice"],
        ["schedule", "run", "--namespace", "alice", "@daily"],
    ],
    ids=["run", "uv-run", "schedule-run"],
)
def test_dry_run_masks_secrets_and_the_forwarded_token(
    cli, hub: FaultServer, secrets_file, command, fmt
):
    args = [*command, "--dry-run", *fmt, "-s", "HF_TOKEN", "-s", f"KEY={SECRET}"]
    args += ["--secrets-file", secrets_file]
    result = cli(*args, *(["lighteval"] if command[0] == "uv" else ["python:3.12", "true"]))
    assert result.exit_code == 0, result.stderr
    assert_private(result.output)
    assert result.stdout.count('"***"') == 3  # HF_TOKEN, KEY and OTHER, by name only
    assert hub.seen() == []  # a dry run sends nothing


def test_exception_text_never_holds_the_token(hub: FaultServer):
    """The errors the API layer raises, with their causes and tracebacks, as text."""
    client = Invocation().make_client(hub.url, TOKEN, "HF_TOKEN environment variable")
    job = hub.add_job()
    other = f"http://localhost:{hub.port}/x"
    hub.script("get", Reset(), forever=True)
    hub.script("list", HTML_500, forever=True)
    hub.script("create", Apply(Reset()))
    hub.script("labels", Redirect(other, 307))
    hub.script("whoami", Redirect(other, 302))
    calls = [
        lambda: client.jobs.get("alice", job.id),
        lambda: list(client.jobs.list("alice")),
        lambda: client.jobs.create("alice", {"labels": {"hfjobs-request-id": "r1"}}),
        lambda: client.jobs.set_labels("alice", job.id, {"a": "b"}),
        lambda: client.whoami(),
    ]
    for call in calls:
        with pytest.raises(ApiError) as caught:
            call()
        text = "".join(traceback.format_exception(caught.value)) + repr(caught.value)
        assert TOKEN not in text
    assert TOKEN not in repr(vars(client.http)) + repr(vars(client))


# -- where the token goes ----------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_no_token_for_another_origin_after_a_redirect(cli, hub: FaultServer, status):
    with serve() as elsewhere:
        hub.script("list", Redirect(f"{elsewhere.url}/api/jobs/alice", status))
        result = cli("ps", "--namespace", "alice")
        assert elsewhere.seen() == []  # not followed: the other host hears nothing
    assert result.exit_code != 0
    assert "redirected to another host" in result.stderr
    assert len(hub.seen("list")) == 1


@pytest.mark.parametrize(
    "target", ["http://localhost:{port}/api/jobs/alice", "https://127.0.0.1:{port}/api/jobs/alice"]
)
def test_same_port_other_host_or_scheme_is_another_origin(cli, hub: FaultServer, target):
    hub.script("list", Redirect(target.format(port=hub.port), 302))
    result = cli("ps", "--namespace", "alice")
    assert result.exit_code != 0
    assert len(hub.seen()) == 1  # the same server would have seen a followed redirect


def test_a_same_origin_redirect_on_get_keeps_the_token(cli, hub: FaultServer):
    hub.add_job(stages=["RUNNING"])
    hub.script("list", Redirect(f"{hub.url}/api/jobs/alice?moved=1", 301))
    result = cli("ps", "-q", "--namespace", "alice")
    assert result.exit_code == 0, result.stderr
    first, second = hub.seen("list")
    assert second.query == {"moved": ["1"]}
    assert second.headers["authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize(
    "route,args",
    [
        ("create", ["run", "-d", "--namespace", "alice", "python:3.12", "true"]),
        ("cancel", ["cancel", "-y", "alice/{job}"]),
        ("labels", ["labels", "alice/{job}", "-l", "a=b"]),
        ("DELETE /api/scheduled-jobs/alice/{job}", ["schedule", "delete", "-y", "alice/{job}"]),
    ],
    ids=["POST run", "POST cancel", "PUT labels", "DELETE schedule"],
)
def test_a_redirect_on_a_change_is_an_error(cli, hub: FaultServer, route, args):
    job = hub.add_job(stages=["RUNNING"])
    route = route.replace("{job}", job.id)
    hub.script(route, Redirect(f"{hub.url}/moved", 307), forever=True)
    result = cli(*[a.replace("{job}", job.id) for a in args])
    assert result.exit_code != 0
    assert "does not follow redirects that change data" in result.stderr
    assert [r for r in hub.seen() if r.path == "/moved"] == []
    assert len(hub.seen(route)) == 1  # and a redirected change is not resent


def test_netrc_cannot_replace_the_token(cli, hub: FaultServer, tmp_path, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1\nlogin someone\npassword netrc-password\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    assert cli("ps", "--namespace", "alice").exit_code == 0
    monkeypatch.delenv("HF_TOKEN")
    assert cli("hardware").exit_code == 0  # no token at all: still not the netrc password
    with_token, without = hub.seen()
    assert with_token.headers["authorization"] == f"Bearer {TOKEN}"
    assert "authorization" not in without.headers


def test_the_token_goes_with_every_request_to_the_endpoint_and_nowhere_else(cli, hub: FaultServer):
    job = hub.add_job(lines=log_lines(3), stages=["COMPLETED"])
    hub.script("logs", Stream(upto=2, end="cut"))
    assert cli("logs", "-f", f"alice/{job.id}").exit_code == 0
    assert cli("run", "-d", "--namespace", "alice", "python:3.12", "true").exit_code == 0
    assert {r.headers.get("authorization") for r in hub.seen()} == {f"Bearer {TOKEN}"}


# -- the config file -----------------------------------------------------------------------


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    """umask 000: the modes must come from hfjobs, not from a careful user's umask."""
    old = os.umask(0)
    yield
    os.umask(old)


def test_login_writes_a_0600_file_in_a_0700_folder(cli, hub: FaultServer, tmp_path, open_umask):
    folder = tmp_path / "config"
    result = cli("login", input=f"{TOKEN}\n")
    assert result.exit_code == 0, result.stderr
    [path] = folder.iterdir()
    assert _mode(folder) == 0o700
    assert _mode(path) == 0o600
    assert hub.seen("whoami")[0].headers["authorization"] == f"Bearer {TOKEN}"


def test_an_existing_open_folder_is_closed_and_settings_stay_private(cli, tmp_path, open_umask):
    folder = tmp_path / "config"
    folder.mkdir(mode=0o755)
    result = cli("config", "set", "flavor", "cpu-basic")
    assert result.exit_code == 0, result.stderr
    [path] = folder.iterdir()
    assert _mode(folder) == 0o700
    assert _mode(path) == 0o600


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_config_file_others_can_read_gets_a_warning(cli, hub: FaultServer, tmp_path, mode):
    hub.add_job(stages=["RUNNING"])
    folder = tmp_path / "config"
    folder.mkdir(mode=0o700)
    path = folder / "config.toml"
    path.write_text(f'token = "{TOKEN}"\n')
    path.chmod(mode)
    result = cli("ps", "--namespace", "alice")
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "can be read by other users" in line]
    assert len(warnings) == 1 and "chmod 600" in warnings[0]


def test_a_private_config_file_gets_no_warning(cli, hub: FaultServer, tmp_path):
    folder = tmp_path / "config"
    folder.mkdir(mode=0o700)
    path = folder / "config.toml"
    path.write_text(f'token = "{TOKEN}"\n')
    path.chmod(0o600)
    result = cli("ps", "--namespace", "alice")
    assert result.exit_code == 0, result.stderr
    assert "Warning" not in result.stderr


def test_the_saved_token_is_never_shown_by_config_commands(cli, hub: FaultServer):
    assert cli("login", input=f"{TOKEN}\n").exit_code == 0
    for args in (
        ["config", "list"],
        ["config", "list", "--json"],
        ["whoami"],
        ["whoami", "--json"],
    ):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
    assert cli("config", "get", "token").exit_code == 2  # not a setting one can print


# -- warnings about values on the command line ------------------------------------------------

TOKEN_FLAG_COMMANDS = [
    ["whoami"],
    ["ps", "--namespace", "alice"],
    ["inspect", "alice/{job}"],
    ["logs", "alice/{job}"],
    ["cancel", "-y", "alice/{job}"],
    ["wait", "alice/{job}"],
    ["labels", "alice/{job}"],
    ["run", "-d", "--namespace", "alice", "python:3.12", "true"],
    ["rerun", "-d", "alice/{job}"],
    ["uv", "run", "-d", "--namespace", "alice", "x", "--help"],
    ["schedule", "ls", "--namespace", "alice"],
]


@pytest.mark.parametrize(
    "args", TOKEN_FLAG_COMMANDS, ids=[" ".join(a[:2]) for a in TOKEN_FLAG_COMMANDS]
)
def test_token_on_the_command_line_warns_about_shell_history(
    cli, hub: FaultServer, monkeypatch, args
):
    monkeypatch.delenv("HF_TOKEN")
    job = hub.add_job(stages=["COMPLETED"])
    argv = [a.replace("{job}", job.id) for a in args]
    if argv[0] in ("run", "uv"):  # options go before IMAGE / SCRIPT
        argv[-2:-2] = ["--token", TOKEN]
    else:
        argv += ["--token", TOKEN]
    result = cli(*argv)
    assert "--token puts your token in your shell history" in result.stderr


SECRET_FLAG_COMMANDS = [
    ["run", "--dry-run", "-s", f"KEY={SECRET}", "python:3.12", "true"],
    ["uv", "run", "--dry-run", "-s", f"KEY={SECRET}", "lighteval"],
    ["schedule", "run", "--dry-run", "-s", f"KEY={SECRET}", "@daily", "python:3.12", "true"],
    ["rerun", "-d", "-s", f"KEY={SECRET}", "alice/{job}"],
    ["webhook", "create", "--watch", "model:a/b", "--job-id", "alice/{job}", "-s", f"KEY={SECRET}"],
]


@pytest.mark.parametrize(
    "args", SECRET_FLAG_COMMANDS, ids=[" ".join(a[:2]) for a in SECRET_FLAG_COMMANDS]
)
def test_a_secret_value_on_the_command_line_warns_about_shell_history(cli, hub: FaultServer, args):
    job = hub.add_job(stages=["COMPLETED"])
    result = cli(*[a.replace("{job}", job.id) for a in args])
    assert "for KEY given on the command line land in your shell history" in result.stderr
    assert_private(result.output)


def test_a_bare_secret_name_does_not_warn(cli, hub: FaultServer, monkeypatch):
    monkeypatch.setenv("KEY", SECRET)
    result = cli("run", "--dry-run", "-s", "KEY", "python:3.12", "true")
    assert result.exit_code == 0, result.stderr
    assert "shell history" not in result.stderr
    assert_private(result.output)
