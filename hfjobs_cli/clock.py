"""The one place the CLI sleeps and reads the monotonic clock, so tests can stub both.

Call them through the module (`clock.sleep(...)`, never `from hfjobs_cli.clock import
sleep`): a test replaces `hfjobs_cli.clock.sleep` (tests/conftest.py makes every wait
instant) and every waiting loop, in the API layer and in the commands, sees it.
"""

from __future__ import annotations

import time


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def monotonic() -> float:
    return time.monotonic()
