"""OpenCL device discovery: which devices are ``GPU.0..N``, their properties and contexts.

pyopencl is imported here, inside functions, so that loading the entry point stays cheap and a
machine without pyopencl or without an OpenCL driver still gets a working ``pyvino.Core()``.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

# Test-only switches (documented in the README): use any OpenCL device, e.g. PoCL's CPU device;
# pretend the device has cl_khr_fp16 (our f16 path only needs vload_half/vstore_half).
ANY_OPENCL_ENV = "PYVINO_GPU_ANY_OPENCL"
ASSUME_FP16_ENV = "PYVINO_GPU_ASSUME_FP16"

INSTALL_HINT = (
    "install an OpenCL driver: `apt-get install pocl-opencl-icd` (portable CPU OpenCL, enough "
    "for testing) or your GPU vendor's driver (intel-opencl-icd, nvidia-opencl-icd, "
    "rocm-opencl-runtime)"
)


@dataclass(frozen=True)
class DeviceInfo:
    """What pyvino needs to know about one OpenCL device."""

    index: int
    device: Any  # pyopencl.Device
    name: str
    vendor: str
    vendor_id: int
    version: str
    driver_version: str
    platform: str
    is_gpu: bool
    integrated: bool
    fp16: bool
    max_work_group_size: int
    local_mem_size: int
    global_mem_size: int
    is_cpu: bool = False  # CL_DEVICE_TYPE_CPU (PoCL): selects the CPU kernel variants

    @property
    def full_name(self) -> str:
        kind = ("iGPU" if self.integrated else "dGPU") if self.is_gpu else "OpenCL device"
        return f"{self.name} ({kind})"

    @property
    def architecture(self) -> str:
        return f"GPU: vendor=0x{self.vendor_id:x} arch={self.version.strip()}"

    @property
    def cache_identity(self) -> str:
        """What a compiled program binary depends on besides its source."""
        return "|".join([self.platform, self.name, self.version, self.driver_version])


_lock = threading.Lock()
_state: dict[str, Any] = {}


def _want_any() -> bool:
    return os.environ.get(ANY_OPENCL_ENV, "") not in ("", "0", "false", "False")


def _discover() -> tuple[list[DeviceInfo], str | None]:
    try:
        import pyopencl as cl
    except ImportError as exc:
        return [], f"pyopencl cannot be imported ({exc}); pip install pyopencl, then {INSTALL_HINT}"
    try:
        platforms = cl.get_platforms()
    except Exception as exc:  # pyopencl raises LogicError/RuntimeError without an ICD
        return [], f"no OpenCL platform found ({exc}); {INSTALL_HINT}"
    if not platforms:
        return [], f"no OpenCL platform found; {INSTALL_HINT}"
    any_device = _want_any()
    found: list[DeviceInfo] = []
    seen: list[str] = []
    for platform in platforms:
        try:
            devices = platform.get_devices()
        except Exception:
            continue
        for dev in devices:
            is_gpu = bool(dev.type & cl.device_type.GPU)
            seen.append(f"{dev.name.strip()} ({cl.device_type.to_string(dev.type)})")
            if not (is_gpu or any_device):
                continue
            extensions = dev.extensions.split()
            found.append(DeviceInfo(
                index=len(found),
                device=dev,
                name=dev.name.strip(),
                vendor=dev.vendor.strip(),
                vendor_id=int(dev.vendor_id),
                version=dev.version,
                driver_version=dev.driver_version,
                platform=platform.name.strip(),
                is_gpu=is_gpu,
                integrated=bool(dev.host_unified_memory),
                fp16="cl_khr_fp16" in extensions or os.environ.get(ASSUME_FP16_ENV) == "1",
                max_work_group_size=int(dev.max_work_group_size),
                local_mem_size=int(dev.local_mem_size),
                global_mem_size=int(dev.global_mem_size),
                is_cpu=bool(dev.type & cl.device_type.CPU),
            ))
    if not found:
        others = ", ".join(seen) or "none"
        return [], (
            f"no OpenCL GPU device found (OpenCL devices present: {others}); set "
            f"{ANY_OPENCL_ENV}=1 to run on any OpenCL device, or {INSTALL_HINT}"
        )
    return found, None


def discover() -> tuple[list[DeviceInfo], str | None]:
    """(usable devices, reason none are usable); computed once per process and env setting."""
    key = f"devices:{_want_any()}:{os.environ.get(ASSUME_FP16_ENV, '')}"
    with _lock:
        if key not in _state:
            _state[key] = _discover()
        return _state[key]


def devices() -> list[DeviceInfo]:
    return discover()[0]


def device(device_id: str | int) -> DeviceInfo:
    """The device for a ``DEVICE_ID`` ("0", "1", or "" for the first)."""
    from pyvino import CompilationError

    found, reason = discover()
    if reason is not None:
        raise CompilationError(f"device GPU is not available: {reason}")
    text = str(device_id or "0")
    if not text.isdigit() or int(text) >= len(found):
        raise CompilationError(
            f"GPU.{text} does not exist; available: "
            + ", ".join(f"GPU.{d.index}" for d in found)
        )
    return found[int(text)]


def context(info: DeviceInfo) -> Any:
    """One shared pyopencl Context per device (weights of all compiled models live in it)."""
    import pyopencl as cl

    key = f"context:{info.cache_identity}:{info.index}"
    with _lock:
        if key not in _state:
            _state[key] = cl.Context([info.device])
        return _state[key]
