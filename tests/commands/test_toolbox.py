"""hardware, cost, rerun, labels, expose, uv run, run's extra options, bulk cancel, ps --wide."""

import base64
import json

import pytest
from responses import matchers

from tests.conftest import auth_header
from tests.payloads import ENDPOINT, TOKEN, make_job, whoami

JOBS = f"{ENDPOINT}/api/jobs/alice"
HARDWARE = [
    {"name": "cpu-basic", "prettyName": "CPU Basic", "cpu": "2 vCPU", "ram": "16 GB", "ephemeralStorage": "50 GB",
     "accelerator": None, "unitCostMicroUSD": 167, "unitCostUSD": 0.000167, "unitLabel": "minute"},
    {"name": "t4-small", "prettyName": "Nvidia T4 - small", "cpu": "4 vCPU", "ram": "15 GB", "ephemeralStorage": "50 GB",
     "accelerator": {"type": "gpu", "model": "T4", "quantity": "1", "vram": "16 GB", "manufacturer": "Nvidia"},
     "unitCostMicroUSD": 6667, "unitCostUSD": 0.006667, "unitLabel": "minute"},
    {"name": "a100-large", "prettyName": "Nvidia A100 - large", "cpu": "12 vCPU", "ram": "142 GB",
     "accelerator": {"type": "gpu", "model": "A100", "quantity": "1", "vram": "80 GB", "manufacturer": "Nvidia"},
     "unitCostMicroUSD": 41667, "unitCostUSD": 0.041667, "unitLabel": "minute"},
]  # fmt: skip


def stub_hardware(api):
    api.get(f"{ENDPOINT}/api/jobs/hardware", json=HARDWARE)


def test_hardware_table_filters_and_json(cli, api):
    stub_hardware(api)
    result = cli("hardware")  # public: no token needed
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split("\t") == [
        "NAME",
        "PRETTY NAME",
        "CPU",
        "RAM",
        "ACCELERATOR",
        "STORAGE",
        "$/HOUR",
        "$/MINUTE",
    ]
    assert lines[2].split("\t") == [
        "t4-small",
        "Nvidia T4 - small",
        "4 vCPU",
        "15 GB",
        "1x T4 (16 GB)",
        "50 GB",
        "$0.40",
        "$0.0067",
    ]
    assert lines[3].split("\t")[5] == "--"  # no storage given
    stub_hardware(api)
    gpu = cli("hardware", "--gpu", "--max-price", "1", "--json")
    assert [h["name"] for h in json.loads(gpu.stdout)] == ["t4-small"]


@pytest.mark.parametrize("value", ["abc", "-1"])
def test_hardware_bad_max_price(cli, api, value):
    result = cli("hardware", "--max-price", value)
    assert result.exit_code == 2 and "--max-price" in result.stderr
    assert len(api.calls) == 0


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


def test_rerun_without_overrides_duplicates(cli, api, logged_in):
    new = make_job(stage="SCHEDULING", initiator={"type": "duplicated-job", "id": "a" * 24})
    api.post(f"{JOBS}/{'a' * 24}/duplicate", json=new, match=[auth_header()])
    result = cli("rerun", "-d", "-q", f"alice/{'a' * 24}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{new['id']}\n"


def test_rerun_with_overrides_builds_a_new_spec(cli, api, logged_in, monkeypatch):
    old = make_job(
        id="b" * 24, environment={"A": "1"}, secrets=["DB"], flavor="cpu-basic", timeoutSeconds=600,
        labels={"name": "old", "team": "ml", "hfjobs-request-id": "previous"}, attempts=2,
    )  # fmt: skip
    api.get(f"{JOBS}/{'b' * 24}", json=old)
    monkeypatch.setenv("DB", "pw")
    body = {
        "dockerImage": "python:3.12", "command": ["python", "-c", "print(42)"], "arguments": [],
        "environment": {"A": "1", "B": "2"}, "secrets": {"DB": "pw"}, "flavor": "t4-small",
        "timeoutSeconds": 3600, "attempts": 2,
        "labels": {"team": "ml", "name": "bigger", "hfjobs-request-id": "rid0"},
    }  # fmt: skip
    api.post(JOBS, json=make_job(), match=[matchers.json_params_matcher(body)])
    result = cli(
        "rerun",
        "-d",
        "--flavor",
        "t4-small",
        "--timeout",
        "1h",
        "-e",
        "B=2",
        "-s",
        "DB",
        "--name",
        "bigger",
        f"alice/{'b' * 24}",
    )
    assert result.exit_code == 0, result.stderr
    assert "a rerun of" in result.stdout


def test_rerun_with_overrides_asks_for_the_secrets_again(cli, api, logged_in):
    old = make_job(id="c" * 24, secrets=["HF_TOKEN", "DB"])
    api.get(f"{JOBS}/{'c' * 24}", json=old)
    result = cli("rerun", "--flavor", "t4-small", f"alice/{'c' * 24}")
    assert result.exit_code == 2
    assert "HF_TOKEN, DB" in result.stderr and "-s HF_TOKEN -s DB" in result.stderr
    assert not any(c.request.method == "POST" for c in api.calls)


def test_labels_show_replace_name_and_clear(cli, api, logged_in):
    job = make_job(id="d" * 24, labels={"team": "ml", "name": "x"})
    url = f"{JOBS}/{'d' * 24}"
    api.get(url, json=job)
    assert cli("labels", f"alice/{'d' * 24}").stdout == "team=ml, name=x\n"
    api.put(
        f"{url}/labels",
        json=make_job(labels={"a": "1"}),
        match=[matchers.json_params_matcher({"labels": {"a": "1"}})],
    )
    assert cli("labels", f"alice/{'d' * 24}", "-l", "a=1").exit_code == 0
    api.get(url, json=job)
    api.put(
        f"{url}/labels",
        json=job,
        match=[matchers.json_params_matcher({"labels": {"team": "ml", "name": "y"}})],
    )
    assert cli("labels", f"alice/{'d' * 24}", "--name", "y").exit_code == 0
    api.put(
        f"{url}/labels",
        json=make_job(labels={}),
        match=[matchers.json_params_matcher({"labels": {}})],
    )
    assert "(no labels)" in cli("labels", f"alice/{'d' * 24}", "--clear").stdout
    bad = cli("labels", f"alice/{'d' * 24}", "--clear", "-l", "a=1")
    assert bad.exit_code == 2


def test_expose_replaces_ports_and_prints_urls(cli, api, logged_in):
    url = f"{JOBS}/{'e' * 24}/expose"
    job = make_job(
        status={
            "stage": "RUNNING",
            "exposeUrls": ["https://e--8000.hf.jobs", "https://e--7860.hf.jobs"],
        }
    )
    api.put(
        url,
        json=job,
        match=[matchers.json_params_matcher({"ports": [8000, 7860], "portsPublic": [7860]})],
    )
    result = cli("expose", f"alice/{'e' * 24}", "8000", "--public", "7860")
    assert result.exit_code == 0, result.stderr
    assert "https://e--7860.hf.jobs" in result.stdout
    api.put(
        url, json=make_job(), match=[matchers.json_params_matcher({"ports": [], "portsPublic": []})]
    )
    assert cli("expose", f"alice/{'e' * 24}", "--clear").exit_code == 0
    assert cli("expose", f"alice/{'e' * 24}", "70000").exit_code == 2
    assert cli("expose", f"alice/{'e' * 24}").exit_code == 2


def test_uv_run_local_script_travels_in_the_spec(cli, api, logged_in, tmp_path):
    script = tmp_path / "train.py"
    script.write_text("# /// script\n# dependencies = ['rich']\n# ///\nprint('hi')\n")
    result = cli(
        "uv",
        "run",
        "--dry-run",
        "--json",
        "--with",
        "numpy",
        "-p",
        "3.12",
        str(script),
        "--epochs",
        "3",
    )
    assert result.exit_code == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["dockerImage"] == "ghcr.io/astral-sh/uv:python3.12-bookworm"
    assert base64.b64decode(body["environment"]["HFJOBS_UV_SCRIPT"]).decode() == script.read_text()
    assert body["command"][:2] == ["sh", "-c"] and body["command"][3:] == [
        "uv-run",
        "--epochs",
        "3",
    ]
    assert 'uv run --with numpy --python 3.12 "$d/train.py" "$@"' in body["command"][2]


def test_uv_run_url_and_command(cli, api, logged_in):
    url_run = json.loads(cli("uv", "run", "--dry-run", "--json", "https://x.test/s.py", "a").stdout)
    assert url_run["command"] == ["uv", "run", "https://x.test/s.py", "a"]
    command = json.loads(
        cli("uv", "run", "--dry-run", "--json", "--with", "lighteval", "lighteval", "--help").stdout
    )
    assert command["command"] == ["uv", "run", "--with", "lighteval", "lighteval", "--help"]


def test_uv_run_bad_input(cli, api, logged_in, tmp_path):
    assert "no such file" in cli("uv", "run", "missing.py").stderr
    big = tmp_path / "big.py"
    big.write_text("x = 1\n" * 20000)
    result = cli("uv", "run", str(big))
    assert result.exit_code == 2 and "KiB" in result.stderr
    assert len(api.calls) == 0


def test_bulk_cancel_by_label_needs_yes_without_a_terminal(cli, api, logged_in):
    jobs = [make_job(labels={"sweep": "lr"}), make_job(labels={"sweep": "lr"})]
    api.get(f"{ENDPOINT}/api/whoami-v2", json=whoami())
    api.get(
        JOBS,
        json=jobs,
        match=[matchers.query_string_matcher("stage=RUNNING&stage=SCHEDULING&label=sweep%3Dlr")],
    )
    refused = cli("cancel", "-l", "sweep=lr")
    assert refused.exit_code == 2 and "-y" in refused.stderr
    assert not any(c.request.method == "POST" for c in api.calls)
    api.get(JOBS, json=jobs)
    for job in jobs:
        api.post(f"{JOBS}/{job['id']}/cancel", json=job)
    done = cli("cancel", "-l", "sweep=lr", "-y", "-q")
    assert done.exit_code == 0
    assert done.stdout.split() == [j["id"] for j in jobs]


def test_cancel_ids_and_selector_together_is_a_usage_error(cli, api, logged_in):
    assert cli("cancel", "--all", "abc").exit_code == 2
    assert cli("cancel").exit_code == 2


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


def test_bulk_cancel_asks_on_a_terminal_and_declining_cancels_nothing(
    cli, api, logged_in, monkeypatch
):
    monkeypatch.setattr("hfjobs_cli.invocation.stdin_is_terminal", lambda: True)
    api.get(JOBS, json=[make_job(labels={"sweep": "lr"})])
    result = cli("cancel", "--namespace", "alice", "-l", "sweep=lr", input="n\n")
    assert result.exit_code == 1
    assert "Cancel 1 job?" in result.stderr and "Nothing cancelled" in result.stderr
    assert not any(c.request.method == "POST" for c in api.calls)


def test_an_unknown_flavor_is_sent_with_a_suggestion(cli, api, logged_in):
    stub_hardware(api)
    api.post(JOBS, status=400, json={"error": "Invalid flavor 't4-smal'"})
    result = cli("run", "-d", "--namespace", "alice", "--flavor", "t4-smal", "python:3.12", "true")
    assert result.exit_code == 2
    assert "did you mean 't4-small'?" in result.stderr
    assert "Invalid flavor 't4-smal'" in result.stderr
