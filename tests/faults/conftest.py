"""The fault server's fixtures, for every test module in this package."""

import pytest

from tests.faults.server import fault_server, hub

__all__ = ["fault_server", "hub"]


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """Every wait (the transport's backoffs, the commands' polls), instead of sleeping it."""
    recorded: list[float] = []
    monkeypatch.setattr("hfjobs_cli.clock.sleep", recorded.append)
    return recorded
