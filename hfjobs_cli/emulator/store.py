"""The emulator's state in SQLite: jobs, scheduled jobs and webhooks survive a restart.

One connection in WAL mode, guarded by one lock: the HTTP threads, the job runners and the
scheduler all go through it, so concurrent clients never lose a write. `busy_timeout` covers a
second process opening the same file (the CLI reading it, or a racing start).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ACTIVE_STAGES = ("SCHEDULING", "RUNNING")
TERMINAL_STAGES = ("COMPLETED", "CANCELED", "ERROR", "DELETED")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT UNIQUE NOT NULL,
    namespace TEXT NOT NULL,
    spec TEXT NOT NULL,
    secrets TEXT NOT NULL,
    stage TEXT NOT NULL,
    message TEXT,
    created_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL,
    updated_at REAL NOT NULL,
    initiator TEXT NOT NULL,
    initiator_id TEXT,
    runtime TEXT,
    pid INTEGER,
    pid_start TEXT,
    seen_at REAL
);
CREATE INDEX IF NOT EXISTS jobs_ns ON jobs (namespace, seq);
CREATE INDEX IF NOT EXISTS jobs_initiator ON jobs (initiator_id, stage);
CREATE TABLE IF NOT EXISTS scheduled_jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT UNIQUE NOT NULL,
    namespace TEXT NOT NULL,
    spec TEXT NOT NULL,
    secrets TEXT NOT NULL,
    schedule TEXT NOT NULL,
    suspend INTEGER NOT NULL,
    concurrency INTEGER NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    last_job_id TEXT,
    last_job_at REAL,
    next_run_at REAL
);
CREATE TABLE IF NOT EXISTS webhooks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT UNIQUE NOT NULL,
    owner TEXT NOT NULL,
    watched TEXT NOT NULL,
    domains TEXT NOT NULL,
    url TEXT,
    job_spec TEXT,
    job_namespace TEXT,
    job_source_id TEXT,
    job_secrets TEXT NOT NULL,
    secret TEXT,
    disabled INTEGER NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
"""

_JSON_COLUMNS = {
    "jobs": ("spec", "secrets", "initiator"),
    "scheduled_jobs": ("spec", "secrets"),
    "webhooks": ("watched", "domains", "job_spec", "job_secrets"),
}
_BOOL_COLUMNS = {"scheduled_jobs": ("suspend", "concurrency"), "webhooks": ("disabled",)}


class Store:
    """A thin, thread-safe layer over the database file `<data_dir>/emulator.db`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            path, check_same_thread=False, isolation_level=None, timeout=30
        )
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA busy_timeout=30000")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        with self._lock:
            self._conn.executescript(_SCHEMA)
            columns = {r[1] for r in self._conn.execute("PRAGMA table_info(jobs)")}
            if "seen_at" not in columns:  # a database written by an older emulator
                self._conn.execute("ALTER TABLE jobs ADD COLUMN seen_at REAL")
        for suffix in ("", "-wal", "-shm"):
            extra = path.with_name(path.name + suffix)
            if extra.exists():
                extra.chmod(0o600)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- generic helpers -------------------------------------------------------------------------

    def _decode(self, table: str, row: sqlite3.Row | None) -> dict[str, Any] | None:
        if row is None:
            return None
        out = dict(row)
        for col in _JSON_COLUMNS[table]:
            if out.get(col) is not None:
                out[col] = json.loads(out[col])
        for col in _BOOL_COLUMNS.get(table, ()):
            out[col] = bool(out[col])
        return out

    def _encode(self, table: str, fields: dict[str, Any]) -> dict[str, Any]:
        out = dict(fields)
        for col in _JSON_COLUMNS[table]:
            if col in out and out[col] is not None:
                out[col] = json.dumps(out[col])
        for col in _BOOL_COLUMNS.get(table, ()):
            if col in out:
                out[col] = int(bool(out[col]))
        return out

    def insert(self, table: str, row: dict[str, Any]) -> None:
        data = self._encode(table, row)
        cols = ", ".join(data)
        marks = ", ".join(f":{c}" for c in data)
        with self._lock:
            self._conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", data)

    def get(self, table: str, ident: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._conn.execute(f"SELECT * FROM {table} WHERE id = ?", (ident,)).fetchone()
        return self._decode(table, row)

    def update(
        self, table: str, ident: str, fields: dict[str, Any], *, only_stages: Iterable[str] = ()
    ) -> bool:
        """Update a row (with `only_stages`: only while in one of them). True if updated."""
        data = self._encode(table, fields)
        sets = ", ".join(f"{c} = :{c}" for c in data)
        where = "id = :_id"
        stages = list(only_stages)
        if stages:
            where += " AND stage IN (" + ", ".join(f":_s{i}" for i in range(len(stages))) + ")"
            data.update({f"_s{i}": s for i, s in enumerate(stages)})
        data["_id"] = ident
        with self._lock:
            cur = self._conn.execute(f"UPDATE {table} SET {sets} WHERE {where}", data)
        return cur.rowcount > 0

    def delete(self, table: str, ident: str) -> bool:
        with self._lock:
            cur = self._conn.execute(f"DELETE FROM {table} WHERE id = ?", (ident,))
        return cur.rowcount > 0

    def select(
        self,
        table: str,
        where: str = "1",
        params: Iterable[Any] = (),
        order: str = "seq DESC",
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        sql = f"SELECT * FROM {table} WHERE {where} ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._lock:
            rows = self._conn.execute(sql, tuple(params)).fetchall()
        return [self._decode(table, r) for r in rows]  # type: ignore[misc]

    def count(self, table: str, where: str = "1", params: Iterable[Any] = ()) -> int:
        with self._lock:
            return self._conn.execute(
                f"SELECT COUNT(*) FROM {table} WHERE {where}", tuple(params)
            ).fetchone()[0]

    # -- jobs ------------------------------------------------------------------------------------

    def iter_jobs(
        self, namespace: str, stages: list[str], before_seq: int | None, batch: int = 200
    ) -> Iterator[dict[str, Any]]:
        """Jobs of a namespace, newest first, optionally some stages only, older than a cursor."""
        where = "namespace = ?"
        params: list[Any] = [namespace]
        if stages:
            where += " AND stage IN (" + ", ".join("?" for _ in stages) + ")"
            params += stages
        cursor = before_seq
        while True:
            cond, args = where, list(params)
            if cursor is not None:
                cond += " AND seq < ?"
                args.append(cursor)
            rows = self.select("jobs", cond, args, limit=batch)
            yield from rows
            if len(rows) < batch:
                return
            cursor = rows[-1]["seq"]

    def active_jobs(self) -> list[dict[str, Any]]:
        return self.select("jobs", "stage IN (?, ?)", ACTIVE_STAGES, order="seq ASC")

    def has_active_job_from(self, initiator_id: str) -> bool:
        return (
            self.count(
                "jobs", "initiator_id = ? AND stage IN (?, ?)", (initiator_id, *ACTIVE_STAGES)
            )
            > 0
        )
