"""Shape-specialised execution of models with dynamic inputs (as OpenVINO's CPU plugin does).

A compiled model whose inputs have dynamic dims (``?``, ``1..8``, dynamic rank) keeps the
dynamic graph; the concrete input shapes of each request select a *specialisation*: the model
cloned, reshaped to those shapes, re-inferred and planned like a static model (constant
folding, fusion, fast kernels with packed weights, a memory plan). Specialisations live in an
LRU cache shared by the compiled model's requests (``CPU_RUNTIME_CACHE_CAPACITY`` entries), so
a repeated shape never re-plans and a new shape plans once, even when several requests ask for
it at the same time. Each request keeps its arenas bound to the few plans it used last, so
alternating shapes do not re-bind either.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from pyvino import InferenceError, Model, PartialShape, ProfilingInfo, SyncRequest, Type

from pyvino_cpu._parallel import TaskPool
from pyvino_cpu._plan import Plan, Planner
from pyvino_cpu._request import CPURequest

if TYPE_CHECKING:
    from pyvino_cpu._compiled import CPUCompiledModel

DEFAULT_CAPACITY = 16  # specialisations per compiled model (CPU_RUNTIME_CACHE_CAPACITY)
BOUND_PER_REQUEST = 4  # arenas a request keeps bound to recently used specialisations

ShapeKey = tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class Specialisation:
    """The model reshaped to ``shapes`` (one per input) and its static plan."""

    shapes: ShapeKey
    model: Model
    plan: Plan


def needs_specialising(model: Model) -> bool:
    """Whether any input of ``model`` has a dynamic shape (and every input a known type)."""
    params = model.get_parameters()
    return any(p.get_output_partial_shape(0).is_dynamic for p in params) and all(
        p.get_output_element_type(0) is not Type.dynamic for p in params
    )


def _check_bounds(model: Model, shapes: ShapeKey) -> None:
    for param, shape in zip(model.get_parameters(), shapes, strict=True):
        bounds = param.get_output_partial_shape(0)
        if not bounds.compatible(shape):
            raise InferenceError(
                f"input {param.friendly_name!r}: shape {list(shape)} is outside the "
                f"model input shape {bounds}"
            )


def specialised_model(model: Model, shapes: ShapeKey) -> Model:
    """A clone of ``model`` with static input ``shapes``, every node re-inferred.

    A node that rejects the new shapes (a Reshape to a fixed size, say) fails the request
    with an InferenceError naming that node.
    """
    _check_bounds(model, shapes)
    clone = model.clone()
    for param, shape in zip(clone.get_parameters(), shapes):
        param.set_partial_shape(PartialShape(list(shape)))
    for node in clone.get_ordered_ops():
        try:
            node.validate()
        except Exception as exc:
            raise InferenceError(
                f"{node.describe()} failed on CPU: shape inference for input shapes "
                f"{[list(s) for s in shapes]}: {exc}"
            ) from exc
    return clone


class SpecialisationCache:
    """Plans for concrete input shapes, least recently used evicted past ``capacity``.

    Thread-safe: a shape being planned by one request is waited for by the others.
    ``compilations`` counts the plans built (a debugging and test aid).
    """

    def __init__(self, model: Model, kernels: dict[tuple[str, str], Any], capacity: int) -> None:
        self.model = model
        self.capacity = max(1, capacity)
        self.compilations = 0
        self._kernels = kernels
        self._entries: OrderedDict[ShapeKey, Specialisation] = OrderedDict()
        self._building: dict[ShapeKey, threading.Event] = {}
        self._lock = threading.Lock()

    @property
    def shapes(self) -> list[ShapeKey]:
        """The cached input shapes, least recently used first."""
        with self._lock:
            return list(self._entries)

    def get(self, shapes: ShapeKey) -> Specialisation:
        """The specialisation for ``shapes``, planned now if it is not cached."""
        while True:
            with self._lock:
                entry = self._entries.get(shapes)
                if entry is not None:
                    self._entries.move_to_end(shapes)
                    return entry
                pending = self._building.get(shapes)
                if pending is None:
                    self._building[shapes] = threading.Event()
                    break
            pending.wait()  # another request is planning it: take its result (or retry)
        try:
            entry = self._build(shapes)
        finally:
            with self._lock:
                self._building.pop(shapes).set()
        return entry

    def _build(self, shapes: ShapeKey) -> Specialisation:
        model = specialised_model(self.model, shapes)
        entry = Specialisation(shapes, model, Planner(model, self._kernels).build())
        with self._lock:
            self._entries[shapes] = entry
            self.compilations += 1
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)
        return entry


class SpecialisingRequest(SyncRequest):
    """A request of a dynamic model: runs each inference on the plan for its input shapes."""

    def __init__(self, compiled: CPUCompiledModel, cache: SpecialisationCache) -> None:
        self._c = compiled
        self._cache = cache
        self._pool = TaskPool(compiled.streams.threads)  # shared by every bound plan
        self._bound: OrderedDict[ShapeKey, tuple[Specialisation, CPURequest]] = OrderedDict()
        self._last: tuple[Specialisation, CPURequest] | None = None

    def _runner(self, shapes: ShapeKey) -> tuple[Specialisation, CPURequest]:
        spec = self._cache.get(shapes)  # keeps the shared LRU order current
        bound = self._bound.get(shapes)
        if bound is None or bound[0] is not spec:
            bound = (spec, CPURequest(self._c, spec.plan, self._pool))
            self._bound[shapes] = bound
        self._bound.move_to_end(shapes)
        while len(self._bound) > BOUND_PER_REQUEST:
            self._bound.popitem(last=False)
        return bound

    def infer(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        self._last = self._runner(tuple(tuple(x.shape) for x in inputs))
        return self._last[1].infer(inputs)

    @property
    def step_times(self) -> list[float]:
        """Seconds per step of the last profiled run (empty without PERF_COUNT)."""
        return self._last[1].step_times if self._last else []

    def profiling_info(self) -> list[ProfilingInfo]:
        """PERF_COUNT records of the specialisation the last inference ran."""
        return self._last[1].profiling_info() if self._last else []

    def runtime_model(self) -> Model | None:
        """The executed graph of the last inference's specialisation (None before any)."""
        if self._last is None:
            return None
        from pyvino_cpu._runtime_model import runtime_model

        spec, runner = self._last
        return runtime_model(spec.model, spec.plan, runner.step_times)
