"""A whole local run: `hfjobs --local run IMAGE python -c "print(1)"` against a running emulator.

    python benchmarks/local_run.py                      # 9 runs each; budget: median <= 0.4 s
    python benchmarks/local_run.py --runs 15 --wait-idle 600 --out benchmarks/results/local_run.json

The emulator is started once, as a user starts it (`hfjobs emulator start`, in a temporary data
folder), with the process runtime; then each run is the user's whole wait: the interpreter's
start, the client's requests, the job itself (a Python process the emulator starts), the log
and the final state, until the client exits. Beside it, in the same rotation: the floor of any
Python CLI (`python -c pass`) and `hfjobs --version`. From the job's own timestamps each run is
split into: start -> job created (client start-up and the requests before the create), created
-> finished (the emulator and the job), finished -> exit (the client seeing the end).

When podman answers (and a static busybox is at hand to build a FROM-scratch image), the same
run goes through a second emulator with the podman runtime: `hfjobs --local run IMAGE echo 1`
in a real container (no registry is needed). The exit code is 1 when a run failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
BUDGET_S = 0.4
IMAGE = "localhost/hfjobs-test-busybox:1"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_iso(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()


def bin_dir() -> Path:
    return Path(sys.executable).parent


def env_for(data: Path, runtime: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HFJOBS_"))}
    env.update(
        HFJOBS_DATA_DIR=str(data / "data"),
        HFJOBS_CONFIG_DIR=str(data / "config"),
        HFJOBS_CACHE_DIR=str(data / "cache"),
        HF_HOME=str(data / "hf"),
        HFJOBS_EMULATOR_RUNTIME=runtime,
        NO_COLOR="1",
    )
    return env


def hfjobs(env: dict[str, str], *args: str, timeout: float = 60) -> tuple[float, float, str]:
    """(start epoch, wall seconds, stdout) of one `hfjobs ARGS...`, stdout and stderr on pipes."""
    argv = [str(bin_dir() / "hfjobs"), *args]
    started, t0 = time.time(), time.perf_counter()
    done = subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
    return started, wall, done.stdout


def plain(argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, capture_output=True, check=True, timeout=60, stdin=subprocess.DEVNULL)
    return time.perf_counter() - t0


def newest_job(env: dict[str, str]) -> dict:
    info = json.loads(hfjobs(env, "emulator", "status", "--json")[2])
    token = (Path(env["HFJOBS_DATA_DIR"]) / "token").read_text().strip()
    request = urllib.request.Request(
        f"{info['url']}/api/jobs/local?limit=1", headers={"authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())[0]


def podman_image() -> str | None:
    podman, busybox = shutil.which("podman"), shutil.which("busybox")
    if not podman or not busybox:
        return None
    if subprocess.run([podman, "info"], capture_output=True, timeout=30).returncode != 0:
        return None
    if subprocess.run([podman, "image", "exists", IMAGE], capture_output=True).returncode == 0:
        return IMAGE
    with tempfile.TemporaryDirectory() as context:
        shutil.copy(busybox, Path(context) / "busybox")
        (Path(context) / "Containerfile").write_text(
            'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", '
            '"/bin"]\nENV PATH=/bin\n'
        )
        subprocess.run([podman, "build", "-q", "-t", IMAGE, context], check=True, timeout=300)
    return IMAGE


def measure_runs(
    env: dict[str, str], command: list[str], expected: str, runs: int
) -> list[dict[str, float]]:
    samples = []
    for i in range(1 + runs):
        started, wall, out = hfjobs(env, "--local", "run", *command)
        if out != expected:
            raise RuntimeError(f"unexpected output {out!r}")
        ended = started + wall
        job = newest_job(env)
        created, finished = parse_iso(job["createdAt"]), parse_iso(job["finishedAt"])
        sample = {
            "wall_s": wall,
            "start_to_created_s": created - started,
            "created_to_finished_s": finished - created,
            "finished_to_exit_s": ended - finished,
        }
        log(f"  run {i + 1}/{1 + runs}: wall {wall * 1000:.0f} ms")
        if i:  # the first one warms the caches
            samples.append(sample)
    return samples


def median(samples: list[dict[str, float]], key: str) -> float:
    return statistics.median(s[key] for s in samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "local_run.json")
    parser.add_argument("--no-podman", action="store_true", help="skip the container figure")
    parser.add_argument("--wait-idle", type=float, default=0.0, metavar="SECONDS")
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.wait_idle
    while os.getloadavg()[0] >= 1.0 and time.monotonic() < deadline:
        log(f"waiting for the load average to drop below 1.0 (now {os.getloadavg()[0]:.2f}) ...")
        time.sleep(min(15.0, max(0.0, deadline - time.monotonic())))
    load_before = [round(x, 2) for x in os.getloadavg()]
    results: dict = {"runs": args.runs, "load_before": load_before, "cases": {}}
    rows = []
    with tempfile.TemporaryDirectory(prefix="hfjobs-local-run-") as tmp:
        cases = [("process", ["python:3.12", "python", "-c", "print(1)"], "1\n")]
        image = None if args.no_podman else podman_image()
        if image:
            cases.append(("podman", [image, "echo", "1"], "1\n"))
        else:
            log("podman does not answer (or no busybox): no container figure")
        for runtime, command, expected in cases:
            env = env_for(Path(tmp) / runtime, runtime)
            hfjobs(env, "emulator", "start", "--runtime", runtime)
            try:
                log(f"hfjobs --local run ... ({runtime} runtime)")
                samples = measure_runs(env, command, expected, args.runs)
            finally:
                subprocess.run(
                    [str(bin_dir() / "hfjobs"), "emulator", "stop"], env=env, capture_output=True
                )
            results["cases"][runtime] = samples
            rows.append((runtime, command, samples))
        env = env_for(Path(tmp) / "plain", "process")
        floors = {"python -c pass": [], "hfjobs --version": []}
        for _ in range(1 + args.runs):
            floors["python -c pass"].append(plain([sys.executable, "-c", "pass"]))
            floors["hfjobs --version"].append(plain([str(bin_dir() / "hfjobs"), "--version"]))
        floors = {k: statistics.median(v[1:]) for k, v in floors.items()}
        results["floors"] = floors
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print(
        "| runtime | command | wall (median) | start → created | created → finished "
        "| finished → exit | budget |"
    )
    print("|---|---|---|---|---|---|---|")
    ok = True
    for runtime, command, samples in rows:
        wall = median(samples, "wall_s")
        budget = f"≤ {BUDGET_S * 1000:.0f} ms: {'yes' if wall <= BUDGET_S else '**NO**'}"
        if runtime != "process":
            budget = "n/a (a container start)"
        else:
            ok = wall <= BUDGET_S
        shown = " ".join(command).replace("print(1)", '"print(1)"')
        print(
            f"| {runtime} | `hfjobs --local run {shown}` | {wall * 1000:.0f} ms | "
            f"{median(samples, 'start_to_created_s') * 1000:.0f} ms | "
            f"{median(samples, 'created_to_finished_s') * 1000:.0f} ms | "
            f"{median(samples, 'finished_to_exit_s') * 1000:.0f} ms | {budget} |"
        )
    for name, value in floors.items():
        print(f"| floor | `{name}` | {value * 1000:.0f} ms | | | | |")
    print(f"\nLoad average before {load_before}, after {results['load_after']}.")
    results["budget_met"] = ok
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
