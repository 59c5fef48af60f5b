"""The compiled model: constants folded once, a list of kernel steps, and the f16 datapath.

A request runs the steps synchronously; pyvino's core supplies async requests, callbacks and
AsyncInferQueue on top. With an f16 bitstream, float tensors are stored as f16 between steps
(the board's memory) and each kernel computes in f32 (its DSP blocks), as the emulation of a
real fp16 datapath.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import numpy as np
from pyvino import CompiledBackend, InferenceError, Model, Op, ProfilingInfo, SyncRequest

from pyvino_fpga.bitstreams import Bitstream
from pyvino_fpga.kernels import KERNELS, Kernel

Key = tuple[int, int]  # (id(node), output port)


def work(node: Op) -> int:
    """Multiply-accumulates (or element operations) a node costs: the emulated latency model."""
    out = int(np.prod(node.get_output_partial_shape(0).to_shape())) if node.get_output_size() else 0
    if node.type_name in ("Convolution", "MatMul"):
        reduced = node.input_shape(1).to_shape()
        return out * int(
            np.prod(reduced[1:] if node.type_name == "Convolution" else reduced[-2:-1])
        )
    return out


class FPGACompiledModel(CompiledBackend):
    """Steps in topological order over values keyed by (node, port)."""

    def __init__(
        self,
        model: Model,
        config: dict[str, Any],
        bitstream: Bitstream,
        extension_kernels: dict[tuple[str, str], Kernel],
    ) -> None:
        super().__init__(model, config, "FPGA")
        self.bitstream = bitstream
        self.storage = np.float16 if bitstream.datapath == "f16" else None
        self.constants: dict[Key, np.ndarray] = {}
        self.steps: list[tuple[Op, Callable[..., tuple[np.ndarray, ...]], list[Key]]] = []
        for node in model.get_ordered_ops():
            if node.type_name in ("Parameter", "Result"):
                continue
            if node.type_name == "Constant":
                self.constants[(id(node), 0)] = self.store(node.evaluate()[0])
                continue
            kernel = (
                extension_kernels.get((node.type_name, node.version_id)) or KERNELS[node.type_name]
            )
            keys = [(id(i.node), i.index) for i in node.inputs]
            if all(k in self.constants for k in keys):  # fold constant subgraphs once
                outs = self.run(node, kernel, [self.constants[k] for k in keys])
                self.constants.update({(id(node), p): v for p, v in enumerate(outs)})
            else:
                self.steps.append((node, kernel, keys))
        clock_hz = config["FPGA_CLOCK_MHZ"] * 1e6
        self.latency_s = [work(n) / bitstream.macs_per_cycle / clock_hz for n, _, _ in self.steps]

    def store(self, value: np.ndarray) -> np.ndarray:
        """How a tensor is kept in board memory (f16 with an f16 bitstream)."""
        if self.storage is not None and value.dtype.kind == "f":
            return value.astype(self.storage)
        return value

    def run(self, node: Op, kernel: Kernel, inputs: list[np.ndarray]) -> list[np.ndarray]:
        args = [x.astype(np.float32) if x.dtype == np.float16 else x for x in inputs]
        try:
            outs = kernel(node, *args)
        except Exception as exc:
            raise InferenceError(
                f"FPGA: {node.describe()} failed: {type(exc).__name__}: {exc}"
            ) from exc
        if len(outs) != node.get_output_size():
            raise InferenceError(
                f"FPGA: {node.describe()} returned {len(outs)} outputs, "
                f"expected {node.get_output_size()}"
            )
        return [self.store(np.asarray(o)) for o in outs]

    @property
    def estimated_latency_us(self) -> float:
        return sum(self.latency_s) * 1e6

    def property(self, key: str) -> Any:
        if key == "FPGA_ESTIMATED_LATENCY_US":
            return self.estimated_latency_us
        return super().property(key)

    def create_sync_request(self) -> SyncRequest:
        return FPGARequest(self)

    def export(self) -> bytes:
        from pyvino_fpga._export import export_payload

        return export_payload(self)


class FPGARequest(SyncRequest):
    """Runs the steps; with PERF_COUNT, reports host time and the emulated board time."""

    def __init__(self, compiled: FPGACompiledModel) -> None:
        self.compiled = compiled
        self.profile: list[ProfilingInfo] = []

    def infer(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        c = self.compiled
        values = dict(c.constants)
        for param, x in zip(c.model.get_parameters(), inputs, strict=True):
            values[(id(param), 0)] = c.store(np.asarray(x))
        host: list[float] = []
        for node, kernel, keys in c.steps:
            start = time.perf_counter()
            outs = c.run(node, kernel, [values[k] for k in keys])
            values.update({(id(node), p): v for p, v in enumerate(outs)})
            host.append(time.perf_counter() - start)
        if c.config.get("PERF_COUNT"):
            self.profile = [
                ProfilingInfo(
                    n.friendly_name,
                    n.type_name,
                    f"fpga_{c.bitstream.datapath}",
                    "EXECUTED",
                    timedelta(seconds=board),
                    timedelta(seconds=h),
                )
                for (n, _, _), board, h in zip(c.steps, c.latency_s, host, strict=True)
            ]
        results = []
        for r in c.model.get_results():
            src = r.inputs[0]
            results.append(
                values[(id(src.node), src.index)].astype(r.get_output_element_type(0).dtype)
            )
        return results

    def profiling_info(self) -> list[ProfilingInfo]:
        return list(self.profile)
