"""`hfjobs labels` at the HTTP boundary."""

from responses import matchers

from tests.commands.helpers import JOBS
from tests.payloads import make_job


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
