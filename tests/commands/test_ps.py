"""`hfjobs ps` at the HTTP boundary: filters, pagination, output modes, --wide and --watch."""

import json

import pytest
from responses import matchers

from tests.commands.helpers import JOBS, stub_hardware
from tests.conftest import auth_header
from tests.payloads import ENDPOINT, make_job, whoami


def test_inspect_and_ps_wide_show_the_cost(cli, api, logged_in):
    stub_hardware(api)
    job = make_job(flavor="t4-small", durations={"runningSecs": 600})  # 10 min at $0.40/h
    api.get(f"{JOBS}/{job['id']}", json=job)
    assert "Cost so far  $0.07" in cli("inspect", f"alice/{job['id']}").stdout
    api.get(JOBS, json=[job])
    line = cli("ps", "--wide", "--namespace", "alice").stdout.splitlines()[1].split("\t")
    assert line[-2:] == ["t4-small", "$0.07"]


def test_ps_watch_needs_a_terminal(cli, api, logged_in):
    result = cli("ps", "-w", "--namespace", "alice")
    assert result.exit_code == 2 and "terminal" in result.stderr


def stub_list(api, jobs, params=None, headers=None, url=JOBS):
    match = [auth_header()]
    if params is not None:
        match.append(matchers.query_string_matcher(params))
    api.get(url, json=jobs, headers=headers or {}, match=match)


def test_ps_defaults_to_running_and_scheduling(cli, api, logged_in):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami())
    jobs = [make_job(stage="RUNNING"), make_job(stage="SCHEDULING")]
    stub_list(api, jobs, "stage=RUNNING&stage=SCHEDULING")
    result = cli("ps")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split("\t") == [
        "ID",
        "NAME",
        "IMAGE/SPACE",
        "COMMAND",
        "CREATED",
        "STATUS",
        "DURATION",
    ]
    assert lines[1].split("\t") == [
        jobs[0]["id"],
        "--",
        "python:3.12",
        'python -c "print(42)"',
        "2025-07-22T16:06:25Z",
        "RUNNING",
        "12s",
    ]
    assert lines[2].split("\t")[5] == "SCHEDULING"


def test_ps_shows_the_space_of_a_space_job(cli, api, logged_in):
    job = make_job(dockerImage=None, spaceId="lhoestq/duckdb")
    stub_list(api, [job])
    result = cli("ps", "--namespace", "alice")
    assert "hf.co/spaces/lhoestq/duckdb" in result.stdout


def test_ps_all_status_labels_and_name_filters(cli, api, logged_in):
    keep = make_job(stage="ERROR", labels={"team": "ml", "name": "nightly"})
    other = make_job(stage="ERROR", labels={"team": "ml"})  # the server ORed the labels: drop it
    stub_list(api, [keep, other], "stage=ERROR&stage=CANCELED&label=team%3Dml&label=name%3Dnightly")
    result = cli(
        "ps",
        "--namespace",
        "alice",
        "--status",
        "error,canceled",
        "-l",
        "team=ml",
        "--name",
        "nightly",
        "-q",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{keep['id']}\n"


def test_ps_all_with_status_filters_by_the_stages(cli, api, logged_in):
    """The help's own example, `ps -a --status error --limit 20`, works."""
    failed = make_job(stage="ERROR")
    stub_list(api, [failed, make_job(stage="COMPLETED")], "stage=ERROR")
    result = cli("ps", "-a", "--status", "error", "--limit", "20", "--namespace", "alice", "-q")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{failed['id']}\n"


def test_piped_ps_keeps_one_row_per_job_with_tabs_and_newlines_escaped(cli, api, logged_in):
    odd = make_job(command=["python", "-c", "a = 1\nprint(a)\tdone"], labels={"name": "x"})
    stub_list(api, [odd, make_job()])
    result = cli("ps", "--namespace", "alice")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3  # the header and one row per job
    assert {len(line.split("\t")) for line in lines} == {7}
    assert "a = 1\\nprint(a)\\tdone" in lines[1]


def test_ps_label_with_two_equals_is_a_clean_usage_error(cli, api, logged_in):
    # hf 2.4.0 crashes with "too many values to unpack"; '=' is not a label value character.
    result = cli("ps", "--namespace", "alice", "-l", "a=b=c")
    assert result.exit_code == 2
    assert "Invalid --label 'a=b=c'" in result.stderr


def test_ps_json_keeps_complete_objects(cli, api, logged_in):
    job = make_job(stage="ERROR", message="Job timeout")
    stub_list(api, [job], "")
    result = cli("ps", "-a", "--json", "--namespace", "alice")
    assert json.loads(result.stdout) == [job]


def test_ps_empty(cli, api, logged_in):
    stub_list(api, [])
    result = cli("ps", "--namespace", "alice")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "Use -a" in result.stderr
    stub_list(api, [])
    assert cli("ps", "--namespace", "alice", "--json").stdout == "[]\n"


def test_ps_follows_pagination_and_stops_at_the_limit(cli, api, logged_in):
    page1 = [make_job() for _ in range(3)]
    page2 = [make_job() for _ in range(3)]
    stub_list(api, page1, "", headers={"Link": f'<{JOBS}?cursor=abc>; rel="next"'})
    stub_list(api, page2, "cursor=abc", headers={"Link": f'<{JOBS}?cursor=def>; rel="next"'})
    result = cli("ps", "-a", "--namespace", "alice", "--limit", "4", "--json")
    assert [j["id"] for j in json.loads(result.stdout)] == [j["id"] for j in page1 + page2][:4]
    assert "--limit 0" in result.stderr
    assert len(api.calls) == 2  # the third page was never fetched


def test_ps_limit_0_gets_everything(cli, api, logged_in):
    page1, page2 = [make_job()], [make_job()]
    stub_list(api, page1, "", headers={"Link": f'<{JOBS}?cursor=abc>; rel="next"'})
    stub_list(api, page2, "cursor=abc")
    result = cli("ps", "-a", "--namespace", "alice", "--limit", "0", "-q")
    assert len(result.stdout.split()) == 2
    assert "--limit" not in result.stderr


@pytest.mark.parametrize(
    "args,message",
    [
        (["ps", "--limit", "99999999999999999999999"], "--limit"),
        (["ps", "--limit", "1000001"], "--limit"),
        (["ps", "--status", "sleeping"], "Invalid --status 'sleeping'"),
        (["ps", "-l", "novalue"], "expected KEY=VALUE"),
        (["ps", "--json", "-q"], "either --json or -q"),
        (["ps", "--limit", "-1"], "--limit"),
    ],
)
def test_ps_bad_input(cli, api, logged_in, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_forbidden_namespace_exits_4(cli, api, logged_in):
    api.get(
        f"{ENDPOINT}/api/jobs/other",
        status=403,
        headers={"X-Error-Message": "You cannot access this namespace"},
    )
    result = cli("ps", "--namespace", "other")
    assert result.exit_code == 4
    assert "You cannot access this namespace" in result.stderr


def test_on_a_narrow_terminal_ids_and_stages_stay_whole(cli, api, logged_in, monkeypatch):
    from tests.conftest import strip_ansi

    monkeypatch.delenv("NO_COLOR")
    monkeypatch.delenv("TERM")
    job = make_job(
        command=["python", "-c", "x = 1; " * 40], labels={"name": "a-rather-long-job-name-here"}
    )
    api.get(JOBS, json=[job])
    result = cli("ps", "--namespace", "alice", env={"FORCE_COLOR": "1", "COLUMNS": "80"})
    out = strip_ansi(result.stdout)
    assert "\t" not in out  # a table for people, not tab-separated lines
    row = out.splitlines()[1]
    assert row.startswith(job["id"] + " ") and "RUNNING" in row and "…" in row


@pytest.mark.parametrize("limit", ["0", "4", "5", "100"])
def test_ps_json_is_byte_for_byte_the_indented_array(cli, api, logged_in, limit):
    """Encoded a page at a time, the array is exactly what one json.dumps of every object
    (indent 2, characters as they are) prints: pages with a job another stage or label than
    asked (dropped here too), an empty page, escapes and non-ASCII text."""
    odd = make_job(stage="RUNNING", labels={"team": "ml", "note": 'é "q" \\ \n ✓'})
    odd["nested"] = {"list": [1, 2.5, None, True, {"a": []}], "empty": {}, "unicode": "\u2713"}
    pages = [
        [
            make_job(stage="RUNNING", labels={"team": "ml"}),
            make_job(stage="ERROR", labels={"team": "ml"}),
        ],
        [],
        [odd, make_job(stage="RUNNING", labels={"team": "infra"})],
        [make_job(stage="SCHEDULING", labels={"team": "ml"}) for _ in range(3)],
    ]
    for i, page in enumerate(pages):
        link = {"Link": f'<{JOBS}?cursor={i + 1}>; rel="next"'} if i < len(pages) - 1 else {}
        query = f"cursor={i}" if i else "stage=RUNNING&stage=SCHEDULING&label=team%3Dml"
        api.get(JOBS, json=page, headers=link, match=[matchers.query_string_matcher(query)])
    result = cli("ps", "--namespace", "alice", "-l", "team=ml", "--json", "--limit", limit)
    assert result.exit_code == 0, result.stderr
    shown = [
        j
        for p in pages
        for j in p
        if j["status"]["stage"] != "ERROR" and j["labels"]["team"] == "ml"
    ]
    if limit != "0":
        shown = shown[: int(limit)]
    assert result.stdout == json.dumps(shown, indent=2, ensure_ascii=False) + "\n"
    assert ("--limit 0" in result.stderr) == (limit == "4")
    api.assert_all_requests_are_fired = limit != "4"
