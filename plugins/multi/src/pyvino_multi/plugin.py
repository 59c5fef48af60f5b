"""MultiPlugin: compile on every listed device, dispatch each request to a free device."""

from __future__ import annotations

import logging
import re
from typing import Any

import numpy as np
from pyvino import (
    CompilationError,
    CompiledBackend,
    DevicePlugin,
    Model,
    Op,
    PyvinoError,
    RequestPool,
    SyncRequest,
)

log = logging.getLogger("pyvino.multi")


def parse_device_list(text: str) -> list[tuple[str, int | None]]:
    """``"GPU,CPU(4)"`` -> [("GPU", None), ("CPU", 4)]."""
    out = []
    for item in str(text).split(","):
        item = item.strip()
        if not item:
            continue
        m = re.fullmatch(r"([^()]+)\((\d+)\)", item)
        out.append((m.group(1), int(m.group(2))) if m else (item, None))
    return out


class MultiPlugin(DevicePlugin):
    name = "MULTI"
    is_meta = True
    rw_defaults = {"MULTI_DEVICE_PRIORITIES": "", "DEVICE_PROPERTIES": {},
                   "PERFORMANCE_HINT": "THROUGHPUT", "PERF_COUNT": False}

    def _usable(self, config: dict[str, Any]) -> list[tuple[str, int | None]]:
        devices = parse_device_list(config.get("MULTI_DEVICE_PRIORITIES", ""))
        if not devices:
            raise CompilationError("MULTI needs a device list: MULTI:GPU,CPU or "
                                   "MULTI_DEVICE_PRIORITIES")
        assert self.core is not None
        usable = []
        for device, count in devices:
            try:
                plugin = self.core.get_device_plugin(device.split(".")[0])
                reason = plugin.unavailable_reason()
            except PyvinoError as exc:
                reason = str(exc)
            if reason is None:
                usable.append((device, count))
            else:
                log.warning("MULTI: skipping device %s: %s", device, reason)
        if not usable:
            raise CompilationError(f"MULTI: none of the devices {config['MULTI_DEVICE_PRIORITIES']}"
                                   " is available")
        return usable

    def unsupported_nodes(self, model: Model, config: dict[str, Any]) -> list[Op]:
        return []  # each device checks the whole model when it compiles

    def query_model(self, model: Model, config: dict[str, Any] | None = None) -> dict[str, str]:
        cfg = self.compile_config(config)
        assert self.core is not None
        claimed: dict[str, str] | None = None
        for device, _ in self._usable(cfg):
            q = self.core.query_model(model, device)
            claimed = q if claimed is None else {k: v for k, v in claimed.items() if k in q}
        return {k: self.name for k in claimed or {}}

    def _compile(self, model: Model, config: dict[str, Any]) -> MultiCompiled:
        assert self.core is not None
        pool = RequestPool()
        used = []
        for device, count in self._usable(config):
            device_cfg = {"PERFORMANCE_HINT": config["PERFORMANCE_HINT"],
                          **config.get("DEVICE_PROPERTIES", {}).get(device, {})}
            if config.get("PERF_COUNT"):
                device_cfg["PERF_COUNT"] = True
            try:
                compiled = self.core.compile_model(model, device, device_cfg)
            except PyvinoError as exc:
                log.warning("MULTI: device %s cannot compile the model: %s", device, exc)
                continue
            n = count or int(compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS"))
            pool.add(device, compiled, n)
            used.append(device)
        if not used:
            raise CompilationError("MULTI: no device could compile the model")
        return MultiCompiled(model, config, pool)


class MultiCompiled(CompiledBackend):
    def __init__(self, model: Model, config: dict[str, Any], pool: RequestPool) -> None:
        super().__init__(model, config, "MULTI")
        self.pool = pool

    @property
    def num_streams(self) -> int:
        return len(self.pool.workers)

    def create_sync_request(self) -> SyncRequest:
        return MultiRequest(self.pool)

    def property(self, key: str) -> Any:
        if key == "EXECUTION_DEVICES":
            return self.pool.devices()
        if key == "MULTI_DEVICE_PRIORITIES":
            return self.config.get("MULTI_DEVICE_PRIORITIES", "")
        return super().property(key)


class MultiRequest(SyncRequest):
    def __init__(self, pool: RequestPool) -> None:
        self.pool = pool
        self.last_device = ""

    def infer(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        self.last_device, outputs = self.pool.run(inputs)
        return outputs
