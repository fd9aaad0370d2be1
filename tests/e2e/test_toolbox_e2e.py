"""hardware, rerun, labels, uv run and bulk cancel with the installed hfjobs and the emulator."""

from __future__ import annotations

import time

from tests.e2e.conftest import wait_for_stage

PY = "python:3.12"


def test_hardware_lists_priced_flavors(hfjobs):
    result = hfjobs("hardware", "--json")
    assert result.returncode == 0, result.stderr
    names = {h["name"]: h for h in result.json()}
    assert names["cpu-basic"]["unitCostMicroUSD"] == 167 and "h200x8" in names
    gpus = hfjobs("hardware", "--gpu", "--max-price", "1").stdout
    assert "t4-small" in gpus and "cpu-basic" not in gpus and "a100" not in gpus


def test_rerun_as_is_and_with_overrides(hfjobs):
    first = hfjobs(
        "run", "-q", "-e", "WHO=first", PY, "python", "-c", "import os; print(os.environ['WHO'])"
    )
    job_id = first.stdout.split()[0]
    again = hfjobs("rerun", job_id)
    assert again.returncode == 0 and again.stdout == "first\n"
    changed = hfjobs("rerun", "-e", "WHO=second", "--name", "second-run", job_id)
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout == "second\n"
    named = hfjobs("ps", "-a", "--name", "second-run", "--json").json()
    assert len(named) == 1 and named[0]["environment"]["WHO"] == "second"


def test_labels_round_trip(hfjobs):
    job_id = hfjobs("run", "-q", "-l", "team=ml", PY, "python", "-c", "print(1)").stdout.split()[0]
    assert hfjobs("labels", job_id, "-l", "team=infra", "-l", "tier=gold").returncode == 0
    assert hfjobs("inspect", "--json", job_id).json()[0]["labels"] == {
        "team": "infra",
        "tier": "gold",
    }
    assert hfjobs("labels", job_id, "--name", "renamed").returncode == 0
    assert hfjobs("labels", job_id).stdout.strip() == "team=infra, tier=gold, name=renamed"


def test_uv_run_of_a_local_script(hfjobs, tmp_path):
    script = tmp_path / "hello_uv.py"
    script.write_text(
        "# /// script\n# dependencies = []\n# ///\nimport sys\nprint('uv says', sys.argv[1:])\n"
    )
    result = hfjobs("uv", "run", str(script), "a", "b", timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "uv says ['a', 'b']\n"


def test_bulk_cancel_with_yes(hfjobs):
    ids = [
        hfjobs(
            "run", "-d", "-q", "-l", "sweep=bulk", PY, "python", "-c", "import time; time.sleep(60)"
        ).stdout.strip()
        for _ in range(3)
    ]
    for job_id in ids:
        wait_for_stage(hfjobs, job_id, ("RUNNING",))
    refused = hfjobs("cancel", "-l", "sweep=bulk")
    assert refused.returncode == 2
    done = hfjobs("cancel", "-l", "sweep=bulk", "-y", "-q")
    assert done.returncode == 0 and sorted(done.stdout.split()) == sorted(ids)
    deadline = time.monotonic() + 20
    while {
        j["status"]["stage"] for j in hfjobs("ps", "-a", "-l", "sweep=bulk", "--json").json()
    } != {"CANCELED"}:
        assert time.monotonic() < deadline
        time.sleep(0.2)
