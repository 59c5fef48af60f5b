"""FakeDevice: an in-process test device that can claim few ops, compile slowly or fail.

Register it with ``core.add_extension(FakeDevice.plugin("FAKE", ...))``. It runs models with the
reference evaluator, so any difference from CPU is a bug in the code under test.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

import numpy as np

from pyvino._device import CompiledBackend, DevicePlugin, SyncRequest
from pyvino._errors import InferenceError
from pyvino._model import Model
from pyvino._node import Op
from pyvino._reference import evaluate_model
from pyvino._specs import DeviceSpec, hookimpl


class FakeDevice(DevicePlugin):
    """A configurable device; ``calls`` counts requests run so far (all compiled models)."""

    rw_defaults = {"PERFORMANCE_HINT": "LATENCY", "PERF_COUNT": False, "NUM_STREAMS": 1}

    def __init__(self, name: str, ops: Iterable[str] | None = None, compile_delay: float = 0.0,
                 fail_on_request: int | None = None, capabilities: tuple[str, ...] = ("FP32",),
                 streams: int = 1) -> None:
        self.name = name
        self.ops = None if ops is None else set(ops)
        self.compile_delay = compile_delay
        self.fail_on_request = fail_on_request
        self.capabilities = list(capabilities)
        self.streams = streams
        self.calls = 0
        self.lock = threading.Lock()
        super().__init__()

    @classmethod
    def plugin(cls, name: str, **options: Any) -> Any:
        """An object to pass to ``Core.add_extension``; ``.device`` is the FakeDevice."""
        device = cls(name, **options)

        class _Plugin:
            @hookimpl
            def pyvino_devices(self) -> list[DeviceSpec]:
                return [DeviceSpec(name, lambda: device, "test device")]

        holder = _Plugin()
        holder.device = device  # type: ignore[attr-defined]
        return holder

    def _read_only(self, key: str) -> Any:
        if key == "OPTIMIZATION_CAPABILITIES":
            return list(self.capabilities)
        if key == "FULL_DEVICE_NAME":
            return f"pyvino fake device {self.name}"
        return super()._read_only(key)

    def _supports(self, node: Op, config: dict[str, Any]) -> bool:
        if node.type_name in ("Parameter", "Result", "Constant"):
            return True
        return self.ops is None or node.type_name in self.ops

    def _compile(self, model: Model, config: dict[str, Any]) -> CompiledBackend:
        if self.compile_delay:
            time.sleep(self.compile_delay)
        return _FakeCompiled(model, config, self)


class _FakeCompiled(CompiledBackend):
    def __init__(self, model: Model, config: dict[str, Any], device: FakeDevice) -> None:
        super().__init__(model, config, device.name)
        self.fake = device

    @property
    def num_streams(self) -> int:
        return self.fake.streams

    def create_sync_request(self) -> SyncRequest:
        return _FakeRequest(self)


class _FakeRequest(SyncRequest):
    def __init__(self, compiled: _FakeCompiled) -> None:
        self.compiled = compiled

    def infer(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        fake = self.compiled.fake
        with fake.lock:
            fake.calls += 1
            n = fake.calls
        if fake.fail_on_request is not None and n >= fake.fail_on_request:
            raise InferenceError(f"{fake.name}: simulated device failure on request {n}")
        return evaluate_model(self.compiled.model, inputs)
