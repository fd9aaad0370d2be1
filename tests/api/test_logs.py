"""The log follower against a scripted fake server: cuts, silences, replays and tails."""

from __future__ import annotations

import json

import pytest
import urllib3.exceptions

from hfjobs_cli.api.errors import ConnectionFailure
from hfjobs_cli.api.logs import Follower
from hfjobs_cli.api.models import Job
from hfjobs_cli.api.streaming import SseParser, iter_log_batches
from tests.payloads import make_job


def event(i: int, text: str | None = None) -> bytes:
    minutes, seconds = divmod(i, 60)
    stamp = f"2025-01-01T{minutes // 60:02d}:{minutes % 60:02d}:{seconds:02d}.000Z"
    payload = {"data": text if text is not None else f"line {i}", "timestamp": stamp}
    return ("data: " + json.dumps(payload) + "\n\n").encode()


class FakeRaw:
    def __init__(self, chunks: list[bytes], error: Exception | None):
        self.chunks = list(chunks)
        self.error = error

    def read1(self, size, decode_content=True):
        if self.chunks:
            return self.chunks.pop(0)
        if self.error:
            error, self.error = self.error, None
            raise error
        return b""


class FakeResponse:
    headers: dict = {}

    def __init__(self, chunks, error=None):
        self.raw = FakeRaw(chunks, error)

    def close(self):
        pass


class FakeServer:
    """Replays a log from the start on each connection; `plan` scripts each connection."""

    def __init__(self, total: int, plan: list[tuple[int, str]], stages: list[str]):
        self.events = [event(0, "===== Job started at 2025-01-01 00:00:00 =====")] + [
            event(i) for i in range(1, total + 1)
        ]
        self.plan = list(plan)  # (number of events to send, "cut" | "clean" | "silent")
        self.stages = list(stages)
        self.connections: list[int | None] = []
        self.jobs = self  # the client's `jobs` resource and the client, in one

    def logs_response(self, namespace, job_id, *, tail, read_timeout):
        self.connections.append(tail)
        events = self.events[-tail:] if tail is not None else self.events
        count, ending = self.plan.pop(0) if self.plan else (len(events), "clean")
        body = events[:count]
        chunks = [b"".join(body[i : i + 7]) for i in range(0, len(body), 7)]
        error = {
            "cut": urllib3.exceptions.ProtocolError("Connection broken: IncompleteRead"),
            "silent": urllib3.exceptions.ReadTimeoutError(None, None, "Read timed out."),
        }.get(ending)
        return FakeResponse(chunks, error)

    def get(self, namespace, job_id):
        stage = self.stages.pop(0) if len(self.stages) > 1 else self.stages[0]
        return Job.from_api(make_job(id="a" * 24, stage=stage))


def follow(server, **kwargs):
    follower = Follower(server, "alice", "a" * 24, sleep=lambda s: None, **kwargs)
    lines = [e.data for batch in follower for e in batch]
    return follower, lines


def test_a_clean_stream_of_a_finished_job_is_read_once():
    server = FakeServer(20, [], ["COMPLETED"])
    follower, lines = follow(server)
    assert lines == [f"line {i}" for i in range(1, 21)]
    assert follower.job.stage == "COMPLETED"
    assert server.connections == [None]


def test_three_cuts_lose_nothing_and_double_nothing():
    server = FakeServer(
        1000,
        [(100, "cut"), (400, "cut"), (401, "cut")],
        ["RUNNING", "RUNNING", "RUNNING", "COMPLETED"],  # one look at the job per connection
    )
    follower, lines = follow(server)
    assert lines == [f"line {i}" for i in range(1, 1001)]
    assert len(server.connections) == 4
    assert follower.job.stage == "COMPLETED"


def test_a_cut_after_the_job_ended_still_drains_the_rest():
    server = FakeServer(50, [(30, "cut")], ["ERROR"])
    follower, lines = follow(server)
    assert lines == [f"line {i}" for i in range(1, 51)]
    assert follower.job.stage == "ERROR"


def test_a_silent_stream_is_treated_as_dropped():
    server = FakeServer(10, [(5, "silent")], ["RUNNING", "COMPLETED"])
    _, lines = follow(server)
    assert lines == [f"line {i}" for i in range(1, 11)]


def test_a_clean_close_before_the_end_reconnects():
    server = FakeServer(10, [(4, "clean")], ["RUNNING", "COMPLETED"])
    _, lines = follow(server)
    assert lines == [f"line {i}" for i in range(1, 11)]


def test_tail_then_reconnect_resumes_after_the_last_line():
    server = FakeServer(100, [(3, "cut")], ["RUNNING", "COMPLETED"])
    follower, lines = follow(server, tail=5)
    # first connection: the last 5 events, cut after 3 of them; then a full replay
    assert lines == [f"line {i}" for i in range(96, 101)]
    assert server.connections == [5, None]


def test_repeated_identical_lines_are_all_kept():
    server = FakeServer(0, [], ["COMPLETED"])
    server.events += [event(1, "same")] * 5
    _, lines = follow(server)
    assert lines == ["same"] * 5


def test_the_follower_gives_up_after_repeated_connection_failures():
    class Down(FakeServer):
        def logs_response(self, *args, **kwargs):
            raise ConnectionFailure("Could not reach hub.test: connection refused")

    with pytest.raises(ConnectionFailure):
        follow(Down(1, [], ["RUNNING"]))


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_sse_parser_accepts_every_line_ending_and_split_chunks(newline):
    body = (
        b": keep-alive" + newline + newline
        + b'data: {"data": "a", "timestamp": "t1"}' + newline + newline
        + b"data:{\"data\": \"b\", \"timestamp\": \"t2\"}" + newline + newline
        + b"event: metric" + newline + b"data: {}" + newline + newline
    )  # fmt: skip
    for size in (1, 2, 3, 7, len(body)):
        chunks = [body[i : i + size] for i in range(0, len(body), size)]
        lines = [e.data for batch in iter_log_batches(chunks) for e in batch]
        assert lines == ["a", "b"], size


def test_sse_parser_keeps_utf8_split_across_chunks():
    body = 'data: {"data": "héllo ✓", "timestamp": "t"}\n\n'.encode()
    parser = SseParser()
    events = []
    for i in range(len(body)):
        events += parser.feed(body[i : i + 1])
    assert json.loads(events[0].data)["data"] == "héllo ✓"


def test_sse_final_event_without_blank_line_is_kept():
    lines = [
        e.data for b in iter_log_batches([b'data: {"data": "last", "timestamp": "t"}']) for e in b
    ]
    assert lines == ["last"]


def test_a_scheduling_job_is_polled_quickly_first_then_at_the_hub_cadence():
    from hfjobs_cli.api.logs import wait_not_scheduling

    stages = ["SCHEDULING"] * 7 + ["RUNNING"]
    calls: list[str] = []

    class Jobs:
        jobs = property(lambda self: self)

        def get(self, namespace, job_id):
            calls.append(job_id)
            return Job.from_api(make_job(id=job_id, stage=stages[len(calls) - 1]))

    slept: list[float] = []
    job = wait_not_scheduling(Jobs(), "alice", "j1", sleep=slept.append)
    assert job.stage == "RUNNING" and len(calls) == 8
    # A job that leaves SCHEDULING at once (the local emulator) is seen within 0.05 s.
    assert slept[:3] == [0.05, 0.1, 0.35]
    assert sum(slept) == pytest.approx(0.05 + 0.1 + 0.35 + 0.5 + 1.0 + 2.0 + 2.0)


def _hub_body(n: int) -> bytes:
    banner = b'data: {"data":"===== Job started at 2026-01-01 00:00:00 =====","timestamp":"t0"}\n\n'
    lines = [
        f'data: {{"data":"line {i} \\u2713 \\"q\\" {"x" * (i % 50)}","timestamp":"t{i}"}}\n\n'.encode()
        for i in range(1, n + 1)
    ]
    return banner + b"".join(lines)


@pytest.mark.parametrize("size", [1, 7, 64, 1000, 256 * 1024])
def test_columnar_batches_are_the_lines_at_any_chunking(size):
    """The Hub's layout in any chunking: the same lines, stamps and banner handling."""
    from hfjobs_cli.api.models import LogBatch, LogEvent, without_banner

    body = _hub_body(3000)
    chunks = [body[i : i + size] for i in range(0, len(body), size)]
    batches = list(iter_log_batches(chunks))
    assert all(isinstance(b, LogBatch) for b in batches)
    events = [e for b in batches for e in b]
    assert events[0].data.startswith("===== Job started")
    assert events[1] == LogEvent('line 1 ✓ "q" x', "t1")
    assert [e.timestamp for e in events] == [f"t{i}" for i in range(3001)]
    shown = [e for b in batches for e in without_banner(b)]
    assert shown == events[1:]
    first = batches[0]
    assert first[:2] == list(first)[:2] and first[-1] == list(first)[-1]


def test_unusual_lines_in_a_chunk_take_the_general_parser():
    """Comments, named events, `data:` without a space, multi-line data, null values: the
    same answers as before the columns, whichever path a chunk takes."""
    body = (
        b'data: {"data": "a", "timestamp": "t1"}\n\n'
        b": keep-alive\n\n"
        b'data: {"data": "b", "timestamp": "t2"}\n\n'
        b'event: metric\ndata: {"data": "not a line", "timestamp": "t"}\n\n'
        b'data:{"data": "c", "timestamp": "t3"}\n\n'
        b'data: {"data": null, "timestamp": "t4"}\n\n'
        b'data: {"data": 5, "timestamp": "t5"}\n\n'
        b'data: {"timestamp": "t6"}\n\n'
        b"data: [1, 2]\n\n"
    )
    # A null is "None" on the general path (the whole body is one chunk with an `event:`
    # line) and "" on the fast one (small chunks), as it was before the columns.
    for size, null in ((len(body), "None"), (100, ""), (40, ""), (17, ""), (3, "")):
        chunks = [body[i : i + size] for i in range(0, len(body), size)]
        lines = [e.data for batch in iter_log_batches(chunks) for e in batch]
        assert lines == ["a", "b", "c", null, "5", ""], size


def test_a_batch_reads_as_a_list_of_events():
    from hfjobs_cli.api.models import BANNER, LogBatch, LogEvent

    batch = LogBatch(["a", f"{BANNER} at x", "b\n===== Job started inside"], ["t1", "t2", "t3"])
    assert len(batch) == 3 and batch
    assert list(batch) == [LogEvent("a", "t1"), LogEvent(f"{BANNER} at x", "t2"),
                           LogEvent("b\n===== Job started inside", "t3")]  # fmt: skip
    assert batch[1:] == [
        LogEvent(f"{BANNER} at x", "t2"),
        LogEvent("b\n===== Job started inside", "t3"),
    ]
    assert batch.without_banner() == [
        LogEvent("a", "t1"),
        LogEvent("b\n===== Job started inside", "t3"),
    ]
    plain = LogBatch(["a"], ["t"])
    assert plain.without_banner() is plain
    assert not LogBatch([], [])
