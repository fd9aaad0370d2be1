"""`hfjobs hardware` at the HTTP boundary: the table, its filters and --json."""

import json

import pytest

from tests.commands.helpers import stub_hardware


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
