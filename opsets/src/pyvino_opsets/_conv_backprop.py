"""ConvolutionBackpropData-1 and GroupConvolutionBackpropData-1 (transposed convolutions).

Without the ``output_shape`` input the spatial size is
``stride * (in - 1) + dilation * (k - 1) + 1 - pads_begin - pads_end + output_padding``; with it,
that size is given and, for auto_pad same_*, the padding is derived from it as OpenVINO does
(same_upper puts the larger half at the beginning, the reverse of the forward convolution).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pyvino._attrs import INTS, Attr
from pyvino._shape import Dimension, PartialShape
from pyvino._types import Type

from pyvino_opsets._conv_base import FORWARD_ATTRS, ConvolutionBase
from pyvino_opsets._conv_kernels import compute_dtype, grouped_conv_backprop
from pyvino_opsets._spatial import map_dim


class _BackpropBase(ConvolutionBase):
    attributes = (*FORWARD_ATTRS, Attr("output_padding", INTS, ()))
    num_inputs = (2, 3)

    def _output_padding(self) -> tuple[int, ...]:
        return self.attrs["output_padding"] or (0,) * self._num_spatial()

    def _pads(self, in_sp: Sequence[int], kernel: Sequence[int], out_sp: Sequence[int] | None):
        a, n = self.attrs, self._num_spatial()
        if a["auto_pad"] == "explicit":
            return list(a["pads_begin"]), list(a["pads_end"])
        if a["auto_pad"] == "valid" or out_sp is None:
            return [0] * n, [0] * n
        begin, end = [], []
        for i in range(n):
            s, d, op = a["strides"][i], a["dilations"][i], self._output_padding()[i]
            total = max((in_sp[i] - 1) * s + (kernel[i] - 1) * d + 1 - out_sp[i] + op, 0)
            small, large = total // 2, total - total // 2
            begin.append(large if a["auto_pad"] == "same_upper" else small)
            end.append(small if a["auto_pad"] == "same_upper" else large)
        return begin, end

    def _spatial(self, data: list[Dimension], kernel: list[Dimension], n: int) -> list[Dimension]:
        if len(self.inputs) == 3:
            shape = self.input_shape(2)
            if shape.rank_is_static and (len(shape) != 1 or not shape[0].compatible(n)):
                raise self.fail(f"output_shape input has shape {shape}, expected [{n}]")
            value = self.input_value(2)
            if value is None:
                return [Dimension()] * n
            if value.size != n or np.any(value < 0):
                raise self.fail(f"output_shape is {value.tolist()}, expected {n} sizes >= 0")
            return [Dimension(int(v)) for v in value]
        a = self.attrs
        pb, pe = self._pads([0] * n, [0] * n, None)
        out = []
        for i, (dim, k) in enumerate(zip(data, kernel, strict=False)):
            if not k.is_static:
                out.append(Dimension())
                continue
            extra = a["dilations"][i] * (k.min - 1) + 1 - pb[i] - pe[i] + self._output_padding()[i]
            out.append(map_dim(dim, lambda v, s=a["strides"][i], e=extra: s * (v - 1) + e))
        return out

    def _run(self, x: np.ndarray, w: np.ndarray, out_shape: np.ndarray | None, groups: int):
        n = self._num_spatial()
        kernel = w.shape[-n:]
        wg = w.reshape(1, *w.shape) if w.ndim == x.ndim else w
        a, op = self.attrs, self._output_padding()
        if out_shape is not None:
            out_sp = [int(v) for v in out_shape]
            pb, _ = self._pads(x.shape[2:], kernel, out_sp)
        else:
            pb, pe = self._pads(x.shape[2:], kernel, None)
            out_sp = [
                s * (i - 1) + d * (k - 1) + 1 - b - e + p
                for i, k, s, d, b, e, p in zip(
                    x.shape[2:], kernel, a["strides"], a["dilations"], pb, pe, op, strict=False
                )
            ]
        ct = compute_dtype(x.dtype)
        xg = x.astype(ct, copy=False).reshape(x.shape[0], groups, -1, *x.shape[2:])
        y = grouped_conv_backprop(
            xg, wg.astype(ct, copy=False), a["strides"], a["dilations"], pb, out_sp
        )
        return y.reshape(y.shape[0], -1, *y.shape[3:]).astype(x.dtype, copy=False)


class ConvolutionBackpropData1(_BackpropBase):
    """ConvolutionBackpropData-1: transposed convolution, filters ``[C_IN, C_OUT, *K]``."""

    type_name = "ConvolutionBackpropData"
    version_id = "opset1"

    def infer(self) -> list[tuple[Type, PartialShape]]:
        data, filt, n = self._check_common()
        d, f = self._dims(data, n + 2), self._dims(filt, n + 2)
        self._check_channels(d[1], f[0], "filter dimension 0")
        return [(self.input_type(0), PartialShape([d[0], f[1], *self._spatial(d[2:], f[2:], n)]))]

    def evaluate(self, x: np.ndarray, w: np.ndarray, out_shape: np.ndarray | None = None):
        return (self._run(x, w, out_shape, 1),)


class GroupConvolutionBackpropData1(_BackpropBase):
    """GroupConvolutionBackpropData-1: grouped transposed convolution, filters ``[G, C_IN/G, C_OUT/G, *K]``."""

    type_name = "GroupConvolutionBackpropData"
    version_id = "opset1"
    _extra_filter_dims = 1

    def infer(self) -> list[tuple[Type, PartialShape]]:
        data, filt, n = self._check_common()
        d, f = self._dims(data, n + 2), self._dims(filt, n + 3)
        if f[0].is_static and f[1].is_static:
            self._check_channels(
                d[1], Dimension(f[0].min * f[1].min), "groups * filter dimension 1"
            )
        c_out = Dimension(f[0].min * f[2].min) if f[0].is_static and f[2].is_static else Dimension()
        return [(self.input_type(0), PartialShape([d[0], c_out, *self._spatial(d[2:], f[3:], n)]))]

    def evaluate(self, x: np.ndarray, w: np.ndarray, out_shape: np.ndarray | None = None):
        return (self._run(x, w, out_shape, w.shape[0]),)
