"""Sweeps (`run --matrix`) and the cost guard, with real processes under the emulator."""

from __future__ import annotations

import json

PY = "python:3.12"


def test_an_attached_sweep_follows_every_job_with_a_tag(hfjobs):
    result = hfjobs(
        "run", "--matrix", "n=1,2,3", "--name", "sw-{n}", "-e", "N={n}",
        PY, "python", "-c", "import os; print('job', os.environ['N'], '{n}')",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.splitlines()) == [
        "sw-1 | job 1 1",
        "sw-2 | job 2 2",
        "sw-3 | job 3 3",
    ]
    assert "starting 3 jobs of python:3.12 on cpu-basic (at most $" in result.stderr
    assert result.stderr.count("completed") == 3


def test_the_worst_outcome_decides_the_exit_code(hfjobs):
    result = hfjobs(
        "run", "--matrix", "code=0,1", PY, "python", "-c", "import sys; sys.exit({code})"
    )
    assert result.returncode == 1, result.stderr
    assert "ended with stage ERROR" in result.stderr


def test_a_detached_sweep_prints_ids_and_labels_them(hfjobs):
    result = hfjobs(
        "run",
        "-d",
        "-q",
        "--matrix",
        "lr=1e-4,3e-4",
        "--matrix",
        "bs=16,32",
        PY,
        "python",
        "-c",
        "print('{lr} {bs}')",
    )
    assert result.returncode == 0, result.stderr
    ids = result.stdout.split()
    assert len(ids) == 4
    labels = [j["labels"] for j in hfjobs("inspect", "--json", *ids).json()]
    sweep = labels[0]["sweep"]
    assert sorted((lab["lr"], lab["bs"]) for lab in labels) == sorted(
        [("1e-4", "16"), ("1e-4", "32"), ("3e-4", "16"), ("3e-4", "32")]
    )
    assert hfjobs("wait", "-l", f"sweep={sweep}").returncode == 0
    listed = hfjobs("ps", "-a", "-q", "-l", f"sweep={sweep}").stdout.split()
    assert sorted(listed) == sorted(ids)


def test_a_detached_sweep_table_and_hints(hfjobs):
    result = hfjobs("run", "-d", "--matrix", "x=a,b", PY, "python", "-c", "print('{x}')")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split("\t") == ["ID", "NAME", "X"] and len(lines) == 3
    assert "hfjobs wait -l sweep=" in result.stderr


def test_dry_run_prints_every_body_and_over_100_needs_yes(hfjobs):
    values = ",".join(str(i) for i in range(101))
    refused = hfjobs("run", "--dry-run", "--json", "--matrix", f"i={values}", PY, "echo", "{i}")
    assert refused.returncode == 2 and "101 jobs" in refused.stderr
    allowed = hfjobs(
        "run", "--dry-run", "--json", "--yes", "--matrix", f"i={values}", PY, "echo", "{i}"
    )
    assert allowed.returncode == 0, allowed.stderr
    bodies = json.loads(allowed.stdout)
    assert [b["command"] for b in bodies] == [["echo", str(i)] for i in range(101)]
    assert len({b["labels"]["hfjobs-request-id"] for b in bodies}) == 101


def test_max_cost_refuses_a_sweep_over_budget(hfjobs):
    result = hfjobs(
        "run", "--matrix", "x=1,2", "--flavor", "a10g-small", "--timeout", "1h", "--max-cost", "1.50",
        PY, "echo", "{x}",
    )  # fmt: skip
    assert result.returncode == 2
    assert "can cost up to $2.00" in result.stderr and "$1.50" in result.stderr
    assert not [j for j in hfjobs("ps", "-a", "--json").json() if j["flavor"] == "a10g-small"]


def test_the_max_cost_setting_applies_to_run_uv_run_and_rerun(hfjobs, tmp_path):
    limit = {"HFJOBS_MAX_COST": "0.5"}
    run = hfjobs("run", "--flavor", "a100-large", PY, "echo", "x", extra_env=limit)
    assert (
        run.returncode == 2
        and "max_cost (HFJOBS_MAX_COST environment variable) $0.50" in run.stderr
    )
    script = tmp_path / "s.py"
    script.write_text("print('uv')\n")
    uv = hfjobs("uv", "run", "--flavor", "a100-large", str(script), extra_env=limit)
    assert uv.returncode == 2 and "can cost up to $1.25" in uv.stderr
    job_id = hfjobs(
        "run", "-q", "--flavor", "a100-large", "--timeout", "1m", PY, "echo", "x"
    ).stdout.split()[0]
    same = hfjobs("rerun", "--max-cost", "0.01", job_id)
    assert same.returncode == 2 and "can cost up to $0.04" in same.stderr
    changed = hfjobs("rerun", "--max-cost", "0.01", "--timeout", "1h", job_id)
    assert changed.returncode == 2 and "can cost up to $2.50" in changed.stderr
    assert hfjobs("rerun", "--max-cost", "0.10", job_id).returncode == 0


def test_max_cost_uses_the_hubs_default_timeout_and_says_so(hfjobs):
    result = hfjobs("run", "--flavor", "a100-large", "--max-cost", "1", PY, "echo", "x")
    assert result.returncode == 2
    assert "the Hub's default 30m timeout" in result.stderr and "$1.25" in result.stderr
    started = hfjobs("run", "--flavor", "a100-large", "--max-cost", "1", "--yes", PY, "echo", "ok")
    assert started.returncode == 0 and started.stdout == "ok\n"


def test_the_readme_sweep_and_cost_examples_run(hfjobs, tmp_path):
    from tests.readme_examples import examples, run_example

    lines = examples("#### Sweeps: `run --matrix`")
    first = run_example(lines[0], hfjobs.env(), tmp_path)
    assert first.returncode == 0, first.stderr
    assert sorted(first.stdout.splitlines()) == [
        f"train-{lr}-{bs} | lr={lr} bs={bs}" for lr in ("1e-4", "3e-4") for bs in ("16", "32")
    ]
    ids = run_example(lines[1], hfjobs.env(), tmp_path).stdout.split()
    assert len(ids) == 3
    dry = run_example(lines[2], hfjobs.env(), tmp_path)
    assert dry.returncode == 0 and len(json.loads(dry.stdout)) == 2
    sweep = hfjobs("inspect", "--json", ids[0]).json()[0]["labels"]["sweep"]
    for line in lines[3:]:
        result = run_example(line, hfjobs.env(), tmp_path, replace={"3f9a2c1d": sweep})
        assert result.returncode == 0, (line, result.stderr)
    assert (
        len(
            run_example(
                lines[3], hfjobs.env(), tmp_path, replace={"3f9a2c1d": sweep}
            ).stdout.splitlines()
        )
        == 4
    )

    refused, allowed, forced, setting = examples("#### Cost guard: `--max-cost`")
    result = run_example(refused, hfjobs.env(), tmp_path)
    assert result.returncode == 2 and "can cost up to $1.25" in result.stderr
    result = run_example(allowed, hfjobs.env(), tmp_path)
    assert result.returncode == 0 and result.stdout == "1\n"
    result = run_example(forced, hfjobs.env(), tmp_path)
    assert result.returncode == 0 and result.stdout == "2\n"
    assert run_example(setting, hfjobs.env(), tmp_path).returncode == 0


def test_cost_totals_finished_jobs_per_label_and_day(hfjobs):
    for team in ("cost-a", "cost-a", "cost-b"):
        ran = hfjobs(
            "run", "--flavor", "cpu-upgrade", "-l", f"team={team}", "-l", "costed", PY, "echo", "x"
        )
        assert ran.returncode == 0, ran.stderr
    result = hfjobs("cost", "-l", "costed=", "--by", "label:team", "--json")
    assert result.returncode == 0, result.stderr
    report = result.json()
    groups = {g["key"]: g for g in report["groups"]}
    assert set(groups) == {"cost-a", "cost-b"}
    assert groups["cost-a"]["jobs"] == 2 and groups["cost-b"]["jobs"] == 1
    import math

    ran = hfjobs("ps", "-a", "-l", "team=cost-a", "--json").json()
    minutes = sum(math.ceil(j["durations"]["runningSecs"] / 60) for j in ran)
    assert groups["cost-a"]["costUSD"] == round(minutes * 0.0005, 6), report
    assert report["total"]["jobs"] == 3 and report["unpriced"] == 0
    table = hfjobs("cost", "-l", "costed=").stdout.splitlines()
    assert table[0].split("\t") == ["DAY", "JOBS", "RUNTIME", "COST"]
    assert table[-1].split("\t")[:2] == ["TOTAL", "3"]
    future = hfjobs("cost", "--since", "2999-01-01", "-l", "costed=", "--json").json()
    assert future["groups"] == [] and future["total"]["jobs"] == 0


def test_the_readme_cost_examples_run(hfjobs, tmp_path):
    from tests.readme_examples import examples, run_example

    for line in examples("### `hfjobs cost`"):
        result = run_example(line, hfjobs.env(), tmp_path)
        assert result.returncode == 0, (line, result.stderr)
    assert json.loads(result.stdout)["by"] == "label:sweep"
