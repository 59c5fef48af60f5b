"""Devices for preprocessing tests: CPU always, GPU when an OpenCL device is there."""

from __future__ import annotations

import pytest
from pyvino import Core


@pytest.fixture(params=["CPU", "GPU"])
def device(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """CPU, and GPU (any OpenCL device, PoCL included) where the GPU plugin finds one."""
    if request.param == "GPU":
        monkeypatch.setenv("PYVINO_GPU_ANY_OPENCL", "1")
        devices = Core().available_devices
        if not any(d.split(".")[0] == "GPU" for d in devices):
            pytest.skip(f"no GPU device (available: {devices})")
    return request.param
