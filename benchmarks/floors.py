"""Floors: the least a Python client could do for each case, measured beside hfjobs.

    python benchmarks/floors.py page-walk ENDPOINT NAMESPACE TOKEN
    python benchmarks/floors.py sse ENDPOINT NAMESPACE JOB_ID TOKEN

* `page-walk`: a plain `requests.Session` walk of `GET /api/jobs/NAMESPACE` following
  `Link: rel="next"`, each page decoded and written as the same indented JSON array that
  `hfjobs ps -a --json --limit 0` prints (one `json.dumps` per page); nothing else.
* `sse`: a minimal reader of `GET .../logs`: chunks as they come, split into lines, the
  `data: ` payloads of a chunk decoded with one `json.loads` (of them joined as an array),
  the `===== Job started` banner left out (tested per chunk), the lines of a chunk written in
  one write.

The third floor, start-up, is `python -c "import typer"`: what any typer-based answer costs
before it does anything (run.py runs it directly). Each prints what hfjobs prints for the
case, so run.py checks its output like a client's.
"""

from __future__ import annotations

import json
import sys

import requests


def page_walk(endpoint: str, namespace: str, token: str) -> int:
    session = requests.Session()
    session.headers["authorization"] = f"Bearer {token}"
    url: str | None = f"{endpoint}/api/jobs/{namespace}"
    write = sys.stdout.write
    count = 0
    while url:
        response = session.get(url, timeout=30)
        response.raise_for_status()
        page = response.json()
        if page:
            text = json.dumps(page, indent=2, ensure_ascii=False)
            write(("[\n  " if not count else ",\n  ") + text[4:-2])
            count += len(page)
        url = response.links.get("next", {}).get("url")
    write("\n]\n" if count else "[]\n")
    return 0


def sse(endpoint: str, namespace: str, job_id: str, token: str) -> int:
    session = requests.Session()
    session.headers["authorization"] = f"Bearer {token}"
    url = f"{endpoint}/api/jobs/{namespace}/{job_id}/logs"
    write = sys.stdout.write
    loads = json.loads
    rest = b""
    with session.get(url, stream=True, timeout=30) as response:
        response.raise_for_status()
        for chunk in response.raw.stream(1 << 16, decode_content=True):
            data = rest + chunk
            lines = data.split(b"\n")
            rest = lines.pop()
            payloads = [line[6:] for line in lines if line.startswith(b"data: ")]
            out = [event["data"] for event in loads(b"[" + b",".join(payloads) + b"]")]
            if b"===== Job started" in data:
                out = [text for text in out if not text.startswith("===== Job started")]
            if out:
                write("\n".join(out) + "\n")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["page-walk"] and len(argv) == 4:
        return page_walk(*argv[1:])
    if argv[:1] == ["sse"] and len(argv) == 5:
        return sse(*argv[1:])
    sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
