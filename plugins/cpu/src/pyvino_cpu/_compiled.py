"""The CPU plugin's compiled model: a flat execution plan over value slots.

Compile resolves every node to a callable (an extension kernel or the op's reference
``evaluate``), computes constants once, numbers every tensor with a slot and records after
which step each slot is last read, so a request drops intermediate buffers as soon as possible.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np

from pyvino import CompiledBackend, InferenceError, Model, Op, ProfilingInfo, SyncRequest
from pyvino._device import node_key


@dataclass(frozen=True)
class Step:
    node: Op
    run: Callable[..., tuple[np.ndarray, ...]]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    release: tuple[int, ...]  # slots read for the last time by this step


class CPUCompiledModel(CompiledBackend):
    """The plan: parameters -> slots, steps in topological order, result slots."""

    def __init__(self, model: Model, config: dict[str, Any],
                 kernels: dict[tuple[str, str], Any]) -> None:
        super().__init__(model, config, "CPU")
        self._plan(kernels)

    def _plan(self, kernels: dict[tuple[str, str], Any]) -> None:
        slot_of: dict[tuple[int, int], int] = {}
        constants: dict[int, np.ndarray] = {}
        steps: list[tuple[Op, Callable[..., Any], tuple[int, ...], tuple[int, ...]]] = []
        folded: list[Op] = []

        def slot(node: Op, index: int) -> int:
            return slot_of.setdefault((id(node), index), len(slot_of))

        for node in self.model.get_ordered_ops():
            outs = tuple(slot(node, i) for i in range(node.get_output_size()))
            if node.type_name == "Parameter" or node.type_name == "Result":
                continue
            if node.type_name == "Constant":
                constants[outs[0]] = node.evaluate()[0]
                continue
            kernel = kernels.get(node_key(node))
            run = (lambda *xs, _k=kernel, _n=node: _k(_n, *xs)) if kernel else node.evaluate
            ins = tuple(slot_of[(id(i.node), i.index)] for i in node.inputs)
            if ins and all(s in constants for s in ins):  # fold constant subgraphs at compile
                for s, value in zip(outs, run(*[constants[s] for s in ins])):
                    constants[s] = value
                folded.append(node)
                continue
            steps.append((node, run, ins, outs))

        self._param_slots = [slot_of[(id(p), 0)] for p in self.model.get_parameters()]
        results = self.model.get_results()
        self._result_slots = [slot_of[(id(r.inputs[0].node), r.inputs[0].index)] for r in results]
        keep = set(self._result_slots) | set(constants)
        last_use: dict[int, int] = {}
        for n, (_, _, ins, _) in enumerate(steps):
            for s in ins:
                last_use[s] = n
        self._steps = [
            Step(node, run, ins, outs,
                 tuple(s for s in set(ins) if last_use.get(s) == n and s not in keep))
            for n, (node, run, ins, outs) in enumerate(steps)
        ]
        self._constants = constants
        self._num_slots = len(slot_of)
        self._static_nodes = [n for n in self.model.get_ordered_ops()
                              if n.type_name in ("Parameter", "Constant", "Result")]
        self._folded = folded

    @property
    def num_streams(self) -> int:
        streams = self.config.get("NUM_STREAMS", "AUTO")
        if isinstance(streams, int) and streams > 0:
            return streams
        if self.config.get("PERFORMANCE_HINT") == "THROUGHPUT":
            return max(1, os.cpu_count() or 1)
        return 1

    def optimal_number_of_infer_requests(self) -> int:
        n = self.num_streams
        limit = int(self.config.get("PERFORMANCE_HINT_NUM_REQUESTS", 0) or 0)
        return min(n, limit) if limit else n

    def create_sync_request(self) -> CPURequest:
        return CPURequest(self)

    def export(self) -> bytes:
        from pyvino_cpu.plugin import export_payload

        return export_payload(self)

    def property(self, key: str) -> Any:
        if key == "EXECUTION_DEVICES":
            return ["CPU"]
        return super().property(key)


class CPURequest(SyncRequest):
    """Runs the plan; with PERF_COUNT, times each step."""

    def __init__(self, compiled: CPUCompiledModel) -> None:
        self._c = compiled
        self._profile: list[ProfilingInfo] = []

    def infer(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        c = self._c
        values: list[Any] = [None] * c._num_slots
        for s, v in c._constants.items():
            values[s] = v
        for s, v in zip(c._param_slots, inputs, strict=True):
            values[s] = v
        profile = bool(c.config.get("PERF_COUNT"))
        times: list[float] = []
        for step in c._steps:
            start = time.perf_counter() if profile else 0.0
            try:
                outs = step.run(*[values[s] for s in step.inputs])
            except Exception as exc:
                raise InferenceError(
                    f"{step.node.describe()} failed on CPU: {type(exc).__name__}: {exc}"
                ) from exc
            if len(outs) != len(step.outputs):
                raise InferenceError(f"{step.node.describe()} returned {len(outs)} outputs, "
                                     f"expected {len(step.outputs)}")
            for s, v in zip(step.outputs, outs):
                values[s] = v
            for s in step.release:
                values[s] = None
            if profile:
                times.append(time.perf_counter() - start)
        if profile:
            self._record(times)
        return [np.asarray(values[s]) for s in c._result_slots]

    def _record(self, times: list[float]) -> None:
        info = [
            ProfilingInfo(n.friendly_name, n.type_name, "undef", "NOT_RUN", timedelta(0),
                          timedelta(0))
            for n in self._c._static_nodes
        ]
        info += [ProfilingInfo(n.friendly_name, n.type_name, "constant_folded", "OPTIMIZED_OUT",
                               timedelta(0), timedelta(0)) for n in self._c._folded]
        for step, t in zip(self._c._steps, times):
            precision = (step.node.get_output_element_type(0).precision
                         if step.node.get_output_size() else "")
            info.append(ProfilingInfo(step.node.friendly_name, step.node.type_name,
                                      f"ref_any_{precision}", "EXECUTED",
                                      timedelta(seconds=t), timedelta(seconds=t)))
        self._profile = info

    def profiling_info(self) -> list[ProfilingInfo]:
        return list(self._profile)
