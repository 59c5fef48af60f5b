"""Entry point of pyvino-vpu: registers the VPU device (imports nothing heavy until used)."""

from __future__ import annotations

import pyvino


def _make_plugin() -> pyvino.DevicePlugin:
    from pyvino_vpu.plugin import VPUPlugin

    return VPUPlugin()


@pyvino.hookimpl
def pyvino_devices() -> list[pyvino.DeviceSpec]:
    return [pyvino.DeviceSpec("VPU", _make_plugin,
                              "emulated Myriad X-class VPU sticks: fp16 only, blob export")]
