"""`hfjobs run` at the HTTP boundary: the body sent, detached and attached runs, bad input."""

import json

import pytest
import responses
from responses import matchers

from tests.commands.helpers import JOBS, attached, body, stub_create, stub_hardware
from tests.conftest import auth_header
from tests.payloads import ENDPOINT, TOKEN, make_job, whoami


def stub_whoami(api):
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami(), match=[auth_header()])


def test_detached_prints_result_and_url(cli, api, logged_in):
    stub_whoami(api)
    job = make_job(stage="SCHEDULING")
    stub_create(api, body(), job)
    result = cli("run", "-d", "python:3.12", "python", "-c", "print(42)")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"✓ Job {job['id']} started",
        f"{ENDPOINT}/jobs/alice/{job['id']}",
    ]
    assert f"hfjobs logs -f alice/{job['id']}" in result.stderr


def test_detached_quiet_prints_only_the_id(cli, api, logged_in):
    job = make_job()
    stub_create(api, body(), job)
    result = cli(
        "run", "-d", "-q", "--namespace", "alice", "python:3.12", "python", "-c", "print(42)"
    )
    assert result.exit_code == 0
    assert result.stdout == f"{job['id']}\n"


def test_detached_json_prints_the_job_object(cli, api, logged_in):
    job = make_job(status={"stage": "SCHEDULING", "message": "Waiting for hardware"})
    stub_create(api, body(), job)
    result = cli(
        "run", "-d", "--json", "--namespace", "alice", "python:3.12", "python", "-c", "print(42)"
    )
    assert json.loads(result.stdout) == job


def test_every_option_lands_in_the_body(cli, api, logged_in, monkeypatch, tmp_path):
    monkeypatch.setenv("LOCAL_VAR", "from-env")
    monkeypatch.setenv("MY_SECRET", "s3cr3t")
    env_file = tmp_path / "job.env"
    env_file.write_text("# comment\nexport A=1\nB='two words'\nMODE=slow\n")
    spec = body(
        command=["python", "train.py", "-d", "--timeout", "5"],
        environment={"A": "1", "B": "two words", "MODE": "fast", "LOCAL_VAR": "from-env"},
        secrets={"MY_SECRET": "s3cr3t"},
        flavor="a10g-small",
        timeoutSeconds=5400,
        labels={"team": "ml", "name": "demo", "hfjobs-request-id": "rid0"},
    )
    stub_create(api, spec, make_job())
    result = cli(
        "run", "-d", "--namespace", "alice",
        "--env-file", str(env_file), "-e", "MODE=fast", "-e", "LOCAL_VAR",
        "-s", "MY_SECRET", "--flavor", "a10g-small", "--timeout", "1.5h",
        "-l", "team=ml", "--name", "demo",
        "python:3.12", "python", "train.py", "-d", "--timeout", "5",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "s3cr3t" not in result.output


def test_leading_double_dash_is_dropped(cli, api, logged_in):
    stub_create(api, body(command=["ls", "--", "-l"]), make_job())
    assert (
        cli("run", "-d", "--namespace", "alice", "python:3.12", "--", "ls", "--", "-l").exit_code
        == 0
    )


@pytest.mark.parametrize(
    "image,fields",
    [
        ("hf.co/spaces/lhoestq/duckdb", {"spaceId": "lhoestq/duckdb"}),
        ("https://huggingface.co/spaces/lhoestq/duckdb", {"spaceId": "lhoestq/duckdb"}),
        (
            "ghcr.io/astral-sh/uv:python3.12-bookworm",
            {"dockerImage": "ghcr.io/astral-sh/uv:python3.12-bookworm"},
        ),
    ],
)
def test_space_images_become_space_ids(cli, api, logged_in, image, fields):
    spec = body()
    del spec["dockerImage"]
    spec.update(fields)
    stub_create(api, spec, make_job())
    assert (
        cli("run", "-d", "--namespace", "alice", image, "python", "-c", "print(42)").exit_code == 0
    )


def test_dry_run_prints_the_body_with_secrets_masked_and_sends_nothing(
    cli, api, logged_in, monkeypatch
):
    monkeypatch.setenv("API_KEY", "abcdef-secret")
    result = cli(
        "run",
        "--dry-run",
        "--json",
        "-s",
        "API_KEY",
        "-s",
        "HF_TOKEN",
        "python:3.12",
        "python",
        "-c",
        "print(42)",
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout) == body(secrets={"API_KEY": "***", "HF_TOKEN": "***"})
    assert "abcdef-secret" not in result.output
    assert len(api.calls) == 0


def test_dry_run_human_says_nothing_was_sent(cli, api):
    result = cli("run", "--dry-run", "--namespace", "acme", "python:3.12", "echo", "hi")
    assert result.exit_code == 0
    assert "Dry run: nothing sent. POST /api/jobs/acme" in result.stderr
    assert json.loads(result.stdout)["command"] == ["echo", "hi"]


def test_dry_run_allows_missing_secrets(cli):
    result = cli("run", "--dry-run", "--json", "-s", "NOT_SET_ANYWHERE", "python:3.12", "true")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["secrets"] == {"NOT_SET_ANYWHERE": "***"}


def test_inline_secret_values_warn_about_shell_history(cli, api, logged_in):
    result = cli("run", "--dry-run", "-s", "KEY=value", "python:3.12", "true")
    assert "shell history" in result.stderr


def test_token_flag_warns_and_is_used(cli, api):
    api.post(JOBS, json=make_job(), match=[auth_header("hf_flagtoken")])
    result = cli(
        "run", "-d", "--token", "hf_flagtoken", "--namespace", "alice", "python:3.12", "true"
    )
    assert result.exit_code == 0
    assert "shell history" in result.stderr
    assert "hf_flagtoken" not in result.output


def test_attached_completed_streams_logs_and_exits_0(cli, api, logged_in):
    attached(api, final_stage="COMPLETED")
    result = cli("run", "--namespace", "alice", "python:3.12", "python", "-c", "print(42)")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "hello\nworld\n"
    assert "completed" in result.stderr


def test_attached_error_exits_1_with_the_server_message(cli, api, logged_in):
    attached(api, final_stage="ERROR", message="Process exited with code 3")
    result = cli("run", "--namespace", "alice", "python:3.12", "python", "-c", "print(42)")
    assert result.exit_code == 1
    assert "ERROR: Process exited with code 3" in result.stderr


@pytest.mark.parametrize("stage", ["CANCELED", "DELETED"])
def test_attached_cancelled_exits_3(cli, api, logged_in, stage):
    attached(api, final_stage=stage)
    assert (
        cli("run", "--namespace", "alice", "python:3.12", "python", "-c", "print(42)").exit_code
        == 3
    )


def test_attached_json_keeps_stdout_parseable(cli, api, logged_in):
    job = attached(api, final_stage="COMPLETED")
    result = cli(
        "run", "--json", "--namespace", "alice", "python:3.12", "python", "-c", "print(42)"
    )
    assert json.loads(result.stdout)["id"] == job["id"]
    assert "hello\nworld" in result.stderr


def test_ctrl_c_detaches_exits_130_and_does_not_cancel(cli, api, logged_in, monkeypatch):
    job = make_job(stage="RUNNING")
    stub_create(api, body(), job)

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("hfjobs_cli.api.logs.wait_not_scheduling", interrupt)
    result = cli("run", "--namespace", "alice", "python:3.12", "python", "-c", "print(42)")
    assert result.exit_code == 130
    assert f"hfjobs logs -f alice/{job['id']}" in result.stderr
    assert f"hfjobs cancel alice/{job['id']}" in result.stderr
    assert not any("/cancel" in c.request.url for c in api.calls)


def test_unknown_flavor_shows_the_server_message_and_exits_2(cli, api, logged_in):
    api.post(
        JOBS,
        status=400,
        json={"error": "Invalid flavor 'gpu-huge'"},
        headers={"X-Request-Id": "req-42"},
    )
    result = cli("run", "-d", "--namespace", "alice", "--flavor", "gpu-huge", "python:3.12", "true")
    assert result.exit_code == 2
    assert "Invalid flavor 'gpu-huge'" in result.stderr
    assert "req-42" in result.stderr


BAD_INPUTS = [
    (["run", "--bogus", "python:3.12", "true"], "--bogus"),
    (["run"], "Missing IMAGE"),
    (["run", "python:3.12"], "Missing COMMAND"),
    (["run", "--timeout", "5x", "python:3.12", "true"], "Invalid timeout '5x'"),
    (["run", "--timeout", "-1", "python:3.12", "true"], "Invalid timeout '-1'"),
    (["run", "--timeout", "0", "python:3.12", "true"], "greater than zero"),
    (["run", "-e", "UNSET_VAR_X", "python:3.12", "true"], "UNSET_VAR_X is not set"),
    (["run", "-s", "UNSET_VAR_X", "python:3.12", "true"], "UNSET_VAR_X is not set"),
    (
        ["run", "--env-file", "/nonexistent.env", "python:3.12", "true"],
        "/nonexistent.env: no such file",
    ),
    (["run", "-l", "=x", "python:3.12", "true"], "Invalid --label '=x'"),
    (["run", "-l", "a b=c", "python:3.12", "true"], "Invalid --label"),
    (["run", "--name", "x", "-l", "name=y", "python:3.12", "true"], "--name"),
    (["run", "-e", "1BAD=x", "python:3.12", "true"], "not a valid variable name"),
]


@pytest.mark.parametrize("args,message", BAD_INPUTS)
def test_bad_input_exits_2_with_one_line_and_sends_nothing(cli, api, logged_in, args, message):
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stderr.splitlines()[0].startswith("Error:")
    assert len(api.calls) == 0


def test_env_file_with_bad_line_names_file_and_line(cli, api, logged_in, tmp_path):
    env_file = tmp_path / "bad.env"
    env_file.write_text("A=1\nB='unterminated\n")
    result = cli("run", "--env-file", str(env_file), "python:3.12", "true")
    assert result.exit_code == 2
    assert f"{env_file}, line 2" in result.stderr


def test_secrets_file_from_stdin(cli, api, logged_in):
    stub_create(api, body(secrets={"DB_PASSWORD": "pw"}), make_job())
    result = cli(
        "run",
        "-d",
        "--namespace",
        "alice",
        "--secrets-file",
        "-",
        "python:3.12",
        "python",
        "-c",
        "print(42)",
        input="DB_PASSWORD=pw\n",
    )
    assert result.exit_code == 0, result.stderr


def test_bare_hf_token_secret_forwards_the_users_token(cli, api, logged_in):
    stub_create(api, body(secrets={"HF_TOKEN": TOKEN}), make_job())
    result = cli(
        "run",
        "-d",
        "--namespace",
        "alice",
        "-s",
        "HF_TOKEN",
        "python:3.12",
        "python",
        "-c",
        "print(42)",
    )
    assert result.exit_code == 0, result.stderr


def test_not_logged_in_exits_4(cli, api):
    result = cli("run", "-d", "python:3.12", "true")
    assert result.exit_code == 4
    assert "Not logged in" in result.stderr
    assert "hfjobs login" in result.stderr


def test_rejected_token_exits_4(cli, api, logged_in):
    api.get(
        f"{ENDPOINT}/api/whoami-v2",
        status=401,
        json={"error": "Invalid credentials in Authorization header"},
    )
    result = cli("run", "-d", "python:3.12", "true")
    assert result.exit_code == 4
    assert "HF_TOKEN environment variable" in result.stderr


def test_create_is_not_resent_when_the_job_exists(cli, api, logged_in):
    """A 503 after the POST may have been received: look the job up by its request id."""
    api.post(JOBS, status=503, json={"error": "upstream timeout"})
    existing = make_job(labels={"hfjobs-request-id": "rid0"})
    api.get(
        JOBS,
        json=[existing],
        match=[matchers.query_param_matcher({"label": "hfjobs-request-id=rid0"})],
    )
    result = cli(
        "run", "-d", "-q", "--namespace", "alice", "python:3.12", "python", "-c", "print(42)"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == existing["id"]
    assert sum(1 for c in api.calls if c.request.method == "POST") == 1


def test_create_is_never_resent_when_no_job_was_found(cli, api, logged_in):
    """At most one job per invocation: a 503 may come from a proxy after the Hub acted, so
    the create is looked up over the grace window and never posted again (exit 6)."""
    api.post(JOBS, status=503, json={"error": "upstream timeout"})
    api.get(JOBS, json=[])
    result = cli(
        "run", "-d", "-q", "--namespace", "alice", "python:3.12", "python", "-c", "print(42)"
    )
    assert result.exit_code == 6, result.stderr
    assert sum(1 for c in api.calls if c.request.method == "POST") == 1
    assert "hfjobs ps -a -l hfjobs-request-id=rid0 --namespace alice" in result.stderr


def test_network_failure_exits_6(cli, logged_in):
    with responses.RequestsMock() as mock:
        import requests

        mock.get(
            f"{ENDPOINT}/api/whoami-v2",
            body=requests.exceptions.ConnectionError("Connection refused"),
        )
        result = cli("run", "-d", "python:3.12", "true")
    assert result.exit_code == 6
    assert "Could not reach hub.test" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args,hint",
    [
        (["run", "--flavr", "t4-small", "python:3.12", "ls"], "Hint: Did you mean --flavor?"),
        (["run", "--detatch", "python:3.12", "ls"], "Hint: Did you mean --detach?"),
        (["run", "--zzzz", "python:3.12", "ls"], "Hint: Options go before IMAGE"),
        (["uv", "run", "--wth", "torch", "x.py"], "Hint: Did you mean --with?"),
        (["schedule", "run", "--suspnd", "@daily", "python:3.12", "ls"], "Hint: Did you mean --suspend?"),
        (["schedule", "run", "@daily", "--flavr", "x", "python:3.12", "ls"], "Hint: Did you mean --flavor?"),
    ],
)  # fmt: skip
def test_a_mistyped_option_before_image_gets_did_you_mean(cli, api, logged_in, args, hint):
    """Parsing stops at IMAGE, so `--flavr` arrives as IMAGE: it is named, with the closest
    option, and nothing is sent."""
    result = cli(*args)
    assert result.exit_code == 2
    word = next(a for a in args if a.startswith("--"))
    assert result.stderr.splitlines()[0] == f"Error: No such option: {word}"
    assert hint in result.stderr.splitlines()


def base_body(**overrides):
    body = {
        "dockerImage": "python:3.12", "command": ["python", "t.py"], "arguments": [],
        "environment": {}, "flavor": "cpu-basic", "labels": {"hfjobs-request-id": "rid0"},
    }  # fmt: skip
    body.update(overrides)
    return body


def test_run_extra_options_land_in_the_body(cli, api, logged_in):
    body = base_body(
        attempts=3,
        volumes=[
            {"type": "dataset", "source": "org/ds", "mountPath": "/data"},
            {
                "type": "bucket",
                "source": "org/b",
                "path": "sub",
                "mountPath": "/mnt",
                "readOnly": True,
            },
            {"type": "model", "source": "org/m", "revision": "v1", "mountPath": "/model"},
        ],
        expose={"ports": [8000, 9000], "portsPublic": [9000]},
        ssh={"enabled": True},
    )
    job = make_job(status={"stage": "SCHEDULING", "exposeUrls": ["https://x--8000.hf.jobs"]})
    api.post(JOBS, json=job, match=[matchers.json_params_matcher(body)])
    result = cli(
        "run", "-d", "--namespace", "alice", "--attempts", "3",
        "-v", "hf://datasets/org/ds:/data", "-v", "hf://buckets/org/b/sub:/mnt:ro", "-v", "hf://org/m@v1:/model",
        "--expose", "8000", "--expose-public", "9000", "--expose", "9000", "--ssh",
        "python:3.12", "python", "t.py",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "https://x--8000.hf.jobs" in result.stdout


@pytest.mark.parametrize(
    "args,message",
    [
        (["--attempts", "0"], "--attempts"),
        (["-v", "./data:/data"], "only Hub repositories"),
        (["-v", "hf://datasets/:/data"], "OWNER/NAME"),
        (["-v", "hf://dataset/org/x:/data"], "plural"),
        (["-v", "hf://org/m:/m:rw"], "read-only"),
        (["--expose", "70000"], "65535"),
        (["--expose-public", "http"], "not a port"),
    ],
)
def test_run_extra_options_bad_input(cli, api, logged_in, args, message):
    result = cli("run", *args, "python:3.12", "true")
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(api.calls) == 0


def test_run_summary_shows_the_maximum_cost(cli, api, logged_in):
    stub_hardware(api)
    api.post(JOBS, json=make_job())
    result = cli(
        "run",
        "-d",
        "--namespace",
        "alice",
        "--flavor",
        "a100-large",
        "--timeout",
        "2h",
        "python:3.12",
        "python",
        "t.py",
    )
    assert (
        "Starting python:3.12 on a100-large ($2.50/hour; at most $5.00 for the 2h timeout)"
        in result.stderr
    )


def test_secrets_and_token_never_in_dry_run_output(cli, logged_in, monkeypatch):
    monkeypatch.setenv("SECRET_X", "topsecretvalue")
    result = cli("run", "--dry-run", "-s", "SECRET_X", "-s", "HF_TOKEN", "python:3.12", "true")
    assert "topsecretvalue" not in result.output and TOKEN not in result.output


def test_network_group_aliases_and_resource_group(cli, api, logged_in):
    body = base_body(
        network={"group": "train-net", "aliases": ["worker", "w2"]}, resourceGroupId="rg-42"
    )
    api.post(JOBS, json=make_job(), match=[matchers.json_params_matcher(body)])
    result = cli(
        "run", "-d", "--namespace", "alice", "--network-group", "train-net", "--network-alias", "worker",
        "--network-alias", "w2", "--resource-group-id", "rg-42", "python:3.12", "python", "t.py",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(
    "args,message",
    [
        (["--network-alias", "w"], "needs --network-group"),
        (["--network-group", "Bad_Group"], "Invalid --network-group"),
        (["--network-group", "g", "--network-alias", "x" * 35], "Invalid --network-alias"),
    ],
)
def test_network_bad_input_even_in_a_dry_run(cli, api, args, message):
    result = cli("run", "--dry-run", *args, "python:3.12", "true")
    assert result.exit_code == 2 and message in result.stderr


def test_an_unknown_flavor_is_sent_with_a_suggestion(cli, api, logged_in):
    stub_hardware(api)
    api.post(JOBS, status=400, json={"error": "Invalid flavor 't4-smal'"})
    result = cli("run", "-d", "--namespace", "alice", "--flavor", "t4-smal", "python:3.12", "true")
    assert result.exit_code == 2
    assert "did you mean 't4-small'?" in result.stderr
    assert "Invalid flavor 't4-smal'" in result.stderr
