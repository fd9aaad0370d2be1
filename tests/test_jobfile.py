"""Job files: reading (types, unknown keys, overrides) and writing (TOML that reads back)."""

from __future__ import annotations

import json
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hfjobs_cli import jobfile

BASE = 'image = "python:3.12"\ncommand = ["python", "-c", "print(1)"]\n'


def dry_run(cli, *args, env=None):
    result = cli("run", "--dry-run", "--json", *args, env=env)
    assert result.exit_code == 0, result.stderr
    spec = json.loads(result.stdout)
    spec["labels"].pop("hfjobs-request-id")
    return spec


def write(tmp_path, text, name="job.toml"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_every_key_lands_in_the_body(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("FILE_SECRET", "v")
    (tmp_path / "extra.env").write_text("FROM_FILE=1\n")
    path = write(
        tmp_path,
        BASE
        + 'flavor = "t4-small"\ntimeout = 600\nattempts = 3\nname = "n1"\n'
        + 'env_files = ["extra.env"]\nsecrets = ["FILE_SECRET"]\n'
        + 'volumes = ["hf://datasets/org/ds:/data"]\nexpose = [8000]\nexpose_public = [9000]\n'
        + 'ssh = true\nresource_group_id = "rg1"\n'
        + '[env]\nA = "1"\n[labels]\nteam = "ml"\n[network]\ngroup = "g1"\naliases = ["a1"]\n',
    )
    assert dry_run(cli, "-f", path) == {
        "dockerImage": "python:3.12",
        "command": ["python", "-c", "print(1)"],
        "arguments": [],
        "environment": {"FROM_FILE": "1", "A": "1"},
        "flavor": "t4-small",
        "secrets": {"FILE_SECRET": "***"},
        "timeoutSeconds": 600,
        "attempts": 3,
        "volumes": [{"type": "dataset", "source": "org/ds", "mountPath": "/data"}],
        "expose": {"ports": [8000, 9000], "portsPublic": [9000]},
        "ssh": {"enabled": True},
        "network": {"group": "g1", "aliases": ["a1"]},
        "resourceGroupId": "rg1",
        "labels": {"team": "ml", "name": "n1"},
    }


def test_flags_and_image_override_the_file(cli, tmp_path):
    path = write(tmp_path, BASE + 'flavor = "t4-small"\nname = "n1"\n[env]\nA = "1"\nB = "2"\n')
    spec = dry_run(
        cli, "-f", path, "--flavor", "a10g-small", "-e", "A=9", "--name", "n2", "ubuntu", "true"
    )
    assert spec["flavor"] == "a10g-small"
    assert spec["environment"] == {"A": "9", "B": "2"}
    assert spec["labels"] == {"name": "n2"}
    assert spec["dockerImage"] == "ubuntu" and spec["command"] == ["true"]
    only_image = dry_run(cli, "-f", path, "python:3.13")
    assert only_image["dockerImage"] == "python:3.13"
    assert only_image["command"] == ["python", "-c", "print(1)"]


def test_a_space_and_a_label_override(cli, tmp_path):
    path = write(tmp_path, 'space = "alice/duckdb"\ncommand = ["duckdb"]\nname = "x"\n')
    spec = dry_run(cli, "-f", path, "-l", "name=y")
    assert spec["spaceId"] == "alice/duckdb" and spec["labels"] == {"name": "y"}


@pytest.mark.parametrize(
    "text,message",
    [
        (BASE + 'flavour = "x"\n', "job.toml: unknown key 'flavour'; did you mean 'flavor'?"),
        (
            BASE + "timeout = 1.5\n",
            "'timeout' must be a duration string or a number of seconds, not a number",
        ),
        ('image = "x"\ncommand = "python train.py"\n', "'command' must be a list of strings"),
        (BASE + 'secrets = {A = "b"}\n', "'secrets' must be a list of secret names, not a table"),
        (BASE + 'space = "a/b"\n', "give either 'image' or 'space', not both"),
        (BASE + '[network]\nname = "x"\n', "unknown key 'network.name'"),
        (BASE + "image = [\n", "not valid TOML"),
        ('command = ["true"]\n', "Missing IMAGE"),
        (
            BASE + 'secrets = ["UNSET_SECRET_X"]\n',
            "names the secret UNSET_SECRET_X, which is not set",
        ),
        (BASE + 'timeout = "5x"\n', "Invalid timeout '5x'"),
    ],
)
def test_bad_files_exit_2_naming_the_file(cli, tmp_path, text, message):
    path = write(tmp_path, text)
    result = cli("run", "-d", "-f", path)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    if "IMAGE" not in message and "timeout '" not in message:
        assert "job.toml" in result.stderr


def test_a_missing_file(cli, tmp_path):
    result = cli("run", "-f", str(tmp_path / "nope.toml"))
    assert result.exit_code == 2 and "nope.toml: no such file" in result.stderr


def test_schedule_run_refuses_ssh_from_a_file(cli, tmp_path):
    path = write(tmp_path, BASE + "ssh = true\n")
    result = cli("schedule", "run", "-f", path, "--dry-run", "@daily")
    assert result.exit_code == 2 and "scheduled jobs take no 'ssh'" in result.stderr


def test_export_of_a_job_object():
    raw = {
        "dockerImage": "python:3.12",
        "command": ["python", "x.py"],
        "arguments": [],
        "environment": {"A": "1"},
        "secrets": ["HF_TOKEN"],
        "flavor": "t4-small",
        "timeoutSeconds": 300,
        "attempts": 2,
        "labels": {"name": "n", "team": "ml", "hfjobs-request-id": "r"},
        "volumes": [
            {"type": "bucket", "source": "o/b", "path": "p", "mountPath": "/m", "readOnly": False}
        ],
        "expose": {"ports": [1, 2], "portsPublic": [2]},
        "network": {"group": "g", "aliases": []},
        "status": {"stage": "COMPLETED", "sshUrl": "ssh://x@ssh.hf.jobs"},
    }
    values = jobfile.from_job(raw)
    assert tomllib.loads(jobfile.dumps(values)) == values
    assert values["volumes"] == ["hf://buckets/o/b/p:/m:rw"]
    assert values["labels"] == {"team": "ml"} and values["name"] == "n"
    assert values["expose"] == [1] and values["expose_public"] == [2] and values["ssh"] is True
    jobfile.check(values, "x")  # what export writes, run -f reads


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)
KEY = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True)


@given(
    command=st.lists(TEXT, min_size=1, max_size=4),
    env=st.dictionaries(KEY, TEXT, max_size=4),
    labels=st.dictionaries(TEXT.filter(bool), TEXT, max_size=3),
    timeout=st.integers(1, 10**6),
    ports=st.lists(st.integers(1, 65535), max_size=3),
    ssh=st.booleans(),
)
def test_dumps_reads_back_as_written(command, env, labels, timeout, ports, ssh):
    values = {"image": "x", "command": command, "timeout": timeout, "expose": ports, "ssh": ssh}
    values.update(env=env, labels=labels)
    assert tomllib.loads(jobfile.dumps(values)) == values


def test_script_header_tool_table():
    text = (
        '# /// script\n# dependencies = []\n#\n# [tool.hfjobs]\n# flavor = "t4-small"\n'
        '# secrets = ["HF_TOKEN"]\n# ///\nprint(1)\n'
    )
    found = jobfile.from_script_header(text, "s.py")
    assert found.values == {"flavor": "t4-small", "secrets": ["HF_TOKEN"]}
    assert jobfile.from_script_header("print(1)\n", "s.py") is None
    with pytest.raises(Exception, match=r"s.py \[tool.hfjobs\]: unknown key 'image'"):
        jobfile.from_script_header(text.replace("flavor", "image"), "s.py")


def test_uv_run_reads_the_script_header_and_flags_win(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_test_value")
    script = tmp_path / "s.py"
    script.write_text(
        '# /// script\n# dependencies = []\n#\n# [tool.hfjobs]\n# flavor = "t4-small"\n'
        '# timeout = "1h"\n# secrets = ["HF_TOKEN"]\n# name = "hdr"\n'
        '# labels = { team = "ml" }\n# env = { MODE = "header", KEEP = "1" }\n# ///\nprint(1)\n'
    )
    result = cli(
        "uv", "run", "--dry-run", "--json", "-e", "MODE=flag", "--timeout", "5m", str(script)
    )
    assert result.exit_code == 0, result.stderr
    spec = json.loads(result.stdout)
    assert spec["flavor"] == "t4-small" and spec["timeoutSeconds"] == 300
    assert spec["secrets"] == {"HF_TOKEN": "***"}
    assert {k: v for k, v in spec["environment"].items() if k != "HFJOBS_UV_SCRIPT"} == {
        "MODE": "flag",
        "KEEP": "1",
    }
    assert spec["labels"]["name"] == "hdr" and spec["labels"]["team"] == "ml"


def test_uv_run_refuses_an_unknown_header_key(cli, tmp_path):
    script = tmp_path / "s.py"
    script.write_text('# /// script\n# [tool.hfjobs]\n# flavr = "x"\n# ///\nprint(1)\n')
    result = cli("uv", "run", "--dry-run", str(script))
    assert result.exit_code == 2
    assert "s.py [tool.hfjobs]: unknown key 'flavr'; did you mean 'flavor'?" in result.stderr


def test_a_job_file_from_stdin(cli):
    result = cli("run", "-f", "-", "--dry-run", "--json", input=BASE + 'flavor = "t4-small"\n')
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["flavor"] == "t4-small"
    both = cli("run", "-f", "-", "--env-file", "-", "--dry-run", input=BASE)
    assert both.exit_code == 2 and "can read stdin" in both.stderr
