"""The VPU compiled model (always built from its own blob payload) and its requests.

Execution: each layer's reference ``evaluate`` runs in float32 on inputs that hold fp16 values
(float32 accumulation, as Myriad's SHAVE cores and compute engine accumulate wider than fp16),
and every float output is rounded to fp16 before anything else reads it. Profiling reports the
cost model's simulated device time as ``real_time`` and the host time as ``cpu_time``.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import numpy as np
from pyvino import CompiledBackend, InferenceError, ProfilingInfo, SyncRequest

from pyvino_vpu._bind import bind, fold_constants
from pyvino_vpu._cost import Roofline
from pyvino_vpu._fp16 import round_to_f16
from pyvino_vpu._ops import SUPPORTED_OPS
from pyvino_vpu._payload import Payload


class VPUCompiledModel(CompiledBackend):
    """A model loaded on one emulated stick ``VPU.<device_id>``."""

    def __init__(self, payload: Payload, config: dict[str, Any], device_id: str,
                 roofline: Roofline) -> None:
        super().__init__(payload.model, config, f"VPU.{device_id}")
        self.device_id = device_id
        self.payload = payload
        self.plan = payload.plan
        self.steps = bind(payload.model, payload.plan)
        self.constants = fold_constants(payload.model, payload.plan)
        self.seconds = [roofline.seconds(s.flops, s.bytes, s.fused) for s in self.plan.steps]
        self.result_dtypes = [r.inputs[0].element_type.dtype for r in self.model.get_results()]
        self._annotate_runtime_model()

    def _annotate_runtime_model(self) -> None:
        for bound, seconds in zip(self.steps, self.seconds):
            bound.node.rt_info.update({
                "layerType": bound.step.type, "execType": exec_type(bound),
                "runtimePrecision": "FP16", "simulatedTimeUs": f"{seconds * 1e6:.3f}",
                "hostKernel": bound.kernel,
            })

    def create_sync_request(self) -> VPURequest:
        return VPURequest(self)

    def export(self) -> bytes:
        return self.payload.raw

    def optimal_number_of_infer_requests(self) -> int:
        if self.config.get("PERFORMANCE_HINT") == "THROUGHPUT":
            limit = int(self.config.get("PERFORMANCE_HINT_NUM_REQUESTS", 0) or 0)
            return min(4, limit) if limit else 4  # overlap host transfers with device work
        return 1

    def simulated_seconds(self) -> float:
        """Simulated device time of one inference (sum over layers)."""
        return float(sum(self.seconds))

    def _own_properties(self) -> dict[str, Any]:
        plan = self.plan
        return {
            "EXECUTION_DEVICES": [self.device],
            "DEVICE_ID": self.device_id,
            "VPU_WEIGHTS_BYTES": plan.weights_bytes,
            "VPU_ACTIVATIONS_BYTES": plan.arena_bytes,
            "VPU_DEVICE_MEMORY_BYTES": plan.device_bytes,
            "VPU_SIMULATED_LATENCY_US": self.simulated_seconds() * 1e6,
            "VPU_BLOB_FORMAT": self.payload.meta.get("format"),
        }

    def property(self, key: str) -> Any:
        own = self._own_properties()
        if key == "SUPPORTED_PROPERTIES":
            return super().property(key) | {k: "RO" for k in own}
        if key in own:
            return own[key]
        return super().property(key)


def exec_type(bound: Any) -> str:
    """``sim_<cost family>_<precision>``: the layer ran on the simulator (not real hardware)."""
    family = "fused" if bound.step.fused else SUPPORTED_OPS.get(bound.step.type, "copy")
    port = bound.node.output(0) if bound.node.get_output_size() else None
    precision = "FP16" if port is None or port.element_type.is_real else port.element_type.precision
    return f"sim_{family}_{precision}"


class VPURequest(SyncRequest):
    """One request: runs the plan, optionally timing each layer on the host."""

    def __init__(self, compiled: VPUCompiledModel) -> None:
        self._c = compiled
        self._host_seconds: list[float] = []

    def infer(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        c = self._c
        values: list[Any] = [None] * c.plan.num_slots
        for slot, value in c.constants.items():
            values[slot] = value
        for slot, x in zip(c.plan.parameters, inputs, strict=True):
            x = np.asarray(x)
            values[slot] = round_to_f16(x) if x.dtype.kind == "f" else x
        profile = bool(c.config.get("PERF_COUNT"))
        times: list[float] = []
        for bound in c.steps:
            step = bound.step
            start = time.perf_counter() if profile else 0.0
            try:
                outs = bound.run(*[values[s] for s in step.inputs])
            except Exception as exc:
                raise InferenceError(
                    f"{bound.node.describe()} failed on {c.device}: {type(exc).__name__}: {exc}"
                ) from exc
            for slot, value, rounded in zip(step.outputs, outs, step.rounded, strict=True):
                values[slot] = round_to_f16(value, inplace=True) if rounded else value
            for slot in step.release:
                values[slot] = None
            if profile:
                times.append(time.perf_counter() - start)
        if profile:
            self._host_seconds = times
        return [np.array(values[s], dtype=d) for s, d in zip(c.plan.results, c.result_dtypes)]

    def profiling_info(self) -> list[ProfilingInfo]:
        c = self._c
        if not self._host_seconds:
            return []
        ran = {b.node.friendly_name for b in c.steps}
        info = [ProfilingInfo(n.friendly_name, n.type_name, "undef", "NOT_RUN", timedelta(0),
                              timedelta(0))
                for n in c.model.get_ordered_ops() if n.friendly_name not in ran]
        for bound, sim, host in zip(c.steps, c.seconds, self._host_seconds):
            info.append(ProfilingInfo(bound.node.friendly_name, bound.step.type, exec_type(bound),
                                      "EXECUTED", timedelta(seconds=sim), timedelta(seconds=host)))
        return info
