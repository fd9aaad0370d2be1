"""`hfjobs expose` at the HTTP boundary."""

from responses import matchers

from tests.commands.helpers import JOBS
from tests.payloads import make_job


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
