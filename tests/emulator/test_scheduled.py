"""Scheduled jobs: the HTTP routes (api-reference §4) and the firing rules, with a fake clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from hfjobs_cli.emulator.scheduler import Scheduler, next_run
from hfjobs_cli.emulator.store import Store
from tests.emulator.conftest import Client, job_body, py

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def create(client: Client, schedule: str = "@hourly", command=None, **extra) -> dict:
    spec = job_body(command or py("print('tick')"), labels={"name": "sched"}, secrets={"S": "v"})
    response = client.post(
        "/api/scheduled-jobs/local", json={"jobSpec": spec, "schedule": schedule, **extra}
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_create_inspect_list_delete(client: Client):
    sj = create(client, "0 9 * * 1")
    assert re.fullmatch(r"[0-9a-f]{24}", sj["id"]) and sj["schedule"] == "0 9 * * 1"
    assert sj["suspend"] is False and sj["concurrency"] is False
    assert sj["jobSpec"]["secrets"] == ["S"] and "v" not in str(sj["jobSpec"]["secrets"])
    assert sj["status"]["lastJob"] is None and ISO.match(sj["status"]["nextJobRunAt"])
    next_at = datetime.strptime(sj["status"]["nextJobRunAt"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert next_at.weekday() == 0 and next_at.hour == 9 and next_at.minute == 0  # Monday 09:00 UTC
    assert client.get(f"/api/scheduled-jobs/local/{sj['id']}").json() == sj
    assert sj["id"] in [s["id"] for s in client.get("/api/scheduled-jobs/local").json()]
    assert client.delete(f"/api/scheduled-jobs/local/{sj['id']}").status_code == 200
    assert client.get(f"/api/scheduled-jobs/local/{sj['id']}").status_code == 404


def test_list_filters_by_label(client: Client):
    sj = create(client)
    listed = client.get("/api/scheduled-jobs/local", params={"label": "name=sched"}).json()
    assert sj["id"] in [s["id"] for s in listed]
    assert client.get("/api/scheduled-jobs/local", params={"label": "name=other"}).json() == []


def test_suspend_resume_and_reschedule(client: Client):
    sj = create(client)
    suspended = client.post(f"/api/scheduled-jobs/local/{sj['id']}/suspend")
    assert suspended.status_code == 200 and suspended.json()["suspend"] is True
    assert suspended.json()["status"]["nextJobRunAt"] is None
    resumed = client.post(f"/api/scheduled-jobs/local/{sj['id']}/resume").json()
    assert resumed["suspend"] is False and resumed["status"]["nextJobRunAt"]
    moved = client.post(
        f"/api/scheduled-jobs/local/{sj['id']}/schedule", json={"schedule": "@daily"}
    ).json()
    assert moved["schedule"] == "@daily" and moved["status"]["nextJobRunAt"].endswith(
        "T00:00:00.000Z"
    )
    assert (
        client.post(
            f"/api/scheduled-jobs/local/{sj['id']}/schedule", json={"schedule": "nope"}
        ).status_code
        == 400
    )


def test_labels_replace_the_spec_labels(client: Client):
    sj = create(client)
    updated = client.put(
        f"/api/scheduled-jobs/local/{sj['id']}/labels", json={"labels": {"env": "prod"}}
    ).json()
    assert updated["jobSpec"]["labels"] == {"env": "prod"}


@pytest.mark.parametrize(
    "body",
    [
        {"schedule": "@hourly"},
        {"jobSpec": job_body(["true"]), "schedule": "61 * * * *"},
        {"jobSpec": job_body(["true"]), "schedule": "* * * * * *"},
        {"jobSpec": job_body(["true"]), "schedule": "@sometimes"},
        {"jobSpec": job_body(["true"])},
        {"jobSpec": job_body(["true"], flavor="nope"), "schedule": "@hourly"},
        {"jobSpec": job_body(["true"], ssh={"enabled": True}), "schedule": "@hourly"},
        {"jobSpec": job_body(["true"]), "schedule": "@hourly", "suspend": "yes"},
    ],
)
def test_invalid_scheduled_jobs_are_400(client: Client, body):
    response = client.post("/api/scheduled-jobs/local", json=body)
    assert response.status_code == 400 and response.json()["error"]


def test_trigger_runs_now_and_409_while_running_without_concurrency(client: Client, tmp_path):
    go = tmp_path / "go"
    sj = create(
        client,
        command=py(
            f"import os, time\nwhile not os.path.exists({str(go)!r}): time.sleep(0.05)\nprint('ran', os.environ['S'])"
        ),
    )
    first = client.post(f"/api/scheduled-jobs/local/{sj['id']}/run")
    assert first.status_code == 200
    job = first.json()
    assert job["initiator"] == {"type": "scheduled-job", "id": sj["id"]} and job["labels"] == {
        "name": "sched"
    }
    conflict = client.post(f"/api/scheduled-jobs/local/{sj['id']}/run")
    assert conflict.status_code == 409 and "already running" in conflict.json()["error"]
    go.touch()
    assert client.wait(job["id"])["status"]["stage"] == "COMPLETED"
    assert client.lines(job["id"]) == ["ran v"]
    status = client.get(f"/api/scheduled-jobs/local/{sj['id']}").json()["status"]
    assert status["lastJob"]["id"] == job["id"] and ISO.match(status["lastJob"]["at"])
    assert (
        status["nextJobRunAt"] == sj["status"]["nextJobRunAt"]
    )  # a trigger leaves the schedule alone
    assert client.post(f"/api/scheduled-jobs/local/{sj['id']}/run").status_code == 200


def test_trigger_with_concurrency_runs_overlapping_jobs(client: Client):
    sj = create(client, command=["sleep", "30"], concurrency=True)
    a = client.post(f"/api/scheduled-jobs/local/{sj['id']}/run").json()
    b = client.post(f"/api/scheduled-jobs/local/{sj['id']}/run")
    assert b.status_code == 200 and b.json()["id"] != a["id"]
    for job in (a, b.json()):
        client.post(f"/api/jobs/local/{job['id']}/cancel")


# -- the firing rules, with an injected clock --------------------------------------------------


class FakeJobs:
    """Stands in for the JobManager: records launches, lets the test end them."""

    def __init__(self, store: Store) -> None:
        self.store, self.launched = store, []

    def launch(self, namespace, spec, secrets, initiator):
        job_id = f"{len(self.launched):024x}"
        self.store.insert(
            "jobs",
            {
                "id": job_id,
                "namespace": namespace,
                "spec": spec,
                "secrets": secrets,
                "stage": "RUNNING",
                "created_at": 0,
                "updated_at": 0,
                "initiator": initiator,
                "initiator_id": initiator["id"],
            },
        )
        self.launched.append((job_id, initiator))
        return {"id": job_id}

    def finish_all(self) -> None:
        for job_id, _ in self.launched:
            self.store.update("jobs", job_id, {"stage": "COMPLETED"})


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def sched(tmp_path):
    store = Store(tmp_path / "s.db")
    jobs = FakeJobs(store)
    clock = Clock(datetime(2025, 7, 22, 16, 0, 30, tzinfo=UTC))
    scheduler = Scheduler(store, jobs.launch, clock)
    yield scheduler, store, jobs, clock
    store.close()


def add(
    store: Store, scheduler: Scheduler, sj_id: str, schedule: str, suspend=False, concurrency=False
):
    store.insert(
        "scheduled_jobs",
        {
            "id": sj_id,
            "namespace": "local",
            "spec": {"command": ["true"]},
            "secrets": {},
            "schedule": schedule,
            "suspend": suspend,
            "concurrency": concurrency,
            "created_at": 0,
            "updated_at": 0,
            "next_run_at": None if suspend else scheduler.next_run_epoch(schedule),
        },
    )


def test_next_run_is_computed_in_utc():
    base = datetime(2025, 7, 22, 16, 0, 30, tzinfo=UTC)
    assert next_run("* * * * *", base) == datetime(2025, 7, 22, 16, 1, tzinfo=UTC)
    assert next_run("@hourly", base) == datetime(2025, 7, 22, 17, 0, tzinfo=UTC)
    assert next_run("0 9 * * 1", base) == datetime(2025, 7, 28, 9, 0, tzinfo=UTC)
    assert next_run("@daily", base.replace(tzinfo=None)) == datetime(2025, 7, 23, tzinfo=UTC)


def test_a_schedule_fires_when_due_and_not_before(sched):
    scheduler, store, jobs, clock = sched
    add(store, scheduler, "a" * 24, "* * * * *")
    assert scheduler.tick() == []
    clock.now += timedelta(seconds=29)  # 16:00:59
    assert scheduler.tick() == []
    clock.now += timedelta(seconds=1)  # 16:01:00
    assert len(scheduler.tick()) == 1
    assert jobs.launched[0][1] == {"type": "scheduled-job", "id": "a" * 24}
    row = store.get("scheduled_jobs", "a" * 24)
    assert row["last_job_id"] == jobs.launched[0][0]
    assert row["next_run_at"] == datetime(2025, 7, 22, 16, 2, tzinfo=UTC).timestamp()
    assert scheduler.tick() == []  # the same minute never fires twice


def test_suspended_schedules_do_not_fire(sched):
    scheduler, store, jobs, clock = sched
    add(store, scheduler, "b" * 24, "* * * * *", suspend=True)
    clock.now += timedelta(minutes=5)
    assert scheduler.tick() == [] and jobs.launched == []


def test_without_concurrency_a_due_firing_is_skipped_while_the_last_job_runs(sched):
    scheduler, store, jobs, clock = sched
    add(store, scheduler, "c" * 24, "* * * * *")
    clock.now += timedelta(minutes=1)
    assert len(scheduler.tick()) == 1
    clock.now += timedelta(minutes=1)
    assert scheduler.tick() == []  # still running: skipped, not queued
    assert store.get("scheduled_jobs", "c" * 24)["next_run_at"] > clock.now.timestamp()
    jobs.finish_all()
    clock.now += timedelta(minutes=1)
    assert len(scheduler.tick()) == 1


def test_with_concurrency_firings_overlap(sched):
    scheduler, store, jobs, clock = sched
    add(store, scheduler, "d" * 24, "* * * * *", concurrency=True)
    for _ in range(3):
        clock.now += timedelta(minutes=1)
        scheduler.tick()
    assert len(jobs.launched) == 3


def test_missed_firings_collapse_into_one_catch_up_run(sched):
    scheduler, store, jobs, clock = sched
    add(store, scheduler, "e" * 24, "* * * * *", concurrency=True)
    clock.now += timedelta(hours=3)  # the emulator was stopped for three hours
    assert len(scheduler.tick()) == 1
    assert scheduler.tick() == []


def test_trigger_refuses_while_running_without_concurrency(sched):
    from hfjobs_cli.emulator.errors import ApiError

    scheduler, store, jobs, clock = sched
    add(store, scheduler, "f" * 24, "@hourly")
    scheduler.trigger("f" * 24)
    with pytest.raises(ApiError) as err:
        scheduler.trigger("f" * 24)
    assert err.value.status == 409
    with pytest.raises(ApiError) as err:
        scheduler.trigger("0" * 24)
    assert err.value.status == 404


def test_the_scheduler_thread_fires_due_schedules(sched):
    import threading
    import time

    scheduler, store, jobs, clock = sched
    add(store, scheduler, "9" * 24, "* * * * *")
    stop = threading.Event()
    thread = threading.Thread(target=scheduler.run_forever, args=(stop, 0.02), daemon=True)
    thread.start()
    try:
        time.sleep(0.1)
        assert jobs.launched == []
        clock.now += timedelta(seconds=30)
        deadline = time.monotonic() + 5
        while not jobs.launched and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(jobs.launched) == 1
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()
