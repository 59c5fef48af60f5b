"""The CPU plugin's compiled model: a Plan (see ``_plan``) plus streams and requests.

Compiling runs the device passes and kernel choice once, then binds a first request so every
numba kernel the plan uses is compiled (or loaded from numba's cache) before compile returns;
that request is handed to the first ``create_sync_request`` call.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from pyvino import CompiledBackend, Model

from pyvino_cpu._plan import Planner
from pyvino_cpu._request import CPURequest
from pyvino_cpu._streams import BLASLimit, resolve_streams


class CPUCompiledModel(CompiledBackend):
    """The plan, the stream configuration and the requests' factory."""

    def __init__(
        self, model: Model, config: dict[str, Any], kernels: dict[tuple[str, str], Any]
    ) -> None:
        super().__init__(model, config, "CPU")
        BLASLimit.acquire()
        weakref.finalize(self, BLASLimit.release)
        self.streams = resolve_streams(config)
        self.profiling = bool(config.get("PERF_COUNT"))
        self.plan = Planner(model, kernels).build()
        self._lock = threading.Lock()
        self._spare: CPURequest | None = CPURequest(self)  # binds, so kernels compile now
        self._last: CPURequest | None = None

    @property
    def num_streams(self) -> int:
        return self.streams.streams

    def optimal_number_of_infer_requests(self) -> int:
        return self.streams.streams

    def create_sync_request(self) -> CPURequest:
        with self._lock:
            request, self._spare = self._spare, None
        request = request or CPURequest(self)
        self._last = request
        return request

    def export(self) -> bytes:
        from pyvino_cpu.plugin import export_payload

        return export_payload(self)

    def get_runtime_model(self) -> Model:
        from pyvino_cpu._runtime_model import runtime_model

        last = self._last
        return runtime_model(self.model, self.plan, last.step_times if last else [])

    def property(self, key: str) -> Any:
        if key == "EXECUTION_DEVICES":
            return ["CPU"]
        if key == "INFERENCE_NUM_THREADS":
            return self.streams.threads * self.streams.streams
        return super().property(key)
