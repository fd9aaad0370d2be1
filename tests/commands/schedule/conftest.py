"""The `schedule` tests' fixtures: a UTC machine for all, Paris and a frozen clock on request."""

from __future__ import annotations

import os
import time

import pytest


@pytest.fixture(autouse=True)
def utc_machine():
    """Local time is UTC unless a test says otherwise (TZ restored afterwards)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.fixture
def paris():
    os.environ["TZ"] = "Europe/Paris"
    time.tzset()
