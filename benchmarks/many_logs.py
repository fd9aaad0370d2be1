"""Following many jobs' logs at once: `hfjobs logs -f ID x 20` keeps memory flat and loses no line.

    python benchmarks/many_logs.py                 # 20 jobs x 50,000 lines, a fast and a slow reader
    python benchmarks/many_logs.py --jobs 20 --lines 200000 --out benchmarks/results/many_logs.json

A canned server (this file with `--serve`, in its own process) serves 20 finished jobs whose
logs are N numbered lines each, and cuts every job's first stream halfway (a broken chunked
response), so each follower has to reconnect, get the replay from the start and skip what it
already printed. The benchmark runs `hfjobs logs -f NS/ID...` with stdout on a pipe, samples
the client's resident memory (VmRSS, every 20 ms) and checks every line: each job's lines
must come out exactly once, in order (no loss, no double, tags right). Two readers: one that
drains the pipe at once, and a slow one (1 MiB/s), against which the bounded queue must hold
the memory flat instead of buffering the logs.

The memory verdict: RSS once 10% of the lines are out, and the peak after that; "flat" means
the peak is within 15 MiB of the 10% figure. The exit code is 1 when a line was lost or
doubled, or the command failed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

NS = "bench"
FLAT_MIB = 15.0


def job_id(index: int) -> str:
    return f"{index + 1:024x}"


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# -- the canned server ------------------------------------------------------------------


def serve(jobs: int, lines: int) -> None:
    start = time.time() - 3600
    served: dict[str, int] = {}
    lock = threading.Lock()
    ids = {job_id(i): i for i in range(jobs)}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = urlparse(self.path).path.split("/")
            # /api/jobs/NS/ID[/logs]
            if len(path) < 5 or path[4] not in ids:
                self.send_error(404)
                return
            ident, index = path[4], ids[path[4]]
            if len(path) == 6 and path[5] == "logs":
                self._logs(ident, index)
                return
            body = json.dumps(
                {
                    "id": ident,
                    "status": {"stage": "COMPLETED", "message": None},
                    "owner": {"id": "u", "name": NS, "type": "user"},
                    "labels": {"name": f"job-{index + 1:02d}"},
                    "createdAt": iso(start),
                    "flavor": "cpu-basic",
                    "dockerImage": "python:3.12",
                    "command": ["python", "train.py"],
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _logs(self, ident: str, index: int) -> None:
            with lock:
                served[ident] = served.get(ident, 0) + 1
                first = served[ident] == 1
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            stop = lines // 2 if first else lines
            banner = f"===== Job started at {iso(start)} ====="
            out = [f'data: {{"data": "{banner}", "timestamp": "{iso(start)}"}}\n\n']
            try:
                for n in range(1, stop + 1):
                    out.append(
                        f'data: {{"data": "job-{index + 1:02d} line {n:07d} '
                        f'loss={n / lines:.6f}", "timestamp": "{iso(start + n / 1000)}"}}\n\n'
                    )
                    if len(out) >= 500:
                        self._chunk("".join(out).encode())
                        out = []
                if out:
                    self._chunk("".join(out).encode())
                if first:  # a cut: no final chunk, the connection just closes
                    self.close_connection = True
                    return
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def _chunk(self, data: bytes) -> None:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


# -- the measurement --------------------------------------------------------------------


def rss_mib(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run_case(hfjobs: str, url: str, jobs: int, lines: int, slow: bool, env: dict) -> dict:
    refs = [f"{NS}/{job_id(i)}" for i in range(jobs)]
    total = jobs * lines
    started = time.perf_counter()
    proc = subprocess.Popen(
        [hfjobs, "logs", "-f", *refs],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env={**env, "HF_ENDPOINT": url},
    )
    samples: list[tuple[int, float]] = []  # (lines out so far, RSS MiB)
    seen = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            value = rss_mib(proc.pid)
            if value is not None:
                samples.append((seen[0], value))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    expected = [1] * jobs  # the next line number of each job
    lost = doubled = bad = 0
    assert proc.stdout is not None
    for raw in proc.stdout:
        seen[0] += 1
        text = raw.decode()
        tag, _, rest = text.partition(" | ")
        parts = rest.split()
        try:
            index = int(parts[0][4:]) - 1
            number = int(parts[2])
        except (IndexError, ValueError):
            bad += 1
            continue
        if tag.strip() != f"job-{index + 1:02d}":
            bad += 1
        if number == expected[index]:
            expected[index] += 1
        elif number < expected[index]:
            doubled += 1
        else:
            lost += number - expected[index]
            expected[index] = number + 1
        if slow and seen[0] % 1000 == 0:
            time.sleep(0.08)  # ~1 MiB/s of ~80-byte lines
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    code = proc.wait()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    lost += sum(lines + 1 - e for e in expected)
    after = [mib for count, mib in samples if count >= total // 10]
    at_10 = after[0] if after else None
    peak_after = max(after) if after else None
    return {
        "reader": "slow (1 MiB/s)" if slow else "fast",
        "jobs": jobs,
        "lines": total,
        "exit_code": code,
        "seconds": round(elapsed, 2),
        "lines_per_second": round(total / elapsed),
        "rss_at_10pct_mib": round(at_10, 1) if at_10 else None,
        "rss_peak_after_mib": round(peak_after, 1) if peak_after else None,
        "rss_peak_mib": round(max(m for _c, m in samples), 1) if samples else None,
        "flat": bool(at_10 and peak_after is not None and peak_after - at_10 <= FLAT_MIB),
        "lost": lost,
        "doubled": doubled,
        "malformed": bad,
        "samples": len(samples),
        "stderr_tail": stderr.strip().splitlines()[-3:],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--lines", type=int, default=50_000, help="per job")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--bin-dir", default=str(Path(sys.executable).parent))
    parser.add_argument("--out", default="")
    parser.add_argument("--only", choices=("fast", "slow"), default=None)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.jobs, args.lines)
        return 0
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--jobs", str(args.jobs), "--lines", str(args.lines)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        home = tempfile.mkdtemp(prefix="hfjobs-bench-")
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": home,
            "HF_HOME": home,
            "HFJOBS_CONFIG_DIR": home,
            "HFJOBS_CACHE_DIR": home,
            "HF_TOKEN": "hf_benchmark",
            "NO_COLOR": "1",
            "LANG": "C.UTF-8",
        }
        hfjobs = str(Path(args.bin_dir) / "hfjobs")
        cases = [False, True] if args.only is None else [args.only == "slow"]
        results = []
        for slow in cases:
            print(f"running: {args.jobs} jobs x {args.lines} lines, slow={slow}", file=sys.stderr)
            results.append(run_case(hfjobs, url, args.jobs, args.lines, slow, env))
    finally:
        server.terminate()
        server.wait(10)
    print(
        "| reader | jobs | lines | time | lines/s | RSS at 10% | peak after | flat | lost | doubled |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['reader']} | {r['jobs']} | {r['lines']:,} | {r['seconds']} s | "
            f"{r['lines_per_second']:,} | {r['rss_at_10pct_mib']} MiB | "
            f"{r['rss_peak_after_mib']} MiB | {'yes' if r['flat'] else 'NO'} | {r['lost']} | "
            f"{r['doubled']} |"
        )
    if args.out:
        meta = {"python": sys.version.split()[0], "cpus": os.cpu_count(), "load": os.getloadavg()}
        Path(args.out).write_text(json.dumps({"meta": meta, "cases": results}, indent=2) + "\n")
    failed = any(
        r["exit_code"] != 0 or r["lost"] or r["doubled"] or r["malformed"] for r in results
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
