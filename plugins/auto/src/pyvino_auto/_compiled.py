"""AUTO's compiled models: one device with CPU start-up help and runtime fallback, or a pool."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

import numpy as np
from pyvino import CompilationError, CompiledBackend, Model, PyvinoError, RequestPool, SyncRequest

if TYPE_CHECKING:
    from pyvino_auto.plugin import AutoPlugin

log = logging.getLogger("pyvino.auto")


class AutoCompiled(CompiledBackend):
    """Serves requests on ``current``; during start-up on the CPU helper."""

    def __init__(self, plugin: AutoPlugin, model: Model, config: dict[str, Any],
                 order: list[str]) -> None:
        super().__init__(model, config, "AUTO")
        self.plugin = plugin
        self.order = list(order)
        self.compiled: dict[str, Any] = {}
        self.lock = threading.Lock()
        self.current: str | None = None
        self.helper: str | None = None
        self.ready = threading.Event()
        self.compile_error: str | None = None
        target = self.order[0]
        cpu = next((d for d in self.order if d.split(".")[0] == "CPU"), None)
        if config["ENABLE_STARTUP_FALLBACK"] and cpu is not None and target != cpu:
            self.compiled[cpu] = plugin.compile_on(cpu, model, config)
            self.helper = cpu
            threading.Thread(target=self._compile_target, daemon=True,
                             name="pyvino-auto-compile").start()
        else:
            self._compile_target()
            if self.current is None:
                raise CompilationError(f"AUTO: no candidate device could compile the model: "
                                       f"{self.compile_error}")

    def _compile_target(self) -> None:
        """Compile on the first device in order that succeeds (skipping the helper)."""
        errors = []
        for device in self.order:
            if device == self.helper:
                with self.lock:
                    self.current = device
                break
            try:
                compiled = self.plugin.compile_on(device, self.model, self.config)
            except PyvinoError as exc:
                errors.append(f"{device}: {exc}")
                log.warning("AUTO: %s cannot compile the model: %s", device, exc)
                continue
            with self.lock:
                self.compiled[device] = compiled
                self.current = device
            break
        self.compile_error = "; ".join(errors) or None
        self.ready.set()

    def active(self) -> tuple[str, Any]:
        with self.lock:
            if self.current is not None and self.current in self.compiled:
                return self.current, self.compiled[self.current]
            if self.helper is not None:
                return self.helper, self.compiled[self.helper]
        raise PyvinoError(f"AUTO: no device can run the model ({self.compile_error})")

    def fall_back(self, failed: str, error: Exception) -> bool:
        """Move on from ``failed`` to the next device in order; False if none is left."""
        with self.lock:
            if self.current not in (failed, None) and self.current in self.compiled:
                return True  # another request already moved on
            remaining = self.order[self.order.index(failed) + 1:] if failed in self.order else []
        log.warning("AUTO: request failed on %s (%s); falling back", failed, error)
        for device in remaining:
            try:
                compiled = self.compiled.get(device) or self.plugin.compile_on(
                    device, self.model, self.config)
            except PyvinoError:
                continue
            with self.lock:
                self.compiled[device] = compiled
                self.current = device
                self.helper = None
            return True
        return False

    @property
    def num_streams(self) -> int:
        return 4

    def optimal_number_of_infer_requests(self) -> int:
        _, compiled = self.active()
        return int(compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS"))

    def create_sync_request(self) -> SyncRequest:
        return AutoRequest(self)

    def property(self, key: str) -> Any:
        if key == "EXECUTION_DEVICES":
            device, _ = self.active()
            return [f"({device})"] if device == self.helper and not self.ready.is_set() \
                else [device]
        if key in ("MULTI_DEVICE_PRIORITIES", "PERFORMANCE_HINT"):
            return self.config.get(key)
        return super().property(key)


class AutoRequest(SyncRequest):
    def __init__(self, auto: AutoCompiled) -> None:
        self.auto = auto
        self.requests: dict[str, Any] = {}
        self.last_device = ""

    def infer(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        while True:
            device, compiled = self.auto.active()
            request = self.requests.get(device)
            if request is None:
                request = self.requests[device] = compiled.create_infer_request()
            try:
                result = request.infer(inputs)
            except Exception as exc:
                if not self.auto.config["ENABLE_RUNTIME_FALLBACK"] or \
                        not self.auto.fall_back(device, exc):
                    raise
                continue
            self.last_device = device
            return [np.array(v, copy=True) for v in result.to_tuple()]

    def profiling_info(self) -> list[Any]:
        request = self.requests.get(self.last_device)
        return request.get_profiling_info() if request is not None else []


class PoolCompiled(CompiledBackend):
    """CUMULATIVE_THROUGHPUT: every candidate device serves requests (like MULTI)."""

    def __init__(self, model: Model, config: dict[str, Any], pool: RequestPool) -> None:
        super().__init__(model, config, "AUTO")
        self.pool = pool

    @property
    def num_streams(self) -> int:
        return len(self.pool.workers)

    def create_sync_request(self) -> SyncRequest:
        return _PoolRequest(self.pool)

    def property(self, key: str) -> Any:
        if key == "EXECUTION_DEVICES":
            return self.pool.devices()
        return super().property(key)


class _PoolRequest(SyncRequest):
    def __init__(self, pool: RequestPool) -> None:
        self.pool = pool

    def infer(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        _, outputs = self.pool.run(inputs)
        return outputs
