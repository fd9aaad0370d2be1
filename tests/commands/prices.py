"""The hardware prices the cost and sweep tests stub, and the jobs endpoint they use."""

from __future__ import annotations

from tests.payloads import ENDPOINT

JOBS = f"{ENDPOINT}/api/jobs/alice"

HARDWARE = f"{ENDPOINT}/api/jobs/hardware"

PRICES = [
    {"name": "cpu-basic", "unitCostMicroUSD": 167, "unitLabel": "minute"},
    {"name": "a10g-small", "unitCostMicroUSD": 16667, "unitLabel": "minute"},
]
