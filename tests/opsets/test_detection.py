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
from pyvino_opsets.detection2 import PriorBox1, PriorBox8, PriorBoxClustered1, ROIAlign3, ROIAlign9
from pyvino_opsets.detection_output import DetectionOutput1, DetectionOutput8

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


# ------------------------------------------------------------------------------------ ROIAlign
FEATURES = rng.standard_normal((2, 3, 10, 12)).astype(np.float32)
ROIS = np.array([[1, 1, 6, 7], [0.5, 2, 11, 9.5], [3, 3, 3.5, 3.2], [-2, -1, 4, 13]], np.float32)
BATCH = np.array([0, 1, 1, 0], np.int32)


def roi_align(cls, mode, sampling_ratio, scale=1.0, **extra):
    inputs = [
        pyvino.Parameter("f32", FEATURES.shape),
        pyvino.Parameter("f32", ROIS.shape),
        pyvino.Parameter("i32", BATCH.shape),
    ]
    attrs = {
        "pooled_h": 3,
        "pooled_w": 4,
        "sampling_ratio": sampling_ratio,
        "spatial_scale": scale,
        "mode": mode,
    } | extra
    node = cls(inputs, attrs)
    (out,) = node.evaluate(FEATURES, ROIS, BATCH)
    assert node.get_output_partial_shape(0).to_shape() == out.shape == (4, 3, 3, 4)
    return out


@pytest.mark.parametrize("sampling_ratio, scale", [(2, 1.0), (0, 1.0), (1, 0.5)])
@pytest.mark.parametrize(
    "cls, extra, onnx_mode, shift",
    [
        (ROIAlign3, {}, "output_half_pixel", 0.0),
        (ROIAlign9, {"aligned_mode": "half_pixel_for_nn"}, "half_pixel", 0.0),
        (ROIAlign9, {"aligned_mode": "half_pixel"}, "half_pixel", 0.5),  # (x + 0.5) * s - 0.5
    ],
)
def test_roi_align_avg_matches_onnx(onnx_ref, sampling_ratio, scale, cls, extra, onnx_mode, shift):
    got = roi_align(cls, "avg", sampling_ratio, scale, **extra)
    (want,) = onnx_ref(
        "RoiAlign",
        [FEATURES, ROIS + shift, BATCH.astype(np.int64)],
        mode="avg",
        output_height=3,
        output_width=4,
        sampling_ratio=sampling_ratio,
        spatial_scale=scale,
        coordinate_transformation_mode=onnx_mode,
    )
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def bilinear(fm, y, x):
    """One bilinear sample as ROIAlign takes it (zero outside [-1, size], clamped inside)."""
    h, w = fm.shape[-2:]
    if y < -1 or y > h or x < -1 or x > w:
        return np.zeros(fm.shape[0])
    y, x = max(y, 0.0), max(x, 0.0)
    y0, x0 = min(int(y), h - 1), min(int(x), w - 1)
    y1, x1 = min(y0 + 1, h - 1), min(x0 + 1, w - 1)
    y, x = (float(y0) if y0 == h - 1 else y), (float(x0) if x0 == w - 1 else x)
    ly, lx = y - y0, x - x0
    return (
        (1 - ly) * (1 - lx) * fm[:, y0, x0]
        + (1 - ly) * lx * fm[:, y0, x1]
        + ly * (1 - lx) * fm[:, y1, x0]
        + ly * lx * fm[:, y1, x1]
    )


def test_roi_align_max_matches_loops():
    got = roi_align(ROIAlign3, "max", 2)
    want = np.zeros_like(got)
    for r, (x1, y1, x2, y2) in enumerate(ROIS.astype(np.float64)):
        bw, bh = max(x2 - x1, 1.0) / 4, max(y2 - y1, 1.0) / 3
        for i in range(3):
            for j in range(4):
                samples = [
                    bilinear(
                        FEATURES[BATCH[r]],
                        y1 + i * bh + bh / 2 * (a + 0.5),
                        x1 + j * bw + bw / 2 * (b + 0.5),
                    )
                    for a in range(2)
                    for b in range(2)
                ]
                want[r, :, i, j] = np.maximum(np.max(samples, axis=0), 0.0)  # max starts at 0
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


# ---------------------------------------------------------------------------------- PriorBoxes
def priors(cls, size, image, **attrs):
    node = cls(
        [pyvino.Constant(np.array(size, np.int64)), pyvino.Constant(np.array(image, np.int64))],
        attrs,
    )
    (out,) = node.evaluate(np.array(size), np.array(image))
    assert node.get_output_partial_shape(0).to_shape() == out.shape and out.dtype == np.float32
    return out


def ssd_priors(h, w, img_h, img_w, min_size, max_size, ratios, step, offset):
    """Caffe SSD priors (min box, sqrt(min*max) box, then each ratio), written out plainly."""
    out = []
    for i in range(h):
        for j in range(w):
            cx, cy = (j + offset) * step, (i + offset) * step
            sizes = [(min_size, min_size), (math.sqrt(min_size * max_size),) * 2]
            sizes += [(min_size * math.sqrt(r), min_size / math.sqrt(r)) for r in ratios]
            for bw, bh in sizes:
                out += [
                    (cx - bw / 2) / img_w,
                    (cy - bh / 2) / img_h,
                    (cx + bw / 2) / img_w,
                    (cy + bh / 2) / img_h,
                ]
    return np.array(out)


@pytest.mark.parametrize("cls", [PriorBox1, PriorBox8])
def test_prior_box_matches_ssd_loops(cls):
    got = priors(
        cls,
        [3, 4],
        [60, 80],
        min_size=[16.0],
        max_size=[32.0],
        aspect_ratio=[2.0, 3.0],
        flip=True,
        step=16.0,
        offset=0.5,
        variance=[0.1, 0.1, 0.2, 0.2],
    )
    want = ssd_priors(3, 4, 60, 80, 16.0, 32.0, [2.0, 0.5, 3.0, 1 / 3], 16.0, 0.5)
    np.testing.assert_allclose(got[0], want, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(got[1], np.tile([0.1, 0.1, 0.2, 0.2], want.size // 4), rtol=1e-6)


def test_prior_box_order_clip_and_spec_shape():
    attrs = dict(
        min_size=[16.0], max_size=[32.0], aspect_ratio=[2.0], flip=False, offset=0.5, clip=True
    )
    v8 = priors(PriorBox8, [1, 1], [20, 20], min_max_aspect_ratios_order=False, **attrs)
    v1 = priors(PriorBox1, [1, 1], [20, 20], **attrs)
    box = v1[0].reshape(-1, 4)  # step 0: centre (0.5 * 20) = 10 in both axes
    np.testing.assert_allclose(box[0], [0.1, 0.1, 0.9, 0.9], rtol=1e-6)  # 16 x 16
    np.testing.assert_allclose(box[1], [0, 0, 1, 1])  # sqrt(16 * 32) = 22.6 wide, clipped
    np.testing.assert_allclose(v8[0].reshape(-1, 4), box[[0, 2, 1]], rtol=1e-6)  # max box last
    np.testing.assert_allclose(v1[1], 0.1)  # default variance
    node = PriorBox1(
        [pyvino.Constant(np.array([24, 42])), pyvino.Constant(np.array([384, 672]))],
        dict(
            aspect_ratio=[2.0], flip=True, max_size=[38.46], min_size=[16.0], offset=0.5, step=16.0
        ),
    )
    assert node.get_output_partial_shape(0) == pyvino.PartialShape([2, 16128])  # the spec's example


def test_prior_box_clustered_matches_loops_and_spec_shape():
    widths, heights = [86.0, 13.0, 57.0], [44.0, 10.0, 30.0]
    got = priors(
        PriorBoxClustered1,
        [2, 3],
        [100, 120],
        width=widths,
        height=heights,
        clip=False,
        step=16.0,
        offset=0.5,
        variance=[0.2],
    )
    want = []
    for i in range(2):
        for j in range(3):
            cx, cy = (j + 0.5) * 16, (i + 0.5) * 16
            for bw, bh in zip(widths, heights, strict=True):
                want += [
                    (cx - bw / 2) / 120,
                    (cy - bh / 2) / 100,
                    (cx + bw / 2) / 120,
                    (cy + bh / 2) / 100,
                ]
    np.testing.assert_allclose(got[0], want, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(got[1], 0.2)
    clipped = priors(
        PriorBoxClustered1, [2, 3], [100, 120], width=widths, height=heights, offset=0.5
    )
    assert clipped.min() >= 0 and clipped[0].max() <= 1
    node = PriorBoxClustered1(
        [pyvino.Constant(np.array([10, 19])), pyvino.Constant(np.array([180, 320]))],
        dict(width=[1.0] * 9, height=[2.0] * 9, offset=0.5),
    )
    assert node.get_output_partial_shape(0) == pyvino.PartialShape([2, 6840])


# ----------------------------------------------------------------------------- DetectionOutput
PRIORS = np.array(
    [[0.1, 0.1, 0.3, 0.3], [0.12, 0.12, 0.32, 0.32], [0.6, 0.6, 0.9, 0.9]], np.float32
)
VARIANCE = np.array([0.1, 0.1, 0.2, 0.2], np.float32)
CONF = np.array([[0.1, 0.8, 0.1], [0.1, 0.7, 0.6], [0.5, 0.3, 0.2]], np.float32)  # [prior, class]
DO_ATTRS = {
    "keep_top_k": [-1],
    "nms_threshold": 0.5,
    "confidence_threshold": 0.25,
    "normalized": True,
    "code_type": "caffe.PriorBoxParameter.CENTER_SIZE",
}


def detect(cls, loc, conf, priors, *extra, **attrs):
    arrays = [loc, conf, priors, *extra]
    node = cls([pyvino.Parameter("f32", a.shape) for a in arrays], DO_ATTRS | attrs)
    (out,) = node.evaluate(*arrays)
    assert node.get_output_partial_shape(0).to_shape() == out.shape and out.dtype == np.float32
    return out[0, 0]


def ssd_inputs(loc=None):
    priors = np.stack([PRIORS.reshape(-1), np.tile(VARIANCE, 3)])[None]
    loc = np.zeros((1, 12), np.float32) if loc is None else loc
    return loc, CONF.reshape(1, -1), priors


def test_detection_output_caffe_nms_known_result():
    out = detect(DetectionOutput8, *ssd_inputs())
    assert out.shape == (9, 7)  # N * classes * priors rows
    # class 1: prior 1 overlaps prior 0 (IoU 0.68 > 0.5) and goes; class 2 keeps prior 1 only
    np.testing.assert_allclose(
        out[:3],
        [[0, 1, 0.8, *PRIORS[0]], [0, 1, 0.3, *PRIORS[2]], [0, 2, 0.6, *PRIORS[1]]],
        rtol=1e-6,
    )
    assert out[3, 0] == -1 and np.all(out[4:] == 0)
    top2 = detect(DetectionOutput1, *ssd_inputs(), num_classes=3, keep_top_k=[2])
    np.testing.assert_allclose(top2, [[0, 1, 0.8, *PRIORS[0]], [0, 2, 0.6, *PRIORS[1]]], rtol=1e-6)


def test_detection_output_mxnet_style():
    out = detect(DetectionOutput8, *ssd_inputs(), decrease_label_id=True)
    # every prior votes for class 1; NMS drops prior 1; labels are reported minus one
    np.testing.assert_allclose(
        out[:2], [[0, 0, 0.8, *PRIORS[0]], [0, 0, 0.3, *PRIORS[2]]], rtol=1e-6
    )
    assert out[2, 0] == -1


def ssd_decode(prior, var, d):
    w, h = prior[2] - prior[0], prior[3] - prior[1]
    cx, cy = (
        (prior[0] + prior[2]) / 2 + var[0] * d[0] * w,
        (prior[1] + prior[3]) / 2 + var[1] * d[1] * h,
    )
    bw, bh = w * math.exp(var[2] * d[2]), h * math.exp(var[3] * d[3])
    return [cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2]


@pytest.mark.parametrize("share_location", [True, False])
def test_detection_output_center_size_decoding(share_location):
    loc = rng.normal(0, 1, (1, 3 * (1 if share_location else 3) * 4)).astype(np.float32)
    out = detect(
        DetectionOutput8,
        *ssd_inputs(loc),
        nms_threshold=1.0,
        share_location=share_location,
        background_label_id=-1,
        clip_after_nms=True,
    )
    d = loc.reshape(3, -1, 4)
    want = []
    for c in range(3):  # no background: every class; nothing suppressed at threshold 1
        for p in sorted(np.nonzero(CONF[:, c] > 0.25)[0], key=lambda p: -CONF[p, c]):
            box = np.clip(ssd_decode(PRIORS[p], VARIANCE, d[p, 0 if share_location else c]), 0, 1)
            want.append([0, c, CONF[p, c], *box])
    np.testing.assert_allclose(out[: len(want)], want, rtol=1e-5, atol=1e-6)
    assert out[len(want), 0] == -1


def test_detection_output_corner_unnormalized_variance_in_target():
    pixel_priors = np.concatenate([np.zeros((3, 1)), PRIORS * 100], axis=1).astype(
        np.float32
    )  # [id, box]
    loc = rng.normal(0, 0.01, (1, 12)).astype(np.float32)
    out = detect(
        DetectionOutput1,
        loc,
        CONF.reshape(1, -1),
        pixel_priors.reshape(1, 1, -1),
        num_classes=3,
        normalized=False,
        input_height=100,
        input_width=100,
        variance_encoded_in_target=True,
        code_type="caffe.PriorBoxParameter.CORNER",
        nms_threshold=1.0,
    )
    boxes = PRIORS + loc.reshape(3, 4)  # corner offsets added to the normalised priors
    np.testing.assert_allclose(out[0, 3:], boxes[0], rtol=1e-5)  # class 1, best score first
    np.testing.assert_allclose(out[1, 3:], boxes[1], rtol=1e-5)


def test_detection_output_objectness_and_shapes():
    loc, conf, priors = ssd_inputs()
    arm_conf = np.array([[0.0, 0.05, 0.0, 0.9, 0.0, 0.9]], np.float32)  # prior 0 is not an object
    out = detect(
        DetectionOutput8, loc, conf, priors, arm_conf, np.zeros_like(loc), objectness_score=0.1
    )
    # prior 0 now scores only as background; prior 1 takes class 1 with 0.7
    np.testing.assert_allclose(
        out[:3],
        [[0, 1, 0.7, *PRIORS[1]], [0, 1, 0.3, *PRIORS[2]], [0, 2, 0.6, *PRIORS[1]]],
        rtol=1e-6,
    )
    shapes = [pyvino.Parameter("f32", s) for s in ([1, 5376], [1, 2688], [1, 2, 5376])]
    node = DetectionOutput8(shapes, DO_ATTRS | {"keep_top_k": [200]})  # the spec's example
    assert node.get_output_partial_shape(0) == pyvino.PartialShape([1, 1, 200, 7])
    node = DetectionOutput8(shapes, DO_ATTRS | {"top_k": 10})
    assert node.get_output_partial_shape(0) == pyvino.PartialShape(
        [1, 1, 20, 7]
    )  # N * top_k * classes
