"""Recognising a simple epilogue (``kernels._epilogue``) in a fused group's elementwise nodes:
``[Add per-channel constant] [Add residual of the same shape] [Relu | Clamp]``, in this order,
each node reading the previous one."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from pyvino import Op, Output

from pyvino_cpu.kernels._epilogue import SimpleEpilogue

ConstOf = Callable[[Output], "np.ndarray | None"]


def _per_channel(value: np.ndarray, shape: tuple[int, ...]) -> np.ndarray | None:
    """``value`` as a [K] vector if it broadcasts along axis 1 of ``shape`` only."""
    rank = len(shape)
    if value.ndim > rank or value.dtype != np.float32:
        return None
    full = (1,) * (rank - value.ndim) + value.shape
    if any(d != 1 for i, d in enumerate(full) if i != 1) or full[1] not in (1, shape[1]):
        return None
    return np.ascontiguousarray(np.broadcast_to(value.reshape(-1), (shape[1],)))


def match_simple(
    anchor: Op, epilogue: list[Op], const_of: ConstOf
) -> tuple[SimpleEpilogue, list[Output]] | None:
    """(the epilogue, its residual input if any), or None if the nodes do something else."""
    shape = tuple(anchor.output(0).shape)
    bias = np.zeros(shape[1], np.float32) if len(shape) > 1 else None
    residual: list[Output] = []
    lo, hi = -np.inf, np.inf
    prev, stage = anchor, 0
    for node in epilogue:
        ins = node.inputs
        if not any(i.node is prev and i.index == 0 for i in ins) or bias is None:
            return None
        other = [i for i in ins if i.node is not prev]
        if (
            node.type_name == "Add"
            and len(other) == 1
            and stage == 0
            and const_of(other[0]) is not None
        ):
            found = _per_channel(const_of(other[0]), shape)
            if found is None:
                return None
            bias, stage = found, 1
        elif (
            node.type_name == "Add"
            and len(other) == 1
            and stage <= 1
            and tuple(other[0].shape) == shape
            and const_of(other[0]) is None
        ):
            residual, stage = [other[0]], 2
        elif node.type_name == "Relu" and stage <= 2:
            lo, stage = 0.0, 3
        elif node.type_name == "Clamp" and stage <= 2:
            lo, hi, stage = node.attrs["min"], node.attrs["max"], 3
        else:
            return None
        prev = node
    return SimpleEpilogue(bias, bool(residual), lo, hi), residual
