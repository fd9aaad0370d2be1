"""The fault server's fixtures, for every test module in this package."""

from tests.faults.server import fault_server, hub

__all__ = ["fault_server", "hub"]
