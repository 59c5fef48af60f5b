"""Entry point of pyvino-cpu: registers the CPU device (imports nothing heavy until used)."""

from __future__ import annotations

import pyvino


def _make_plugin() -> pyvino.DevicePlugin:
    from pyvino_cpu.plugin import CPUPlugin

    return CPUPlugin()


@pyvino.hookimpl
def pyvino_devices() -> list[pyvino.DeviceSpec]:
    return [pyvino.DeviceSpec("CPU", _make_plugin, "numpy reference execution on the host CPU")]
