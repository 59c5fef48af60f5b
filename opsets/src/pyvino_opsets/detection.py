"""Sorting and selection: TopK-1/3/11 and NonMaxSuppression-1/3/4/5/9."""

from __future__ import annotations

import math

import numpy as np
from pyvino import BOOL, INT, TYPE, Attr, Dimension, Op, PartialShape, Type, enum

from pyvino_opsets._common import normalize_axis, require_integer_type, scalar_or_1d_value
from pyvino_opsets._nms import NMSRule, non_max_suppression


def _index_type(op: Op, name: str) -> Type:
    t = op.attrs[name]
    if t not in (Type.i32, Type.i64):
        raise op.fail(f"attribute {name!r} must be i32 or i64, got {t.name}")
    return t


# --------------------------------------------------------------------------------------- TopK
class TopK1(Op):
    """The ``k`` largest (``mode=max``) or smallest values along ``axis`` and their indices.

    ``sort=value`` orders them by value, ``sort=index`` by ascending index; equal values keep
    their input order (pyvino is always stable, which satisfies every ``stable`` setting).
    """

    type_name = "TopK"
    version_id = "opset1"
    num_inputs = 2
    attributes = (
        Attr("axis", INT),
        Attr("mode", enum("max", "min")),
        Attr("sort", enum("value", "index", "none")),
        Attr("index_element_type", TYPE, Type.i32),
    )

    def infer(self) -> list[tuple[Type, PartialShape]]:
        require_integer_type(self.input_type(1), "k (input 1)")
        k_shape = self.input_shape(1)
        if k_shape.is_static and math.prod(k_shape.to_shape()) != 1:
            raise self.fail(f"k (input 1) must be a scalar, got shape {k_shape}")
        t, shape = self.input_type(0), self.input_shape(0)
        it = _index_type(self, "index_element_type")
        if not shape.rank_is_static:
            return [(t, shape), (it, shape)]
        axis = normalize_axis(self.attrs["axis"], len(shape), "attribute 'axis'")
        dims = list(shape)
        k = scalar_or_1d_value(self.input_value(1))
        if k is None:
            dims[axis] = Dimension(0, dims[axis].max)
        else:
            if k[0] < 0:
                raise self.fail(f"k (input 1) must be non-negative, got {k[0]}")
            d = dims[axis]
            dims[axis] = Dimension(min(k[0], d.min)) if d.is_static else Dimension(k[0])
        out = PartialShape(dims)
        return [(t, out), (it, out)]

    def evaluate(self, x: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, ...]:
        axis = normalize_axis(self.attrs["axis"], x.ndim, "attribute 'axis'")
        n = x.shape[axis]
        kk = min(int(np.asarray(k).reshape(-1)[0]), n)
        moved = np.moveaxis(x, axis, -1)
        if self.attrs["mode"] == "min":
            order = np.argsort(moved, axis=-1, kind="stable")
        else:  # descending and stable: sort the reversed slice ascending, then reverse back
            order = n - 1 - np.flip(np.argsort(np.flip(moved, -1), axis=-1, kind="stable"), -1)
        top = order[..., :kk]
        if self.attrs["sort"] == "index":
            top = np.sort(top, axis=-1)
        values = np.take_along_axis(moved, top, axis=-1)
        it = self.attrs["index_element_type"].dtype
        return (np.moveaxis(values, -1, axis), np.moveaxis(top.astype(it), -1, axis))


class TopK3(TopK1):
    """TopK-3: ``k`` of any integer type."""

    version_id = "opset3"


class TopK11(TopK1):
    """TopK-11: adds ``stable`` (equal values keep their input order)."""

    version_id = "opset11"
    attributes = TopK1.attributes + (Attr("stable", BOOL, False),)


# ------------------------------------------------------------------------- NonMaxSuppression
class NonMaxSuppression1(Op):
    """Greedy non-maximum suppression per batch and class; output triplets
    ``[batch, class, box]`` padded with -1 to a static upper bound (versions 1, 3, 4)."""

    type_name = "NonMaxSuppression"
    version_id = "opset1"
    num_inputs = (2, 5)
    attributes = (
        Attr("box_encoding", enum("corner", "center"), "corner"),
        Attr("sort_result_descending", BOOL, True),
    )
    rule = NMSRule(1)

    def output_type(self) -> Type:
        return Type.i64

    def _check_inputs(self) -> tuple[PartialShape, PartialShape]:
        boxes, scores = self.input_shape(0), self.input_shape(1)
        if boxes.rank_is_static and (len(boxes) != 3 or not boxes[2].compatible(4)):
            raise self.fail(f"boxes must have shape [num_batches, num_boxes, 4], got {boxes}")
        if scores.rank_is_static and len(scores) != 3:
            raise self.fail(
                f"scores must have shape [num_batches, num_classes, num_boxes], got {scores}"
            )
        if boxes.rank_is_static and scores.rank_is_static:
            if not boxes[0].compatible(scores[0]) or not boxes[1].compatible(scores[2]):
                raise self.fail(f"boxes {boxes} and scores {scores} disagree on batches or boxes")
        if len(self.inputs) > 2:
            require_integer_type(self.input_type(2), "max_output_boxes_per_class (input 2)")
        for i in range(2, len(self.inputs)):
            s = self.input_shape(i)
            if s.is_static and math.prod(s.to_shape()) != 1:
                raise self.fail(f"input {i} must be a scalar or hold one element, got shape {s}")
        return boxes, scores

    def _max_out(self) -> int | None:
        if len(self.inputs) < 3:
            return 0
        v = scalar_or_1d_value(self.input_value(2))
        return None if v is None else max(v[0], 0)

    def bound(self, num_batches: int, num_classes: int, num_boxes: int, max_out: int) -> int:
        """Rows of ``selected_indices`` (NonMaxSuppression-1/3: the spec's per-op formula)."""
        return min(num_boxes, max_out * num_classes)

    def _static_bound(self) -> int | None:
        boxes, scores = self._check_inputs()
        max_out = self._max_out()
        if max_out is None or not (boxes.rank_is_static and scores.rank_is_static):
            return None
        dims = (scores[0], scores[1], boxes[1])
        if not all(d.is_static for d in dims):
            return None
        return self.bound(*(d.min for d in dims), max_out)

    def infer(self) -> list[tuple[Type, PartialShape]]:
        bound = self._static_bound()
        return [(self.output_type(), PartialShape([Dimension() if bound is None else bound, 3]))]

    def _select(self, inputs: tuple[np.ndarray, ...]) -> list[tuple[int, int, int, np.float32]]:
        boxes, scores = inputs[0], inputs[1]
        scalars = [float(np.asarray(v).reshape(-1)[0]) for v in inputs[2:]]
        max_out, iou_thr, score_thr, sigma = (scalars + [0.0] * 4)[:4]
        return non_max_suppression(
            boxes, scores, max(int(max_out), 0), iou_thr, score_thr, sigma,
            self.attrs["box_encoding"] == "center", self.attrs["sort_result_descending"], self.rule,
        )  # fmt: skip

    def evaluate(self, *inputs: np.ndarray) -> tuple[np.ndarray, ...]:
        found = self._select(inputs)
        max_out = int(np.asarray(inputs[2]).reshape(-1)[0]) if len(inputs) > 2 else 0
        rows = self.bound(
            inputs[1].shape[0], inputs[1].shape[1], inputs[0].shape[1], max(max_out, 0)
        )
        out = np.full((rows, 3), -1, dtype=self.output_type().dtype)
        picked = [(b, c, i) for b, c, i, _ in found[:rows]]
        if picked:
            out[: len(picked)] = picked
        return (out,)


class NonMaxSuppression3(NonMaxSuppression1):
    """NonMaxSuppression-3: adds ``output_type`` (i64 or i32)."""

    version_id = "opset3"
    attributes = NonMaxSuppression1.attributes + (Attr("output_type", TYPE, Type.i64),)

    def output_type(self) -> Type:
        return _index_type(self, "output_type")


class NonMaxSuppression4(NonMaxSuppression3):
    """NonMaxSuppression-4: the output bound counts every batch and class."""

    version_id = "opset4"

    def bound(self, num_batches: int, num_classes: int, num_boxes: int, max_out: int) -> int:
        return min(num_boxes, max_out) * num_batches * num_classes


class NonMaxSuppression5(NonMaxSuppression4):
    """NonMaxSuppression-5: Soft-NMS (``soft_nms_sigma``, input 6) and three outputs:
    ``selected_indices`` and ``selected_scores`` (``[batch, class, score]``) with as many rows
    as boxes selected (upper-bounded dimension), and ``valid_outputs``."""

    version_id = "opset5"
    num_inputs = (2, 6)
    rule = NMSRule(5)

    def infer(self) -> list[tuple[Type, PartialShape]]:
        bound = self._static_bound()
        rows = Dimension() if bound is None else Dimension(0, bound)
        it = self.output_type()
        return [
            (it, PartialShape([rows, 3])),
            (Type.f32, PartialShape([rows, 3])),
            (it, PartialShape([1])),
        ]

    def evaluate(self, *inputs: np.ndarray) -> tuple[np.ndarray, ...]:
        found = self._select(inputs)
        it = self.output_type().dtype
        indices = np.array([(b, c, i) for b, c, i, _ in found], dtype=it).reshape(-1, 3)
        scores = np.array([(b, c, s) for b, c, _, s in found], dtype=np.float32).reshape(-1, 3)
        return (indices, scores, np.array([len(found)], dtype=it))


class NonMaxSuppression9(NonMaxSuppression5):
    """NonMaxSuppression-9: as version 5; hard suppression needs IoU strictly above the
    threshold and Soft-NMS ignores ``iou_threshold``."""

    version_id = "opset9"
    rule = NMSRule(9)


OPS = [
    TopK1,
    TopK3,
    TopK11,
    NonMaxSuppression1,
    NonMaxSuppression3,
    NonMaxSuppression4,
    NonMaxSuppression5,
    NonMaxSuppression9,
]
