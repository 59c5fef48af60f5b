"""TopK and NonMaxSuppression against onnx.reference, the specs' examples and plain loops."""

from __future__ import annotations

import math

import numpy as np
import pytest
import pyvino
from pyvino_opsets.detection import (
    NonMaxSuppression1,
    NonMaxSuppression3,
    NonMaxSuppression4,
    NonMaxSuppression5,
    NonMaxSuppression9,
    TopK1,
    TopK3,
    TopK11,
)

rng = np.random.default_rng(11)


# ------------------------------------------------------------------------------------- TopK
def topk(cls, x, k, **attrs):
    node = cls(
        [pyvino.Parameter(pyvino.Type.get(x.dtype), x.shape), pyvino.Constant(np.int64(k))], attrs
    )
    values, indices = node.evaluate(x, np.int64(k))
    assert node.get_output_partial_shape(0).to_shape() == values.shape == indices.shape
    assert values.dtype == x.dtype and indices.dtype == node.get_output_element_type(1).dtype
    return values, indices


@pytest.mark.parametrize("cls", [TopK1, TopK3, TopK11])
@pytest.mark.parametrize(
    "axis, mode, k", [(1, "max", 3), (-1, "min", 2), (0, "max", 4), (2, "min", 6)]
)
def test_topk_sorted_by_value_matches_onnx(onnx_ref, cls, axis, mode, k):
    x = rng.standard_normal((4, 5, 6)).astype(np.float32)
    values, indices = topk(cls, x, k, axis=axis, mode=mode, sort="value", index_element_type="i64")
    want_v, want_i = onnx_ref(
        "TopK", [x, np.array([k], np.int64)], 2, axis=axis, largest=int(mode == "max")
    )
    np.testing.assert_array_equal(values, want_v)
    np.testing.assert_array_equal(indices, want_i)


def test_topk_sort_by_index_and_i32():
    x = rng.standard_normal((3, 8)).astype(np.float32)
    values, indices = topk(TopK3, x, 4, axis=1, mode="max", sort="index")
    assert indices.dtype == np.int32
    for row in range(3):
        chosen = sorted(sorted(range(8), key=lambda j: -x[row, j])[:4])
        assert indices[row].tolist() == chosen
        np.testing.assert_array_equal(values[row], x[row, chosen])


def test_topk_stable_spec_example():
    # TopK-11 spec: input [5, 3, 1, 2, 5, 5], mode=min, sort=index, k=4, stable -> one answer
    x = np.array([5, 3, 1, 2, 5, 5], np.int32)
    values, indices = topk(TopK11, x, 4, axis=0, mode="min", sort="index", stable=True)
    assert values.tolist() == [5, 3, 1, 2] and indices.tolist() == [0, 1, 2, 3]
    values, indices = topk(TopK11, x, 4, axis=0, mode="max", sort="value", stable=True)
    assert values.tolist() == [5, 5, 5, 3] and indices.tolist() == [0, 4, 5, 1]
    u = np.array([3, 250, 7, 250], np.uint8)  # descending order without negation tricks
    assert topk(TopK11, u, 3, axis=0, mode="max", sort="value")[1].tolist() == [1, 3, 2]


def test_topk_shape_inference():
    x = pyvino.Parameter("f32", "[2,?,10]")
    node = TopK11([x, pyvino.Constant(np.int64(3))], {"axis": 1, "mode": "max", "sort": "value"})
    assert node.get_output_partial_shape(0) == pyvino.PartialShape("[2,3,10]")
    node = TopK11([x, pyvino.Parameter("i64", [])], {"axis": 2, "mode": "max", "sort": "none"})
    assert node.get_output_partial_shape(1) == pyvino.PartialShape("[2,?,..10]")
    with pytest.raises(pyvino.OpValidationError, match="axis"):
        TopK1([x, pyvino.Constant(np.int64(3))], {"axis": 3, "mode": "max", "sort": "value"})
    with pytest.raises(pyvino.OpValidationError, match="index_element_type"):
        TopK3(
            [x, pyvino.Constant(np.int64(3))],
            {"axis": 0, "mode": "max", "sort": "value", "index_element_type": "f32"},
        )


# ----------------------------------------------------------------------------- NonMaxSuppression
def make_boxes(batches, n, center=False):
    ctr = rng.uniform(0, 10, (batches, n, 2))
    size = rng.uniform(1, 4, (batches, n, 2))
    if center:  # [x_center, y_center, width, height]
        return np.concatenate([ctr[..., ::-1], size[..., ::-1]], -1).astype(np.float32)
    lo, hi = ctr - size / 2, ctr + size / 2
    flip = rng.random((batches, n, 1)) < 0.3  # any diagonal pair of corners is allowed
    return np.where(flip, np.concatenate([hi, lo], -1), np.concatenate([lo, hi], -1)).astype(
        np.float32
    )


def nms_node(cls, boxes, scores, scalars, **attrs):
    inputs = [pyvino.Parameter("f32", boxes.shape), pyvino.Parameter("f32", scores.shape)]
    node = cls(inputs + [pyvino.Constant(s) for s in scalars], attrs)
    return node, node.evaluate(boxes, scores, *scalars)


SCALARS = [np.array([4], np.int64), np.array([0.4], np.float32), np.array([0.2], np.float32)]


@pytest.mark.parametrize("cls", [NonMaxSuppression5, NonMaxSuppression9])
@pytest.mark.parametrize("center", [False, True])
def test_nms_matches_onnx(onnx_ref, cls, center):
    boxes, scores = make_boxes(2, 25, center), rng.random((2, 3, 25)).astype(np.float32)
    (want,) = onnx_ref("NonMaxSuppression", [boxes, scores, *SCALARS], center_point_box=int(center))
    node, (idx, sel_scores, valid) = nms_node(
        cls,
        boxes,
        scores,
        SCALARS,
        sort_result_descending=False,
        box_encoding="center" if center else "corner",
    )
    np.testing.assert_array_equal(idx, want)
    assert valid.tolist() == [len(want)] and idx.dtype == np.int64
    assert node.get_output_partial_shape(0) == pyvino.PartialShape("[..24,3]")
    np.testing.assert_array_equal(sel_scores[:, 2], scores[want[:, 0], want[:, 1], want[:, 2]])
    np.testing.assert_array_equal(sel_scores[:, :2], want[:, :2].astype(np.float32))


def test_nms_sort_result_descending_orders_across_batches_and_classes(onnx_ref):
    boxes, scores = make_boxes(2, 20), rng.random((2, 2, 20)).astype(np.float32)
    (want,) = onnx_ref("NonMaxSuppression", [boxes, scores, *SCALARS])
    order = sorted(range(len(want)), key=lambda r: -scores[tuple(want[r])])
    _, (idx, sel, _) = nms_node(NonMaxSuppression9, boxes, scores, SCALARS, output_type="i32")
    assert idx.dtype == np.int32
    np.testing.assert_array_equal(idx, want[order])
    assert np.all(np.diff(sel[:, 2]) <= 0)


@pytest.mark.parametrize(
    "cls, rows", [(NonMaxSuppression1, 8), (NonMaxSuppression3, 8), (NonMaxSuppression4, 16)]
)
def test_nms_v1_v3_v4_pad_with_minus_one(onnx_ref, cls, rows):
    boxes, scores = make_boxes(2, 20), rng.random((2, 2, 20)).astype(np.float32)
    (want,) = onnx_ref("NonMaxSuppression", [boxes, scores, *SCALARS])
    node, (out,) = nms_node(cls, boxes, scores, SCALARS, sort_result_descending=False)
    # v1/v3 bound: min(num_boxes, max_out * classes); v4: min(num_boxes, max_out) * batches * classes
    assert node.get_output_partial_shape(0) == pyvino.PartialShape([rows, 3]) and out.shape == (
        rows,
        3,
    )
    n = min(rows, len(want))
    np.testing.assert_array_equal(out[:n], want[:n])
    assert np.all(out[n:] == -1)


def soft_nms_spec(boxes, scores, max_out, score_thr, sigma):
    """NonMaxSuppression-9's textual algorithm (eager score decay), one class, float64."""

    def area(b):
        return (b[2] - b[0]) * (b[3] - b[1])

    def iou(a, b):
        ih = max(min(a[2], b[2]) - max(a[0], b[0]), 0.0)
        iw = max(min(a[3], b[3]) - max(a[1], b[1]), 0.0)
        inter = ih * iw
        return inter / (area(a) + area(b) - inter)

    live = {i: float(s) for i, s in enumerate(scores) if s > score_thr}
    picked = []
    while live and len(picked) < max_out:
        best = min(live, key=lambda i: (-live[i], i))
        s = live.pop(best)
        if s <= score_thr:
            break
        picked.append((best, s))
        for i in live:
            live[i] *= math.exp(-0.5 * iou(boxes[i], boxes[best]) ** 2 / sigma)
    return picked


def test_soft_nms_matches_spec_algorithm():
    boxes = np.sort(make_boxes(1, 15).reshape(1, 15, 2, 2), axis=2).reshape(1, 15, 4)
    scores = rng.random((1, 1, 15)).astype(np.float32)
    scalars = [
        np.array([6], np.int64),
        np.array([0.5], np.float32),
        np.array([0.3], np.float32),
        np.array([0.5], np.float32),
    ]
    _, (idx, sel, valid) = nms_node(
        NonMaxSuppression9, boxes, scores, scalars, sort_result_descending=False
    )
    want = soft_nms_spec(boxes[0].astype(np.float64), scores[0, 0], 6, 0.3, 0.5)
    assert idx[:, 2].tolist() == [i for i, _ in want] and valid[0] == len(want)
    np.testing.assert_allclose(sel[:, 2], [s for _, s in want], rtol=1e-5)


def test_nms_iou_threshold_equality_differs_between_v5_and_v9():
    # Two boxes with IoU exactly 1/3: v5 suppresses at iou >= threshold, v9 only above it.
    boxes = np.array([[[0, 0, 1, 2], [0, 1, 1, 3]]], np.float32)
    scores = np.array([[[0.9, 0.8]]], np.float32)
    scalars = [np.array([5], np.int64), np.float32(1 / 3), np.float32(0.0)]
    assert nms_node(NonMaxSuppression5, boxes, scores, scalars)[1][2][0] == 1
    assert nms_node(NonMaxSuppression9, boxes, scores, scalars)[1][2][0] == 2


def test_nms_validation():
    with pytest.raises(pyvino.OpValidationError, match="boxes"):
        NonMaxSuppression9(
            [pyvino.Parameter("f32", [1, 4, 5]), pyvino.Parameter("f32", [1, 2, 4])], {}
        )
    node = NonMaxSuppression9(
        [pyvino.Parameter("f32", [1, 4, 4]), pyvino.Parameter("f32", [1, 2, 4])], {}
    )
    assert node.get_output_partial_shape(0) == pyvino.PartialShape(
        "[..0,3]"
    )  # max_out defaults to 0
