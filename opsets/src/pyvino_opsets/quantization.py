"""Quantization: FakeQuantize-1."""

from __future__ import annotations

import numpy as np
from pyvino import INT, Attr, Op, PartialShape, Type

from pyvino_opsets._common import (
    auto_broadcast_attr,
    broadcast_shapes,
    check_broadcast_values,
    compute_dtype,
    merge_types,
    pdpd_align,
)


class FakeQuantize1(Op):
    """Clip ``X`` to ``[input_low, input_high]``, snap it to one of ``levels`` evenly spaced steps
    and map the step onto ``[output_low, output_high]``; the result keeps ``X``'s float type.

    Values ``<= min(input_low, input_high)`` give ``output_low``, values ``> max(...)`` give
    ``output_high``; the step index is rounded half to even, as OpenVINO's ``nearbyint``.
    """

    type_name = "FakeQuantize"
    version_id = "opset1"
    attributes = (Attr("levels", INT), auto_broadcast_attr())
    num_inputs = 5

    def infer(self) -> list[tuple[Type, PartialShape]]:
        levels = self.attrs["levels"]
        if levels < 2:
            raise self.fail(f"attribute 'levels' must be >= 2, got {levels}")
        t = merge_types(*(self.input_type(i) for i in range(5)))
        if t is not Type.dynamic and not t.is_real:
            raise self.fail(f"inputs must have a floating-point element type, got {t.name}")
        mode = self.attrs["auto_broadcast"]
        shape = self.input_shape(0)
        for i in range(1, 5):
            shape = broadcast_shapes(shape, self.input_shape(i), mode)
        return [(t, shape)]

    def evaluate(
        self,
        x: np.ndarray,
        in_low: np.ndarray,
        in_high: np.ndarray,
        out_low: np.ndarray,
        out_high: np.ndarray,
    ) -> tuple[np.ndarray, ...]:
        mode = self.attrs["auto_broadcast"]
        limits = [in_low, in_high, out_low, out_high]
        check_broadcast_values([x.shape] + [a.shape for a in limits], mode)
        if mode == "pdpd":
            limits = [pdpd_align(x, a) for a in limits]
        dt = compute_dtype(x.dtype)
        xf = x.astype(dt, copy=False)
        il, ih, ol, oh = (a.astype(dt, copy=False) for a in limits)
        steps = dt.type(self.attrs["levels"] - 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            q = np.rint((xf - il) / (ih - il) * steps) / steps * (oh - ol) + ol
        out = np.where(xf <= np.minimum(il, ih), ol, np.where(xf > np.maximum(il, ih), oh, q))
        return (np.asarray(out).astype(x.dtype, copy=False),)


OPS = [FakeQuantize1]
