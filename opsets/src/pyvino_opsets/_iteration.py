"""What Loop-5 and TensorIterator-1 share: slicing, body binding over iterations, the run loop."""

from __future__ import annotations

from typing import Any

import numpy as np
from pyvino import Dimension, PartialShape, Type

from pyvino_opsets._common import normalize_axis
from pyvino_opsets._subgraph import (
    SubGraphOp,
    evaluate_model,
    first_scalar,
    union_shape,
)
from pyvino_opsets._subgraph_ports import (
    BodyOutput,
    ConcatOutput,
    MergedInput,
    SlicedInput,
)


def slice_bounds(dim: int, d: SlicedInput) -> list[int]:
    """First index of each part of a sliced input whose axis has ``dim`` elements."""
    start, end = (v + dim if v < 0 else v for v in (d.start, d.end))
    lo, hi = min(start, end), max(start, end)
    count = max(hi - lo + 1, 0) // d.part_size
    if d.stride > 0:
        return [lo + k * d.part_size for k in range(count)]
    return [hi + 1 - (k + 1) * d.part_size for k in range(count)]


def slice_parts(x: np.ndarray, d: SlicedInput) -> list[np.ndarray]:
    axis = normalize_axis(d.axis, x.ndim)
    index: list[Any] = [slice(None)] * x.ndim
    parts = []
    for b in slice_bounds(x.shape[axis], d):
        index[axis] = slice(b, b + d.part_size)
        parts.append(x[tuple(index)])
    return parts


class IterationOp(SubGraphOp):
    """A single ``body`` run repeatedly; subclasses decide how many times."""

    def sliced(self) -> list[SlicedInput]:
        return [d for d in self.input_descriptions["body"] if isinstance(d, SlicedInput)]

    def slice_count(self) -> int | None:
        """Iterations implied by the sliced inputs (the fewest), None if unknown or none."""
        counts = []
        for d in self.sliced():
            shape = self.input_shape(d.input_index)
            if not shape.rank_is_static or not shape[normalize_axis(d.axis, len(shape))].is_static:
                return None
            counts.append(len(slice_bounds(shape[normalize_axis(d.axis, len(shape))].min, d)))
        return min(counts) if counts else None

    # ------------------------------------------------------------------ shape inference
    def bind_body(self) -> None:
        """Give body parameters the input types/shapes; widen merged ones until they hold."""
        body = self.bodies["body"]
        params = body.get_parameters()
        for d in self.input_descriptions["body"]:
            t, shape = self.input_type(d.input_index), self.input_shape(d.input_index)
            if isinstance(d, SlicedInput) and shape.rank_is_static:
                dims = list(shape)
                dims[normalize_axis(d.axis, len(dims))] = Dimension(d.part_size)
                shape = PartialShape(dims)
            self.bind_parameter(body, d.body_parameter_index, t, shape)
        body.validate_nodes_and_infer_types()
        merged = [d for d in self.input_descriptions["body"] if isinstance(d, MergedInput)]
        for attempt in range(3):  # interval union, then fully dynamic dims, then dynamic rank
            changed = False
            for d in merged:
                old = params[d.body_parameter_index].get_partial_shape()
                new = union_shape(old, self.result_port("body", d.body_value_index).partial_shape)
                if new == old:
                    continue
                if attempt == 1 and new.rank_is_static:
                    new = PartialShape(
                        [a if a == b else Dimension() for a, b in zip(old, new, strict=True)]
                    )
                elif attempt == 2:
                    new = PartialShape.dynamic()
                self.bind_parameter(body, d.body_parameter_index, Type.dynamic, new)
                changed = True
            if not changed:
                break
            body.validate_nodes_and_infer_types()

    def output_types(self, iterations: int | None) -> list[tuple[Type, PartialShape]]:
        outs: list[Any] = [None] * self.num_outputs
        for d in self.output_descriptions["body"]:
            port = self.result_port("body", d.body_value_index)
            shape = port.partial_shape
            if isinstance(d, ConcatOutput) and shape.rank_is_static:
                dims = list(shape) or [Dimension(1)]
                axis = normalize_axis(d.axis, len(dims))
                known = iterations is not None and dims[axis].is_static
                dims[axis] = Dimension(iterations * dims[axis].min) if known else Dimension()  # type: ignore[operator]
                shape = PartialShape(dims)
            outs[d.output_index] = (port.element_type, shape)
        return outs

    # ------------------------------------------------------------------ execution
    def iterate(
        self,
        args: tuple[np.ndarray, ...],
        limit: int | None,
        *,
        run_first: bool = True,
        current_iteration: int = -1,
        condition: int = -1,
    ) -> tuple[np.ndarray, ...]:
        """Run the body up to ``limit`` times (None: until ``condition`` or the slices end)."""
        body = self.bodies["body"]
        params = body.get_parameters()
        descs = self.input_descriptions["body"]
        values: list[np.ndarray | None] = [None] * len(params)
        for d in descs:
            if not isinstance(d, SlicedInput):
                values[d.body_parameter_index] = args[d.input_index]
        sliced = [(d, slice_parts(args[d.input_index], d)) for d in self.sliced()]
        if sliced:
            fewest = min(len(parts) for _, parts in sliced)
            limit = fewest if limit is None else min(limit, fewest)
        merged = [d for d in descs if isinstance(d, MergedInput)]
        counter = current_iteration >= 0 and all(
            d.body_parameter_index != current_iteration for d in merged
        )
        concat = [d for d in self.output_descriptions["body"] if isinstance(d, ConcatOutput)]
        pieces: dict[int, list[np.ndarray]] = {d.output_index: [] for d in concat}
        last: list[np.ndarray] | None = None
        k, go = 0, run_first
        while go and (limit is None or k < limit):
            for d, parts in sliced:
                values[d.body_parameter_index] = parts[k]
            if counter:
                values[current_iteration] = self.iteration_value(
                    params[current_iteration].get_element_type(),
                    params[current_iteration].get_partial_shape(),
                    k,
                )
            last = evaluate_model(body, values)
            for d in concat:
                pieces[d.output_index].append(np.atleast_1d(last[d.body_value_index]))
            for d in merged:
                values[d.body_parameter_index] = last[d.body_value_index]
            k += 1
            go = condition < 0 or bool(first_scalar(last[condition]))
        return self.collect(args, last, pieces)

    @staticmethod
    def iteration_value(t: Type, shape: PartialShape, k: int) -> np.ndarray:
        dtype = t.dtype if t is not Type.dynamic else np.dtype(np.int64)
        return np.full(shape.to_shape() if shape.is_static else (1,), k, dtype=dtype)

    def collect(
        self,
        args: tuple[np.ndarray, ...],
        last: list[np.ndarray] | None,
        pieces: dict[int, list[np.ndarray]],
    ) -> tuple[np.ndarray, ...]:
        outs: list[Any] = [None] * self.num_outputs
        merged = [d for d in self.input_descriptions["body"] if isinstance(d, MergedInput)]
        for d in self.output_descriptions["body"]:
            if isinstance(d, BodyOutput):
                if last is not None:
                    outs[d.output_index] = last[d.body_value_index]
                    continue
                initial = [m for m in merged if m.body_value_index == d.body_value_index]
                if not initial:
                    raise self.fail(
                        f"no iteration ran and output {d.output_index} has no initial value"
                    )
                outs[d.output_index] = args[initial[0].input_index]
            else:
                parts = pieces[d.output_index][:: 1 if d.stride > 0 else -1]
                if parts:
                    outs[d.output_index] = np.concatenate(parts, axis=d.axis)
                    continue
                t, shape = (
                    self.get_output_element_type(d.output_index),
                    self.get_output_partial_shape(d.output_index),
                )
                if not shape.rank_is_static or any(
                    not x.is_static
                    for i, x in enumerate(shape)
                    if i != normalize_axis(d.axis, len(shape))
                ):
                    raise self.fail(
                        f"no iteration ran and the shape {shape} of output {d.output_index} is unknown"
                    )
                dims = [
                    0 if i == normalize_axis(d.axis, len(shape)) else x.min
                    for i, x in enumerate(shape)
                ]
                outs[d.output_index] = np.zeros(dims, dtype=t.dtype)
        return tuple(outs)
