"""The many-jobs follower: tags, colours, the set's exit code, errors, a tiny queue."""

from __future__ import annotations

import pytest

from hfjobs_cli.api.errors import ConnectionFailure
from hfjobs_cli.api.models import Job, LogEvent
from hfjobs_cli.commands import _multilog
from hfjobs_cli.commands._multilog import Target, follow_many, prefixes
from hfjobs_cli.invocation import Invocation
from tests.payloads import make_job


def test_tags_are_names_when_they_differ_else_id_tails():
    named = [Target("a", "0" * 23 + "1", "train"), Target("a", "0" * 23 + "2", "eval-long")]
    assert prefixes(named, "{tag} | ", colour=False) == ["train     | ", "eval-long | "]
    alike = [Target("a", "x" * 16 + "aaaaaaaa", "n"), Target("a", "x" * 16 + "bbbbbbbb", "n")]
    assert prefixes(alike, "{tag}: ", colour=False) == ["aaaaaaaa: ", "bbbbbbbb: "]
    assert prefixes(named, "{ns}/{id} ", colour=False)[0] == f"a/{'0' * 23}1 "


def test_colour_is_stable_per_job():
    target = Target("a", "6650a1b2c3d4e5f60718293a", "x")
    first = prefixes([target], "{tag} ", colour=True)[0]
    again = prefixes([Target("b", target.job_id, "y"), target], "{tag} ", colour=True)[1]
    assert first.startswith("\x1b[") and first.endswith("\x1b[0m")
    assert first[:8] == again[:8]  # the same colour code for the same job


def test_unknown_prefix_fields_are_refused():
    with pytest.raises(Exception, match=r"unknown field \{job\}"):
        _multilog.check_prefix_format("{job} ")


class FakeFollower:
    """Yields `lines` batches of 3 events, then ends with `stage`, or raises `error`."""

    plan: dict = {}

    def __init__(self, client, namespace, job_id, **kwargs):
        self.job_id = job_id
        self.job = None

    def __iter__(self):
        stage, batches, error = self.plan[self.job_id]
        for b in range(batches):
            yield [
                LogEvent(f"{self.job_id} {b}-{i}", f"2026-01-01T00:00:0{i}.000Z") for i in range(3)
            ]
        if error:
            raise error
        self.job = Job.from_api(make_job(id=self.job_id, status={"stage": stage}))


@pytest.mark.parametrize(
    "stages,code",
    [
        (("COMPLETED", "COMPLETED"), 0),
        (("COMPLETED", "CANCELED"), 3),
        (("CANCELED", "ERROR"), 1),
        (("DELETED", "COMPLETED"), 3),
    ],
)
def test_the_sets_exit_code_and_every_line(monkeypatch, capsys, stages, code):
    monkeypatch.setattr("hfjobs_cli.api.logs.Follower", FakeFollower)
    FakeFollower.plan = {"j1": (stages[0], 50, None), "j2": (stages[1], 40, None)}
    app = Invocation()
    app.set_output()

    class Client:
        class http:
            @staticmethod
            def widen_pool(n):
                pass

    got, finals = follow_many(
        app, Client(), [Target("ns", "j1", "one"), Target("ns", "j2", "two")], queue_batches=1
    )
    assert got == code
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == (50 + 40) * 3
    assert [line for line in lines if line.startswith("one")][:2] == [
        "one | j1 0-0",
        "one | j1 0-1",
    ]
    assert set(finals) == {"j1", "j2"}


def test_a_job_that_cannot_be_followed_is_reported_and_the_others_finish(monkeypatch, capsys):
    monkeypatch.setattr("hfjobs_cli.api.logs.Follower", FakeFollower)
    FakeFollower.plan = {
        "j1": ("COMPLETED", 2, None),
        "j2": ("", 1, ConnectionFailure("the stream broke off 6 times")),
    }
    app = Invocation()
    app.set_output()

    class Client:
        class http:
            @staticmethod
            def widen_pool(n):
                pass

    code, finals = follow_many(app, Client(), [Target("ns", "j1"), Target("ns", "j2")])
    captured = capsys.readouterr()
    assert code == 6
    assert "Job ns/j2: the stream broke off 6 times" in captured.err
    assert len(captured.out.splitlines()) == 9 and set(finals) == {"j1"}
