"""Convolution family: Convolution-1, GroupConvolution-1 and their BackpropData (transposed) forms.

Layouts follow OpenVINO: data ``[N, C_IN, *spatial]``; filters ``[C_OUT, C_IN, *K]``,
``[G, C_OUT/G, C_IN/G, *K]``, ``[C_IN, C_OUT, *K]`` (backprop) and ``[G, C_IN/G, C_OUT/G, *K]``
(group backprop). 1D, 2D and 3D spatial ranks are all supported.
"""

from __future__ import annotations

import numpy as np
from pyvino._shape import Dimension, PartialShape
from pyvino._types import Type

from pyvino_opsets._conv_backprop import ConvolutionBackpropData1, GroupConvolutionBackpropData1
from pyvino_opsets._conv_base import FORWARD_ATTRS, ConvolutionBase
from pyvino_opsets._conv_kernels import compute_dtype, grouped_conv
from pyvino_opsets._spatial import ceil_div, map_dim, resolve_pads, window_out_size


class _ForwardBase(ConvolutionBase):
    attributes = FORWARD_ATTRS
    num_inputs = 2

    def _spatial(self, data: list[Dimension], kernel: list[Dimension]) -> list[Dimension]:
        a = self.attrs
        out = []
        for i, (dim, k) in enumerate(zip(data, kernel, strict=False)):
            s, d = a["strides"][i], a["dilations"][i]
            if a["auto_pad"] in ("same_upper", "same_lower"):
                out.append(map_dim(dim, lambda v, s=s: ceil_div(v, s)))
            elif not k.is_static:
                out.append(Dimension())
            else:
                pb, pe = (
                    (0, 0) if a["auto_pad"] == "valid" else (a["pads_begin"][i], a["pads_end"][i])
                )
                size = map_dim(
                    dim,
                    lambda v, k=k.min, s=s, d=d, pb=pb, pe=pe: window_out_size(v, k, s, d, pb, pe),
                )
                if dim.is_static and window_out_size(dim.min, k.min, s, d, pb, pe) < 1:
                    raise self.fail(
                        f"dilated kernel {(k.min - 1) * d + 1} is larger than padded input "
                        f"{dim.min + pb + pe} on spatial axis {i}"
                    )
                out.append(size)
        return out

    def _run(self, x: np.ndarray, w: np.ndarray, groups: int) -> np.ndarray:
        a = self.attrs
        kernel = w.shape[-self._num_spatial() :]
        pb, pe = resolve_pads(
            a["auto_pad"],
            x.shape[2:],
            kernel,
            a["strides"],
            a["dilations"],
            a["pads_begin"],
            a["pads_end"],
        )
        ct = compute_dtype(x.dtype)
        xg = x.astype(ct, copy=False).reshape(
            x.shape[0], groups, x.shape[1] // groups, *x.shape[2:]
        )
        wg = w.astype(ct, copy=False)
        if wg.ndim == x.ndim:
            wg = wg.reshape(1, *wg.shape)
        y = grouped_conv(xg, wg, a["strides"], a["dilations"], pb, pe)
        return y.reshape(y.shape[0], -1, *y.shape[3:]).astype(x.dtype, copy=False)


class Convolution1(_ForwardBase):
    """Convolution-1: N-D cross-correlation of data ``[N, C, ...]`` with filters ``[O, C, ...]``."""

    type_name = "Convolution"
    version_id = "opset1"

    def infer(self) -> list[tuple[Type, PartialShape]]:
        data, filt, n = self._check_common()
        d, f = self._dims(data, n + 2), self._dims(filt, n + 2)
        self._check_channels(d[1], f[1], "filter dimension 1")
        return [(self.input_type(0), PartialShape([d[0], f[0], *self._spatial(d[2:], f[2:])]))]

    def evaluate(self, x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, ...]:
        return (self._run(x, w, 1),)


class GroupConvolution1(_ForwardBase):
    """GroupConvolution-1: filters ``[G, O/G, C/G, ...]``; depthwise when C/G is 1."""

    type_name = "GroupConvolution"
    version_id = "opset1"
    _extra_filter_dims = 1

    def infer(self) -> list[tuple[Type, PartialShape]]:
        data, filt, n = self._check_common()
        d, f = self._dims(data, n + 2), self._dims(filt, n + 3)
        if f[0].is_static and f[2].is_static:
            self._check_channels(
                d[1], Dimension(f[0].min * f[2].min), "groups * filter dimension 2"
            )
        c_out = Dimension(f[0].min * f[1].min) if f[0].is_static and f[1].is_static else Dimension()
        return [(self.input_type(0), PartialShape([d[0], c_out, *self._spatial(d[2:], f[3:])]))]

    def evaluate(self, x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, ...]:
        return (self._run(x, w, w.shape[0]),)


OPS = [Convolution1, GroupConvolution1, ConvolutionBackpropData1, GroupConvolutionBackpropData1]

__all__ = [
    "OPS",
    "Convolution1",
    "ConvolutionBackpropData1",
    "GroupConvolution1",
    "GroupConvolutionBackpropData1",
]
