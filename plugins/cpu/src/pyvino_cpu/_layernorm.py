"""Recognising LayerNorm written out as ops (what ONNX exporters and our frontend produce):

``d = x - ReduceMean(x); y = d / Sqrt(ReduceMean(d * d) + eps)`` (or ``d * (1 / Sqrt(..))``,
or eps outside the root), optionally ``* gamma + beta``, over trailing axes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from pyvino import Op, Output, Type

ConstOf = Callable[[Output], "np.ndarray | None"]


@dataclass
class LayerNormMatch:
    members: list[Op]
    x: Output
    axes: int  # normalized trailing axes
    eps: float
    inside: bool
    gamma: np.ndarray | None
    beta: np.ndarray | None


def _scalar(value: np.ndarray | None) -> float | None:
    return float(value.reshape(-1)[0]) if value is not None and value.size == 1 else None


def _is(out: Output, node: Op) -> bool:
    return out.node is node and out.index == 0


class _Matcher:
    def __init__(self, consumers: dict[int, list[Op]], const_of: ConstOf) -> None:
        self.consumers = consumers
        self.const_of = const_of

    def only_user(self, node: Op, type_names: tuple[str, ...]) -> Op | None:
        users = list({id(u): u for u in self.consumers.get(id(node), [])}.values())
        if len(users) == 1 and users[0].type_name in type_names:
            return users[0]
        return None

    def other(self, node: Op, known: Op) -> tuple[Output, np.ndarray | None]:
        """The input of binary ``node`` that is not ``known`` and its constant value."""
        out = node.inputs[1] if _is(node.inputs[0], known) else node.inputs[0]
        return out, self.const_of(out)

    def trailing_axes(self, mean: Op) -> int | None:
        axes = self.const_of(mean.inputs[1])
        rank = len(mean.inputs[0].partial_shape)
        if axes is None or not mean.attrs.get("keep_dims") or rank == 0:
            return None
        norm = sorted({int(a) % rank for a in axes.reshape(-1)})
        return len(norm) if norm == list(range(rank - len(norm), rank)) else None

    def affine(
        self, node: Op, type_name: str, x_shape: tuple[int, ...], axes: int
    ) -> tuple[Op, np.ndarray] | None:
        user = self.only_user(node, (type_name,))
        if user is None:
            return None
        _, value = self.other(user, node)
        if value is None or value.dtype != np.float32 or value.ndim > len(x_shape):
            return None
        lead = value.shape[: max(0, value.ndim - axes)]
        trail = value.shape[max(0, value.ndim - axes) :]
        tail = x_shape[len(x_shape) - axes :]
        if any(d != 1 for d in lead) or any(
            t not in (1, n) for t, n in zip(trail[::-1], tail[::-1])
        ):
            return None
        full = (
            np.broadcast_to(value.reshape(trail), tail) if trail else np.broadcast_to(value, tail)
        )
        return user, np.ascontiguousarray(full).reshape(-1)


def match_layernorm(
    mean: Op, consumers: dict[int, list[Op]], const_of: ConstOf
) -> LayerNormMatch | None:  # noqa: C901, PLR0911
    """The LayerNorm subgraph starting at ReduceMean ``mean``, or None."""
    m = _Matcher(consumers, const_of)
    x = mean.inputs[0]
    if x.element_type is not Type.f32 or not x.partial_shape.is_static:
        return None
    axes = m.trailing_axes(mean)
    sub = m.only_user(mean, ("Subtract",))
    if axes is None or sub is None or not (sub.inputs[0] == x and _is(sub.inputs[1], mean)):
        return None
    users = list({id(u): u for u in consumers.get(id(sub), [])}.values())
    if len(users) != 2:
        return None
    sq = next(
        (
            u
            for u in users
            if u.type_name == "Multiply"
            and all(_is(i, sub) for i in u.inputs)
            or u.type_name == "Power"
            and _is(u.inputs[0], sub)
            and _scalar(const_of(u.inputs[1])) == 2.0
        ),
        None,
    )
    mean2 = m.only_user(sq, ("ReduceMean",)) if sq is not None else None
    if mean2 is None or m.trailing_axes(mean2) != axes:
        return None
    members = [mean, sub, sq, mean2]
    step = m.only_user(mean2, ("Add", "Sqrt"))
    inside = step is not None and step.type_name == "Add"
    eps = 0.0
    if inside:
        eps = _scalar(m.other(step, mean2)[1])
        members.append(step)
        step = m.only_user(step, ("Sqrt",))
    if step is None or eps is None:
        return None
    members.append(step)
    if not inside:
        add = m.only_user(step, ("Add",))
        eps = _scalar(m.other(add, step)[1]) if add is not None else None
        if eps is None:
            return None
        members.append(add)
        step = add
    norm = m.only_user(step, ("Divide",))
    if norm is None:
        return None
    if _is(norm.inputs[1], step) and norm.inputs[0].node is sub:  # d / root
        members.append(norm)
    elif _is(norm.inputs[1], step) and _scalar(const_of(norm.inputs[0])) == 1.0:  # d * (1/root)
        mul = m.only_user(norm, ("Multiply",))
        if mul is None or m.other(mul, norm)[0].node is not sub:
            return None
        members += [norm, mul]
        norm = mul
    else:
        return None
    if not all(u in members for u in users):
        return None
    shape = tuple(x.shape)
    gamma = beta = None
    scaled = m.affine(norm, "Multiply", shape, axes)
    if scaled is not None:
        members.append(scaled[0])
        gamma = scaled[1]
        shifted = m.affine(scaled[0], "Add", shape, axes)
        if shifted is not None:
            members.append(shifted[0])
            beta = shifted[1]
    return LayerNormMatch(members, x, axes, eps, inside, gamma, beta)
