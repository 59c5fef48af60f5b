"""Slots (every tensor of a plan) and their lifetimes, which the memory plan packs.

A slot is a constant, a planned buffer (an offset in the request's arena; parameters are
copied in), a view of another slot (reshape, or a transpose only MatMuls read), a dynamic
value (dynamic shapes, or reference results only reference steps read), or scratch memory of
one step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pyvino_cpu._memory import Buffer, plan_offsets

CONST, BUFFER, DYNAMIC, VIEW, SCRATCH = "const", "buffer", "dynamic", "view", "scratch"


@dataclass
class Slot:
    kind: str
    shape: tuple[int, ...] | None = None
    dtype: np.dtype | None = None
    value: np.ndarray | None = None  # CONST
    base: int = -1  # VIEW: the slot viewed
    perm: tuple[int, ...] | None = None  # VIEW: a transposed view


def memory_layout(
    slots: list[Slot], steps: list[Any], params: list[int], results: list[int]
) -> tuple[dict[int, tuple[int, tuple[int, ...], np.dtype]], int]:
    """Offsets of every planned buffer in the arena (and each step's dynamic slots to drop).

    A buffer lives from the step that writes it to the last step that reads it or a view
    of it; Results live to the end; parameters from before the first step.
    """
    n = len(steps)
    first: dict[int, int] = {p: -1 for p in params}
    last: dict[int, int] = {}

    def root(s: int) -> int:
        while slots[s].kind == VIEW:
            s = slots[s].base
        return s

    for i, step in enumerate(steps):
        for s in step.outputs + step.scratch:
            first.setdefault(s, i)
            last[s] = max(last.get(s, i), i)
        for s in step.inputs:
            last[root(s)] = max(last.get(root(s), i), i)
    for s in results:
        last[root(s)] = n
    for i, step in enumerate(steps):
        step.release = [s for s in step.inputs if slots[s].kind == DYNAMIC and last.get(s) == i]
    buffers = [
        Buffer(
            s,
            int(np.prod(slot.shape, dtype=np.int64)) * slot.dtype.itemsize,
            first.get(s, -1),
            last.get(s, first.get(s, -1)),
        )
        for s, slot in enumerate(slots)
        if slot.kind in (BUFFER, SCRATCH)
    ]
    offsets, total = plan_offsets(buffers)
    layout = {b.key: (offsets[b.key], slots[b.key].shape, slots[b.key].dtype) for b in buffers}
    return layout, total
