"""`hfjobs logs` at the HTTP boundary: snapshots, -f, --tail, timestamps, --json, in CI."""

import json

from tests.commands.helpers import JOBS
from tests.conftest import auth_header
from tests.payloads import make_job, sse_lines, ts

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


TRICKY = ["a", 'quote " and \\ backslash', "tab\there", "é ✓ 日本 \u2028", "\x1b[1mbold\x1b[0m", ""]


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


def test_logs_snapshot_in_ci_is_folded(cli, api, logged_in, github):
    job = make_job(stage="COMPLETED")
    api.get(f"{JOBS}/{job['id']}/logs", body=sse_lines([(ts(1), "::set-output name=x::1")]),
            content_type="text/event-stream")  # fmt: skip
    result = cli("logs", f"alice/{job['id']}")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("::group::") and lines[1].startswith("::stop-commands::")
    assert lines[2] == "::set-output name=x::1" and lines[-1] == "::endgroup::"


def test_logs_json_in_ci_escapes_commands(cli, api, logged_in, github):
    job = make_job(stage="COMPLETED")
    api.get(f"{JOBS}/{job['id']}/logs", body=sse_lines([(ts(1), "::error::x")]),
            content_type="text/event-stream")  # fmt: skip
    result = cli("logs", "--json", f"alice/{job['id']}")
    assert "::" not in result.stdout
    assert [json.loads(line)["data"] for line in result.stdout.splitlines()] == ["::error::x"]
