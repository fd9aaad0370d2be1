"""Small helpers shared by the emulator: ids, timestamps, private files."""

from __future__ import annotations

import json
import os
import secrets
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def new_id() -> str:
    """A 24-character lowercase hex id, the shape of the Hub's ObjectIds."""
    return secrets.token_hex(12)


def iso(ts: float | None) -> str | None:
    """Format an epoch timestamp the way the Hub does: `YYYY-MM-DDTHH:MM:SS.mmmZ`."""
    if ts is None:
        return None
    dt = datetime.fromtimestamp(ts, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def to_epoch(dt: datetime) -> float:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def from_epoch(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


class IsoClock:
    """Formats 'now' quickly: log lines arrive by the million, strftime per line is too slow."""

    def __init__(self) -> None:
        self._cache = (-1, "")  # (second, "YYYY-MM-DDTHH:MM:SS."), replaced as one tuple

    def now(self) -> tuple[float, str]:
        ts = time.time()
        second = int(ts)
        cached_second, prefix = self._cache
        if second != cached_second:
            prefix = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S.")
            self._cache = (second, prefix)
        return ts, f"{prefix}{int((ts - second) * 1000):03d}Z"


def dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) 0700: the emulator keeps tokens and secrets there.

    A folder that already exists keeps its mode: it may be shared, and is not ours to change
    (the files the emulator writes in it are 0600 each).
    """
    try:
        path.mkdir(parents=True)
    except FileExistsError:
        if not path.is_dir():
            raise
        return path
    os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask; this is not
    return path


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` with mode 0600, atomically (no moment where it is world-readable)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
