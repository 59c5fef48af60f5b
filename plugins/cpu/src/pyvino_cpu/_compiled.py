"""The CPU plugin's compiled model: a Plan (see ``_plan``) plus streams and requests.

Compiling runs the device passes and kernel choice once, then binds a first request so every
numba kernel the plan uses is compiled (or loaded from numba's cache) before compile returns;
that request is handed to the first ``create_sync_request`` call.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from pyvino import CompiledBackend, Model, SyncRequest
from pyvino.passes import batchnorm_folding, constant_folding

from pyvino_cpu._plan import Planner
from pyvino_cpu._request import CPURequest
from pyvino_cpu._specialise import (
    DEFAULT_CAPACITY,
    SpecialisationCache,
    SpecialisingRequest,
    needs_specialising,
)
from pyvino_cpu._streams import BLASLimit, resolve_streams


class CPUCompiledModel(CompiledBackend):
    """The plan, the stream configuration and the requests' factory."""

    def __init__(
        self, model: Model, config: dict[str, Any], kernels: dict[tuple[str, str], Any]
    ) -> None:
        # a model read from ONNX (not through convert_model) may still hold BatchNormInference
        # after its convolutions, and a GroupConvolution's weights behind an unfolded Reshape:
        # fold both here, as OpenVINO's CPU plugin does (model: a clone)
        if any(n.type_name == "BatchNormInference" for n in model.get_ordered_ops()):
            constant_folding.run(model)
            batchnorm_folding.run(model)
        super().__init__(model, config, "CPU")
        BLASLimit.acquire()
        weakref.finalize(self, BLASLimit.release)
        self.streams = resolve_streams(config)
        self.profiling = bool(config.get("PERF_COUNT"))
        self.plan = Planner(model, kernels).build()
        # dynamic inputs: each request's shapes select a static plan (see _specialise)
        capacity = int(config.get("CPU_RUNTIME_CACHE_CAPACITY", DEFAULT_CAPACITY))
        self.specialisations = (
            SpecialisationCache(model, kernels, capacity)
            if capacity > 0 and needs_specialising(model)
            else None
        )
        self._lock = threading.Lock()
        self._spare: SyncRequest | None = self._new_request()  # binds: kernels compile now
        self._last: SyncRequest | None = None

    @property
    def num_streams(self) -> int:
        return self.streams.streams

    def optimal_number_of_infer_requests(self) -> int:
        return self.streams.streams

    def _new_request(self) -> SyncRequest:
        if self.specialisations is not None:
            return SpecialisingRequest(self, self.specialisations)
        return CPURequest(self)

    def create_sync_request(self) -> SyncRequest:
        with self._lock:
            request, self._spare = self._spare, None
        request = request or self._new_request()
        self._last = request
        return request

    def export(self) -> bytes:
        from pyvino_cpu.plugin import export_payload

        return export_payload(self)

    def get_runtime_model(self) -> Model:
        from pyvino_cpu._runtime_model import runtime_model

        last = self._last
        if isinstance(last, SpecialisingRequest):  # the shapes its last inference ran
            return last.runtime_model() or runtime_model(self.model, self.plan, [])
        return runtime_model(self.model, self.plan, last.step_times if last else [])

    def property(self, key: str) -> Any:
        if key == "EXECUTION_DEVICES":
            return ["CPU"]
        if key == "INFERENCE_NUM_THREADS":
            return self.streams.threads * self.streams.streams
        return super().property(key)
