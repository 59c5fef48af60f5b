"""VPU-specific properties (``VPU_*``) and their validation, plus the plugin's defaults."""

from __future__ import annotations

from typing import Any

from pyvino import PropertySpec, Type, finite_float, int_in, parse_bool

MB = 1 << 20


_positive_int = int_in(1)
_positive_float = finite_float(0.0, inclusive=False)
_non_negative_float = finite_float(0.0)
_bool = parse_bool


def _fp16_only(v: Any) -> Type:
    if Type.get(v) is not Type.f16:
        raise ValueError
    return Type.f16


def _output_precision(v: Any) -> Type:
    t = Type.get(v)
    if t not in (Type.f32, Type.f16):
        raise ValueError
    return t


VPU_PROPERTIES: dict[str, PropertySpec] = {
    spec.name: spec
    for spec in [
        PropertySpec("VPU_NUMBER_OF_DEVICES", _positive_int,
                     "an integer >= 1 (how many emulated sticks: VPU.0 .. VPU.N-1)"),
        PropertySpec("VPU_MEMORY_BUDGET", _positive_int,
                     "a positive number of bytes of device memory per stick"),
        PropertySpec("VPU_COMPUTE_GFLOPS", _positive_float,
                     "a positive number: peak fp16 compute in GFLOPS"),
        PropertySpec("VPU_BANDWIDTH_GBPS", _positive_float,
                     "a positive number: device-memory bandwidth in GB/s"),
        PropertySpec("VPU_LAYER_OVERHEAD_US", _non_negative_float,
                     "a number >= 0: fixed cost of each layer in microseconds"),
        PropertySpec("VPU_HW_STAGES_OPTIMIZATION", _bool,
                     "a boolean (fuse bias/scale/activation into Conv/GroupConv/MatMul stages)"),
        PropertySpec("VPU_OUTPUT_PRECISION", _output_precision,
                     "f32 or f16 (element type of the model's f32 outputs)"),
        PropertySpec("INFERENCE_PRECISION_HINT", _fp16_only,
                     "f16 (the VPU computes in FP16 only)"),
    ]
}

DEFAULTS: dict[str, Any] = {
    "PERFORMANCE_HINT": "LATENCY",
    "PERFORMANCE_HINT_NUM_REQUESTS": 0,
    "PERF_COUNT": False,
    "DEVICE_ID": "",
    "INFERENCE_PRECISION_HINT": "f16",
    "VPU_NUMBER_OF_DEVICES": 1,
    "VPU_MEMORY_BUDGET": 512 * MB,  # an NCS2 carries 4 Gbit of LPDDR4
    "VPU_COMPUTE_GFLOPS": 1000.0,  # Myriad X: ~1 TOPS fp16 on its neural compute engine
    "VPU_BANDWIDTH_GBPS": 12.8,  # LPDDR4 on a 32-bit bus
    "VPU_LAYER_OVERHEAD_US": 10.0,  # per-stage dispatch on the SHAVE scheduler
    "VPU_HW_STAGES_OPTIMIZATION": True,
    "VPU_OUTPUT_PRECISION": "f32",
}

# Properties that are decided at compile time and stored in the blob.
COMPILE_TIME = ("VPU_OUTPUT_PRECISION", "VPU_HW_STAGES_OPTIMIZATION", "INFERENCE_PRECISION_HINT")


def jsonable(config: dict[str, Any]) -> dict[str, Any]:
    """A JSON-safe copy of a config (element types as their names)."""
    return {k: (v.name if isinstance(v, Type) else v) for k, v in config.items()
            if isinstance(v, (str, int, float, bool, Type))}
