"""ROIAlign, PriorBox and PriorBoxClustered against onnx.reference, SSD loops and known values."""

from __future__ import annotations

import math

import numpy as np
import pytest
import pyvino
from pyvino_opsets.detection2 import PriorBox1, PriorBox8, PriorBoxClustered1, ROIAlign3, ROIAlign9

rng = np.random.default_rng(12)


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
