"""Deformable convolution: DeformableConvolution-1 and -8 (2-D, ``NCYX``).

Inputs: ``data [N, C, H, W]``, ``offsets [N, DG * kh * kw * 2, Ho, Wo]`` ((y, x) pairs per tap),
``filters [O, C / group, kh, kw]`` and, from opset8, an optional ``mask [N, DG * kh * kw, Ho,
Wo]`` (1 when absent). Attributes as Convolution-1 plus ``group``, ``deformable_group`` and
(opset8) ``bilinear_interpolation_pad``. The sampling rules are in ``_deformable``.
"""

from __future__ import annotations

import numpy as np
from pyvino import BOOL, INT, INTS, Attr, Dimension, Op, PartialShape, Type

from pyvino_opsets._common import merge_types
from pyvino_opsets._deformable import convolve_columns, sample_columns
from pyvino_opsets._spatial import (
    AUTO_PAD,
    ceil_div,
    check_lengths,
    check_positive,
    map_dim,
    resolve_pads,
    window_out_size,
)

_NAMES = ("data", "offsets", "filters", "mask")


class DeformableConvolution1(Op):
    """DeformableConvolution-1: convolution whose taps move by learned per-pixel offsets."""

    type_name = "DeformableConvolution"
    version_id = "opset1"
    attributes = (
        Attr("strides", INTS),
        Attr("pads_begin", INTS),
        Attr("pads_end", INTS),
        Attr("dilations", INTS),
        Attr("auto_pad", AUTO_PAD, "explicit"),
        Attr("group", INT, 1),
        Attr("deformable_group", INT, 1),
    )
    num_inputs = 3

    def _use_pad(self) -> bool:
        return False

    # ---------------------------------------------------------------- shapes
    def _check_attrs(self) -> None:
        a = self.attrs
        check_lengths(
            self,
            2,
            strides=a["strides"],
            dilations=a["dilations"],
            pads_begin=a["pads_begin"],
            pads_end=a["pads_end"],
        )
        check_positive(self, strides=a["strides"], dilations=a["dilations"])
        for name in ("group", "deformable_group"):
            if a[name] < 1:
                raise self.fail(f"attribute {name!r} must be >= 1, got {a[name]}")

    def _dims(self) -> list[list[Dimension]]:
        dims = []
        for i in range(len(self.inputs)):
            shape = self.input_shape(i)
            if shape.rank_is_static and len(shape) != 4:
                raise self.fail(f"{_NAMES[i]} (input {i}) must be 4-D, got shape {shape}")
            dims.append(list(shape) if shape.rank_is_static else [Dimension()] * 4)
        return dims

    def _check_channels(self, dims: list[list[Dimension]]) -> None:
        g, dg = self.attrs["group"], self.attrs["deformable_group"]
        c, o, ci = dims[0][1], dims[2][0], dims[2][1]
        kh, kw = dims[2][2], dims[2][3]
        if c.is_static and (c.min % g or c.min % dg):
            raise self.fail(f"data channels {c} must divide by group {g} and deformable_group {dg}")
        if o.is_static and o.min % g:
            raise self.fail(f"filters' output channels {o} must divide by group {g}")
        if c.is_static and ci.is_static and c.min != ci.min * g:
            raise self.fail(f"data has {c} channels, filters expect {ci} x group {g}")
        if kh.is_static and kw.is_static:
            taps = dg * kh.min * kw.min
            for port, per_tap in ((1, 2), (3, 1)):
                if port < len(dims) and not dims[port][1].compatible(taps * per_tap):
                    raise self.fail(
                        f"{_NAMES[port]} (input {port}) has {dims[port][1]} channels, expected "
                        f"deformable_group * kh * kw{' * 2' if per_tap == 2 else ''} = "
                        f"{taps * per_tap}"
                    )

    def _out_spatial(self, size: Dimension, kernel: Dimension, axis: int) -> Dimension:
        a = self.attrs
        s, d = a["strides"][axis], a["dilations"][axis]
        if a["auto_pad"] in ("same_upper", "same_lower"):
            return map_dim(size, lambda v: ceil_div(v, s))
        if not kernel.is_static:
            return Dimension()
        pb, pe = (
            (0, 0) if a["auto_pad"] == "valid" else (a["pads_begin"][axis], a["pads_end"][axis])
        )
        return map_dim(size, lambda v: window_out_size(v, kernel.min, s, d, pb, pe))

    def infer(self) -> list[tuple[Type, PartialShape]]:
        self._check_attrs()
        t = merge_types(*(self.input_type(i) for i in range(len(self.inputs))))
        if t is Type.boolean:
            raise self.fail("inputs must have a numeric element type, got boolean")
        dims = self._dims()
        self._check_channels(dims)
        n = Dimension()
        for port in range(len(dims)):
            if port != 2:
                if not n.compatible(dims[port][0]):
                    raise self.fail(f"{_NAMES[port]} (input {port}) disagrees on the batch size")
                n = n.merge(dims[port][0])
        spatial = []
        for axis in range(2):
            d = self._out_spatial(dims[0][2 + axis], dims[2][2 + axis], axis)
            for port in [1] + ([3] if len(dims) > 3 else []):
                if not d.compatible(dims[port][2 + axis]):
                    raise self.fail(
                        f"{_NAMES[port]} (input {port}) has spatial size "
                        f"{dims[port][2 + axis]} on axis {axis}, expected the output's {d}"
                    )
                d = d.merge(dims[port][2 + axis])
            spatial.append(d)
        return [(t, PartialShape([n, dims[2][0], *spatial]))]

    # ---------------------------------------------------------------- evaluation
    def evaluate(
        self,
        data: np.ndarray,
        offsets: np.ndarray,
        filters: np.ndarray,
        mask: np.ndarray | None = None,
    ) -> tuple[np.ndarray, ...]:
        a = self.attrs
        kernel = (filters.shape[2], filters.shape[3])
        strides, dilations = a["strides"], a["dilations"]
        pb, pe = resolve_pads(
            a["auto_pad"],
            data.shape[2:],
            kernel,
            strides,
            dilations,
            a["pads_begin"],
            a["pads_end"],
        )
        out_hw = tuple(
            window_out_size(data.shape[2 + i], kernel[i], strides[i], dilations[i], pb[i], pe[i])
            for i in range(2)
        )
        for port, value in ((1, offsets), (3, mask)):
            if value is not None and tuple(value.shape[2:]) != out_hw:
                raise self.fail(
                    f"{_NAMES[port]} (input {port}) has spatial shape {value.shape[2:]}, "
                    f"expected the output's {out_hw}"
                )
        f64 = np.float64
        cols = sample_columns(
            data.astype(f64),
            offsets.astype(f64),
            None if mask is None else mask.astype(f64),
            kernel,
            strides,
            dilations,
            pb,
            out_hw,
            self._use_pad(),
        )
        y = convolve_columns(cols, filters.astype(f64), a["group"])
        if data.dtype.kind in "iu":
            y = np.trunc(y)
        return (y.astype(data.dtype),)


class DeformableConvolution8(DeformableConvolution1):
    """DeformableConvolution-8: adds the optional modulation ``mask`` input and
    ``bilinear_interpolation_pad`` (sample on a zero-padded map within one pixel of the edge)."""

    version_id = "opset8"
    attributes = DeformableConvolution1.attributes + (
        Attr("bilinear_interpolation_pad", BOOL, False),
    )
    num_inputs = (3, 4)

    def _use_pad(self) -> bool:
        return self.attrs["bilinear_interpolation_pad"]


OPS = [DeformableConvolution1, DeformableConvolution8]
