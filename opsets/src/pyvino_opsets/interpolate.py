"""Image resizing: Interpolate-1, Interpolate-4 and Interpolate-11.

All three evaluate through one separable engine (``_resample``): Interpolate-1 is mapped to
Interpolate-4 attributes the way OpenVINO's reference does (``linear`` becomes ``linear_onnx``
below rank 5, ``nearest_mode`` is ``simple``, coordinates are ``asymmetric`` or
``align_corners``). ``area`` has no OpenVINO reference; pyvino averages covered input cells.
"""

from __future__ import annotations

import numpy as np
from pyvino import BOOL, FLOAT, INTS, Attr, Dimension, Op, PartialShape, Type, enum

from pyvino_opsets import _resample as rs
from pyvino_opsets._common import require_integer_type

_F32 = np.float32
_EPS = _F32(1.0e-6)

COORD_MODES = enum(
    "half_pixel", "pytorch_half_pixel", "asymmetric", "tf_half_pixel_for_nn", "align_corners"
)
NEAREST_MODES = enum("round_prefer_floor", "round_prefer_ceil", "floor", "ceil", "simple")
SHAPE_MODES = enum("sizes", "scales")


def scaled_dim(d: Dimension, scale: float) -> Dimension:
    """OpenVINO's ``floor(dim * (scale + 1e-6))`` in float32 (bounds scaled separately)."""
    s = _F32(scale)
    if s == _F32(1.0):
        return d
    s = s + _EPS

    def one(v: int) -> int:
        return int(_F32(v) * s)

    if d.is_static:
        return Dimension(one(d.min))
    return Dimension(one(d.min), -1 if d.max == -1 else one(d.max))


def _pad_list(pads: tuple[int, ...], rank: int) -> list[int]:
    return (list(pads) + [0] * rank)[:rank]


def _padded(d: Dimension, pad: int) -> Dimension:
    if pad == 0 or d.is_static:
        return Dimension(d.min + pad) if d.is_static else d
    return Dimension(d.min + pad, -1 if d.max == -1 else d.max + pad)


class _InterpolateBase(Op):
    """Shared shape inference and evaluation of Interpolate-4 and Interpolate-11."""

    type_name = "Interpolate"
    axes_port = 3
    shape_port = 1  # where sizes (or scales_or_sizes) come from

    def _scales_port(self) -> int:
        return 2

    def _axes(self, rank: int) -> list[int] | None:
        if len(self.inputs) <= self.axes_port:
            return list(range(rank))
        value = self.input_value(self.axes_port)
        if value is None:
            return None
        axes = [int(a) for a in value.reshape(-1)]
        for a in axes:
            if not 0 <= a < rank:
                raise self.fail(f"axes value {a} must be in [0, {rank - 1}] (input rank {rank})")
        return axes

    def _check_1d(self, port: int, what: str) -> None:
        shape = self.input_shape(port)
        if shape.rank_is_static and len(shape) != 1:
            raise self.fail(f"{what} (input {port}) must be a 1D tensor, got shape {shape}")

    def infer(self) -> list[tuple[Type, PartialShape]]:
        data, t = self.input_shape(0), self.input_type(0)
        using_scales = self.attrs["shape_calculation_mode"] == "scales"
        port = self._scales_port() if using_scales else self.shape_port
        self._check_1d(port, "scales" if using_scales else "sizes")
        if len(self.inputs) > self.axes_port:
            require_integer_type(self.input_type(self.axes_port), "axes")
            self._check_1d(self.axes_port, "axes")
        if not data.rank_is_static:
            return [(t, PartialShape.dynamic())]
        rank = len(data)
        axes = self._axes(rank)
        if axes is None:
            return [(t, PartialShape.dynamic(rank))]
        pb, pe = _pad_list(self.attrs["pads_begin"], rank), _pad_list(self.attrs["pads_end"], rank)
        dims = [_padded(d, pb[i] + pe[i]) for i, d in enumerate(data)]
        value = self.input_value(port)
        if value is None:
            for a in axes:
                dims[a] = Dimension()
            return [(t, PartialShape(dims))]
        values = value.reshape(-1)
        if len(values) < len(axes):
            raise self.fail(f"the {len(values)} values of input {port} must match {len(axes)} axes")
        for a, v in zip(axes, values, strict=False):
            if using_scales:
                dims[a] = scaled_dim(dims[a], float(v))
            else:
                dims[a] = Dimension(int(v)) if int(v) >= 0 else Dimension()
        return [(t, PartialShape(dims))]

    # ----------------------------------------------------------------- evaluation
    def _run(
        self,
        x: np.ndarray,
        target: np.ndarray,
        axes_in: np.ndarray | None,
        scales_in: np.ndarray | None,
    ) -> np.ndarray:
        rank = x.ndim
        axes = list(range(rank)) if axes_in is None else [int(a) for a in axes_in.reshape(-1)]
        pb, pe = _pad_list(self.attrs["pads_begin"], rank), _pad_list(self.attrs["pads_end"], rank)
        if any(pb) or any(pe):
            x = np.pad(x, list(zip(pb, pe, strict=True)))
        out_shape = list(x.shape)
        if self.attrs["shape_calculation_mode"] == "scales":
            scales = [float(_F32(s)) for s in scales_in.reshape(-1)[: len(axes)]]
            for a, s in zip(axes, scales, strict=True):
                out_shape[a] = scaled_dim(Dimension(x.shape[a]), s).min
        else:
            for a, v in zip(axes, target.reshape(-1), strict=False):
                out_shape[a] = int(v)
            scales = [float(_F32(out_shape[a]) / _F32(x.shape[a])) for a in axes]
        return rs.resize(x, axes, out_shape, scales, self.attrs)

    def evaluate(self, *inputs: np.ndarray) -> tuple[np.ndarray, ...]:
        raise NotImplementedError


class Interpolate4(_InterpolateBase):
    """Resize ``data`` on ``axes`` (input 4, default all) to ``sizes`` (input 2) or by ``scales``
    (input 3), chosen by ``shape_calculation_mode``."""

    version_id = "opset4"
    num_inputs = (3, 4)
    attributes = (
        Attr("mode", enum("nearest", "linear", "linear_onnx", "cubic")),
        Attr("shape_calculation_mode", SHAPE_MODES),
        Attr("coordinate_transformation_mode", COORD_MODES, "half_pixel"),
        Attr("nearest_mode", NEAREST_MODES, "round_prefer_floor"),
        Attr("antialias", BOOL, False),
        Attr("pads_begin", INTS, (0,)),
        Attr("pads_end", INTS, (0,)),
        Attr("cube_coeff", FLOAT, -0.75),
    )

    def evaluate(self, *inputs: np.ndarray) -> tuple[np.ndarray, ...]:
        x, sizes, scales = inputs[:3]
        axes = inputs[3] if len(inputs) > 3 else None
        return (self._run(x, sizes, axes, scales),)


class Interpolate11(_InterpolateBase):
    """Interpolate-11: one ``scales_or_sizes`` input, optional ``axes`` (input 3) and the Pillow
    modes ``bilinear_pillow`` / ``bicubic_pillow``."""

    version_id = "opset11"
    num_inputs = (2, 3)
    axes_port = 2
    attributes = (
        Attr(
            "mode",
            enum("nearest", "linear", "linear_onnx", "cubic", "bilinear_pillow", "bicubic_pillow"),
        ),
        Attr("shape_calculation_mode", SHAPE_MODES),
        Attr("coordinate_transformation_mode", COORD_MODES, "half_pixel"),
        Attr("nearest_mode", NEAREST_MODES, "round_prefer_floor"),
        Attr("antialias", BOOL, False),
        Attr("pads_begin", INTS, (0,)),
        Attr("pads_end", INTS, (0,)),
        Attr("cube_coeff", FLOAT, -0.75),
    )

    def _scales_port(self) -> int:
        return 1

    def evaluate(self, *inputs: np.ndarray) -> tuple[np.ndarray, ...]:
        x, scales_or_sizes = inputs[:2]
        axes = inputs[2] if len(inputs) > 2 else None
        return (self._run(x, scales_or_sizes, axes, scales_or_sizes),)


class Interpolate1(Op):
    """Interpolate-1: resize ``axes`` (attribute) to ``target_spatial_shape`` (input 2)."""

    type_name = "Interpolate"
    version_id = "opset1"
    num_inputs = 2
    attributes = (
        Attr("axes", INTS),
        Attr("mode", enum("nearest", "linear", "cubic", "area", "linear_onnx")),
        Attr("align_corners", BOOL, True),
        Attr("antialias", BOOL, False),
        Attr("pads_begin", INTS, (0,)),
        Attr("pads_end", INTS, (0,)),
    )

    def infer(self) -> list[tuple[Type, PartialShape]]:
        data, t = self.input_shape(0), self.input_type(0)
        require_integer_type(self.input_type(1), "target_spatial_shape (input 1)")
        if not data.rank_is_static:
            return [(t, PartialShape.dynamic())]
        axes = list(self.attrs["axes"])
        for a in axes:
            if not 0 <= a < len(data):
                raise self.fail(f"attribute 'axes' value {a} must be in [0, {len(data) - 1}]")
        dims = list(data)
        value = self.input_value(1)
        for i, a in enumerate(axes):
            dims[a] = Dimension() if value is None else Dimension(int(value.reshape(-1)[i]))
        return [(t, PartialShape(dims))]

    def v4_attrs(self, rank: int) -> dict:
        """The Interpolate-4 attributes OpenVINO's reference evaluates this node with."""
        a = self.attrs
        mode = a["mode"]
        if mode == "linear":
            mode = "linear_onnx" if rank < 5 else "linear"
        transform = "asymmetric"
        no_pads = not any(a["pads_begin"]) and not any(a["pads_end"])
        if a["align_corners"]:
            transform = "align_corners"
        elif (
            mode in ("linear", "linear_onnx")
            and no_pads
            and not (rank == 4 and set(a["axes"]) == {2, 3})
        ):
            transform = "half_pixel"
        return {
            "mode": mode,
            "coordinate_transformation_mode": transform,
            "nearest_mode": "simple",
            "antialias": a["antialias"],
            "cube_coeff": -0.75,
        }

    def evaluate(self, x: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, ...]:
        rank = x.ndim
        axes = list(self.attrs["axes"])
        pb, pe = _pad_list(self.attrs["pads_begin"], rank), _pad_list(self.attrs["pads_end"], rank)
        if any(pb) or any(pe):
            x = np.pad(x, list(zip(pb, pe, strict=True)))
        out_shape = list(x.shape)
        for a, v in zip(axes, target.reshape(-1), strict=False):
            out_shape[a] = int(v)
        scales = [float(_F32(out_shape[a]) / _F32(x.shape[a])) for a in axes]
        return (rs.resize(x, axes, out_shape, scales, self.v4_attrs(rank)),)


OPS = [Interpolate1, Interpolate4, Interpolate11]
