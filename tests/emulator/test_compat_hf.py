"""The official client (huggingface_hub 2.4.0 and its `hf` CLI), unmodified, against the emulator.

If the official client cannot talk to the emulator, the emulator is wrong.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.emulator_harness import start_emulator

HF = str(Path(sys.executable).with_name("hf"))
JOB_ID = re.compile(r"\b[0-9a-f]{24}\b")


@pytest.fixture(scope="module")
def emu(tmp_path_factory):
    # Keep-alives every 30 s, like the Hub: the official client's snapshot mode (`hf jobs logs`
    # without -f) ends a running job's stream after 5 s of silence, which keep-alives would break.
    with start_emulator(tmp_path_factory.mktemp("compat") / "data", keepalive=30.0) as running:
        yield running


@pytest.fixture(scope="module")
def api(emu):
    from huggingface_hub import HfApi

    return HfApi(endpoint=emu.url, token=emu.token)


@pytest.fixture(scope="module")
def hf(emu, tmp_path_factory):
    home = tmp_path_factory.mktemp("hf-home")
    env = {
        **os.environ,
        "HF_ENDPOINT": emu.url,
        "HF_TOKEN": emu.token,
        "HF_HUB_DISABLE_UPDATE_CHECK": "1",
        "HF_HOME": str(home),
        "NO_COLOR": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "COLUMNS": "200",
    }

    def run(*args: str, ok: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [HF, *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        if ok:
            assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result

    return run


# -- huggingface_hub.HfApi -----------------------------------------------------------------------


def test_run_inspect_wait_logs(api):
    job = api.run_job(
        image="python:3.12",
        command=["python", "-c", "print('hello'); print('world')"],
        env={"A": "1"},
        secrets={"S": "x"},
        labels={"team": "ml"},
        timeout="5m",
    )
    assert (
        JOB_ID.fullmatch(job.id)
        and job.owner.name == "local"
        and job.url.endswith(f"/jobs/local/{job.id}")
    )
    done = api.wait_for_job(job_id=job.id, namespace="local")
    assert done.status.stage == "COMPLETED"
    info = api.inspect_job(job_id=job.id)
    assert (
        info.labels["team"] == "ml"
        and info.secrets == ["S"]
        and info.durations.total_secs is not None
    )
    assert list(api.fetch_job_logs(job_id=job.id)) == ["hello", "world"]
    assert list(api.fetch_job_logs(job_id=job.id, follow=True)) == ["hello", "world"]
    assert list(api.fetch_job_logs(job_id=job.id, tail=1)) == ["world"]


def test_follow_a_running_job_to_the_end(api):
    code = "import time\nfor i in range(3):\n    print(i, flush=True)\n    time.sleep(0.4)"
    job = api.run_job(image="python:3.12", command=["python", "-c", code])
    assert list(api.fetch_job_logs(job_id=job.id, follow=True)) == ["0", "1", "2"]
    assert api.inspect_job(job_id=job.id).status.stage == "COMPLETED"


def test_list_with_filters_and_cancel(api):
    job = api.run_job(image="python:3.12", command=["sleep", "30"], labels={"compat": "cancel"})
    api.wait_for_job(job_id=job.id, stages=["RUNNING"], namespace="local")
    listed = list(api.list_jobs(namespace="local", status="RUNNING", labels={"compat": "cancel"}))
    assert [j.id for j in listed] == [job.id]
    api.cancel_job(job_id=job.id)
    assert api.inspect_job(job_id=job.id).status.stage == "CANCELED"
    assert [
        j.id
        for j in api.list_jobs(namespace="local", status="RUNNING", labels={"compat": "cancel"})
    ] == []


def test_list_follows_link_pagination_past_one_page(api):
    made = {
        api.run_job(image="python:3.12", command=["true"], labels={"compat": "pages"}).id
        for _ in range(55)
    }
    listed = [j.id for j in api.list_jobs(namespace="local", labels={"compat": "pages"})]
    assert len(listed) == 55 and set(listed) == made  # two pages of the default size, 50


def test_rerun_labels_and_metrics(api):
    job = api.run_job(
        image="python:3.12",
        command=["python", "-c", "import time; print('x', flush=True); time.sleep(30)"],
        flavor="a10g-small",
    )
    api.wait_for_job(job_id=job.id, stages=["RUNNING"], namespace="local")
    sample = next(iter(api.fetch_job_metrics(job_id=job.id)))
    assert sample["cpu_millicores"] == 4000 and len(sample["gpus"]) == 1
    assert api.update_job_labels(job_id=job.id, labels={"v": "2"}).labels == {"v": "2"}
    api.cancel_job(job_id=job.id)
    assert list(api.fetch_job_metrics(job_id=job.id)) == []  # 406 once it ended: "no metrics"
    again = api.rerun_job(job_id=job.id)
    assert again.id != job.id and again.initiator.type == "duplicated-job"
    api.cancel_job(job_id=again.id)


def test_hardware(api):
    hardware = api.list_jobs_hardware()
    assert len(hardware) == 26
    small = next(h for h in hardware if h.name == "a10g-small")
    assert small.accelerator.model == "A10G" and small.unit_cost_micro_usd == 16667


def test_scheduled_jobs(api):
    sj = api.create_scheduled_job(
        image="python:3.12",
        command=["python", "-c", "print('sched')"],
        schedule="@hourly",
        labels={"name": "compat-sched"},
    )
    assert (
        sj.schedule == "@hourly"
        and sj.status.next_job_run_at is not None
        and sj.owner.name == "local"
    )
    assert sj.id in [s.id for s in api.list_scheduled_jobs()]
    api.suspend_scheduled_job(scheduled_job_id=sj.id)
    assert api.inspect_scheduled_job(scheduled_job_id=sj.id).suspend is True
    api.resume_scheduled_job(scheduled_job_id=sj.id)
    assert api.inspect_scheduled_job(scheduled_job_id=sj.id).suspend is False
    job = api.trigger_scheduled_job(scheduled_job_id=sj.id)
    assert api.wait_for_job(job_id=job.id, namespace="local").status.stage == "COMPLETED"
    assert list(api.fetch_job_logs(job_id=job.id)) == ["sched"]
    assert api.inspect_scheduled_job(scheduled_job_id=sj.id).status.last_job.id == job.id
    api.delete_scheduled_job(scheduled_job_id=sj.id)
    assert sj.id not in [s.id for s in api.list_scheduled_jobs()]


def test_create_webhook_from_a_job_and_fire_it(api, emu):
    import requests

    code = "import os, json; print(json.loads(os.environ['WEBHOOK_PAYLOAD'])['repo']['name'])"
    source = api.run_job(image="python:3.12", command=["python", "-c", code])
    api.wait_for_job(job_id=source.id, namespace="local")
    hook = api.create_webhook(
        job_id=source.id, watched=[{"type": "model", "name": "local/compat-model"}], secret="s"
    )
    assert hook.job is not None and hook.job.command == ["python", "-c", code] and hook.url is None
    assert hook.secret == "s" and hook.disabled is False and hook.domains == ["repo", "discussion"]
    assert hook.id in [w.id for w in api.list_webhooks()]
    response = requests.post(
        f"{emu.url}/api/emulator/webhook-events",
        timeout=10,
        headers={"authorization": f"Bearer {emu.token}"},
        json={
            "repo": {"type": "model", "name": "local/compat-model"},
            "event": {"action": "update", "scope": "repo.content"},
        },
    )
    (started,) = response.json()["jobs"]
    assert api.wait_for_job(job_id=started["id"], namespace="local").status.stage == "COMPLETED"
    assert list(api.fetch_job_logs(job_id=started["id"])) == ["local/compat-model"]
    api.disable_webhook(hook.id)
    assert api.get_webhook(hook.id).disabled is True
    api.delete_webhook(hook.id)


# -- the `hf` command-line interface -------------------------------------------------------------


def test_hf_jobs_run_attached(hf):
    result = hf("jobs", "run", "python:3.12", "python", "-c", "print('hello from hf')")
    assert "hello from hf" in result.stdout
    assert re.search(r"Job [0-9a-f]{24} completed", result.stdout + result.stderr)


def test_hf_jobs_run_attached_failure(hf):
    result = hf("jobs", "run", "python:3.12", "python", "-c", "import sys; sys.exit(3)", ok=False)
    assert result.returncode != 0
    assert "ERROR" in result.stderr + result.stdout and "code 3" in result.stderr + result.stdout


def wait_stage(hf, job_id: str, stage: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while (job := json.loads(hf("jobs", "inspect", "--json", job_id).stdout)[0])["status"][
        "stage"
    ] != stage:
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    return job


def test_hf_jobs_detached_then_logs(hf):
    started = hf("jobs", "run", "-d", "python:3.12", "python", "-c", "print('detached done')")
    job_id = JOB_ID.search(started.stdout).group(0)
    wait_stage(hf, f"local/{job_id}", "COMPLETED")
    assert hf("jobs", "logs", job_id).stdout.splitlines() == ["detached done"]


def test_hf_jobs_ps_inspect_logs_cancel_a_running_job(hf):
    started = hf(
        "jobs",
        "run",
        "-d",
        "--name",
        "hf-detached",
        "python:3.12",
        "python",
        "-u",
        "-c",
        "import time; print('detached up'); time.sleep(60)",
    )
    job_id = JOB_ID.search(started.stdout).group(0)
    assert job_id in [j["id"] for j in json.loads(hf("jobs", "ps", "--json").stdout)]
    assert (
        job_id[:8] in hf("jobs", "ps", "-a").stdout
        and "hf-detached" in hf("jobs", "ps", "-a").stdout
    )
    wait_stage(hf, job_id, "RUNNING")
    # Snapshot logs of a running job: the client stops after 5 s without data, as with the Hub
    # (whose keep-alives come every 30 s, like this emulator's here).
    began = time.monotonic()
    deadline = began + 20
    while (
        "detached up" not in (logs := hf("jobs", "logs", job_id).stdout)
        and time.monotonic() < deadline
    ):
        time.sleep(0.2)
    assert logs.splitlines() == ["detached up"] and time.monotonic() - began < 20
    hf("jobs", "cancel", job_id)
    assert (
        json.loads(hf("jobs", "inspect", "--json", job_id).stdout)[0]["status"]["stage"]
        == "CANCELED"
    )
    assert job_id not in hf("jobs", "ps", "-q").stdout


def test_hf_jobs_hardware(hf):
    out = hf("jobs", "hardware").stdout
    assert "cpu-basic" in out and "a100-large" in out and "h200x8" in out


def test_hf_jobs_scheduled(hf):
    created = hf("jobs", "scheduled", "run", "@hourly", "python:3.12", "python", "-c", "print(1)")
    sj_id = JOB_ID.search(created.stdout).group(0)
    assert sj_id in hf("jobs", "scheduled", "ps", "-q").stdout
    hf("jobs", "scheduled", "suspend", sj_id)
    assert sj_id not in hf("jobs", "scheduled", "ps", "-q").stdout  # suspended ones are hidden
    assert sj_id in hf("jobs", "scheduled", "ps", "-a", "-q").stdout
    hf("jobs", "scheduled", "resume", sj_id)
    assert sj_id in hf("jobs", "scheduled", "ps", "-q").stdout
    hf("jobs", "scheduled", "delete", sj_id)
    assert sj_id not in hf("jobs", "scheduled", "ps", "-a", "-q").stdout


# -- the Hub's answer shapes, as the official client reads them -----------------------------------


def test_status_message_is_null_while_running_and_completed_and_states_the_exit_code(api):
    job = api.run_job(image="python:3.12", command=["sleep", "30"])
    running = api.wait_for_job(job_id=job.id, stages=["RUNNING"], namespace="local")
    assert running.status.stage == "RUNNING" and running.status.message is None
    api.cancel_job(job_id=job.id)
    done = api.run_job(image="python:3.12", command=["python", "-c", "print(1)"])
    finished = api.wait_for_job(job_id=done.id, namespace="local")
    assert finished.status.stage == "COMPLETED" and finished.status.message is None
    failed = api.run_job(image="python:3.12", command=["python", "-c", "raise SystemExit(7)"])
    ended = api.wait_for_job(job_id=failed.id, namespace="local")
    assert ended.status.stage == "ERROR" and ended.status.message == "Process exited with code 7"


def test_scheduled_and_webhook_job_specs_carry_the_timeout(api):
    sj = api.create_scheduled_job(
        image="python:3.12", command=["python", "-c", "print(1)"], schedule="@daily", timeout="5m"
    )
    assert sj.job_spec.timeout == 300
    assert api.inspect_scheduled_job(scheduled_job_id=sj.id).job_spec.timeout == 300
    assert [s.job_spec.timeout for s in api.list_scheduled_jobs() if s.id == sj.id] == [300]
    api.delete_scheduled_job(scheduled_job_id=sj.id)
    source = api.run_job(image="python:3.12", command=["true"], timeout=90)
    hook = api.create_webhook(job_id=source.id, watched=[{"type": "model", "name": "local/t"}])
    assert hook.job is not None and hook.job.timeout == 90
    assert api.get_webhook(hook.id).job.timeout == 90
    api.delete_webhook(hook.id)


def test_expose_on_a_finished_job_is_refused_with_400(api):
    from huggingface_hub.errors import HfHubHTTPError

    job = api.run_job(image="python:3.12", command=["sleep", "30"])
    api.wait_for_job(job_id=job.id, stages=["RUNNING"], namespace="local")
    assert api.update_job_expose(job_id=job.id, expose=[8123]).expose == [8123]
    api.cancel_job(job_id=job.id)
    with pytest.raises(HfHubHTTPError) as refused:
        api.update_job_expose(job_id=job.id, expose=[8124])
    assert refused.value.response.status_code == 400
    assert api.inspect_job(job_id=job.id).expose == [8123]


def test_volumes_are_echoed_as_sent(api):
    from huggingface_hub import Volume

    sent = [
        Volume(type="model", source="local/m", mount_path="/m", revision="v1", read_only=True),
        Volume(type="bucket", source="local/b", mount_path="/b", read_only=False, path="sub"),
        Volume(type="dataset", source="local/d", mount_path="/d"),
    ]
    job = api.run_job(image="python:3.12", command=["true"], volumes=sent)
    for info in (job, api.inspect_job(job_id=job.id)):
        assert [v.to_dict() for v in info.volumes] == [v.to_dict() for v in sent]


def test_hf_jobs_inspect_shows_null_message_and_expose_refusal(hf):
    started = hf("jobs", "run", "-d", "python:3.12", "python", "-c", "print('x')")
    job_id = JOB_ID.search(started.stdout).group(0)
    done = wait_stage(hf, job_id, "COMPLETED")
    assert done["status"].get("message") is None  # the CLI's JSON drops null keys
    refused = hf("jobs", "expose", job_id, "8000", ok=False)
    assert refused.returncode == 1 and "Bad request:" in refused.stderr
    assert "has finished (COMPLETED)" in refused.stderr


def test_hf_jobs_scheduled_inspect_shows_the_timeout(hf):
    created = hf(
        "jobs", "scheduled", "run", "--timeout", "2m", "@daily", "python:3.12", "python", "-c", "1"
    )
    sj_id = JOB_ID.search(created.stdout).group(0)
    shown = json.loads(hf("jobs", "scheduled", "inspect", "--json", sj_id).stdout)
    spec = shown[0]["job_spec"] if isinstance(shown, list) else shown["job_spec"]
    assert spec["timeout"] == 120
    hf("jobs", "scheduled", "delete", sj_id)
