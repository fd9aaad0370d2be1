"""Sweeps and the cost guard, at the HTTP boundary: bad input, partial failures, figures."""

from __future__ import annotations

import json

import pytest

from tests.commands.prices import HARDWARE, JOBS, PRICES
from tests.payloads import make_job


@pytest.mark.parametrize(
    "matrix,message",
    [
        ("lr", "Invalid --matrix 'lr': expected KEY=VALUE1,VALUE2"),
        ("lr=", "expected KEY=VALUE1,VALUE2"),
        ("lr=1,,2", "an empty value"),
        ("sweep=1,2", "'sweep' is a label hfjobs sets itself"),
        ("name=a,b", "'name' is a label hfjobs sets itself"),
        ("1x=1", "the key uses letters"),
    ],
)
def test_bad_matrices_exit_2(cli, api, matrix, message):
    result = cli("run", "--dry-run", "--matrix", matrix, "python:3.12", "echo", "{lr}")
    assert result.exit_code == 2
    assert message in result.stderr
    assert not api.calls


def test_a_key_given_twice_or_also_a_label(cli, api):
    twice = cli("run", "--dry-run", "--matrix", "a=1", "--matrix", "a=2", "ubuntu", "true")
    assert twice.exit_code == 2 and "--matrix a is given twice" in twice.stderr
    clash = cli("run", "--dry-run", "--matrix", "a=1", "-l", "a=x", "ubuntu", "echo", "{a}")
    assert clash.exit_code == 2 and "--matrix a and --label a" in clash.stderr


def test_an_unused_key_is_warned_about(cli, api):
    result = cli("run", "--dry-run", "--matrix", "a=1,2", "ubuntu", "true")
    assert result.exit_code == 0
    assert "{a} appears nowhere" in result.stderr


def test_a_label_value_is_made_safe(cli, api):
    result = cli(
        "run", "--dry-run", "--json", "--matrix", "model=org/m:1", "ubuntu", "echo", "{model}"
    )
    [body] = json.loads(result.stdout)
    assert body["command"] == ["echo", "org/m:1"] and body["labels"]["model"] == "org-m-1"


def test_a_failure_midway_says_what_was_started(cli, api, logged_in):
    api.get(HARDWARE, json=PRICES)
    first = make_job()
    api.post(JOBS, json=first)
    api.post(JOBS, status=400, json={"error": "Invalid label"})
    result = cli(
        "run", "-d", "-q", "--namespace", "alice", "--matrix", "x=1,2,3", "ubuntu", "echo", "{x}"
    )
    assert result.exit_code == 2, result.stderr
    assert result.stdout == f"{first['id']}\n", (result.stderr, [c.request.url for c in api.calls])
    assert "1 of 3 jobs were started before this failure; they keep running" in result.stderr
    assert "hfjobs cancel -y -l sweep=" in result.stderr and "--namespace alice" in result.stderr
    assert len([c for c in api.calls if c.request.method == "POST"]) == 2


def test_max_cost_without_a_price_is_refused(cli, api, logged_in):
    api.get(HARDWARE, json=PRICES)
    result = cli(
        "run", "--namespace", "alice", "--flavor", "mystery", "--max-cost", "5", "ubuntu", "true"
    )
    assert result.exit_code == 2
    assert "Cannot check --max-cost $5.00: no price for flavor 'mystery'" in result.stderr


@pytest.mark.parametrize("value", ["0", "-1", "abc", "inf", "nan"])
def test_bad_max_cost(cli, api, value):
    result = cli("run", "--max-cost", value, "ubuntu", "true")
    assert result.exit_code == 2 and f"Invalid --max-cost '{value}'" in result.stderr
    config = cli("config", "set", "max_cost", value)
    assert config.exit_code == 2


def test_max_cost_counts_attempts(cli, api, logged_in):
    api.get(HARDWARE, json=PRICES)
    result = cli(
        "run", "--namespace", "alice", "--flavor", "a10g-small", "--timeout", "1h",
        "--attempts", "3", "--max-cost", "2.99", "ubuntu", "true",
    )  # fmt: skip
    assert result.exit_code == 2 and "can cost up to $3.00" in result.stderr


def test_each_create_of_a_sweep_is_sent_once_after_an_ambiguous_failure(cli, api, logged_in):
    """The first POST times out after it was sent: the job is looked up by its request id
    and found, so it is not sent again; the sweep goes on with the next job."""
    import requests

    api.get(HARDWARE, json=PRICES)
    first, second = make_job(), make_job(id="6650a1b2c3d4e5f60718293b")
    api.post(JOBS, body=requests.exceptions.ReadTimeout("read timed out"))
    api.get(JOBS, json=[{**first, "labels": {"hfjobs-request-id": "rid0"}}])
    api.post(JOBS, json=second)
    result = cli(
        "run", "-d", "-q", "--namespace", "alice", "--matrix", "x=1,2", "ubuntu", "echo", "{x}"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == [first["id"], second["id"]]
    assert len([c for c in api.calls if c.request.method == "POST"]) == 2


def test_a_sweep_over_a_job_file_replaces_its_name_and_env(cli, api, tmp_path):
    job = tmp_path / "job.toml"
    job.write_text(
        'image = "python:3.12"\ncommand = ["python", "train.py", "--lr", "{lr}"]\n'
        'name = "train-{lr}"\n[env]\nLR = "{lr}"\n'
    )
    result = cli("run", "-f", str(job), "--dry-run", "--json", "--matrix", "lr=0.1,0.2")
    assert result.exit_code == 0, result.stderr
    bodies = json.loads(result.stdout)
    assert [b["labels"]["name"] for b in bodies] == ["train-0.1", "train-0.2"]
    assert [b["environment"]["LR"] for b in bodies] == ["0.1", "0.2"]
    assert [b["command"][-1] for b in bodies] == ["0.1", "0.2"]
