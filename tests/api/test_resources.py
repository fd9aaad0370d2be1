"""The client's resources: one shape (`client.<resource>.<verb>`), every path part escaped."""

import responses

from hfjobs_cli.api.client import JobsClient
from hfjobs_cli.api.http import RetryPolicy, Transport
from hfjobs_cli.api.models import Flavor, MetricSample, Stage
from hfjobs_cli.api.resource import Resource, path
from tests.payloads import make_job

HUB = "http://hub.test"


def client() -> JobsClient:
    transport = Transport(HUB, "hf_secret", user_agent="t", retry=RetryPolicy(attempts=1))
    return JobsClient(transport)


def test_every_resource_has_the_same_shape():
    c = client()
    for resource in (c.jobs, c.scheduled, c.webhooks, c.hardware):
        assert isinstance(resource, Resource) and resource.client is c
        assert callable(resource.list)
    for resource in (c.jobs, c.scheduled, c.webhooks):
        assert callable(resource.get) and callable(resource.create)
    assert callable(c.scheduled.delete) and callable(c.webhooks.delete)


def test_a_path_escapes_every_part_but_the_route():
    assert path("/api/jobs") == "/api/jobs"
    assert path("/api/jobs", "a/b", "x y", "cancel") == "/api/jobs/a%2Fb/x%20y/cancel"
    assert path("/api/scheduled-jobs", "..", "?q") == "/api/scheduled-jobs/%2E%2E/%3Fq"


@responses.activate
def test_a_namespace_or_id_cannot_change_the_route():
    job = make_job(id="j1")
    responses.get(f"{HUB}/api/jobs/a%2Fb/j%3F1", json=job)
    responses.get(f"{HUB}/api/scheduled-jobs/a%2Fb", json=[])
    responses.get(f"{HUB}/api/settings/webhooks/w%231", json={"webhook": {"id": "w#1"}})
    c = client()
    assert c.jobs.get("a/b", "j?1").id == "j1"
    assert c.scheduled.list("a/b") == []
    assert c.webhooks.get("w#1").id == "w#1"


@responses.activate
def test_hardware_is_typed_and_keeps_the_raw_object():
    raw = {"name": "t4-small", "prettyName": "Nvidia T4", "cpu": "4 vCPU", "ram": "15 GB",
           "accelerator": {"quantity": "1", "model": "T4", "vram": "16 GB"},
           "unitCostMicroUSD": 10000, "unitLabel": "minute"}  # fmt: skip
    responses.get(f"{HUB}/api/jobs/hardware", json=[raw, {"prettyName": "no name"}])
    [flavor] = client().hardware.list()
    assert isinstance(flavor, Flavor) and flavor.raw is not None
    assert (flavor.name, flavor.pretty_name, flavor.storage) == ("t4-small", "Nvidia T4", None)
    assert str(flavor.accelerator) == "1x T4 (16 GB)"
    assert flavor.price_per_minute == 0.01
    assert flavor.raw == raw


def test_a_metric_sample_reads_numbers_only_and_sorts_its_gpus():
    sample = MetricSample.from_api(
        {"cpu_usage_pct": 12.5, "memory_used_bytes": True, "rx_bps": "8",
         "gpus": {"1": {"utilization": 50}, "0": {"utilization": 7}, "x": None}}
    )  # fmt: skip
    assert sample.cpu_usage_pct == 12.5
    assert sample.memory_used_bytes is None and sample.rx_bps is None  # a bool, a string
    assert [gpu_id for gpu_id, _gpu in sample.gpus] == ["0", "1"]
    assert sample.gpus[1][1].utilization == 50


def test_stages_compare_equal_to_the_strings_the_server_sends():
    assert Stage.RUNNING == "RUNNING" and f"{Stage.ERROR}" == "ERROR"
    assert "COMPLETED" in {Stage.COMPLETED}
