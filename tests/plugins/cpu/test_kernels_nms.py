"""The numba NonMaxSuppression kernel against the reference evaluate (versions 1/3/4/5/9,
encodings, sorting, ties, thresholds at exact IoU values) and a hand-worked example."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino import Model

FAST = "numba_nms_I64"


def _model(version: int, batches: int, classes: int, boxes: int, soft: bool = False, **attrs):
    ops = getattr(pyvino, f"opset{version}")
    b = ops.parameter([batches, boxes, 4], "f32", name="boxes")
    s = ops.parameter([batches, classes, boxes], "f32", name="scores")
    max_out = ops.parameter([1], "i64", name="max_out")
    iou = ops.parameter([1], "f32", name="iou")
    score = ops.parameter([1], "f32", name="score")
    params = [b, s, max_out, iou, score]
    if soft:
        params.append(ops.parameter([1], "f32", name="sigma"))
    node = ops.non_max_suppression(*params, name="nms", **attrs)
    outputs = [node.output(k) for k in range(node.get_output_size())]
    return Model(outputs, params)


def _boxes(batches: int, boxes: int, seed: int) -> np.ndarray:
    """Clustered boxes (many overlaps), some given as (y2, x2, y1, x1)."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 40, (batches, boxes, 2))
    sizes = rng.uniform(2, 12, (batches, boxes, 2))
    out = np.concatenate([centres - sizes / 2, centres + sizes / 2], -1).astype(np.float32)
    flip = rng.random((batches, boxes)) < 0.2
    out[flip] = out[flip][:, [2, 3, 0, 1]]
    return out


def _scores(batches: int, classes: int, boxes: int, seed: int) -> np.ndarray:
    """Scores on a coarse grid so that ties are common."""
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 20, (batches, classes, boxes)) / 20).astype(np.float32)


def _scalars(max_out: int, iou: float, score: float, *more: float) -> list[np.ndarray]:
    return [
        np.array([max_out], np.int64),
        np.array([iou], np.float32),
        np.array([score], np.float32),
        *(np.array([m], np.float32) for m in more),
    ]


@pytest.mark.parametrize("version", [1, 3, 4, 5, 9])
@pytest.mark.parametrize("sort_result_descending", [False, True])
@pytest.mark.parametrize(("batches", "classes", "boxes"), [(1, 1, 30), (2, 3, 50)])
def test_versions_and_sorting(check, version, sort_result_descending, batches, classes, boxes):
    model = _model(version, batches, classes, boxes, sort_result_descending=sort_result_descending)
    data = [_boxes(batches, boxes, 1), _scores(batches, classes, boxes, 2)]
    types = check(model, data + _scalars(5, 0.3, 0.2))
    assert types["nms"] == ("EXECUTED", FAST)


@pytest.mark.parametrize("max_out", [0, 1, 1000])
@pytest.mark.parametrize(("iou", "score"), [(0.0, 0.0), (0.5, 0.5), (1.0, -1.0)])
def test_limits_and_thresholds(check, max_out, iou, score):
    model = _model(9, 2, 2, 40)
    data = [_boxes(2, 40, 3), _scores(2, 2, 40, 4)]
    assert check(model, data + _scalars(max_out, iou, score))["nms"] == ("EXECUTED", FAST)


def test_center_encoding(check):
    model = _model(5, 1, 2, 40, box_encoding="center")
    corners = _boxes(1, 40, 5)
    centre = np.concatenate(
        [
            (corners[..., 1::-1] + corners[..., 3:1:-1]) / 2,
            np.abs(corners[..., 3:1:-1] - corners[..., 1::-1]),
        ],
        -1,
    ).astype(np.float32)
    assert check(model, [centre, _scores(1, 2, 40, 6)] + _scalars(10, 0.4, 0.1))["nms"][1] == FAST


@pytest.mark.parametrize(("version", "kept"), [(5, [0]), (9, [0, 1])])
def test_iou_exactly_at_the_threshold(core, version, kept):
    """IoU 0.5 exactly: NMS-5 suppresses (>=), NMS-9 keeps (>)."""
    model = _model(version, 1, 1, 2)
    boxes = np.array([[[0, 0, 1, 2], [0, 0, 1, 1]]], np.float32)
    scores = np.array([[[0.9, 0.8]]], np.float32)
    got = core.compile_model(model, "CPU")([boxes, scores, *_scalars(5, 0.5, 0.0)])
    np.testing.assert_array_equal(got[0][:, 2], kept)
    np.testing.assert_allclose(got[1][:, 2], [0.9, 0.8][: len(kept)])
    assert got[2].tolist() == [len(kept)]


def test_hand_worked_example(core):
    """Two overlapping boxes and a far one: the weaker overlapping box is suppressed; equal
    scores keep the lower box index first."""
    model = _model(9, 1, 1, 4, sort_result_descending=True)
    boxes = np.array(
        [[[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60], [80, 80, 90, 90]]], np.float32
    )
    scores = np.array([[[0.7, 0.9, 0.7, 0.1]]], np.float32)
    indices, selected, valid = core.compile_model(model, "CPU")(
        [boxes, scores, *_scalars(10, 0.5, 0.2)]
    ).to_tuple()
    np.testing.assert_array_equal(indices, [[0, 0, 1], [0, 0, 2]])
    np.testing.assert_allclose(selected, [[0, 0, 0.9], [0, 0, 0.7]])
    assert valid.tolist() == [2]


def test_soft_nms_matches_the_reference(check):
    model = _model(9, 1, 2, 30, soft=True)
    data = [_boxes(1, 30, 7), _scores(1, 2, 30, 8)]
    assert check(model, data + _scalars(8, 0.5, 0.1, 0.5))["nms"][1] == FAST


def test_nms_1_pads_with_minus_one(check):
    model = _model(1, 1, 2, 20)
    types = check(model, [_boxes(1, 20, 9), _scores(1, 2, 20, 10)] + _scalars(3, 0.2, 0.6))
    assert types["nms"] == ("EXECUTED", FAST)
