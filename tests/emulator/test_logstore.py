"""Unit tests of the log files: encoding, tail, streaming, and the pipe pump."""

from __future__ import annotations

import json
import os
import threading

import pytest

from hfjobs_cli.emulator import logstore
from hfjobs_cli.emulator.logstore import ClosedLog, JobLog, encode_event, pump, stream, tail_offset


def events(body: bytes) -> list[str]:
    return [
        json.loads(b[6:])["data"] for b in body.decode().split("\n\n") if b.startswith("data: ")
    ]


def test_events_escape_everything_json_needs():
    line = 'quote " backslash \\ tab \t cr \r nul \x00 é ✓'
    event = encode_event(line, "2025-01-01T00:00:00.000Z")
    assert event.startswith('data: {"data":') and event.endswith("\n\n") and event.count("\n") == 2
    assert json.loads(event[6:])["data"] == line


@pytest.mark.parametrize("block", [3, 7, 64, 4096])
@pytest.mark.parametrize("n", [0, 1, 2, 5, 99, 100, 1000])
def test_tail_offset_finds_the_last_n_events_across_blocks(tmp_path, monkeypatch, block, n):
    monkeypatch.setattr(logstore, "BLOCK", block)
    log = JobLog(tmp_path / "a.log")
    log.append([f"line {i}" + "x" * (i % 7) for i in range(100)])
    fd = os.open(log.path, os.O_RDONLY)
    try:
        offset = tail_offset(fd, log.size, n)
        got = events(os.pread(fd, log.size - offset, offset))
    finally:
        os.close(fd)
    assert got == [f"line {i}" + "x" * (i % 7) for i in range(100)][100 - min(n, 100) :]


def test_stream_replays_then_follows_then_closes(tmp_path):
    log = JobLog(tmp_path / "b.log")
    log.append(["old"])
    stop = threading.Event()
    chunks = stream(log, None, keepalive=0.05, stopping=stop)
    assert events(next(chunks)) == ["old"]
    assert next(chunks) == b": keep-alive\n\n"
    log.append(["new"])
    assert events(next(chunks)) == ["new"]
    log.close()
    assert list(chunks) == []


def test_a_closed_log_is_read_from_the_file(tmp_path):
    log = JobLog(tmp_path / "c.log")
    log.append(["a", "b", "c"])
    log.close()
    body = b"".join(stream(ClosedLog(log.path), 2, 1.0, threading.Event()))
    assert events(body) == ["b", "c"]
    assert list(stream(ClosedLog(tmp_path / "missing.log"), None, 1.0, threading.Event())) == []


def test_appends_after_close_are_dropped(tmp_path):
    log = JobLog(tmp_path / "d.log")
    log.close()
    log.append(["late"])
    assert (tmp_path / "d.log").read_bytes() == b""


def test_pump_splits_lines_keeps_partial_ones_and_decodes_leniently(tmp_path):
    log = JobLog(tmp_path / "e.log")
    read, write = os.pipe()
    os.write(write, b"one\ntw")
    os.write(write, b"o\n\xff bad utf8\n\xc3")
    os.write(write, b"\xa9 split char\nno newline at end")
    os.close(write)
    pump(read, log)
    os.close(read)
    log.close()
    assert events(log.path.read_bytes()) == [
        "one",
        "two",
        "\ufffd bad utf8",
        "é split char",
        "no newline at end",
    ]


def test_a_huge_line_is_cut_instead_of_held_in_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(logstore, "MAX_LINE", 1000)
    log = JobLog(tmp_path / "f.log")
    read, write = os.pipe()
    writer = threading.Thread(
        target=lambda: (os.write(write, b"x" * 5000 + b"\n"), os.close(write))
    )
    writer.start()
    pump(read, log)
    writer.join()
    os.close(read)
    got = events(log.path.read_bytes())
    assert "".join(got) == "x" * 5000 and max(map(len, got)) == 1000
