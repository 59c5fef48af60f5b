"""NonMaxSuppression-5/-9 on the GPU kernels against the op's reference ``evaluate``.

Boxes are small integers and scores multiples of 1/32 (exact in f16 too, with many ties), so
the selection must match the reference exactly at both precisions: the same rows, in the same
order, and only as many rows as were selected (the output's row count is data-dependent).
"""

from __future__ import annotations

import numpy as np
import pytest
import pyvino

ops = pyvino.opset9


def nms_inputs(
    rng: np.random.Generator, batches: int, classes: int, boxes: int
) -> tuple[np.ndarray, np.ndarray]:
    corner = rng.integers(0, 40, (batches, boxes, 2))
    size = rng.integers(1, 16, (batches, boxes, 2))
    b = np.concatenate([corner, corner + size], axis=-1).astype(np.float32)
    flip = rng.random((batches, boxes)) < 0.3  # corners given in the other order
    b[flip] = b[flip][:, [2, 3, 0, 1]]
    s = (rng.integers(0, 33, (batches, classes, boxes)) / 32).astype(np.float32)
    return b, s


def nms_model(
    boxes: np.ndarray, scores: np.ndarray, scalars: list[float], opset=ops, **attrs
) -> tuple[pyvino.Model, object]:
    bp = ops.parameter(list(boxes.shape), "f32", name="boxes")
    sp = ops.parameter(list(scores.shape), "f32", name="scores")
    consts = [np.array([scalars[0]], np.int64)] + [np.array([v], np.float32) for v in scalars[1:]]
    node = opset.non_max_suppression(bp, sp, *consts, name="nms", **attrs)
    return pyvino.Model([node.output(i) for i in range(3)], [bp, sp], "nms"), node


def check_nms(
    gpu,
    precision: str,
    boxes: np.ndarray,
    scores: np.ndarray,
    scalars: list[float],
    opset=ops,
    **attrs,
) -> list[np.ndarray]:
    model, node = nms_model(boxes, scores, scalars, opset, **attrs)
    consts = [np.array([scalars[0]], np.int64)] + [np.array([v], np.float32) for v in scalars[1:]]
    want = node.evaluate(boxes, scores, *consts)
    compiled = gpu.compile(model, precision)
    assert [launch.node_type for launch in compiled.backend.plan.launches] == [
        "NonMaxSuppression"
    ] * 2
    got = compiled([boxes, scores]).to_tuple()
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    np.testing.assert_array_equal(got[2], want[2])
    assert got[0].dtype == want[0].dtype and got[2].dtype == want[2].dtype
    return got


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("encoding", ["corner", "center"])
def test_nms9_matches_reference(gpu, precision, descending, encoding) -> None:
    boxes, scores = nms_inputs(np.random.default_rng(0), batches=2, classes=3, boxes=300)
    scores[1, 2] = np.where(np.arange(300) % 60 == 0, 0.5, 0.125)  # a class of 5 candidates
    got = check_nms(
        gpu,
        precision,
        boxes,
        scores,
        [7, 0.3, 0.25],
        box_encoding=encoding,
        sort_result_descending=descending,
    )
    assert 0 < len(got[0]) < 2 * 3 * 7  # some classes fill up, and rows are really dropped


def test_nms5_at_threshold_and_i32_output(gpu, precision) -> None:
    """Version 5 suppresses at IoU == threshold; two boxes with IoU exactly 0.5 show it."""
    boxes = np.array([[[0, 0, 2, 2], [0, 0, 2, 1], [10, 10, 11, 11], [0, 0, 2, 2]]], np.float32)
    scores = np.array([[[0.875, 0.75, 0.625, 0.5]]], np.float32)  # IoU(box 0, box 1) = 0.5
    got5 = check_nms(
        gpu,
        precision,
        boxes,
        scores,
        [10, 0.5, 0.0],
        opset=pyvino.opset5,
        output_type="i32",
        sort_result_descending=False,
    )
    got9 = check_nms(
        gpu,
        precision,
        boxes,
        scores,
        [10, 0.5, 0.0],
        output_type="i32",
        sort_result_descending=False,
    )
    assert got5[0][:, 2].tolist() == [0, 2] and got9[0][:, 2].tolist() == [0, 1, 2]


def test_nothing_above_the_score_threshold(gpu) -> None:
    boxes, scores = nms_inputs(np.random.default_rng(1), batches=1, classes=2, boxes=50)
    got = check_nms(gpu, "f32", boxes, scores, [5, 0.5, 1.5])
    assert got[0].shape == (0, 3) and got[2].tolist() == [0]


def test_soft_nms_stays_off_the_gpu(core) -> None:
    boxes, scores = nms_inputs(np.random.default_rng(2), batches=1, classes=1, boxes=20)
    model, _ = nms_model(boxes, scores, [5, 0.5, 0.1, 0.5])  # soft_nms_sigma 0.5
    assert "nms" not in core.query_model(model, "GPU")
    hard, _ = nms_model(boxes, scores, [5, 0.5, 0.1])
    assert core.query_model(hard, "GPU")["nms"] == "GPU"


def test_nms_export_import_keeps_the_row_count(core) -> None:
    boxes, scores = nms_inputs(np.random.default_rng(3), batches=1, classes=2, boxes=80)
    model, _ = nms_model(boxes, scores, [4, 0.4, 0.3])
    compiled = core.compile_model(model, "GPU", {"INFERENCE_PRECISION_HINT": "f32"})
    want = compiled([boxes, scores]).to_tuple()
    imported = core.import_model(compiled.export_model(), "GPU")
    got = imported([boxes, scores]).to_tuple()
    assert str(imported.output(0).partial_shape) == "[..8,3]"
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)
