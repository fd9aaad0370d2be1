import json
import os
import stat

from tests.conftest import auth_header
from tests.payloads import ENDPOINT, TOKEN, make_job, sse_lines, ts, whoami

JOBS = f"{ENDPOINT}/api/jobs/alice"
JOB_ID = "6650a1b2c3d4e5f60718293a"


def stub_logs(api, lines, *, params=None):
    from responses import matchers

    match = [auth_header()]
    if params is not None:
        match.append(matchers.query_param_matcher(params))
    api.get(
        f"{JOBS}/{JOB_ID}/logs",
        body=sse_lines(lines),
        content_type="text/event-stream",
        match=match,
    )


def test_logs_prints_available_lines_and_drops_the_banner(cli, api, logged_in):
    stub_logs(api, [(ts(1), "hello"), (ts(2), "\x1b[32mcoloured\x1b[0m progress\r50%")], params={})
    result = cli("logs", f"alice/{JOB_ID}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "hello\n\x1b[32mcoloured\x1b[0m progress\r50%\n"


def test_logs_tail_and_timestamps(cli, api, logged_in):
    stub_logs(api, [(ts(1), "a"), (ts(2), "b")], params={"tail": "2"})
    result = cli("logs", "-n", "2", "-t", f"alice/{JOB_ID}")
    assert result.stdout == f"{ts(1)} a\n{ts(2)} b\n"


def test_logs_json_lines(cli, api, logged_in):
    stub_logs(api, [(ts(1), "a")])
    result = cli("logs", "--json", f"alice/{JOB_ID}")
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"timestamp": ts(1), "data": "a"}
    ]


TRICKY = ["a", 'quote " and \\ backslash', "tab\there", "é ✓ 日本 \u2028", "\x1b[1mbold\x1b[0m", ""]


def test_logs_json_lines_are_json_dumps_of_each_line_byte_for_byte(cli, api, logged_in):
    """Encoded from the batch's columns: the bytes json.dumps of {timestamp, data} gives."""
    stub_logs(api, [(ts(i), text) for i, text in enumerate(TRICKY, 1)])
    result = cli("logs", "--json", f"alice/{JOB_ID}")
    assert result.stdout == "".join(
        json.dumps({"timestamp": ts(i), "data": text}, ensure_ascii=False) + "\n"
        for i, text in enumerate(TRICKY, 1)
    )


def test_logs_plain_and_timestamps_print_each_line_as_it_is(cli, api, logged_in):
    stub_logs(api, [(ts(i), text) for i, text in enumerate(TRICKY, 1)])
    assert cli("logs", f"alice/{JOB_ID}").stdout == "".join(t + "\n" for t in TRICKY)
    stub_logs(api, [(ts(i), text) for i, text in enumerate(TRICKY, 1)])
    assert cli("logs", "-t", f"alice/{JOB_ID}").stdout == "".join(
        f"{ts(i)} {text}\n" for i, text in enumerate(TRICKY, 1)
    )


def test_logs_follow_exits_with_the_final_stage(cli, api, logged_in):
    stub_logs(api, [(ts(1), "working")])
    api.get(
        f"{JOBS}/{JOB_ID}",
        json=make_job(id=JOB_ID, stage="ERROR", message="Process exited with code 2"),
    )
    result = cli("logs", "-f", f"alice/{JOB_ID}")
    assert result.stdout == "working\n"
    assert result.exit_code == 1
    assert "Process exited with code 2" in result.stderr


def test_logs_of_an_unknown_job_exits_5(cli, api, logged_in):
    api.get(f"{JOBS}/{JOB_ID}/logs", status=404, json={"error": "Job not found"})
    result = cli("logs", f"alice/{JOB_ID}")
    assert result.exit_code == 5
    assert "Job not found" in result.stderr


def test_login_checks_the_token_and_saves_it_privately(cli, api, tmp_path):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(), match=[auth_header()])
    result = cli("login", input=TOKEN + "\n")
    assert result.exit_code == 0, result.stderr
    assert "Logged in as alice" in result.stdout
    path = tmp_path / "config" / "config.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert TOKEN in path.read_text()
    # the saved token is used next time, and whoami says where it came from
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(), match=[auth_header()])
    result = cli("whoami", "--json")
    info = json.loads(result.stdout)
    assert info["name"] == "alice" and info["orgs"] == ["acme"]
    assert info["tokenSource"].startswith("hfjobs config file")


def test_login_with_a_rejected_token_saves_nothing(cli, api, tmp_path):
    api.get(
        f"{ENDPOINT}/api/whoami-v2",
        status=401,
        json={"error": "Invalid credentials in Authorization header"},
    )
    result = cli("login", input="hf_bad\n")
    assert result.exit_code == 4
    assert not (tmp_path / "config" / "config.toml").exists()


def test_login_with_empty_input_is_a_usage_error(cli, api):
    assert cli("login", input="\n").exit_code == 2


def test_logout_removes_the_token(cli, api, tmp_path):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami())
    cli("login", input=TOKEN + "\n")
    result = cli("logout")
    assert result.exit_code == 0
    assert TOKEN not in (tmp_path / "config" / "config.toml").read_text()
    assert cli("whoami").exit_code == 4


def test_token_precedence_env_then_config_then_hf_token_file(cli, api, tmp_path, monkeypatch):
    hf_home = tmp_path / "hf_home"
    hf_home.mkdir()
    (hf_home / "token").write_text("hf_fromhffile\n")
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(), match=[auth_header("hf_fromhffile")])
    assert "Hugging Face token file" in json.loads(cli("whoami", "--json").stdout)["tokenSource"]

    from hfjobs_cli import config

    config.save_config({"token": "hf_fromconfig"})
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(), match=[auth_header("hf_fromconfig")])
    assert "config file" in json.loads(cli("whoami", "--json").stdout)["tokenSource"]

    monkeypatch.setenv("HF_TOKEN", TOKEN)
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(), match=[auth_header(TOKEN)])
    assert (
        json.loads(cli("whoami", "--json").stdout)["tokenSource"] == "HF_TOKEN environment variable"
    )

    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(), match=[auth_header("hf_flag")])
    assert (
        json.loads(cli("whoami", "--json", "--token", "hf_flag").stdout)["tokenSource"] == "--token"
    )


def test_whoami_human_never_prints_the_token(cli, api, logged_in):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami())
    result = cli("whoami")
    assert "alice" in result.stdout and "acme" in result.stdout
    assert "HF_TOKEN environment variable" in result.stdout


def test_config_readable_by_others_gets_a_warning(cli, api, logged_in, tmp_path):
    from hfjobs_cli import config

    path = config.save_config({"namespace": "alice"})
    os.chmod(path, 0o644)
    api.get(f"{JOBS}", json=[])
    result = cli("ps")
    assert "can be read by other users" in result.stderr


def test_version_and_help(cli):
    from hfjobs_cli import __version__

    assert cli("--version").stdout == f"hfjobs {__version__}\n"
    result = cli("--help")
    assert result.exit_code == 0
    assert "Exit codes:" in result.stdout and "HF_TOKEN" in result.stdout
    assert cli().exit_code == 0  # no arguments: the help


def test_unknown_command_is_a_one_line_usage_error(cli):
    result = cli("lgos")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith("Error: No such command 'lgos'")
    assert "Did you mean" in result.stderr or "hfjobs --help" in result.stderr


def test_unexpected_failures_are_one_line_unless_debugging(cli, api, logged_in, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("hfjobs_cli.api.client.JobsClient.list_jobs", boom)
    result = cli("ps", "--namespace", "alice")
    assert result.exit_code == 1
    assert "Unexpected failure: RuntimeError: kaboom" in result.stderr
    assert "Traceback" not in result.stderr
    result = cli("ps", "--namespace", "alice", env={"HFJOBS_DEBUG": "1"})
    assert "Traceback" in result.stderr


def test_logs_snapshot_stops_at_the_first_live_line(cli, api, logged_in):
    """History is what the server had when it answered (its Date + 1 s); later lines are live."""
    lines = [("2025-07-22T16:06:59.000Z", "old"), ("2025-07-22T16:07:01.900Z", "edge"),
             ("2025-07-22T16:07:02.100Z", "live"), ("2025-07-22T16:07:03.000Z", "later")]  # fmt: skip
    api.get(
        f"{JOBS}/{JOB_ID}/logs",
        body=sse_lines(lines),
        content_type="text/event-stream",
        headers={"Date": "Tue, 22 Jul 2025 16:07:00 GMT"},
    )
    result = cli("logs", f"alice/{JOB_ID}")
    assert result.exit_code == 0
    assert result.stdout == "old\nedge\n"
