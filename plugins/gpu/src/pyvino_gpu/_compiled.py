"""The GPU compiled model: the program, weights on the device and one buffer set per request.

A request uploads the inputs, enqueues every kernel of the plan on its own in-order queue
(activations never leave the device between kernels), reads the outputs and waits once. With
PERF_COUNT the queue records OpenCL event timestamps, reported per node.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import numpy as np
from pyvino import CompiledBackend, InferenceError, Model, ProfilingInfo, SyncRequest, Type

from pyvino_gpu import _devices, _program
from pyvino_gpu._memory import plan_buffers
from pyvino_gpu._plan import Plan
from pyvino_gpu.kernels._common import NUMPY_OF_CTYPE


class GPUCompiledModel(CompiledBackend):
    """A plan made runnable on one OpenCL device."""

    def __init__(
        self,
        model: Model,
        config: dict[str, Any],
        info: _devices.DeviceInfo,
        plan: Plan,
        binaries: list[bytes | None] | None = None,
    ) -> None:
        import pyopencl as cl

        super().__init__(model, config, "GPU")
        self.info = info
        self.plan = plan
        self.context = _devices.context(info)
        binaries = binaries or [None] * len(plan.sources)
        self.programs = [
            _program.build(self.context, info, src, binary)
            for src, binary in zip(plan.sources, binaries, strict=True)
        ]
        flags = cl.mem_flags.READ_ONLY | cl.mem_flags.COPY_HOST_PTR
        on_device = {t.buffer for t in plan.tensors.values() if t.kind == "weight"}
        self.weights = {  # uploaded once, shared by every request
            buf: cl.Buffer(self.context, flags, hostbuf=np.ascontiguousarray(value))
            for buf, value in plan.constants.items()
            if buf in on_device
        }
        self.slot_of, self.slot_sizes = plan_buffers(plan.activation_lifetimes())
        self._stored = False
        self._lock = threading.Lock()
        if _program.builds_at_first_launch(info):
            self._warm_up()

    def _warm_up(self) -> None:
        """Launch every kernel once on zero inputs, so a driver that generates code at the
        first launch (PoCL) does it inside compile_model (as OpenVINO's GPU plugin finishes
        building every kernel there) and the first inference runs at full speed."""
        plan = self.plan
        zeros = [
            np.zeros(port.shape, dtype=NUMPY_OF_CTYPE[plan.tensors[port.tensor].ctype])
            for port in plan.inputs
        ]
        self.create_sync_request().infer(zeros)

    @property
    def num_streams(self) -> int:
        streams = self.config.get("NUM_STREAMS", "AUTO")
        if isinstance(streams, int) and streams > 0:
            return streams
        return 2 if self.config.get("PERFORMANCE_HINT") == "THROUGHPUT" else 1

    def optimal_number_of_infer_requests(self) -> int:
        n = self.num_streams
        limit = int(self.config.get("PERFORMANCE_HINT_NUM_REQUESTS", 0) or 0)
        return min(n, limit) if limit else n

    def create_sync_request(self) -> GPURequest:
        return GPURequest(self)

    def export(self) -> bytes:
        from pyvino_gpu._export import export_payload

        return export_payload(self)

    def property(self, key: str) -> Any:
        if key == "EXECUTION_DEVICES":
            return [f"GPU.{self.info.index}"]
        return super().property(key)

    def first_run_done(self) -> None:
        """Store the program in the disk cache once, after its first launch (see _program)."""
        with self._lock:
            if self._stored:
                return
            self._stored = True
        for built in self.programs:
            _program.store(built)


class GPURequest(SyncRequest):
    """Device buffers and bound kernels of one request."""

    def __init__(self, compiled: GPUCompiledModel) -> None:
        import pyopencl as cl

        self._c = compiled
        self._cl = cl
        self._profile_on = bool(compiled.config.get("PERF_COUNT"))
        props = cl.command_queue_properties.PROFILING_ENABLE if self._profile_on else 0
        self.queue = cl.CommandQueue(compiled.context, properties=props)
        slots = [
            cl.Buffer(compiled.context, cl.mem_flags.READ_WRITE, size)
            for size in compiled.slot_sizes
        ]
        plan = compiled.plan

        def buffer(tid: int) -> Any:
            t = plan.tensors[tid]
            if t.kind == "weight":
                return compiled.weights[t.buffer]
            return slots[compiled.slot_of[t.buffer]]

        self._slots = slots  # kernels hold no references to their arguments
        self._buffer = buffer
        self._launches = []
        for launch in plan.launches:
            kernel = cl.Kernel(compiled.programs[launch.program].program, launch.kernel)
            kernel.set_args(*[buffer(t) for t in launch.writes + launch.reads])
            self._launches.append((kernel, launch.global_size, launch.local_size))
        self._profile: list[ProfilingInfo] = []

    def infer(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        cl, plan, q = self._cl, self._c.plan, self.queue
        keep = []
        for port, value in zip(plan.inputs, inputs, strict=True):
            t = plan.tensors[port.tensor]
            host = np.ascontiguousarray(value, dtype=NUMPY_OF_CTYPE[t.ctype])
            keep.append(host)
            cl.enqueue_copy(q, self._buffer(t.id), host, is_blocking=False)
        events = []
        try:
            for kernel, gsize, lsize in self._launches:
                events.append(cl.enqueue_nd_range_kernel(q, kernel, gsize, lsize))
            results, counts = [], {}
            for port in plan.outputs:
                if port.valid_rows >= 0 and port.valid_rows not in counts:
                    counts[port.valid_rows] = self._read(plan.tensors[port.valid_rows])
                t = plan.tensors[port.tensor]
                if t.kind == "host":
                    results.append(np.array(plan.constants[t.buffer]))
                    continue
                results.append(self._read(t))
            q.finish()  # the last step: valid row counts arrive with the outputs
            results = [
                r if p.valid_rows < 0 else _leading_rows(r, counts[p.valid_rows], p.name)
                for r, p in zip(results, plan.outputs)
            ]
        except cl.Error as exc:
            raise InferenceError(f"GPU: OpenCL failed while running the model: {exc}") from exc
        if self._profile_on:
            self._record(events)
        self._c.first_run_done()
        return [
            r.astype(Type.get(p.etype).dtype, copy=False) for r, p in zip(results, plan.outputs)
        ]

    def _read(self, t: Any) -> np.ndarray:
        """Enqueue the read of device tensor ``t`` into a new host array (lands at finish)."""
        host = np.empty(t.shape, dtype=NUMPY_OF_CTYPE[t.ctype])
        self._cl.enqueue_copy(self.queue, host, self._buffer(t.id), is_blocking=False)
        return host

    def _record(self, events: list[Any]) -> None:
        plan = self._c.plan
        info = [
            ProfilingInfo(name, kind, "undef", status, timedelta(0), timedelta(0))
            for name, kind, status in plan.passive
        ]
        for launch, event in zip(plan.launches, events):
            ns = max(0, event.profile.end - event.profile.start)
            exec_type = f"{launch.exec_type}__{plan.precision}"
            info.append(
                ProfilingInfo(
                    launch.node,
                    launch.node_type,
                    exec_type,
                    "EXECUTED",
                    timedelta(microseconds=ns / 1000),
                    timedelta(0),
                )
            )
        self._profile = info

    def profiling_info(self) -> list[ProfilingInfo]:
        return list(self._profile)


def _leading_rows(value: np.ndarray, count: np.ndarray, name: str) -> np.ndarray:
    """The valid rows of a data-dependent output, checked against its bound."""
    rows = int(count.reshape(-1)[0])
    if not 0 <= rows <= value.shape[0]:
        raise InferenceError(
            f"GPU: output {name!r}: the device reported {rows} valid rows, "
            f"expected 0..{value.shape[0]}"
        )
    return value[:rows]
