"""``pyvino devices``: the available devices and their properties."""

from __future__ import annotations

import argparse

from pyvino._errors import PyvinoError
from pyvino.runtime import Core

NAME = "devices"
HELP = "list available devices and their properties"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-v", "--verbose", action="store_true", help="show every property")


def _fmt(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value)
    return str(value)


def run(args: argparse.Namespace) -> int:
    core = Core()
    devices = core.available_devices
    if not devices:
        print("No devices available: install a device plugin, e.g. pip install pyvino-cpu")
    for device in devices:
        print(device)
        supported = core.get_property(device, "SUPPORTED_PROPERTIES")
        keys = sorted(supported) if args.verbose else [
            k for k in ("FULL_DEVICE_NAME", "OPTIMIZATION_CAPABILITIES", "PERFORMANCE_HINT",
                        "INFERENCE_PRECISION_HINT") if k in supported]
        for key in keys:
            if key == "SUPPORTED_PROPERTIES":
                continue
            try:
                value = _fmt(core.get_property(device, key))
            except PyvinoError as exc:
                value = f"<error: {exc}>"
            print(f"  {key} ({supported[key]}): {value}")
    for name in core.plugin_manager.devices():
        plugin = core.get_device_plugin(name)
        reason = plugin.unavailable_reason()
        if reason:
            print(f"{name}: unavailable: {reason}")
    return 0
