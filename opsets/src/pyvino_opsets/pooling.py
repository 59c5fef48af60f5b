"""Pooling family: MaxPool-1/8/14, AvgPool-1/14, AdaptiveAvgPool-8, AdaptiveMaxPool-8.

Data is ``[N, C, *spatial]`` with 1 to 3 spatial axes. Output sizes follow OpenVINO's pooling
shape rules: ``floor`` or ``ceil`` of ``(in + pads - dilated_kernel) / stride + 1``; ``ceil_torch``
(opset14) also drops a last window that would start in the end padding.
"""

from __future__ import annotations

import numpy as np
from pyvino._attrs import BOOL, INT, INTS, TYPE, Attr
from pyvino._node import Op
from pyvino._shape import PartialShape
from pyvino._types import Type

from pyvino_opsets._adaptive_pool import AdaptiveAvgPool8, AdaptiveMaxPool8
from pyvino_opsets._pool_kernels import avg_pool, max_pool
from pyvino_opsets._spatial import (
    AUTO_PAD,
    ROUNDING_V1,
    ROUNDING_V14,
    check_lengths,
    check_positive,
    map_dim,
    resolve_pads,
    same_padding,
    window_out_size,
)


class _PoolBase(Op):
    """Attribute checks and output-size inference shared by MaxPool and AvgPool."""

    num_inputs = 1

    def _dilations(self) -> tuple[int, ...]:
        return self.attrs.get("dilations") or (1,) * len(self.attrs["kernel"])

    def _data_shape(self) -> tuple[PartialShape, int]:
        a = self.attrs
        n = len(a["kernel"])
        data = self.input_shape(0)
        if data.rank_is_static and not 3 <= len(data) <= 5:
            raise self.fail(f"data input has shape {data}, expected a 3D, 4D or 5D tensor")
        if data.rank_is_static and len(data) != n + 2:
            raise self.fail(
                f"attribute 'kernel' has {n} values, expected {len(data) - 2} for data of rank {len(data)}"
            )
        check_lengths(
            self,
            n,
            strides=a["strides"],
            pads_begin=a["pads_begin"],
            pads_end=a["pads_end"],
            dilations=self._dilations(),
        )
        check_positive(self, kernel=a["kernel"], strides=a["strides"], dilations=self._dilations())
        return data, n

    def _out_size(self, size: int, i: int) -> int:
        a = self.attrs
        k, s, d = a["kernel"][i], a["strides"][i], self._dilations()[i]
        if a["auto_pad"] in ("same_upper", "same_lower"):
            pb, pe = same_padding(size, k, s, d, a["auto_pad"])
        elif a["auto_pad"] == "valid":
            pb, pe = 0, 0
        else:
            pb, pe = a["pads_begin"][i], a["pads_end"][i]
        return window_out_size(size, k, s, d, pb, pe, a["rounding_type"])

    def _out_shape(self) -> PartialShape:
        data, n = self._data_shape()
        if not data.rank_is_static:
            return PartialShape.dynamic(n + 2)
        dims = list(data)
        for i, dim in enumerate(dims[2:]):
            if dim.is_static and self._out_size(dim.min, i) < 1:
                raise self.fail(
                    f"kernel {self.attrs['kernel'][i]} (dilation {self._dilations()[i]}) does not fit "
                    f"padded input size {dim.min} on spatial axis {i}"
                )
        spatial = [
            map_dim(dim, lambda v, i=i: self._out_size(v, i)) for i, dim in enumerate(dims[2:])
        ]
        return PartialShape([dims[0], dims[1], *spatial])

    def _geometry(self, x: np.ndarray):
        a = self.attrs
        sizes = x.shape[2:]
        pb, pe = resolve_pads(
            a["auto_pad"],
            sizes,
            a["kernel"],
            a["strides"],
            self._dilations(),
            a["pads_begin"],
            a["pads_end"],
        )
        out_sp = [self._out_size(v, i) for i, v in enumerate(sizes)]
        return pb, pe, out_sp


_MAX_V1_ATTRS = (
    Attr("strides", INTS),
    Attr("pads_begin", INTS),
    Attr("pads_end", INTS),
    Attr("kernel", INTS),
    Attr("rounding_type", ROUNDING_V1, "floor"),
    Attr("auto_pad", AUTO_PAD, "explicit"),
)


class MaxPool1(_PoolBase):
    """MaxPool-1: window maximum; padding never wins (it is -inf)."""

    type_name = "MaxPool"
    version_id = "opset1"
    attributes = _MAX_V1_ATTRS

    def infer(self) -> list[tuple[Type, PartialShape]]:
        return [(self.input_type(0), self._out_shape())]

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        a = self.attrs
        pb, pe, out_sp = self._geometry(x)
        values, _ = max_pool(x, a["kernel"], a["strides"], self._dilations(), pb, pe, out_sp)
        return (values,)


class MaxPool8(_PoolBase):
    """MaxPool-8: adds dilations and a second output, flat indices of the maxima from ``axis``."""

    type_name = "MaxPool"
    version_id = "opset8"
    attributes = (
        Attr("strides", INTS),
        Attr("dilations", INTS),
        Attr("pads_begin", INTS),
        Attr("pads_end", INTS),
        Attr("kernel", INTS),
        Attr("rounding_type", ROUNDING_V1, "floor"),
        Attr("auto_pad", AUTO_PAD, "explicit"),
        Attr("index_element_type", TYPE, Type.i64),
        Attr("axis", INT, 0),
    )

    def _axis(self, rank: int) -> int:
        axis = self.attrs["axis"]
        if not -rank <= axis < rank:
            raise self.fail(
                f"attribute 'axis' is {axis}, expected a value in [{-rank}, {rank - 1}]"
            )
        return axis + rank if axis < 0 else axis

    def infer(self) -> list[tuple[Type, PartialShape]]:
        index_type = self.attrs["index_element_type"]
        if index_type not in (Type.i32, Type.i64):
            raise self.fail(
                f"attribute 'index_element_type' is {index_type.name}, expected i32 or i64"
            )
        shape = self._out_shape()
        if self.input_shape(0).rank_is_static:
            self._axis(len(self.input_shape(0)))
        return [(self.input_type(0), shape), (index_type, shape)]

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        a = self.attrs
        pb, pe, out_sp = self._geometry(x)
        values, index = max_pool(
            x, a["kernel"], a["strides"], self._dilations(), pb, pe, out_sp, self._axis(x.ndim)
        )
        return values, index.astype(a["index_element_type"].dtype)


class MaxPool14(MaxPool8):
    """MaxPool-14: MaxPool-8 plus rounding_type ``ceil_torch``."""

    version_id = "opset14"
    attributes = tuple(
        Attr("rounding_type", ROUNDING_V14, "floor") if a.name == "rounding_type" else a
        for a in MaxPool8.attributes
    )


class AvgPool1(_PoolBase):
    """AvgPool-1: window mean.

    Divisor (OpenVINO's reference): with ``exclude-pad`` false and any non-zero padding, the full
    kernel size; otherwise the number of window elements inside the data.
    """

    type_name = "AvgPool"
    version_id = "opset1"
    attributes = (
        Attr("strides", INTS),
        Attr("pads_begin", INTS),
        Attr("pads_end", INTS),
        Attr("kernel", INTS),
        Attr("exclude-pad", BOOL),
        Attr("auto_pad", AUTO_PAD, "explicit"),
        Attr("rounding_type", ROUNDING_V1, "floor"),
    )

    def infer(self) -> list[tuple[Type, PartialShape]]:
        return [(self.input_type(0), self._out_shape())]

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        a = self.attrs
        pb, pe, out_sp = self._geometry(x)
        return (avg_pool(x, a["kernel"], a["strides"], pb, pe, out_sp, a["exclude-pad"]),)


class AvgPool14(AvgPool1):
    """AvgPool-14: AvgPool-1 plus rounding_type ``ceil_torch``."""

    version_id = "opset14"
    attributes = tuple(
        Attr("rounding_type", ROUNDING_V14, "floor") if a.name == "rounding_type" else a
        for a in AvgPool1.attributes
    )


OPS = [MaxPool1, MaxPool8, MaxPool14, AvgPool1, AvgPool14, AdaptiveAvgPool8, AdaptiveMaxPool8]

__all__ = [
    "OPS",
    "AdaptiveAvgPool8",
    "AdaptiveMaxPool8",
    "AvgPool1",
    "AvgPool14",
    "MaxPool1",
    "MaxPool14",
    "MaxPool8",
]
