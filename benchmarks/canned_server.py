"""A minimal canned Jobs API for the benchmarks: fixed answers, prepared before the clock starts.

It serves exactly what `hfjobs` and `hf jobs` need for the listing and log cases, and does as
little work as possible per request so that the client, not the server, is what is measured:

* `GET /api/whoami-v2`: the user `alice`.
* `GET /api/agent-harnesses`: an empty registry (`hf` asks for it when its daily cache is cold).
* `GET /api/jobs/{ns}`: the namespace's jobs, newest first, `page_size` per page (default 50,
  the emulator's default page; `?limit=` overrides it), followed with
  `Link: <...?cursor=N>; rel="next"`. Pages without filters are JSON-encoded once, at start-up.
  `stage` and `label` filters work too (encoded per request).
* `GET /api/jobs/{ns}/{id}`: the job, in a terminal stage (COMPLETED).
* `GET /api/jobs/{ns}/{id}/logs`: for a log job (its id is the line count in hex, zero-padded
  to 24 digits: `log_job_id(1_000_000)`), a `===== Job started` banner then N lines as
  `data: {"data":"...","timestamp":"...Z"}` SSE events, in 256 KiB chunks of a chunked body,
  then the end of the body, as the Hub does for a finished job. The body is built once per
  line count and kept in memory. `?tail=N` is honoured. Every answer has a `Date` header.

Run it alone with `python benchmarks/canned_server.py --jobs 10000 --log-lines 1000000`: it
prints its base URL on stdout once everything is prepared, then serves until killed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

USER = "alice"
USER_ID = "5e9ecfc04957053f60648a3e"
SMALL_NAMESPACE = "acme"  # an org with fewer jobs, to show what does not grow with the total
CHUNK = 256 * 1024
DEFAULT_PAGE_SIZE = 50

WHOAMI = {
    "type": "user",
    "id": USER_ID,
    "name": USER,
    "fullname": "Alice",
    "email": "alice@example.com",
    "emailVerified": True,
    "isPro": False,
    "canPay": True,
    "orgs": [
        {
            "type": "org",
            "id": "6123456789abcdef01234567",
            "name": SMALL_NAMESPACE,
            "fullname": "Acme",
        }
    ],
    "auth": {"type": "access_token", "accessToken": {"displayName": "bench", "role": "write"}},
}

IMAGES = (
    "python:3.12",
    "pytorch/pytorch:2.6.0-cuda12.4-cudnn9-devel",
    "ghcr.io/astral-sh/uv:python3.12-bookworm",
    "huggingface/trl:latest",
)
FLAVORS = ("cpu-basic", "cpu-upgrade", "t4-small", "a10g-small", "a100-large", "h100")
COMMANDS = (
    ["python", "train.py", "--epochs", "3", "--lr", "3e-4"],
    ["uv", "run", "--with", "transformers", "--with", "datasets", "/data/finetune.py"],
    ["bash", "-c", "nvidia-smi && python eval.py --split test"],
    ["python", "-c", "print('hello from a job')"],
)


def iso(epoch: float) -> str:
    """`YYYY-MM-DDTHH:MM:SS.mmmZ`, the Hub's timestamp format."""
    ms = int(round(epoch * 1000))
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


def log_job_id(lines: int) -> str:
    """The id of the canned job whose log has `lines` lines."""
    return f"{lines:024x}"


def make_jobs(namespace: str, count: int, now: float) -> list[dict]:
    """`count` varied job objects (api-reference §3.2), newest first; deterministic."""
    owner = {
        "id": USER_ID if namespace == USER else "6123456789abcdef01234567",
        "name": namespace,
        "type": "user" if namespace == USER else "org",
    }
    jobs = []
    for i in range(count):
        created = now - 60 - i * 97.0  # newest first, about 11 days for 10,000 jobs
        if i < 3:
            stage, message = "RUNNING", None
        elif i < 5:
            stage, message = "SCHEDULING", "Waiting for hardware"
        elif i % 17 == 0:
            stage, message = "ERROR", "Job failed with exit code: 1"
        elif i % 23 == 0:
            stage, message = "CANCELED", None
        else:
            stage, message = "COMPLETED", None
        scheduling = 5 + i % 40
        running = None if stage == "SCHEDULING" else (i * 7919) % 20000 + 3
        started = None if stage == "SCHEDULING" else created + scheduling
        active = stage in ("RUNNING", "SCHEDULING")
        finished = None if active else started + running  # type: ignore[operator]
        image = IMAGES[i % len(IMAGES)]
        labels = {"name": f"train-{i % 250:03d}", "team": ("ml", "infra", "research")[i % 3]}
        if i % 5 == 0:
            labels["exp"] = f"sweep-{i // 5}"
        job_id = f"{0x6650A1B2C3D4E5F607000000 + count - i:024x}"
        jobs.append(
            {
                "id": job_id,
                "type": "job",
                "createdAt": iso(created),
                "startedAt": iso(started) if started else None,
                "finishedAt": iso(finished) if finished else None,
                "updatedAt": iso(finished or started or created),
                "dockerImage": image,
                "spaceId": None,
                "command": COMMANDS[i % len(COMMANDS)],
                "arguments": [],
                "environment": {"MODE": "fast", "WANDB_PROJECT": "bench"} if i % 2 else {},
                "secrets": ["HF_TOKEN"] if i % 3 == 0 else [],
                "flavor": FLAVORS[i % len(FLAVORS)],
                "timeoutSeconds": 5400,
                "attempts": 1,
                "retry": 0,
                "arch": "amd64",
                "labels": labels,
                "tags": [labels["name"]],
                "volumes": [
                    {
                        "type": "dataset",
                        "source": "acme/corpus",
                        "mountPath": "/data",
                        "readOnly": True,
                    }
                ]
                if i % 4 == 0
                else [],
                "status": {"stage": stage, "message": message},
                "durations": {
                    "schedulingSecs": scheduling if started else None,
                    "runningSecs": running,
                    "totalSecs": int((finished or now) - created),
                },
                "owner": owner,
                "createdBy": {"id": USER_ID, "name": USER},
                "initiator": {"type": "user", "id": USER_ID, "name": USER},
            }
        )
    return jobs


def log_body(lines: int, now: float) -> bytes:
    """The SSE body of an `lines`-line log that ended an hour ago (all of it is history)."""
    start = now - 3600 - lines / 1000.0  # 1,000 lines a second
    out = []
    banner = "===== Job started at " + iso(start - 1)[:19].replace("T", " ") + " ====="
    out.append(f'data: {{"data":"{banner}","timestamp":"{iso(start - 1)}"}}\n\n')
    second = None
    prefix = ""
    for i in range(lines):
        sec, ms = divmod(i, 1000)
        if sec != second:
            second = sec
            prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(start) + sec))
        if i % 1000 == 999:
            text = f"\\u2713 checkpoint saved to /data/ckpt-{i + 1:07d} (step {i + 1:,})"
        elif i % 250 == 0:
            text = f'eval {{\\"step\\": {i}, \\"accuracy\\": 0.{(i * 7) % 10000:04d}}}'
        else:
            text = (
                f"step {i:07d}/{lines} | loss {2.5 - (i % 10000) / 5000:.4f} | "
                f"lr 3.00e-04 | grad_norm {(i * 31) % 1000 / 1000:.3f} | {12000 + i % 997} tok/s"
            )
        out.append(f'data: {{"data":"{text}","timestamp":"{prefix}.{ms:03d}Z"}}\n\n')
    return "".join(out).encode()


class CannedApi:
    def __init__(self, jobs: dict[str, list[dict]], page_size: int, log_lines: list[int]):
        self.now = time.time()
        self.jobs = jobs
        self.page_size = page_size
        self.by_id = {job["id"]: job for items in jobs.values() for job in items}
        self._pages: dict[tuple[str, int], bytes] = {}
        for ns, items in jobs.items():
            for start in range(0, max(len(items), 1), page_size):
                self._pages[(ns, start)] = json.dumps(items[start : start + page_size]).encode()
        self._logs: dict[int, bytes] = {}
        self._offsets: dict[int, list[int]] = {}
        self._lock = threading.Lock()
        for n in log_lines:
            self.log(n)

    def log(self, lines: int) -> bytes:
        with self._lock:
            if lines not in self._logs:
                self._logs[lines] = log_body(lines, self.now)
            return self._logs[lines]

    def log_job(self, lines: int) -> dict:
        job = dict(self.jobs[USER][-1])
        job.update(
            id=log_job_id(lines),
            status={"stage": "COMPLETED", "message": None},
            labels={"name": f"log-{lines}"},
        )
        return job

    def page(self, ns: str, query: list[tuple[str, str]]) -> tuple[bytes, str | None]:
        """One page of a listing and the query of the next page (None on the last)."""
        params = [(k, v) for k, v in query if k not in ("cursor", "limit")]
        cursor = int(dict(query).get("cursor", 0))
        size = int(dict(query).get("limit", self.page_size))
        items = self.jobs.get(ns, [])
        stages = {v.upper() for k, v in params if k == "stage"}
        labels = [tuple(v.split("=", 1)) for k, v in params if k == "label" and "=" in v]
        if stages or labels or size != self.page_size:
            items = [
                j
                for j in items
                if (not stages or j["status"]["stage"] in stages)
                and all((j["labels"] or {}).get(k) == v for k, v in labels)
            ]
            body = json.dumps(items[cursor : cursor + size]).encode()
        else:
            body = self._pages.get((ns, cursor), b"[]")
        more = cursor + size < len(items)
        next_query = urlencode([*query_without(query, "cursor"), ("cursor", str(cursor + size))])
        return body, next_query if more else None


def query_without(query: list[tuple[str, str]], key: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in query if k != key]


JOB_PATH = re.compile(r"^/api/jobs/([^/]+)(?:/([0-9a-f]{24})(/logs)?)?$")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "canned-hub/1"
    # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and
    # the client's delayed ACK add ~40 ms to every page.
    disable_nagle_algorithm = True
    api: CannedApi  # set on the subclass by `serve`

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, value: object, status: int = 200) -> None:
        self._send(status, json.dumps(value).encode())

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = parse_qsl(url.query, keep_blank_values=True)
        if url.path == "/api/whoami-v2":
            return self._json(WHOAMI)
        if url.path == "/api/agent-harnesses":
            return self._json({"standardEnvVars": [], "harnesses": {}})
        match = JOB_PATH.match(url.path)
        if not match:
            return self._json({"error": f"Not found: {url.path}"}, 404)
        ns, job_id, logs = match.groups()
        if ns not in self.api.jobs:
            return self._json({"error": f"No namespace {ns}"}, 403)
        if job_id is None:
            body, next_query = self.api.page(ns, query)
            headers = {}
            if next_query is not None:
                host = self.headers.get("Host", "127.0.0.1")
                headers["Link"] = f'<http://{host}{url.path}?{next_query}>; rel="next"'
            return self._send(200, body, headers)
        lines = int(job_id, 16)
        if job_id in self.api.by_id:
            job = self.api.by_id[job_id]
        elif 0 < lines <= 50_000_000:
            job = self.api.log_job(lines)
        else:
            return self._json({"error": f"Job {job_id} not found"}, 404)
        if not logs:
            return self._json(job)
        self._stream_log(lines if job_id not in self.api.by_id else 0, dict(query).get("tail"))

    def _stream_log(self, lines: int, tail: str | None) -> None:
        body = self.api.log(lines) if lines else b""
        if tail is not None and tail.isdigit():  # the last N events
            cut = len(body)
            for _ in range(int(tail)):
                cut = body.rfind(b"\n\ndata: ", 0, cut)
                if cut < 0:
                    break
            body = body[cut + 2 :] if cut >= 0 else body
            body = body if int(tail) else b""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        view = memoryview(body)
        try:
            for start in range(0, len(body), CHUNK):
                piece = view[start : start + CHUNK]
                self.wfile.write(b"%x\r\n" % len(piece) + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    jobs: int = 10_000,
    small_jobs: int = 1_000,
    page_size: int = DEFAULT_PAGE_SIZE,
    log_lines: list[int] | None = None,
) -> Server:
    """Prepare everything, bind, and return the server (call `serve_forever`)."""
    now = time.time()
    api = CannedApi(
        {
            USER: make_jobs(USER, jobs, now),
            SMALL_NAMESPACE: make_jobs(SMALL_NAMESPACE, small_jobs, now),
        },
        page_size,
        log_lines or [],
    )
    handler = type("CannedHandler", (Handler,), {"api": api})
    return Server((host, port), handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=10_000, help=f"jobs of {USER}")
    parser.add_argument("--small-jobs", type=int, default=1_000, help=f"jobs of {SMALL_NAMESPACE}")
    parser.add_argument("--page-size", type=int, default=DEFAULT_PAGE_SIZE)
    parser.add_argument(
        "--log-lines", default="100000,1000000", help="log sizes to prepare (comma-separated)"
    )
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.log_lines.split(",") if n.strip()]
    server = serve(
        port=args.port,
        jobs=args.jobs,
        small_jobs=args.small_jobs,
        page_size=args.page_size,
        log_lines=sizes,
    )
    host, port = server.server_address[:2]
    sys.stdout.write(f"http://{host}:{port}\n")
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
