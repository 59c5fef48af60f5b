"""Device-name parsing: ``CPU``, ``GPU.1``, ``HETERO:GPU,CPU``, ``MULTI:CPU(4)``, ``AUTO:-CPU``."""

from __future__ import annotations

from typing import Any

# Which distribution provides a device, for "install X" messages.
DEVICE_PACKAGES = {
    "CPU": "pyvino-cpu",
    "GPU": "pyvino-gpu",
    "VPU": "pyvino-vpu",
    "HETERO": "pyvino-hetero",
    "MULTI": "pyvino-multi",
    "AUTO": "pyvino-auto",
}


def parse_device(device: str) -> tuple[str, dict[str, Any]]:
    """(plugin name, config implied by the string) for a device string."""
    device = device.strip()
    if ":" in device:
        name, rest = device.split(":", 1)
        return name.strip().upper(), {"MULTI_DEVICE_PRIORITIES": rest.strip()}
    if "." in device:
        name, dev_id = device.split(".", 1)
        return name.strip().upper(), {"DEVICE_ID": dev_id.strip()}
    return device.upper(), {}


def install_hint(name: str) -> str:
    package = DEVICE_PACKAGES.get(name)
    if package is None:
        return "install the distribution that provides it (see `pyvino plugins`)"
    return f"install {package} (pip install {package})"
