"""Multi-node patterns the GPU runs as one kernel: the decomposed LayerNorm.

Frontends spell LayerNorm as ``d = x - ReduceMean(x)``, ``v = ReduceMean(d * d)`` (or
``Power(d, 2)``), then ``y = d / Sqrt(v + eps)``, ``d * (1 / Sqrt(v + eps))`` or
``d * Power(v + eps, -0.5)``. The whole pattern becomes one MVN work-group kernel (mean,
variance, normalise) whose region then takes the gamma/beta multiply-add.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyvino import Op, Output

from pyvino_gpu._fusion import Key


@dataclass(frozen=True)
class LayerNorm:
    """A matched LayerNorm ending at ``divide`` (its last node); ``absorbed`` are the others,
    ``absorbed[1]`` the Subtract that reads ``source``."""

    source: Output
    axes: tuple[int, ...]
    eps: float
    divide: Op
    absorbed: tuple[Op, ...]


def _only_consumer(node: Op, consumers: dict[Key, list[Op]], expected: int = 1) -> bool:
    return len(consumers.get((id(node), 0), [])) == expected


def _reduce_axes(node: Op, rank: int, consts: dict[Key, np.ndarray]) -> tuple[int, ...] | None:
    if node.type_name != "ReduceMean" or not node.attrs.get("keep_dims"):
        return None
    value = consts.get((id(node.inputs[1].node), node.inputs[1].index))
    return None if value is None else tuple(sorted(int(a) % rank for a in value.reshape(-1)))


def _scalar(out: Output, consts: dict[Key, np.ndarray]) -> float | None:
    value = consts.get((id(out.node), out.index))
    return None if value is None or value.size != 1 else float(value.reshape(-1)[0])


def _square_of(node: Op, d: Op, consts: dict[Key, np.ndarray]) -> bool:
    ins = [i.node for i in node.inputs]
    if node.type_name == "Multiply":
        return ins[0] is d and ins[1] is d
    return node.type_name == "Power" and ins[0] is d and _scalar(node.inputs[1], consts) == 2.0


def _std_parts(node: Op, inverse: bool, consts: dict[Key, np.ndarray]) -> list[Op] | None:
    """[Add(v, eps), nodes after it] if ``node`` is sqrt(v + eps) (or its inverse)."""
    ins = [i.node for i in node.inputs]
    if not inverse and node.type_name == "Sqrt":
        return [ins[0], node]
    if inverse and node.type_name == "Divide" and _scalar(node.inputs[0], consts) == 1.0 \
            and ins[1].type_name == "Sqrt":
        return [ins[1].inputs[0].node, ins[1], node]
    if inverse and node.type_name == "Power" and _scalar(node.inputs[1], consts) == -0.5:
        return [ins[0], node]
    return None


def match_layer_norm(end: Op, consumers: dict[Key, list[Op]],
                     consts: dict[Key, np.ndarray]) -> LayerNorm | None:
    """The LayerNorm whose last node is ``end``, or None."""
    if end.type_name not in ("Divide", "Multiply") or len(end.inputs) != 2:
        return None
    a, b = (i.node for i in end.inputs)
    if end.type_name == "Multiply" and b.type_name == "Subtract":
        a, b = b, a
    if a.type_name != "Subtract":
        return None
    parts = _std_parts(b, end.type_name == "Multiply", consts)
    if parts is None or parts[0].type_name != "Add":
        return None
    add, d = parts[0], a
    var, eps = add.inputs[0].node, _scalar(add.inputs[1], consts)
    mean, x = d.inputs[1].node, d.inputs[0]
    if eps is None or mean.type_name != "ReduceMean" or mean.inputs[0] != x:
        return None
    square = var.inputs[0].node
    if not _square_of(square, d, consts):
        return None
    rank = len(x.partial_shape)
    axes = _reduce_axes(mean, rank, consts)
    if axes is None or axes != _reduce_axes(var, rank, consts):
        return None
    absorbed = (mean, d, square, var, *parts)
    if not (_only_consumer(d, consumers, 2 if square.type_name == "Power" else 3)
            and all(_only_consumer(n, consumers) for n in absorbed if n is not d)):
        return None
    return LayerNorm(x, axes, eps, end, absorbed)


def find_layer_norms(ops: list[Op], consumers: dict[Key, list[Op]],
                     consts: dict[Key, np.ndarray]) -> dict[int, LayerNorm]:
    """{id(divide node): LayerNorm} for every match in ``ops``."""
    found = {}
    for node in ops:
        match = match_layer_norm(node, consumers, consts)
        if match is not None:
            found[id(node)] = match
    return found
