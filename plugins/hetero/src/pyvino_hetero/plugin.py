"""HeteroPlugin: affinities -> partition -> one compiled submodel per device, run in order."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
from pyvino import (
    CompilationError,
    CompiledBackend,
    CompiledModel,
    DevicePlugin,
    Model,
    Op,
    Output,
    ProfilingInfo,
    Subgraph,
    SyncRequest,
    partition_model,
)
from pyvino._partition import to_dot


def parse_priorities(text: str) -> list[str]:
    """``"GPU,CPU"`` or ``"GPU(2),CPU"`` -> device names (request counts are MULTI's)."""
    return [re.sub(r"\(\d+\)$", "", d.strip()) for d in str(text).split(",") if d.strip()]


class HeteroPlugin(DevicePlugin):
    name = "HETERO"
    is_meta = True
    rw_defaults = {"MULTI_DEVICE_PRIORITIES": "", "DEVICE_PROPERTIES": {}, "PERF_COUNT": False}

    def _devices(self, config: dict[str, Any]) -> list[str]:
        devices = parse_priorities(config.get("MULTI_DEVICE_PRIORITIES", ""))
        if not devices:
            raise CompilationError("HETERO needs a device list: HETERO:GPU,CPU or "
                                   "MULTI_DEVICE_PRIORITIES")
        assert self.core is not None
        for device in devices:
            plugin = self.core.get_device_plugin(device.split(".")[0])
            reason = plugin.unavailable_reason()
            if reason is not None:
                raise CompilationError(f"HETERO: device {device} is not available: {reason}")
        return devices

    def affinities(self, model: Model, config: dict[str, Any]) -> dict[str, str]:
        """Manual ``rt_info["affinity"]`` on every node, else first device claiming the node."""
        nodes = model.get_ordered_ops()
        manual = {n.friendly_name: n.rt_info.get("affinity") for n in nodes}
        if all(isinstance(v, str) and v for v in manual.values()):
            return dict(manual)  # type: ignore[arg-type]
        assert self.core is not None
        affinity: dict[str, str] = {}
        for device in self._devices(config):
            sub_config = config.get("DEVICE_PROPERTIES", {}).get(device, {})
            for name in self.core.query_model(model, device, sub_config):
                affinity.setdefault(name, device)
        return affinity

    def query_model(self, model: Model, config: dict[str, Any] | None = None) -> dict[str, str]:
        return self.affinities(model, self.compile_config(config))

    def unsupported_nodes(self, model: Model, config: dict[str, Any]) -> list[Op]:
        affinity = self.affinities(model, config)
        return [n for n in model.get_ordered_ops() if n.friendly_name not in affinity]

    def _compile(self, model: Model, config: dict[str, Any]) -> HeteroCompiled:
        affinity = self.affinities(model, config)
        subgraphs = partition_model(model, affinity)
        assert self.core is not None
        compiled = []
        for sub in subgraphs:
            device_cfg = dict(config.get("DEVICE_PROPERTIES", {}).get(sub.device, {}))
            if config.get("PERF_COUNT"):
                device_cfg["PERF_COUNT"] = True
            compiled.append(self.core.compile_model(sub.model, sub.device, device_cfg))
        return HeteroCompiled(model, config, subgraphs, compiled, affinity)


class HeteroCompiled(CompiledBackend):
    def __init__(self, model: Model, config: dict[str, Any], subgraphs: list[Subgraph],
                 compiled: list[CompiledModel], affinity: dict[str, str]) -> None:
        super().__init__(model, config, "HETERO")
        self.subgraphs = subgraphs
        self.compiled = compiled
        self.affinity = affinity

    def create_sync_request(self) -> HeteroRequest:
        return HeteroRequest(self)

    def property(self, key: str) -> Any:
        if key == "HETERO_NUMBER_OF_SUBMODELS":
            return len(self.subgraphs)
        if key == "EXECUTION_DEVICES":
            return list(dict.fromkeys(s.device for s in self.subgraphs))
        if key == "MULTI_DEVICE_PRIORITIES":
            return self.config.get("MULTI_DEVICE_PRIORITIES", "")
        return super().property(key)

    def dot(self, subgraphs: bool = True) -> str:
        return to_dot(self.model, self.affinity, subgraphs)


class HeteroRequest(SyncRequest):
    def __init__(self, compiled: HeteroCompiled) -> None:
        self._c = compiled
        self._requests = [c.create_infer_request() for c in compiled.compiled]

    def infer(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        values: dict[Output, np.ndarray] = dict(zip(self._c.model.inputs, inputs))
        for sub, request in zip(self._c.subgraphs, self._requests):
            result = request.infer([values[src] for src in sub.inputs])
            values.update(zip(sub.outputs, result.to_tuple()))
        outs = []
        for src in self._c.model.outputs:
            if src not in values and src.node.type_name == "Constant":
                values[src] = src.node.evaluate()[0]
            outs.append(values[src])
        return outs

    def profiling_info(self) -> list[ProfilingInfo]:
        info = []
        for sub, request in zip(self._c.subgraphs, self._requests):
            for p in request.get_profiling_info():
                info.append(ProfilingInfo(p.node_name, p.node_type, f"{sub.device}:{p.exec_type}",
                                          p.status, p.real_time, p.cpu_time))
        return info


def dump_dot(compiled: CompiledModel, path: str | Path, subgraphs: bool = True) -> None:
    """Write a HETERO compiled model's assignment (and subgraph clusters) as Graphviz dot."""
    backend = compiled.backend
    if not isinstance(backend, HeteroCompiled):
        raise CompilationError("dump_dot needs a model compiled on HETERO")
    Path(path).write_text(backend.dot(subgraphs))
