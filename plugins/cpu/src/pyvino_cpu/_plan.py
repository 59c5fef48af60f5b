"""Compile a Model into a Plan: constant folding, fusion, kernel choice, slots and memory.

Every tensor of the model becomes a *slot*: a constant, a planned buffer (an offset in the
request's arena; parameters are copied in), a view of another slot (reshape, or a transpose
only MatMuls read), a dynamic value (dynamic shapes, string tensors, which cannot be typed
views of a byte arena, or reference results only reference steps read), or scratch memory of
one step. Steps run in order; reference steps write their results into planned buffers, so
fast kernels can be bound to fixed arrays once per request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pyvino import CompilationError, Model, Op, Output
from pyvino._device import node_key

from pyvino_cpu._fusion import Fuser, Group
from pyvino_cpu._memory import fits_arena
from pyvino_cpu._select import group_kernel, single_kernel
from pyvino_cpu._slots import BUFFER, CONST, DYNAMIC, SCRATCH, VIEW, Slot, memory_layout
from pyvino_cpu.kernels import Kernel
from pyvino_cpu.kernels.movement import Transpose
from pyvino_cpu.kernels.reference import Reference


@dataclass
class Step:
    nodes: list[Op]  # the node that names the step first, then the nodes fused into it
    kernel: Kernel
    inputs: list[int]
    outputs: list[int]
    scratch: list[int] = field(default_factory=list)
    release: list[int] = field(default_factory=list)  # dynamic slots read for the last time

    @property
    def is_reference(self) -> bool:
        return isinstance(self.kernel, Reference)


@dataclass
class Plan:
    slots: list[Slot]
    steps: list[Step]
    params: list[int]
    results: list[int]
    layout: dict[int, tuple[int, tuple[int, ...], np.dtype]]  # slot -> (offset, shape, dtype)
    arena_bytes: int
    folded: list[Op]
    view_nodes: dict[int, Op]  # view slot -> the node that became a view (no step)
    static_nodes: list[Op]  # Parameters, Constants and Results

    @property
    def views(self) -> list[Op]:
        return list(self.view_nodes.values())


@dataclass
class Choice:
    """One future step: its nodes (the naming node first), kernel, inputs and exit node.

    ``kernel`` None: the exit node's output is a view of ``inputs[0]``.
    """

    nodes: list[Op]
    kernel: Kernel | None
    inputs: list[Output]
    exit: Op
    perm: tuple[int, ...] | None = None  # a view that transposes


def _key(out: Output) -> tuple[int, int]:
    return (id(out.node), out.index)


def _holds_objects(node: Op) -> bool:
    """Whether ``node`` reads or writes values that cannot live in the arena (strings)."""
    ports = [*node.inputs, *node.outputs()]
    return any(not fits_arena(np.dtype(p.element_type.dtype)) for p in ports)


def _transposes_as_views(chosen: list[Choice], users: dict[int, list[Op]]) -> list[Choice]:
    """A Transpose read only by MatMuls becomes a strided view (BLAS takes the strides)."""
    for c in chosen:
        readers = users.get(id(c.exit), [])
        if (
            isinstance(c.kernel, Transpose)
            and readers
            and all(u.type_name == "MatMul" for u in readers)
        ):
            c.perm, c.kernel = c.kernel.perm, None
    return chosen


class Planner:
    """Builds a Plan for ``model``; ``ext`` maps node keys to extension kernels."""

    def __init__(self, model: Model, ext: dict[tuple[str, str], Any]) -> None:
        self.model = model
        self.ext = ext
        self.const: dict[tuple[int, int], np.ndarray] = {}
        self.slots: list[Slot] = []
        self.slot_of: dict[tuple[int, int], int] = {}
        self.steps: list[Step] = []
        self.folded: list[Op] = []
        self.view_nodes: dict[int, Op] = {}

    def const_of(self, out: Output) -> np.ndarray | None:
        return self.const.get(_key(out))

    def reference(self, node: Op) -> Callable[..., Any]:
        kernel = self.ext.get(node_key(node))
        return (lambda *xs, _k=kernel, _n=node: _k(_n, *xs)) if kernel else node.evaluate

    # ----------------------------------------------------------------- graph
    def fold(self) -> list[Op]:
        """Constants computed once; the remaining (live) nodes in order."""
        live = []
        for node in self.model.get_ordered_ops():
            if node.type_name in ("Parameter", "Result"):
                continue
            if node.type_name == "Constant":
                self.const[(id(node), 0)] = node.evaluate()[0]
                continue
            outs = self._fold(node)
            if outs is None:
                live.append(node)
                continue
            for i, value in enumerate(outs):
                self.const[(id(node), i)] = np.asarray(value)
            self.folded.append(node)
        return live

    def _fold(self, node: Op) -> Any:
        """The outputs of ``node`` if they are known at compile time, else None."""
        if node.inputs and all(_key(i) in self.const for i in node.inputs):
            return self._evaluate_constant(node)
        if node.type_name == "ShapeOf" and node.inputs[0].partial_shape.is_static:
            return [node.output_value(0)]
        return None

    def _evaluate_constant(self, node: Op) -> Any:
        """Runs the kernel of ``node`` on constant inputs; its failure fails compilation."""
        try:
            outs = self.reference(node)(*[self.const[_key(i)] for i in node.inputs])
        except CompilationError:
            raise
        except Exception as exc:
            raise CompilationError(
                f"{node.describe()} failed on CPU while folding constants at compile time: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        if len(outs) != node.get_output_size():
            raise CompilationError(
                f"{node.describe()} returned {len(outs)} outputs while folding constants, "
                f"expected {node.get_output_size()}"
            )
        return outs

    def build(self) -> Plan:
        live = self.fold()
        users: dict[int, list[Op]] = {}
        for node in [*live, *self.model.get_results()]:
            for src in node.inputs:
                users.setdefault(id(src.node), []).append(node)
        results = {id(r.inputs[0].node) for r in self.model.get_results()}
        # Extension kernels run alone, as the extension says; nodes on string tensors run
        # their reference evaluate on values kept outside the arena.
        forced = {id(n) for n in live if node_key(n) in self.ext or _holds_objects(n)}
        fuser = Fuser(live, users, results, self.const_of, forced)
        params = [self._slot_for(p.output(0)) for p in self.model.get_parameters()]
        chosen = [c for g in fuser.groups() for c in self._choose(g, users, forced)]
        self._place(_transposes_as_views(chosen, users))
        result_slots = [self._slot_for(r.inputs[0]) for r in self.model.get_results()]
        layout, total = memory_layout(self.slots, self.steps, params, result_slots)
        static = [
            n
            for n in self.model.get_ordered_ops()
            if n.type_name in ("Parameter", "Constant", "Result")
        ]
        return Plan(
            self.slots,
            self.steps,
            params,
            result_slots,
            layout,
            total,
            self.folded,
            self.view_nodes,
            static,
        )

    def _choose(self, group: Group, users: dict[int, list[Op]], forced: set[int]) -> list[Choice]:
        node = group.members[0]
        if id(node) in forced:
            return [Choice([node], Reference(self.reference(node)), list(node.inputs), node)]
        if len(group.members) > 1:
            found = group_kernel(group, self.const_of)
            if found is not None:
                lead = group.anchor or group.last
                rest = [m for m in group.members if m is not lead]
                return [Choice([lead, *rest], found[0], found[1], group.last)]
            return [c for m in group.members for c in self._choose(Group([m]), users, forced)]
        found = single_kernel(node, self.const_of, users)
        if found is None:
            return [Choice([node], Reference(self.reference(node)), list(node.inputs), node)]
        return [Choice([node], found[0], found[1], node)]

    # ----------------------------------------------------------------- slots and steps
    def _new_slot(self, slot: Slot) -> int:
        self.slots.append(slot)
        return len(self.slots) - 1

    def _slot_for(self, out: Output) -> int:
        key = _key(out)
        if key not in self.slot_of:
            if key in self.const:
                self.slot_of[key] = self._new_slot(Slot(CONST, value=self.const[key]))
            else:
                ps = out.partial_shape
                shape = tuple(ps.to_shape()) if ps.is_static else None
                dtype = np.dtype(out.element_type.dtype)
                kind = BUFFER if ps.is_static and fits_arena(dtype) else DYNAMIC
                self.slot_of[key] = self._new_slot(Slot(kind, shape, dtype))
        return self.slot_of[key]

    def _place(self, chosen: list[Choice]) -> None:
        bound = {_key(i) for c in chosen if not isinstance(c.kernel, Reference) for i in c.inputs}
        for c in chosen:
            if c.kernel is None:  # Reshape / Squeeze / Unsqueeze / some Transposes: no step
                out = c.exit.output(0)
                view = Slot(
                    VIEW,
                    tuple(out.shape),
                    np.dtype(out.element_type.dtype),
                    base=self._slot_for(c.inputs[0]),
                    perm=c.perm,
                )
                self.slot_of[_key(out)] = self._new_slot(view)
                self.view_nodes[self.slot_of[_key(out)]] = c.exit
                continue
            ins = [self._slot_for(i) for i in c.inputs]
            if isinstance(c.kernel, Reference):
                outs = [self._slot_for(o) for o in c.exit.outputs()]
                for s, o in zip(outs, c.exit.outputs()):
                    if _key(o) not in bound:  # only reference steps read it: no buffer needed
                        self.slots[s].kind = DYNAMIC
            else:
                outs = [self._slot_for(c.exit.output(0))]
            scratch = [
                self._new_slot(Slot(SCRATCH, shape, np.dtype(dtype)))
                for shape, dtype in c.kernel.scratch()
            ]
            self.steps.append(Step(c.nodes, c.kernel, ins, outs, scratch))
