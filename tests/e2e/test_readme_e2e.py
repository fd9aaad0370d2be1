"""The README's examples, run as printed against the emulator.

Every `$ ...hfjobs...` line of the README's console blocks runs in bash, in README order (one
example may set up the next), with the placeholder ids replaced by real ones and `alice/` by
the emulator's user. Each must exit as the README says: 0, or the job's own 1 or 3 where a job
whose files are not here (train.py, nightly.sh) runs to its end; never a usage error (2), an
auth or not-found error (4, 5) or an unreachable API (6). A line left out says why, and the
sections run by other tests are named.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import wait_for_stage

README = Path(__file__).resolve().parents[2] / "README.md"
PLACEHOLDER = "6650a1b2c3d4e5f60718293a"
OTHER = "alice/6650a1b2c3d4e5f60718294b"
SCHEDULED = "6650b0c1d2e3f4a5b6c7d8e9"
WEBHOOK = "6650c2d3e4f5a6b7c8d9e0f1"
SWEEP = "3f9a2c1d"  # the label of the README's example sweep

# Sections whose examples other end-to-end tests run (tests/e2e/test_jobfile_e2e.py,
# test_sweep_e2e.py), and the developer's own commands.
ELSEWHERE = ("#### Job files", "#### Sweeps", "#### Cost guard", "### `hfjobs cost`", "# ///",
             "## Development")  # fmt: skip
LEFT_OUT = {
    "pip install .": "installs the package",
    "hfjobs login": "a hidden prompt on a terminal",
    "hfjobs ssh 6650a1b2c3d4e5f60718293a": "opens an interactive shell",
    "hfjobs ssh -i ~/.ssh/id_ed25519 alice/6650a1b2c3d4e5f60718293a": "an interactive shell",
    "hfjobs emulator serve --port 8765": "a foreground server until Ctrl-C",
}
JOB_OUTCOMES_ = {0, 1, 3}
# Lines whose documented outcome is not 0 (the README says so next to them).
EXPECTED = {
    "hfjobs cancel -l sweep=lr": {2},  # "after a confirmation": refused without a terminal
    "hfjobs run -d -q python:3.12 python train.py | xargs hfjobs wait -q": {123},  # no train.py
    "hfjobs stats -f 6650a1b2c3d4e5f60718293a": {1},  # finished here: "no metrics"
    # 1 when the job named here had already ended (not cancelled, and cancel says so)
    "hfjobs cancel 6650a1b2c3d4e5f60718293a": {0, 1},
    # 5 when no job carries that label: "nothing to wait for" is not success
    "hfjobs wait -l sweep=lr-search --timeout 2h": {*JOB_OUTCOMES_, 5},
    # 1 while the emulator has no SSH server (it says so); 0 once it serves one
    "hfjobs ssh --dry-run 6650a1b2c3d4e5f60718293a": {0, 1},
}
EXPECTED.update(
    {
        "hfjobs --local run python:3.12 python -c \"print('hello from a job')\"": {0},
        'hfjobs run --dry-run --json -e MODE=fast python:3.12 python -c "print(1)"': {0},
    }
)
# A command that follows jobs exits with their stage: completed, failed (no train.py here),
# cancelled (an earlier example cancelled them).
JOB_OUTCOMES = {0, 1, 3}


def console_lines() -> list[tuple[str, str]]:
    """(heading, command) for every `$ ` line of every console block, continuations joined."""
    found, heading, block, pending = [], "", False, ""
    for line in README.read_text(encoding="utf-8").splitlines():
        if not block and line.startswith("#"):
            heading = line
        if line.startswith("```console"):
            block = True
            continue
        if block and line.startswith("```"):
            block = False
            continue
        if not block:
            continue
        if pending:
            pending = pending[:-1] + " " + line.strip()
        elif line.startswith("$ "):
            pending = line[2:]
        if pending and not pending.endswith("\\"):
            if "hfjobs" in pending or "curl" in pending:
                found.append((heading, pending))
            pending = ""
    return found


def strip_comment(command: str) -> str:
    return re.split(r"\s{2,}# ", command)[0].rstrip()


EXAMPLES = [(h, strip_comment(c)) for h, c in console_lines()]


@pytest.fixture(scope="module")
def env(emulator, tmp_path_factory):
    home = tmp_path_factory.mktemp("readme-home")
    for folder in (".local/share/bash-completion/completions", ".zfunc",
                   ".local/share/man/man1"):  # fmt: skip
        (home / folder).mkdir(parents=True)
    values = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HFJOBS_"))}
    values.update(emulator.env())
    values.update(
        HOME=str(home),
        HFJOBS_CONFIG_DIR=str(home / "cfg"),
        HFJOBS_DATA_DIR=str(home / "data"),
        HFJOBS_CACHE_DIR=str(home / "cache"),
        HF_HOME=str(home / "hf"),
        HFJOBS_STREAM_TIMEOUT="10",
        MANPAGER="cat",
        HFJOBS_EMULATOR_RUNTIME="process",  # no image can be pulled here: run the commands
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    (home / "job.env").write_text("MODE=nightly\n")
    (home / "secrets.env").write_text("API_KEY=not-a-real-key\n")
    (home / "train.py").write_text("print('training')\n")
    yield values
    subprocess.run(["hfjobs", "emulator", "stop"], env=values, capture_output=True, timeout=30)


def sh(command: str, env: dict[str, str], *, stdin: str | None = None, timeout: float = 180):
    return subprocess.run(
        ["bash", "-c", command], cwd=env["HOME"], env=env, input=stdin, capture_output=True,
        text=True, timeout=timeout, stdin=None if stdin is not None else subprocess.DEVNULL,
    )  # fmt: skip


def start(env, *args: str) -> str:
    result = sh(" ".join(["hfjobs", "run", "-d", "-q", *args]), env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.timeout(900)  # some 100 commands, each a process: a bound, not a measure
def test_every_readme_example_runs(emulator, env, hfjobs):
    done = start(env, "-l", f"sweep={SWEEP}", "python:3.12", "python", "-c", "\"print('done')\"")
    other = start(env, "-l", f"sweep={SWEEP}", "python:3.12", "python", "-c", '"print(2)"')
    for ident in (done, other):
        wait_for_stage(hfjobs, ident, ("COMPLETED",))
    replace = {
        OTHER: f"local/{other}",
        PLACEHOLDER: done,
        OTHER.split("/")[1]: other,
        "[JOB] [--print]": "--print",
        "--json ID |": f"--json {done} |",
        "[--json]": "--json",
        "https://hub.example.com": emulator.url,
        "--namespace acme": "--namespace local",
        "--namespace my-org": "--namespace local-org",  # the emulator user's organisation
    }

    def running() -> str:  # a job to cancel, or whose ports to change, by label and name
        return start(env, "-l", "sweep=lr", "--name", "nightly", "python:3.12", "sleep", "300")

    # Sections that act on running jobs get fresh ones (an earlier example cancelled them).
    prepare = {
        "### `hfjobs ps`": lambda: {},
        "### `hfjobs cancel`": lambda: {PLACEHOLDER: running()},
        "### `hfjobs expose`": lambda: {PLACEHOLDER: running()},
    }
    # Examples that act on jobs matching a label or a name get one (earlier lines ended them).
    before = {
        "hfjobs cancel -l sweep=lr": running,
        "hfjobs cancel --name nightly -y": running,
        "hfjobs wait -l sweep=lr-search --timeout 2h": lambda: start(
            env, "-l", "sweep=lr-search", "python:3.12", "python", "-c", '"print(1)"'
        ),
    }
    ran, failures, section, local = [], [], None, {}
    for heading, example in EXAMPLES:
        if heading.startswith(ELSEWHERE) or example in LEFT_OUT or example.startswith("pip "):
            continue
        if example.startswith('eval "$(hfjobs emulator env)" && hf ') and not shutil.which("hf"):
            continue  # the official client is not installed here
        if heading != section:
            section = heading
            local = {}
            if heading in prepare:
                running()
                local = prepare[heading]()
            if heading == "## The local emulator":  # the config examples' defaults, undone
                sh("hfjobs config unset flavor; hfjobs config unset timeout", env)
        if example in before:
            before[example]()
        command = example
        for old, new in {**replace, **local}.items():
            command = command.replace(old, new)
        stdin = env["HF_TOKEN"] + "\n" if " login " in f"{command} " else None
        result = sh(command, env, stdin=stdin)
        ran.append(example)
        follows = re.search(r" (run|rerun|wait|logs -f) ", f" {command} ")
        wanted = EXPECTED.get(example, JOB_OUTCOMES if follows else {0})
        if result.returncode not in wanted:
            failures.append(f"`{example}` exited {result.returncode}: {result.stderr[-600:]}")
        # what an example creates is what the next ones name
        created = re.search(r"Scheduled job (\w+) created", result.stdout)
        if created:
            replace[SCHEDULED] = created.group(1)
        started = re.search(r"Job (\w+) started", result.stdout)
        if started and heading == "### `hfjobs ssh`":  # the next lines connect to it
            local[PLACEHOLDER] = started.group(1)
        created = re.search(r"Webhook (\w+) created", result.stdout)
        if created and WEBHOOK not in replace:
            replace[WEBHOOK] = created.group(1)
        assigned = re.match(r"^(\w+)=\$\((.*)\)$", command)
        if assigned:
            env[assigned.group(1)] = sh(assigned.group(2), env).stdout.strip()
    sh("hfjobs cancel --all -y", env)
    assert not failures, "\n".join(failures)
    assert len(ran) > 60, ran  # the README's examples were found and run


@pytest.mark.timeout(300)
def test_the_readme_webhook_example_starts_a_job_for_the_watched_repository(emulator, env):
    """The emulator block of the webhook section, run as one script: its simulated event is on
    a repository the webhook watches, so a job starts and sees which repository changed."""
    block = [c for h, c in EXAMPLES if h == "### `hfjobs webhook`"]
    start_at = next(i for i, c in enumerate(block) if c.startswith("hfjobs emulator start"))
    script = "set -e\n" + "\n".join(block[start_at:-1]) + '\necho; echo "JOB=$JOB"\n'
    result = sh(script, env)
    assert result.returncode == 0, result.stderr
    *_, answer_line, job_line = result.stdout.strip().splitlines()
    source = job_line.removeprefix("JOB=")
    answer = json.loads(answer_line)
    started = answer["jobs"]
    assert len(started) == 1, answer
    new_id = started[0]["id"]
    assert new_id != source
    deadline = time.monotonic() + 60
    while True:
        logs = sh(f'eval "$(hfjobs emulator env)" && hfjobs logs {new_id}', env)
        if "local/my-model" in logs.stdout or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert logs.stdout.strip() == "local/my-model", logs.stderr
