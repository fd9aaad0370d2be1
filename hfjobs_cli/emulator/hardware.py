"""The hardware flavors of `GET /api/jobs/hardware` (api-reference §6), with the Hub's prices."""

from __future__ import annotations

from typing import Any

# name, prettyName, vCPU, RAM GB, storage GB, (quantity, model, total VRAM GB) or None, $/hour
_FLAVORS: list[tuple[str, str, int, int, int, tuple[int, str, int] | None, float]] = [
    ("cpu-basic", "CPU Basic", 2, 16, 50, None, 0.01),
    ("cpu-upgrade", "CPU Upgrade", 8, 32, 50, None, 0.03),
    ("cpu-performance", "CPU Performance", 32, 256, 1024, None, 1.90),
    ("cpu-xl", "CPU XL", 16, 124, 1000, None, 1.00),
    ("t4-small", "Nvidia T4 - small", 4, 15, 50, (1, "T4", 16), 0.40),
    ("t4-medium", "Nvidia T4 - medium", 8, 30, 100, (1, "T4", 16), 0.60),
    ("l4x1", "1x Nvidia L4", 8, 30, 400, (1, "L4", 24), 0.80),
    ("l4x4", "4x Nvidia L4", 48, 186, 3200, (4, "L4", 96), 3.80),
    ("l40sx1", "1x Nvidia L40S", 8, 62, 380, (1, "L40S", 48), 1.80),
    ("l40sx4", "4x Nvidia L40S", 48, 382, 3200, (4, "L40S", 192), 8.30),
    ("l40sx8", "8x Nvidia L40S", 192, 1534, 6500, (8, "L40S", 384), 23.50),
    ("a10g-small", "Nvidia A10G - small", 4, 15, 110, (1, "A10G", 24), 1.00),
    ("a10g-large", "Nvidia A10G - large", 12, 46, 200, (1, "A10G", 24), 1.50),
    ("a10g-largex2", "2x Nvidia A10G - large", 24, 92, 1000, (2, "A10G", 48), 3.00),
    ("a10g-largex4", "4x Nvidia A10G - large", 48, 184, 2000, (4, "A10G", 96), 5.00),
    ("a100-large", "Nvidia A100 - large", 12, 142, 1000, (1, "A100", 80), 2.50),
    ("a100x4", "4x Nvidia A100", 48, 568, 4000, (4, "A100", 320), 10.00),
    ("a100x8", "8x Nvidia A100", 96, 1136, 8000, (8, "A100", 640), 20.00),
    ("h200", "Nvidia H200", 23, 256, 3000, (1, "H200", 141), 5.00),
    ("h200x2", "Nvidia H200", 46, 512, 6000, (2, "H200", 282), 10.00),
    ("h200x4", "Nvidia H200", 92, 1024, 12000, (4, "H200", 564), 20.00),
    ("h200x8", "Nvidia H200", 184, 2048, 24000, (8, "H200", 1128), 40.00),
    ("rtx-pro-6000", "Nvidia RTX PRO 6000", 23, 256, 475, (1, "RTX PRO 6000", 96), 2.75),
    ("rtx-pro-6000x2", "Nvidia RTX PRO 6000", 46, 512, 950, (2, "RTX PRO 6000", 192), 5.50),
    ("rtx-pro-6000x4", "Nvidia RTX PRO 6000", 92, 1024, 1900, (4, "RTX PRO 6000", 384), 11.00),
    ("rtx-pro-6000x8", "Nvidia RTX PRO 6000", 184, 2048, 3800, (8, "RTX PRO 6000", 768), 22.00),
]


def _entry(row: tuple[str, str, int, int, int, tuple[int, str, int] | None, float]) -> dict:
    name, pretty, cpu, ram, storage, accel, hourly = row
    micro = round(hourly * 1_000_000 / 60)
    accelerator = None
    if accel is not None:
        quantity, model, vram = accel
        accelerator = {
            "type": "gpu",
            "model": model,
            "quantity": str(quantity),
            "vram": f"{vram} GB",
            "manufacturer": "Nvidia",
        }
    return {
        "name": name,
        "prettyName": pretty,
        "cpu": f"{cpu} vCPU",
        "ram": f"{ram} GB",
        "ephemeralStorage": f"{storage} GB",
        "accelerator": accelerator,
        "unitCostMicroUSD": micro,
        "unitCostUSD": micro / 1_000_000,
        "unitLabel": "minute",
    }


HARDWARE: list[dict[str, Any]] = [_entry(row) for row in _FLAVORS]
FLAVORS: dict[str, dict[str, Any]] = {h["name"]: h for h in HARDWARE}
_SPECS = {row[0]: row for row in _FLAVORS}


def flavor_resources(name: str) -> tuple[int, int, tuple[int, int] | None]:
    """(vCPUs, RAM bytes, (GPU count, VRAM bytes per GPU) or None) for the metrics stream."""
    _, _, cpu, ram, _, accel, _ = _SPECS.get(name, _SPECS["cpu-basic"])
    gpus = None if accel is None else (accel[0], accel[2] * 10**9 // accel[0])
    return cpu, ram * 10**9, gpus
