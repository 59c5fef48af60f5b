"""Validation and shape inference shared by the convolution ops (forward and backprop)."""

from __future__ import annotations

from pyvino._attrs import INTS, Attr
from pyvino._node import Op
from pyvino._shape import Dimension, PartialShape
from pyvino._types import Type

from pyvino_opsets._spatial import AUTO_PAD, check_lengths, check_positive

FORWARD_ATTRS = (
    Attr("strides", INTS),
    Attr("dilations", INTS),
    Attr("pads_begin", INTS),
    Attr("pads_end", INTS),
    Attr("auto_pad", AUTO_PAD, "explicit"),
)


class ConvolutionBase(Op):
    """Validation and shape inference shared by the four convolution ops."""

    # filter rank minus data rank (1 for the grouped forms)
    _extra_filter_dims = 0

    def _num_spatial(self) -> int:
        return len(self.attrs["strides"])

    def _check_common(self) -> tuple[PartialShape, PartialShape, int]:
        a = self.attrs
        data, filt = self.input_shape(0), self.input_shape(1)
        extra = self._extra_filter_dims
        if data.rank_is_static:
            n = len(data) - 2
        elif filt.rank_is_static:
            n = len(filt) - 2 - extra
        else:
            n = self._num_spatial()
        if n < 1:
            raise self.fail(f"data input has shape {data}, expected [N, C, 1 to 3 spatial dims]")
        if filt.rank_is_static and len(filt) != n + 2 + extra:
            raise self.fail(
                f"filter input has rank {len(filt)}, expected {n + 2 + extra} "
                f"for data of rank {n + 2}"
            )
        lists = {k: a[k] for k in ("strides", "dilations", "pads_begin", "pads_end")}
        if a.get("output_padding"):
            lists["output_padding"] = a["output_padding"]
        check_lengths(self, n, **lists)
        check_positive(self, strides=a["strides"], dilations=a["dilations"])
        t0, t1 = self.input_type(0), self.input_type(1)
        if t0 is not Type.dynamic and t1 is not Type.dynamic and t0 is not t1:
            raise self.fail(f"data type {t0.name} and filter type {t1.name} differ")
        return data, filt, n

    def _dims(self, shape: PartialShape, n: int) -> list[Dimension]:
        return list(shape) if shape.rank_is_static else [Dimension()] * n

    def _check_channels(self, data_c: Dimension, expected: Dimension, what: str) -> None:
        if not data_c.compatible(expected):
            raise self.fail(
                f"data has {data_c} channels but the filter expects {expected} ({what})"
            )
