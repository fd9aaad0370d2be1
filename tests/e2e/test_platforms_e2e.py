"""Every output path of the installed `hfjobs` with stdout and stderr as pipes in cp1252, the
encoding Windows picks when they are not a console: nothing raises, and what comes out is
UTF-8 (JSON included), whatever the server's text holds."""

from __future__ import annotations

import json
import subprocess

from tests.e2e.conftest import HFJOBS, wait_for_stage

TEXT = "é 你好 ▕█▌▏ 🚀"  # CJK, a tqdm bar, an emoji: none of it exists in cp1252
PRINT = f"import sys; sys.stdout.buffer.write({TEXT!r}.encode() + b'\\n')"


def cp1252(hfjobs, *args: str) -> tuple[int, str, str]:
    """Run `hfjobs ARGS` with cp1252 pipes; (code, stdout, stderr), decoded strictly as UTF-8."""
    proc = subprocess.run(
        [HFJOBS, *args],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        env={**hfjobs.env(), "PYTHONIOENCODING": "cp1252"},
        check=False,
    )
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def test_every_output_path_writes_utf8_to_a_cp1252_pipe(hfjobs):
    code, out, err = cp1252(hfjobs, "run", "--name", "cp1252", "-e", f"GREETING={TEXT}", "python:3.12", "python", "-c", PRINT)  # fmt: skip
    assert code == 0, err
    assert out == TEXT + "\n"  # the attached run streams the log
    [job] = hfjobs("ps", "-a", "--name", "cp1252", "--json").json()
    job_id = job["id"]
    wait_for_stage(hfjobs, job_id, ("COMPLETED",))

    code, out, err = cp1252(hfjobs, "logs", job_id)
    assert (code, out) == (0, TEXT + "\n"), err
    for args in (("ps", "-a", "--name", "cp1252"), ("inspect", job_id)):
        code, out, err = cp1252(hfjobs, *args)
        assert code == 0, err
        assert TEXT in out and "Traceback" not in err
    for args in (("ps", "-a", "--name", "cp1252", "--json"), ("inspect", "--json", job_id)):
        code, out, err = cp1252(hfjobs, *args)
        assert code == 0, err
        [listed] = json.loads(out)
        assert listed["labels"]["name"] == "cp1252" and listed["environment"]["GREETING"] == TEXT

    code, out, err = cp1252(hfjobs, "schedule", "run", "-q", "--name", "nightly", "-l", "suite=cp1252", "0 0 1 1 *", "python:3.12", "python", "-c", PRINT)  # fmt: skip
    assert code == 0, err
    for args in (("schedule", "ls", "-l", "suite=cp1252"), ("schedule", "ls", "--json", "-l", "suite=cp1252")):  # fmt: skip
        code, out, err = cp1252(hfjobs, *args)
        assert code == 0 and TEXT in out, err
    code, out, err = cp1252(hfjobs, "webhook", "create", "--watch", "model:local/cp1252-model", "--job-id", job_id)  # fmt: skip
    assert code == 0, err
    code, out, err = cp1252(hfjobs, "webhook", "ls")
    assert code == 0 and "model:local/cp1252-model" in out, err
    code, out, err = cp1252(hfjobs, "webhook", "ls", "--json")
    assert code == 0, err
    assert json.loads(out)[0]["job"]["environment"]["GREETING"] == TEXT

    code, out, err = cp1252(hfjobs, "inspect", "不存在")  # an error message on stderr
    assert code != 0 and "不存在" in err and "Traceback" not in err
