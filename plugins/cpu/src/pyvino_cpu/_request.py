"""CPURequest: one request's arena, bound steps and profiling counters.

Binding happens once per request: every planned tensor is a view of the request's arena and
every fast step is a closure over its arrays, so ``infer`` is a flat loop of calls that copies
the inputs in, runs the steps, and copies the results out (the only allocation per inference).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from pyvino import InferenceError, ProfilingInfo, SyncRequest

from pyvino_cpu._memory import arena_views
from pyvino_cpu._parallel import TaskPool
from pyvino_cpu._plan import BUFFER, CONST, DYNAMIC, SCRATCH, VIEW, Plan, Step

if TYPE_CHECKING:
    from pyvino_cpu._compiled import CPUCompiledModel


def _reference_run(step: Step, values: list[Any], planned: list[bool]) -> Callable[[], None]:
    fn, ins, outs, release = step.kernel.fn, step.inputs, step.outputs, step.release  # type: ignore[attr-defined]
    node = step.nodes[0]
    copyto = np.copyto

    def run() -> None:
        results = fn(*[values[s] for s in ins])
        if len(results) != len(outs):
            raise InferenceError(
                f"{node.describe()} returned {len(results)} outputs, expected {len(outs)}"
            )
        for s, value, in_arena in zip(outs, results, planned):
            if in_arena:
                copyto(values[s], value)
            else:  # never keep a view of the arena in a dynamic slot
                values[s] = value.copy() if getattr(value, "base", None) is not None else value
        for s in release:
            values[s] = None

    return run


class CPURequest(SyncRequest):
    """Runs the plan; with PERF_COUNT, times each step."""

    def __init__(
        self, compiled: CPUCompiledModel, plan: Plan | None = None, pool: TaskPool | None = None
    ) -> None:
        """Binds ``plan`` (default: the compiled model's); ``pool`` shares a stream's threads."""
        plan = compiled.plan if plan is None else plan
        self._c = compiled
        self._plan = plan
        self._arena = np.empty(max(plan.arena_bytes, 1), np.uint8)
        views = arena_views(self._arena, plan.layout)
        values: list[Any] = [None] * len(plan.slots)
        for s, slot in enumerate(plan.slots):
            if slot.kind == CONST:
                values[s] = slot.value
            elif slot.kind in (BUFFER, SCRATCH):
                values[s] = views[s]
            elif slot.kind == VIEW:
                base = values[slot.base]
                values[s] = base.transpose(slot.perm) if slot.perm else base.reshape(slot.shape)
        self._values = values
        self._inputs = [(s, plan.slots[s].kind == BUFFER) for s in plan.params]
        self._pool = pool or TaskPool(compiled.streams.threads)
        self._runs = [self._bind(step) for step in plan.steps]
        self._times: list[float] = []

    def _bind(self, step: Step) -> Callable[[], None]:
        v = self._values
        if step.is_reference:
            planned = [self._plan.slots[s].kind != DYNAMIC for s in step.outputs]
            return _reference_run(step, v, planned)
        return step.kernel.bind(
            [v[s] for s in step.inputs],
            [v[s] for s in step.outputs],
            [v[s] for s in step.scratch],
            self._pool,
        )

    def infer(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        values = self._values
        for (s, planned), x in zip(self._inputs, inputs, strict=True):
            if planned:
                np.copyto(values[s], x)
            else:
                values[s] = x
        if self._c.profiling:
            self._run_profiled()
        else:
            self._run()
        return [self._result(s) for s in self._plan.results]

    def _result(self, s: int) -> np.ndarray:
        value = self._values[s]
        if self._plan.slots[s].kind == DYNAMIC and s not in self._plan.params:
            return np.asarray(value)
        return np.array(value, copy=True)

    def _run(self) -> None:
        i = 0
        try:
            for i, run in enumerate(self._runs):  # noqa: B007
                run()
        except Exception as exc:
            self._fail(i, exc)

    def _run_profiled(self) -> None:
        times = [0.0] * len(self._runs)
        clock = time.perf_counter
        i = 0
        try:
            for i, run in enumerate(self._runs):
                start = clock()
                run()
                times[i] = clock() - start
        except Exception as exc:
            self._fail(i, exc)
        self._times = times

    def _fail(self, i: int, exc: Exception) -> None:
        if isinstance(exc, InferenceError):
            raise exc
        node = self._plan.steps[i].nodes[0]
        raise InferenceError(
            f"{node.describe()} failed on CPU: {type(exc).__name__}: {exc}"
        ) from exc

    @property
    def step_times(self) -> list[float]:
        """Seconds per step of the last profiled run (empty without PERF_COUNT)."""
        return list(self._times)

    def profiling_info(self) -> list[ProfilingInfo]:
        from pyvino_cpu._runtime_model import profiling_info

        return profiling_info(self._plan, self._times) if self._times else []
