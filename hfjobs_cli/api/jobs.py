"""Jobs (api-reference §3): `client.jobs`, every call on `/api/jobs/{namespace}[/{id}...]`."""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from typing import Any

from hfjobs_cli.api.errors import TRANSIENT_STATUSES
from hfjobs_cli.api.models import Job, _str_dict
from hfjobs_cli.api.resource import (
    REQUEST_ID_LABEL,
    Resource,
    create_once,
    hint_on_ambiguous,
    path,
)
from hfjobs_cli.hints import command

ROUTE = "/api/jobs"


class Jobs(Resource):
    """The `/api/jobs/{namespace}` routes."""

    def _job(self, data: Any) -> Job:
        if not isinstance(data, dict) or not data.get("id"):
            raise self.client.unexpected("Unexpected answer from the server: not a job object")
        return Job.from_api(data)

    def url(self, job: Job) -> str:
        """The job's page on the Hub (or on the emulator)."""
        return f"{self.client.endpoint}/jobs/{job.owner}/{job.id}"

    def create(self, namespace: str, spec: dict[str, Any]) -> Job:
        """Create a job; never start a second copy after an ambiguous failure."""
        rid = (spec.get("labels") or {}).get(REQUEST_ID_LABEL)
        return create_once(
            lambda: self._job(self.client.send_json("POST", path(ROUTE, namespace), spec)),
            lambda: self.find_by_label(namespace, REQUEST_ID_LABEL, rid or ""),
            rid,
            what="job",
            check=command("ps", "-a", "-l", f"{REQUEST_ID_LABEL}={rid}", namespace=namespace),
            **self.client.grace(),
        )

    def find_by_label(self, namespace: str, key: str, value: str) -> Job | None:
        for item in self.client.paginate(path(ROUTE, namespace), {"label": f"{key}={value}"}):
            job = Job.from_api(item)
            if job.spec.labels.get(key) == value:
                return job
        return None

    def list(
        self,
        namespace: str,
        *,
        stages: builtins.list[str] | None = None,
        labels: dict[str, str] | None = None,
    ) -> Iterator[Job]:
        """Jobs newest first; label filters are enforced here too (AND), whatever the server does."""
        for page in self.list_pages(namespace, stages=stages, labels=labels):
            for item in page:
                yield Job.from_api(item)

    def list_pages(
        self,
        namespace: str,
        *,
        stages: builtins.list[str] | None = None,
        labels: dict[str, str] | None = None,
    ) -> Iterator[builtins.list[dict[str, Any]]]:
        """The job objects as the API sent them, one list per page, filtered as `list`
        filters them: for `--json`, which needs no `Job` (building 10,000 costs 11 %)."""
        params: list[tuple[str, str]] = [("stage", s.upper()) for s in stages or []]
        params += [("label", f"{k}={v}") for k, v in (labels or {}).items()]
        wanted = {s.upper() for s in stages or []}
        for page in self.client.pages(path(ROUTE, namespace), params or None):
            if wanted or labels:
                page = [item for item in page if _matches(item, wanted, labels)]
            yield page

    def get(self, namespace: str, job_id: str) -> Job:
        return self._job(self.client.get_json(path(ROUTE, namespace, job_id)))

    def cancel(
        self, namespace: str, job_id: str, *, timeout: tuple[float, float] | None = None
    ) -> Job | None:
        """`timeout` bounds the call (a runner that cancels a step gives us 7.5 s in all)."""
        with hint_on_ambiguous(
            f"Check it with `{command('inspect', f'{namespace}/{job_id}')}`; "
            "cancelling again is harmless"
        ):
            data = self.client.send_json(
                "POST", path(ROUTE, namespace, job_id, "cancel"), timeout=timeout
            )
        return Job.from_api(data) if isinstance(data, dict) and data.get("id") else None

    def duplicate(self, namespace: str, job_id: str) -> Job:
        return self._job(self.client.send_json("POST", path(ROUTE, namespace, job_id, "duplicate")))

    def set_labels(self, namespace: str, job_id: str, labels: dict[str, str]) -> Job:
        body = {"labels": labels}
        return self._job(
            self.client.send_json("PUT", path(ROUTE, namespace, job_id, "labels"), body)
        )

    def set_expose(self, namespace: str, job_id: str, body: dict[str, builtins.list[int]]) -> Job:
        return self._job(
            self.client.send_json("PUT", path(ROUTE, namespace, job_id, "expose"), body)
        )

    def metrics_response(self, namespace: str, job_id: str, *, read_timeout: float) -> Any:
        """The raw streaming response of `/metrics` (the caller reads and closes it; see
        api/metrics.py). A 500 is not retried: older servers answer it for a job that is
        not running."""
        return self.client.stream_response(
            path(ROUTE, namespace, job_id, "metrics"),
            read_timeout=read_timeout,
            retry_statuses=TRANSIENT_STATUSES - {500},
        )

    def logs_response(
        self, namespace: str, job_id: str, *, tail: int | None, read_timeout: float
    ) -> Any:
        """The raw streaming response of `/logs` (the caller reads and closes it; see
        api/logs.py)."""
        params = {"tail": str(tail)} if tail is not None else None
        response = self.client.stream_response(
            path(ROUTE, namespace, job_id, "logs"), params=params, read_timeout=read_timeout
        )
        ctype = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype and ctype != "text/event-stream":  # a proxy's page is not an empty log
            self.client.answered(response)
            response.close()
            what = "an HTML page" if "html" in ctype else f"a {ctype} body"
            raise self.client.unexpected(
                f"The server answered {what} where a log stream was expected"
            )
        return response


def _matches(item: dict[str, Any], stages: set[str], labels: dict[str, str] | None) -> bool:
    """Whether a job object is in one of `stages` (if any) and has every label: the stage
    and labels read as `Job.from_api` reads them."""
    if stages:
        status = item.get("status")
        if not isinstance(status, dict):
            status = {}
        if str(status.get("stage") or "UNKNOWN").upper() not in stages:
            return False
    if labels:
        have = _str_dict(item.get("labels"))
        return all(have.get(k) == v for k, v in labels.items())
    return True
