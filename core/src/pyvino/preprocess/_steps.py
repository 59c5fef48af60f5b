"""Pre- and post-processing step lists: each step is a named action that adds ops to the graph.

An action takes the current outputs (one per plane) and a ``Context`` (current layout, colour
format, and what the model expects) and returns the new outputs, as OpenVINO's
``PreStepsList`` does. Steps only build nodes; ``PrePostProcessor.build`` wires them in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from pyvino._errors import PyvinoError
from pyvino._node import Output, as_output
from pyvino._types import Type
from pyvino.preprocess import _color
from pyvino.preprocess._color import ColorFormat
from pyvino.preprocess._context import Action, Context, PaddingMode, ResizeAlgorithm, Step
from pyvino.preprocess._layout import Layout, apply_permutation, find_permutation
from pyvino.preprocess._ops import const, convert, i64, ops, transpose


def _one(nodes: list[Output], what: str) -> Output:
    if len(nodes) != 1:
        raise PyvinoError(f"can't {what} a multi-plane input; convert it to RGB/BGR first with "
                          "convert_color")
    return nodes[0]


def _values_shape(x: Output, n: int, ctx: Context, what: str) -> list[int]:
    if n == 1:
        return [1]
    shape = x.partial_shape
    c = ctx.layout.index_in("C", len(shape)) if ctx.layout.has_name("C") else None
    if c is None:
        raise PyvinoError(f"{what} with {n} values needs a layout with 'C' (channels); got "
                          f"{ctx.layout.to_string() or 'no layout'}")
    if shape[c].is_static and shape[c].get_length() != n:
        raise PyvinoError(f"{what}: {n} values but the tensor has {shape[c]} channels "
                          f"(shape {shape}, layout {ctx.layout})")
    dims = [1] * len(shape)
    dims[c] = n
    return dims


def _fmt(values: Sequence[float]) -> str:
    return "(" + ",".join(f"{v:g}" for v in values) + ")"


class _StepList:
    def __init__(self) -> None:
        self.steps: list[Step] = []

    def _add(self, name: str, action: Action) -> Any:
        self.steps.append(Step(name, action))
        return self

    def convert_element_type(self, element_type: Any = None) -> Any:
        """Insert a Convert (to the model's / user's type when ``element_type`` is None)."""
        t = None if element_type is None else Type.get(element_type)

        def action(nodes: list[Output], ctx: Context) -> list[Output]:
            target = t if t is not None else ctx.target_element_type
            return [convert(n, target) for n in nodes]

        return self._add(f"convert type ({t.name if t else 'to target'})", action)

    def custom(self, fn: Callable[[Output], Any]) -> Any:
        """``fn(output) -> output or node``: any ops of your own."""
        def action(nodes: list[Output], ctx: Context) -> list[Output]:
            return [as_output(fn(_one(nodes, "apply a custom step to")))]

        return self._add("custom", action)

    def convert_layout(self, layout: Layout | str | Sequence[int] | None = None) -> Any:
        """Transpose to ``layout`` (a Layout, or the permutation itself as a list of dims)."""
        if isinstance(layout, (list, tuple)):
            dims = [int(d) for d in layout]

            def by_dims(nodes: list[Output], ctx: Context) -> list[Output]:
                x = _one(nodes, "convert the layout of")
                ctx.layout = apply_permutation(ctx.layout, dims)
                return [transpose(x, dims)]

            return self._add(f"convert layout {_fmt(dims)}", by_dims)
        dst = Layout(layout) if layout is not None else None

        def action(nodes: list[Output], ctx: Context) -> list[Output]:
            x = _one(nodes, "convert the layout of")
            target = dst if dst is not None else ctx.target_layout
            if ctx.layout.empty():
                raise PyvinoError(f"convert_layout to {target}: the current layout is unknown; "
                                  "set_layout on the tensor first")
            perm = find_permutation(ctx.layout, len(x.partial_shape), target)
            ctx.layout = target
            return [transpose(x, perm)] if perm else [x]

        return self._add(f"convert layout {dst.to_string() if dst else '(to target)'}", action)


class PreProcessSteps(_StepList):
    """``ppp.input().preprocess()``: steps applied in the order they are added."""

    def __init__(self) -> None:
        super().__init__()
        self.layout_dims: list[list[int]] = []  # numeric convert_layout calls, for shapes
        self.explicit_layout: Layout | None = None

    def convert_layout(self, layout: Layout | str | Sequence[int] | None = None) -> Any:
        if isinstance(layout, (list, tuple)):
            self.layout_dims.append([int(d) for d in layout])
        elif layout is not None:
            self.explicit_layout, self.layout_dims = Layout(layout), []
        return super().convert_layout(layout)

    def propagate_layout(self, tensor_layout: Layout) -> Layout:
        """The layout after the explicit convert_layout steps (model layout by default)."""
        res = self.explicit_layout if self.explicit_layout is not None else tensor_layout
        for dims in self.layout_dims:
            res = apply_permutation(res, dims)
        return res

    def mean(self, values: float | Sequence[float]) -> PreProcessSteps:
        """Subtract ``values`` (one, or one per channel)."""
        vals = [float(values)] if isinstance(values, (int, float)) else [float(v) for v in values]
        return self._binary(vals, "mean", "subtract")

    def scale(self, values: float | Sequence[float]) -> PreProcessSteps:
        """Divide by ``values`` (one, or one per channel)."""
        vals = [float(values)] if isinstance(values, (int, float)) else [float(v) for v in values]
        return self._binary(vals, "scale", "divide")

    def _binary(self, vals: list[float], what: str, op: str) -> PreProcessSteps:
        def action(nodes: list[Output], ctx: Context) -> list[Output]:
            x = _one(nodes, f"apply {what} to")
            if not x.element_type.is_real:
                raise PyvinoError(f"{what} needs a floating-point tensor, got "
                                  f"{x.element_type.name}; add convert_element_type first")
            shape = _values_shape(x, len(vals), ctx, what)
            c = const(np.asarray(vals).reshape(shape), x.element_type)
            return [getattr(ops(), op)(x, c).output(0)]

        return self._add(f"{what} {_fmt(vals)}", action)

    def resize(self, algorithm: ResizeAlgorithm, dst_height: int = -1,
               dst_width: int = -1) -> PreProcessSteps:
        """Interpolate-11 on H and W to (dst_height, dst_width), default the model's size."""
        mode = ResizeAlgorithm(algorithm).value

        def action(nodes: list[Output], ctx: Context) -> list[Output]:
            x = _one(nodes, "resize")
            if not (ctx.layout.has_name("H") and ctx.layout.has_name("W")):
                raise PyvinoError("can't resize without H and W in the layout; use set_layout, "
                                  "like Layout('NCHW')")
            rank = len(x.partial_shape)
            h = dst_height if dst_height > 0 else ctx.model_dim("H")
            w = dst_width if dst_width > 0 else ctx.model_dim("W")
            axes = [ctx.layout.index_in("H", rank), ctx.layout.index_in("W", rank)]
            node = ops().interpolate(x, i64([h, w]), i64(axes), mode=mode,
                                     shape_calculation_mode="sizes")
            return [node.output(0)]

        size = f"({dst_height}, {dst_width})" if dst_height > 0 and dst_width > 0 \
            else "model width/height"
        return self._add(f"resize to {size}", action)

    def reverse_channels(self) -> PreProcessSteps:
        def action(nodes: list[Output], ctx: Context) -> list[Output]:
            return [_color.reverse_channels(_one(nodes, "reverse channels of"), ctx.layout)]

        return self._add("reverse channels", action)

    def convert_color(self, dst: ColorFormat) -> PreProcessSteps:
        """Convert from the tensor's colour format (NV12/I420/RGB/BGR/RGBX/BGRX) to ``dst``."""
        dst = ColorFormat(dst)

        def action(nodes: list[Output], ctx: Context) -> list[Output]:
            out = _convert_color(nodes, ctx, dst)
            ctx.color_format = dst
            return out

        return self._add(f"convert color ({dst.value})", action)

    def crop(self, begin: Sequence[int], end: Sequence[int]) -> PreProcessSteps:
        """Slice ``[begin, end)`` on every dimension (negative ends count from the back)."""
        if len(begin) != len(end):
            raise PyvinoError(f"crop: begin {list(begin)} and end {list(end)} differ in size")
        b, e = [int(v) for v in begin], [int(v) for v in end]

        def action(nodes: list[Output], ctx: Context) -> list[Output]:
            x = _one(nodes, "crop")
            node = ops().slice(x, const(b, Type.i32), const(e, Type.i32),
                               const([1] * len(b), Type.i32))
            return [node.output(0)]

        return self._add(f"crop ({b},{e})", action)

    def pad(self, pads_begin: Sequence[int], pads_end: Sequence[int], value: float = 0.0,
            mode: PaddingMode = PaddingMode.CONSTANT) -> PreProcessSteps:
        """Pad-12 with ``pads_begin`` / ``pads_end`` per dimension."""
        pb, pe, m = [int(v) for v in pads_begin], [int(v) for v in pads_end], PaddingMode(mode)

        def action(nodes: list[Output], ctx: Context) -> list[Output]:
            x = _one(nodes, "pad")
            args = [x, i64(pb), i64(pe)]
            if m is PaddingMode.CONSTANT:
                args.append(const(value, x.element_type))
            return [ops().pad(*args, pad_mode=m.value).output(0)]

        return self._add(f"pad ({pb},{pe},{value:g},{m.value})", action)


def _convert_color(nodes: list[Output], ctx: Context, dst: ColorFormat) -> list[Output]:
    src = ctx.color_format
    if src is dst:
        return nodes
    bgr = dst is ColorFormat.BGR
    if src in (ColorFormat.NV12_SINGLE_PLANE, ColorFormat.NV12_TWO_PLANES):
        if dst is ColorFormat.GRAY and src is ColorFormat.NV12_TWO_PLANES:
            return [nodes[0]]
        if dst in (ColorFormat.RGB, ColorFormat.BGR):
            return [_color.nv12_to_rgb(nodes, bgr)]
    elif src in (ColorFormat.I420_SINGLE_PLANE, ColorFormat.I420_THREE_PLANES):
        if dst in (ColorFormat.RGB, ColorFormat.BGR):
            return [_color.i420_to_rgb(nodes, bgr)]
    elif src in (ColorFormat.RGB, ColorFormat.BGR):
        x = _one(nodes, "convert the colour of")
        if dst in (ColorFormat.RGB, ColorFormat.BGR):
            return [_color.reverse_channels(x, ctx.layout)]
        if dst is ColorFormat.GRAY:
            return [_color.rgb_to_gray(x, ctx.layout, src is ColorFormat.BGR)]
    elif src in (ColorFormat.RGBX, ColorFormat.BGRX) and dst in (ColorFormat.RGB, ColorFormat.BGR):
        x = _color.cut_last_channel(_one(nodes, "convert the colour of"), ctx.layout)
        same = (src is ColorFormat.RGBX) == (dst is ColorFormat.RGB)
        return [x if same else _color.reverse_channels(x, ctx.layout)]
    raise PyvinoError(f"source color format '{src.value}' is not convertible to '{dst.value}'")


class PostProcessSteps(_StepList):
    """``ppp.output().postprocess()``: convert_element_type, convert_layout, custom."""
