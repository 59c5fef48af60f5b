"""Shape manipulation: Reshape-1, Transpose-1, Squeeze-1/15, Unsqueeze-1, ShapeOf-1/3.

Ops that take a shape or axes as an input read it with ``input_value`` so that output shapes
are static whenever that input is known at build time (a Constant, a static ShapeOf, ...).
"""

from __future__ import annotations

import math

import numpy as np
from pyvino import BOOL, TYPE, Attr, Dimension, Op, PartialShape, Type

from pyvino_opsets._common import (
    dim_upper,
    make_dim,
    normalize_axes,
    require_integer_type,
    scalar_or_1d_value,
)


def _check_index_input(op: Op, i: int, what: str) -> None:
    require_integer_type(op.input_type(i), what)
    shape = op.input_shape(i)
    if shape.rank_is_static and len(shape) > 1:
        raise op.fail(f"{what} must be a scalar or 1D tensor, got shape {shape}")


def _unknown_count(op: Op, i: int) -> int | None:
    """Number of elements of index input ``i`` when its shape is static, else None."""
    shape = op.input_shape(i)
    return int(np.prod(shape.to_shape())) if shape.is_static else None


class Reshape1(Op):
    """Reshape to the pattern of input 2; ``-1`` is inferred, ``0`` copies (``special_zero``)."""

    type_name = "Reshape"
    attributes = (Attr("special_zero", BOOL),)
    num_inputs = 2

    def target(self, data: PartialShape, pattern: list[int]) -> PartialShape:
        zero_copies = self.attrs["special_zero"]
        out: list[Dimension | None] = []
        copied: set[int] = set()
        for i, v in enumerate(pattern):
            if v == -1:
                if None in out:
                    raise self.fail(f"shape pattern {pattern} has more than one -1")
                out.append(None)
            elif v == 0 and zero_copies:
                if data.rank_is_static and i >= len(data):
                    raise self.fail(
                        f"special_zero copies dimension {i} but the input {data} has rank {len(data)}"
                    )
                out.append(data[i] if data.rank_is_static else Dimension())
                copied.add(i)
            elif v < -1:
                raise self.fail(f"shape pattern {pattern} has an invalid value {v}")
            else:
                out.append(Dimension(v))
        if not data.rank_is_static:
            return PartialShape([d if d is not None else Dimension() for d in out])
        # A copied dimension appears on both sides, so it cancels out of the element count.
        rest = [d for i, d in enumerate(data) if i not in copied]
        known = [d for i, d in enumerate(out) if d is not None and i not in copied]
        out_count = math.prod(d.min for d in known)
        if None in out:
            lo = math.prod(d.min for d in rest)
            hi = math.prod(dim_upper(d) for d in rest) if all(d.max != 0 for d in rest) else 0
            if out_count == 0:
                inferred = Dimension(0) if lo == 0 else None
                if inferred is None:
                    raise self.fail(f"cannot infer -1 in {pattern}: other dimensions are zero")
            elif all(d.is_static for d in rest):
                if lo % out_count:
                    raise self.fail(
                        f"cannot reshape {data} to {pattern}: {lo} elements are not "
                        f"divisible by {out_count}"
                    )
                inferred = Dimension(lo // out_count)
            else:
                inferred = make_dim(-(-lo // out_count), hi if hi == math.inf else hi // out_count)
            out[out.index(None)] = inferred
        elif all(d.is_static for d in rest):
            in_count = math.prod(d.min for d in rest)
            if in_count != out_count:
                raise self.fail(
                    f"cannot reshape {data} ({in_count} elements) to {pattern} "
                    f"({out_count} elements)"
                )
        return PartialShape(out)  # type: ignore[arg-type]

    def infer(self) -> list[tuple[Type, PartialShape]]:
        _check_index_input(self, 1, "shape pattern (input 1)")
        pattern = scalar_or_1d_value(self.input_value(1))
        if pattern is not None:
            return [(self.input_type(0), self.target(self.input_shape(0), pattern))]
        n = _unknown_count(self, 1)
        return [(self.input_type(0), PartialShape.dynamic(n))]

    def evaluate(self, x: np.ndarray, pattern: np.ndarray) -> tuple[np.ndarray, ...]:
        shape = self.target(PartialShape(x.shape), scalar_or_1d_value(pattern) or [])
        return (np.reshape(x, shape.to_shape()),)


class Transpose1(Op):
    """Permute dimensions by input 2 (an empty order reverses them)."""

    type_name = "Transpose"
    num_inputs = 2

    def order(self, rank: int, values: list[int]) -> list[int]:
        if not values:
            return list(range(rank))[::-1]
        if sorted(values) != list(range(rank)):
            raise self.fail(f"order {values} is not a permutation of the {rank} input axes")
        return values

    def infer(self) -> list[tuple[Type, PartialShape]]:
        _check_index_input(self, 1, "order (input 1)")
        data = self.input_shape(0)
        values = scalar_or_1d_value(self.input_value(1))
        if data.rank_is_static and values is not None:
            order = self.order(len(data), values)
            return [(self.input_type(0), PartialShape([data[i] for i in order]))]
        if data.rank_is_static:
            return [(self.input_type(0), PartialShape.dynamic(len(data)))]
        n = _unknown_count(self, 1)
        return [(self.input_type(0), PartialShape.dynamic(n or None))]

    def evaluate(self, x: np.ndarray, order: np.ndarray) -> tuple[np.ndarray, ...]:
        return (np.transpose(x, self.order(x.ndim, scalar_or_1d_value(order) or [])),)


class Squeeze1(Op):
    """Remove size-1 dimensions: all of them, or those named by input 2 (others are kept)."""

    type_name = "Squeeze"
    num_inputs = (1, 2)

    def skip_dynamic_axes(self) -> bool:
        """Squeeze-15 with ``allow_axis_skip``: a named dim that may be 1 makes the rank unknown."""
        return False

    def squeeze(self, data: PartialShape, axes: list[int] | None) -> PartialShape:
        if not data.rank_is_static:
            return PartialShape.dynamic()
        if not axes:
            if any(d.is_dynamic and d.contains(1) for d in data):
                return PartialShape.dynamic()
            return PartialShape([d for d in data if d != 1])
        chosen = set(normalize_axes(axes, len(data)))
        out = []
        for i, d in enumerate(data):
            if i in chosen and d.is_dynamic and d.contains(1) and self.skip_dynamic_axes():
                return PartialShape.dynamic()
            if i in chosen and (d == 1 or (d.is_dynamic and d.contains(1))):
                continue
            out.append(d)
        return PartialShape(out)

    def infer(self) -> list[tuple[Type, PartialShape]]:
        if len(self.inputs) == 1:
            return [(self.input_type(0), self.squeeze(self.input_shape(0), None))]
        _check_index_input(self, 1, "axes (input 1)")
        axes = scalar_or_1d_value(self.input_value(1))
        if axes is None and _unknown_count(self, 1) != 0:
            return [(self.input_type(0), PartialShape.dynamic())]
        return [(self.input_type(0), self.squeeze(self.input_shape(0), axes or []))]

    def evaluate(self, x: np.ndarray, axes: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
        shape = self.squeeze(PartialShape(x.shape), scalar_or_1d_value(axes))
        return (np.reshape(x, shape.to_shape()),)


class Squeeze15(Squeeze1):
    """Squeeze-15: adds ``allow_axis_skip``."""

    version_id = "opset15"
    attributes = (Attr("allow_axis_skip", BOOL, False),)

    def skip_dynamic_axes(self) -> bool:
        return self.attrs["allow_axis_skip"]


class Unsqueeze1(Op):
    """Insert size-1 dimensions at the output positions given by input 2 (repeats count once)."""

    type_name = "Unsqueeze"
    num_inputs = 2

    def unsqueeze(self, data: PartialShape, axes: list[int]) -> PartialShape:
        if not data.rank_is_static:
            return PartialShape.dynamic()
        unique = sorted(set(axes))
        rank = len(data) + len(unique)
        chosen = normalize_axes(unique, rank)
        if len(set(chosen)) != len(chosen):
            raise self.fail(f"axes {axes} name the same output axis twice")
        dims = iter(data)
        return PartialShape([Dimension(1) if i in chosen else next(dims) for i in range(rank)])

    def infer(self) -> list[tuple[Type, PartialShape]]:
        _check_index_input(self, 1, "axes (input 1)")
        axes = scalar_or_1d_value(self.input_value(1))
        data = self.input_shape(0)
        if axes is not None:
            if not axes:
                raise self.fail("axes (input 1) must not be empty")
            return [(self.input_type(0), self.unsqueeze(data, axes))]
        if data.rank_is_static and _unknown_count(self, 1) == 1:
            return [(self.input_type(0), PartialShape.dynamic(len(data) + 1))]
        return [(self.input_type(0), PartialShape.dynamic())]

    def evaluate(self, x: np.ndarray, axes: np.ndarray) -> tuple[np.ndarray, ...]:
        shape = self.unsqueeze(PartialShape(x.shape), scalar_or_1d_value(axes) or [])
        return (np.reshape(x, shape.to_shape()),)


class ShapeOf1(Op):
    """The shape of input 1 as a 1D i64 tensor."""

    type_name = "ShapeOf"
    num_inputs = 1

    def out_type(self) -> Type:
        return Type.i64

    def infer(self) -> list[tuple[Type, PartialShape]]:
        shape = self.input_shape(0)
        rank = len(shape) if shape.rank_is_static else Dimension()
        return [(self.out_type(), PartialShape([rank]))]

    def output_value(self, index: int) -> np.ndarray | None:
        shape = self.input_shape(0)
        if not shape.is_static:
            return None
        return np.array(shape.to_shape(), dtype=self.out_type().dtype)

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        return (np.array(x.shape, dtype=self.out_type().dtype),)


class ShapeOf3(ShapeOf1):
    """ShapeOf-3: ``output_type`` i64 (default) or i32."""

    version_id = "opset3"
    attributes = (Attr("output_type", TYPE, Type.i64),)

    def out_type(self) -> Type:
        t = self.attrs["output_type"]
        if t not in (Type.i64, Type.i32):
            raise self.fail(f"attribute 'output_type' must be i64 or i32, got {t.name}")
        return t


OPS = [Reshape1, Transpose1, Squeeze1, Squeeze15, Unsqueeze1, ShapeOf1, ShapeOf3]
