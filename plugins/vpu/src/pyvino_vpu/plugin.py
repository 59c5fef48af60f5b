"""VPUPlugin: the ``VPU`` device, an emulated Myriad-class stick (``VPU.0`` .. ``VPU.N-1``).

Compile = checks (static shapes, op list, fp16 types) -> runtime model (fp16 weights, output
precision) -> plan (folded constants, steps, lifetime-based memory plan, per-layer cost) ->
memory-budget check -> blob payload -> the compiled model is loaded *from that payload*, so a
model compiled here and one imported from its blob are the same thing.
"""

from __future__ import annotations

import weakref
from typing import Any

from pyvino import (
    CompilationError,
    CompiledBackend,
    DeviceNotFoundError,
    DevicePlugin,
    Model,
    Op,
    Type,
)

from pyvino_vpu._compiled import VPUCompiledModel
from pyvino_vpu._cost import Roofline
from pyvino_vpu._ops import unsupported_reason
from pyvino_vpu._payload import Payload, pack_payload, unpack_payload
from pyvino_vpu._plan import Plan, build_plan
from pyvino_vpu._properties import COMPILE_TIME, DEFAULTS, MB, VPU_PROPERTIES
from pyvino_vpu._transforms import runtime_model


class VPUPlugin(DevicePlugin):
    """Emulated Myriad X-class sticks: fp16 only, a restricted op list, exportable blobs."""

    name = "VPU"
    rw_defaults = DEFAULTS
    extra_properties = VPU_PROPERTIES

    def __init__(self) -> None:
        super().__init__()
        self._loaded: dict[str, weakref.WeakSet[VPUCompiledModel]] = {}

    # ----------------------------------------------------------------- devices
    def device_ids(self) -> list[str]:
        return [str(i) for i in range(int(self._config["VPU_NUMBER_OF_DEVICES"]))]

    def _read_only(self, key: str) -> Any:
        if key == "FULL_DEVICE_NAME":
            return "pyvino emulated Myriad X-class VPU (fp16)"
        if key == "DEVICE_TYPE":
            return "discrete"
        if key == "DEVICE_ARCHITECTURE":
            return "VPU.MYRIADX.EMULATED"
        if key == "OPTIMIZATION_CAPABILITIES":
            return ["FP16", "EXPORT_IMPORT"]
        if key == "RANGE_FOR_ASYNC_INFER_REQUESTS":
            return (1, 4, 1)
        return super()._read_only(key)

    def loaded_models(self) -> dict[str, int]:
        """Live compiled models per stick id (what placement balances)."""
        return {i: len(self._loaded.get(i, ())) for i in self._ids(self._config)}

    def _ids(self, config: dict[str, Any]) -> list[str]:
        return [str(i) for i in range(int(config["VPU_NUMBER_OF_DEVICES"]))]

    def _place(self, config: dict[str, Any]) -> str:
        """The stick to load on: DEVICE_ID if given, else the one with fewest live models."""
        ids = self._ids(config)
        wanted = str(config.get("DEVICE_ID", "") or "").upper().removeprefix("VPU.")
        if wanted:
            if wanted not in ids:
                raise DeviceNotFoundError(
                    f"device VPU.{wanted} does not exist: VPU_NUMBER_OF_DEVICES is {len(ids)} "
                    f"({', '.join('VPU.' + i for i in ids)})")
            return wanted
        return min(ids, key=lambda i: (len(self._loaded.get(i, ())), int(i)))

    # ----------------------------------------------------------------- models
    def _supports(self, node: Op, config: dict[str, Any]) -> bool:
        return unsupported_reason(node) is None

    def compile_model(self, model: Model,
                      config: dict[str, Any] | None = None) -> CompiledBackend:
        # dynamic inputs: say so; dynamic results of data-dependent ops (NonMaxSuppression,
        # NonZero) are reported with the unsupported nodes by the base class
        dynamic = [p for p in model.inputs if p.partial_shape.is_dynamic]
        if dynamic:
            where = ", ".join(f"{p.any_name or p.node.friendly_name} {p.partial_shape}"
                              for p in dynamic)
            raise CompilationError(
                f"device VPU supports static shapes only; model {model.friendly_name!r} is "
                f"dynamic ({where}); call model.reshape(...) with static shapes first, or use "
                "HETERO:VPU,CPU")
        return super().compile_model(model, config)

    def _compile(self, model: Model, config: dict[str, Any]) -> VPUCompiledModel:
        assert self.core is not None, "VPUPlugin is used through pyvino.Core"
        registry = self.core.plugin_manager.registry
        device_id = self._place(config)
        runtime = runtime_model(model, Type.get(config["VPU_OUTPUT_PRECISION"]), registry)
        plan = build_plan(runtime, fuse=bool(config["VPU_HW_STAGES_OPTIMIZATION"]))
        self._check_budget(plan, config, device_id, model.friendly_name)
        compile_config = {k: config[k] for k in COMPILE_TIME}
        payload = pack_payload(runtime, plan, compile_config)
        return self._load(unpack_payload(payload, registry), config, device_id)

    def _import(self, payload: bytes, config: dict[str, Any]) -> VPUCompiledModel:
        assert self.core is not None, "VPUPlugin is used through pyvino.Core"
        parsed = unpack_payload(payload, self.core.plugin_manager.registry)
        device_id = self._place(config)
        self._check_budget(parsed.plan, config, device_id, parsed.model.friendly_name)
        saved = {k: v for k, v in parsed.meta.get("config", {}).items() if k in COMPILE_TIME}
        return self._load(parsed, {**config, **self.validate_config(saved)}, device_id)

    def _load(self, payload: Payload, config: dict[str, Any], device_id: str) -> VPUCompiledModel:
        roofline = Roofline(config["VPU_COMPUTE_GFLOPS"], config["VPU_BANDWIDTH_GBPS"],
                            config["VPU_LAYER_OVERHEAD_US"])
        compiled = VPUCompiledModel(payload, {**config, "DEVICE_ID": device_id}, device_id,
                                    roofline)
        self._loaded.setdefault(device_id, weakref.WeakSet()).add(compiled)
        return compiled

    @staticmethod
    def _check_budget(plan: Plan, config: dict[str, Any], device_id: str, name: str) -> None:
        budget = int(config["VPU_MEMORY_BUDGET"])
        if plan.device_bytes <= budget:
            return
        raise CompilationError(
            f"device VPU.{device_id}: model {name!r} needs {plan.device_bytes} bytes "
            f"({plan.device_bytes / MB:.1f} MB) of device memory: {plan.weights_bytes} bytes of "
            f"fp16 weights + {plan.arena_bytes} bytes of activations (peak live "
            f"{plan.peak_bytes} bytes), but VPU_MEMORY_BUDGET is {budget} bytes "
            f"({budget / MB:.1f} MB); raise VPU_MEMORY_BUDGET, use a smaller input shape, or "
            "run it on another device")
