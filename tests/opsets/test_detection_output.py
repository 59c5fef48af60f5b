"""DetectionOutput and Proposal against hand-worked SSD/RPN cases and plain loops."""

from __future__ import annotations

import math

import numpy as np
import pytest
import pyvino
from pyvino_opsets.detection_output import DetectionOutput1, DetectionOutput8
from pyvino_opsets.proposal import Proposal1, Proposal4

rng = np.random.default_rng(13)


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


# ------------------------------------------------------------------------------------ Proposal
PROPOSAL_ATTRS = {
    "base_size": 16,
    "pre_nms_topn": 20,
    "post_nms_topn": 6,
    "nms_thresh": 0.7,
    "feat_stride": 16,
    "min_size": 4,
    "ratio": [1.0],
    "scale": [1.0],
}


def proposals(cls, probs, deltas, info, **attrs):
    arrays = [probs, deltas, info]
    node = cls([pyvino.Parameter("f32", a.shape) for a in arrays], PROPOSAL_ATTRS | attrs)
    outs = node.evaluate(*arrays)
    for i, out in enumerate(outs):
        assert node.get_output_partial_shape(i).to_shape() == out.shape
    return outs


def test_proposal_known_boxes():
    # One 16x16 Caffe anchor [0, 0, 15, 15]; zero deltas decode it to [0, 0, 16, 16] (the +1
    # width convention), shifted by 16 px per cell; 1x3 grid, foreground scores 0.9, 0.2, 0.6.
    probs = np.zeros((1, 2, 1, 3), np.float32)
    probs[0, 1, 0] = [0.9, 0.2, 0.6]
    rois, scores = proposals(
        Proposal4, probs, np.zeros((1, 4, 1, 3), np.float32), np.array([100, 100, 1], np.float32)
    )
    np.testing.assert_allclose(
        rois[:3], [[0, 0, 0, 16, 16], [0, 32, 0, 48, 16], [0, 16, 0, 32, 16]]
    )
    assert rois[3, 0] == -1 and np.all(rois[4:] == 0)
    np.testing.assert_allclose(scores, [0.9, 0.6, 0.2, 0, 0, 0])
    (only_rois,) = proposals(
        Proposal1,
        probs,
        np.zeros((1, 4, 1, 3), np.float32),
        np.array([100, 100, 1], np.float32),
        normalize=True,
    )
    np.testing.assert_allclose(only_rois[0], [0, 0, 0, 0.16, 0.16])


def caffe_iou(a, b):
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]) + 1)
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]) + 1)
    areas = (a[2] - a[0] + 1) * (a[3] - a[1] + 1) + (b[2] - b[0] + 1) * (b[3] - b[1] + 1)
    return iw * ih / (areas - iw * ih)


def caffe_proposals(probs, deltas, img_h, img_w, stride, anchors, min_size, pre, post, thr):
    """py-faster-rcnn's proposal layer for one image, written as plain loops."""
    k, h, w = len(anchors), probs.shape[1], probs.shape[2]
    found = []
    for y in range(h):
        for x in range(w):
            for a, (ax0, ay0, ax1, ay1) in enumerate(anchors):
                x0, y0, x1, y1 = (
                    ax0 + x * stride,
                    ay0 + y * stride,
                    ax1 + x * stride,
                    ay1 + y * stride,
                )
                bw, bh = x1 - x0 + 1, y1 - y0 + 1
                dx, dy, dw, dh = deltas[a * 4 : a * 4 + 4, y, x]
                cx, cy = dx * bw + x0 + 0.5 * bw, dy * bh + y0 + 0.5 * bh
                pw, ph = math.exp(dw) * bw, math.exp(dh) * bh
                box = [cx - 0.5 * pw, cy - 0.5 * ph, cx + 0.5 * pw, cy + 0.5 * ph]
                box = [
                    min(max(v, 0.0), lim - 1)
                    for v, lim in zip(box, [img_w, img_h] * 2, strict=True)
                ]
                ok = box[2] - box[0] + 1 >= min_size and box[3] - box[1] + 1 >= min_size
                found.append((probs[k + a, y, x] * ok, box))
    found = sorted(found, key=lambda f: -f[0])[:pre]
    kept = []
    for score, box in found:
        if all(caffe_iou(box, o) <= thr for _, o in kept):
            kept.append((score, box))
    return kept[:post]


def test_proposal_matches_caffe_loops():
    attrs = {"ratio": [0.5, 1.0, 2.0], "scale": [1.0, 2.0], "post_nms_topn": 10, "pre_nms_topn": 30}
    probs = rng.random((2, 12, 3, 4)).astype(np.float32)
    deltas = rng.normal(0, 0.2, (2, 24, 3, 4)).astype(np.float32)
    rois, scores = proposals(Proposal4, probs, deltas, np.array([60, 70, 1.5], np.float32), **attrs)
    # anchors for base 16: ratios round the width, then the height, around centre 7.5
    anchors = []
    for r in (0.5, 1.0, 2.0):
        wr = math.floor(math.sqrt(256 / r) + 0.5)
        hr = math.floor(wr * r + 0.5)
        for s in (1.0, 2.0):
            hw, hh = 0.5 * (wr * s - 1), 0.5 * (hr * s - 1)
            anchors.append((7.5 - hw, 7.5 - hh, 7.5 + hw, 7.5 + hh))
    for b in range(2):
        want = caffe_proposals(probs[b], deltas[b], 60, 70, 16, anchors, 4 * 1.5, 30, 10, 0.7)
        got = rois[b * 10 : b * 10 + len(want)]
        assert np.all(got[:, 0] == b)
        np.testing.assert_allclose(got[:, 1:], [box for _, box in want], rtol=1e-4, atol=1e-3)
        np.testing.assert_allclose(
            scores[b * 10 : b * 10 + len(want)], [s for s, _ in want], rtol=1e-6
        )
