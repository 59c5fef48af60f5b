"""AutoPlugin: choose a device by priority and precision; CPU helps while it compiles."""

from __future__ import annotations

import logging
from typing import Any

from pyvino import (
    CompilationError,
    DevicePlugin,
    Model,
    Op,
    PyvinoError,
    RequestPool,
    Type,
)

from pyvino_auto._compiled import AutoCompiled, PoolCompiled

log = logging.getLogger("pyvino.auto")
DEFAULT_ORDER = ("GPU", "VPU", "CPU")


def model_precision(model: Model) -> str:
    """INT8 with FakeQuantize, else FP32 if any compute tensor is f32/f64, else FP16."""
    ops = model.get_ordered_ops()
    if any(n.type_name == "FakeQuantize" for n in ops):
        return "INT8"
    floats = {n.get_output_element_type(i) for n in ops
              if n.type_name not in ("Constant", "Convert") for i in range(n.get_output_size())}
    return "FP32" if floats & {Type.f32, Type.f64} else "FP16"


class AutoPlugin(DevicePlugin):
    name = "AUTO"
    is_meta = True
    rw_defaults = {
        "MULTI_DEVICE_PRIORITIES": "", "DEVICE_PROPERTIES": {}, "PERFORMANCE_HINT": "LATENCY",
        "ENABLE_STARTUP_FALLBACK": True, "ENABLE_RUNTIME_FALLBACK": True, "PERF_COUNT": False,
        "SCHEDULE_POLICY": "DEVICE_PRIORITY", "MODEL_PRIORITY": "MEDIUM",
    }

    def candidates(self, config: dict[str, Any]) -> list[str]:
        assert self.core is not None
        items = [d.strip() for d in str(config.get("MULTI_DEVICE_PRIORITIES", "")).split(",")
                 if d.strip()]
        excluded = {d[1:].upper() for d in items if d.startswith("-")}
        named = [d for d in items if not d.startswith("-")]
        if named:
            devices = []
            for device in named:
                try:
                    if self.core.get_device_plugin(device.split(".")[0]).available_devices():
                        devices.append(device)
                        continue
                    log.warning("AUTO: skipping %s: not available", device)
                except PyvinoError as exc:
                    log.warning("AUTO: skipping %s: %s", device, exc)
        else:
            available = self.core.available_devices
            devices = [d for prefix in DEFAULT_ORDER for d in available
                       if d.split(".")[0] == prefix]
            devices += [d for d in available if d not in devices]
        devices = [d for d in devices if d.split(".")[0].upper() not in excluded
                   and d.upper() not in excluded]
        if not devices:
            raise CompilationError("AUTO: no supported devices can be used "
                                   f"(priorities {config.get('MULTI_DEVICE_PRIORITIES') or 'all'})")
        return devices

    def selection_order(self, model: Model, config: dict[str, Any]) -> list[str]:
        """Candidates able to run the model's precision first, then the others (fallbacks)."""
        assert self.core is not None
        precision = model_precision(model)
        devices = self.candidates(config)
        caps = {d: self.core.get_property(d, "OPTIMIZATION_CAPABILITIES") for d in devices}
        exact = [d for d in devices if precision in caps[d]]
        if precision == "INT8":
            exact += [d for d in devices if "FP32" in caps[d] and d not in exact]
        lower = [d for d in devices if "FP16" in caps[d] and d not in exact]
        rest = [d for d in devices if d not in exact and d not in lower]
        return exact + lower + rest

    def device_config(self, device: str, config: dict[str, Any]) -> dict[str, Any]:
        cfg = dict(config.get("DEVICE_PROPERTIES", {}).get(device, {}))
        hint = config["PERFORMANCE_HINT"]
        cfg.setdefault("PERFORMANCE_HINT", "THROUGHPUT" if hint == "CUMULATIVE_THROUGHPUT" else hint)
        if config.get("PERF_COUNT"):
            cfg["PERF_COUNT"] = True
        return cfg

    def unsupported_nodes(self, model: Model, config: dict[str, Any]) -> list[Op]:
        return []

    def query_model(self, model: Model, config: dict[str, Any] | None = None) -> dict[str, str]:
        cfg = self.compile_config(config)
        assert self.core is not None
        return self.core.query_model(model, self.selection_order(model, cfg)[0],
                                     self.device_config("", cfg))

    def compile_on(self, device: str, model: Model, config: dict[str, Any]) -> Any:
        assert self.core is not None
        return self.core.compile_model(model, device, self.device_config(device, config))

    def _compile(self, model: Model, config: dict[str, Any]) -> Any:
        order = self.selection_order(model, config)
        if config["PERFORMANCE_HINT"] == "CUMULATIVE_THROUGHPUT":
            pool = RequestPool(retry_on_failure=bool(config["ENABLE_RUNTIME_FALLBACK"]))
            for device in order:
                try:
                    compiled = self.compile_on(device, model, config)
                except PyvinoError as exc:
                    log.warning("AUTO: %s cannot compile the model: %s", device, exc)
                    continue
                pool.add(device, compiled,
                         int(compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")))
            if not pool.workers:
                raise CompilationError(f"AUTO: no candidate device ({', '.join(order)}) "
                                       "could compile the model")
            return PoolCompiled(model, config, pool)
        return AutoCompiled(self, model, config, order)
