"""`hfjobs schedule labels` at the HTTP boundary: replaces a scheduled job's labels."""

from __future__ import annotations

import json

from responses import matchers

from tests.commands.schedule.helpers import SJ, make_scheduled_job
from tests.conftest import auth_header


def test_labels_replace_all(cli, api, logged_in):
    sj = make_scheduled_job(jobSpec={"labels": {"team": "ml", "name": "nightly"}})
    api.put(
        f"{SJ}/{sj['id']}/labels",
        json=sj,
        match=[
            auth_header(),
            matchers.json_params_matcher({"labels": {"team": "ml", "name": "nightly"}}),
        ],
    )
    result = cli(
        "schedule", "labels", "--namespace", "alice", sj["id"], "-l", "team=ml", "--name",
        "nightly",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"✓ Scheduled job {sj['id']} labels: team=ml, name=nightly\n"


def test_labels_name_alone_keeps_the_others(cli, api, logged_in):
    before = make_scheduled_job(jobSpec={"labels": {"team": "ml", "name": "old"}})
    after = make_scheduled_job(
        id=before["id"], jobSpec={"labels": {"team": "ml", "name": "new-name"}}
    )
    api.get(f"{SJ}/{before['id']}", json=before)
    api.put(
        f"{SJ}/{before['id']}/labels",
        json=after,
        match=[matchers.json_params_matcher({"labels": {"team": "ml", "name": "new-name"}})],
    )
    result = cli("schedule", "labels", "--json", f"alice/{before['id']}", "--name", "new-name")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == after


def test_labels_clear(cli, api, logged_in):
    sj = make_scheduled_job(jobSpec={"labels": {}})
    api.put(
        f"{SJ}/{sj['id']}/labels", json=sj, match=[matchers.json_params_matcher({"labels": {}})]
    )
    api.put(f"{SJ}/{sj['id']}/labels", json=sj)
    result = cli("schedule", "labels", f"alice/{sj['id']}", "--clear")
    assert result.stdout == f"✓ Scheduled job {sj['id']}: labels cleared\n"
    assert cli("schedule", "labels", "-q", f"alice/{sj['id']}", "--clear").stdout == (
        f"{sj['id']}\n"
    )
