"""YOLO heads: RegionYolo-1 and ReorgYolo-2."""

from __future__ import annotations

import numpy as np
from pyvino import BOOL, FLOATS, INT, INTS, Attr, Dimension, Op, PartialShape, Type

from pyvino_opsets._common import compute_dtype, mul_dims, normalize_axis


class RegionYolo1(Op):
    """YOLO region layer: sigmoid on box centres and objectness; YOLOv2 (``do_softmax``)
    softmaxes class scores and flattens ``axis..end_axis``, YOLOv3 sigmoids them per ``mask``."""

    type_name = "RegionYolo"
    version_id = "opset1"
    num_inputs = 1
    attributes = (
        Attr("anchors", FLOATS, ()),
        Attr("axis", INT),
        Attr("coords", INT),
        Attr("classes", INT),
        Attr("end_axis", INT),
        Attr("num", INT),
        Attr("do_softmax", BOOL, True),
        Attr("mask", INTS, ()),
    )

    def infer(self) -> list[tuple[Type, PartialShape]]:
        shape, t = self.input_shape(0), self.input_type(0)
        if not shape.rank_is_static:
            return [(t, shape)]
        if len(shape) != 4:
            raise self.fail(f"data must be a 4D tensor [N, C, H, W], got {shape}")
        dims = list(shape)
        if not self.attrs["do_softmax"]:
            per_region = self.attrs["classes"] + self.attrs["coords"] + 1
            return [
                (t, PartialShape([dims[0], per_region * len(self.attrs["mask"]), dims[2], dims[3]]))
            ]
        a = normalize_axis(self.attrs["axis"], 4, "attribute 'axis'")
        e = normalize_axis(self.attrs["end_axis"], 4, "attribute 'end_axis'")
        flat = Dimension(1)
        for d in dims[a : e + 1]:
            flat = mul_dims(flat, d)
        return [(t, PartialShape(dims[:a] + [flat] + dims[e + 1 :]))]

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        coords, classes = self.attrs["coords"], self.attrs["classes"]
        softmax = self.attrs["do_softmax"]
        regions = self.attrs["num"] if softmax else len(self.attrs["mask"])
        n, _, h, w = x.shape
        per_region = coords + classes + 1
        xf = x[:, : regions * per_region].astype(compute_dtype(x.dtype))
        out = xf.reshape(n, regions, per_region, h, w).copy()

        def sigmoid(v: np.ndarray) -> np.ndarray:
            return 1.0 / (1.0 + np.exp(-v))

        out[:, :, :2] = sigmoid(out[:, :, :2])
        last = coords + 1 if softmax else per_region
        out[:, :, coords:last] = sigmoid(out[:, :, coords:last])
        if softmax:
            scores = out[:, :, coords + 1 :]
            e = np.exp(scores - scores.max(axis=2, keepdims=True))
            out[:, :, coords + 1 :] = e / e.sum(axis=2, keepdims=True)
        out = out.reshape(n, regions * per_region, h, w).astype(x.dtype)
        if not softmax:
            return (out,)
        full = x.copy()
        full[:, : regions * per_region] = out
        a = normalize_axis(self.attrs["axis"], 4, "attribute 'axis'")
        e = normalize_axis(self.attrs["end_axis"], 4, "attribute 'end_axis'")
        return (full.reshape(x.shape[:a] + (-1,) + x.shape[e + 1 :]),)


class ReorgYolo2(Op):
    """YOLOv2 reorganisation: ``[N, C, H, W]`` to ``[N, C * s^2, H / s, W / s]`` with
    Darknet's index mapping (not a plain space-to-depth)."""

    type_name = "ReorgYolo"
    version_id = "opset2"
    num_inputs = 1
    attributes = (Attr("stride", INTS),)

    def _stride(self) -> int:
        strides = self.attrs["stride"]
        if not strides or strides[0] <= 0 or any(s != strides[0] for s in strides):
            raise self.fail(f"attribute 'stride' must be one positive value, got {list(strides)}")
        return strides[0]

    def infer(self) -> list[tuple[Type, PartialShape]]:
        s = self._stride()
        shape, t = self.input_shape(0), self.input_type(0)
        if not shape.rank_is_static:
            return [(t, PartialShape.dynamic(4))]
        if len(shape) != 4:
            raise self.fail(f"data must be a 4D tensor [N, C, H, W], got {shape}")
        n, c, h, w = shape
        for d, name in ((h, "H"), (w, "W")):
            if d.is_static and d.min % s:
                raise self.fail(f"{name} = {d.min} is not divisible by stride {s}")
        if c.is_static and c.min < s * s:
            raise self.fail(f"C = {c.min} must be at least stride^2 = {s * s}")
        out = [n, mul_dims(c, Dimension(s * s))]
        out += [Dimension(d.min // s) if d.is_static else Dimension() for d in (h, w)]
        return [(t, PartialShape(out))]

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        s = self._stride()
        n, c, h, w = x.shape
        co = c // (s * s)
        # Darknet reads the input as [N, C / s^2, H * s, W * s] and writes it as [N, C, H, W].
        view = x.reshape(n, co, h, s, w, s)
        out = view.transpose(0, 3, 5, 1, 2, 4).reshape(n, c, h, w)
        return (out.reshape(n, c * s * s, h // s, w // s),)


OPS = [RegionYolo1, ReorgYolo2]
