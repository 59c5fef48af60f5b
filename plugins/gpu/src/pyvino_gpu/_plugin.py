"""Entry point of pyvino-gpu: registers the GPU device. pyopencl is imported on first use only."""

from __future__ import annotations

import pyvino


def _make_plugin() -> pyvino.DevicePlugin:
    from pyvino_gpu.plugin import GPUPlugin

    return GPUPlugin()


@pyvino.hookimpl
def pyvino_devices() -> list[pyvino.DeviceSpec]:
    return [pyvino.DeviceSpec("GPU", _make_plugin, "OpenCL execution through pyopencl")]
