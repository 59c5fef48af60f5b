"""Bucketize, GRN, CTCGreedyDecoder, Roll, Col2Im, RegionYolo and ReorgYolo against spec
examples, onnx.reference and plain loops."""

from __future__ import annotations

import math

import numpy as np
import pytest
import pyvino
from pyvino_opsets.misc_ops import GRN1, Bucketize3, Col2Im15, CTCGreedyDecoder1, Roll7
from pyvino_opsets.yolo import RegionYolo1, ReorgYolo2

rng = np.random.default_rng(21)


def run(cls, arrays, attrs=None, consts=()):
    """Build ``cls`` with Parameters (Constants for indices in ``consts``) and evaluate it."""
    inputs = [
        pyvino.Constant(a) if i in consts else pyvino.Parameter(pyvino.Type.get(a.dtype), a.shape)
        for i, a in enumerate(arrays)
    ]
    node = cls(inputs, attrs or {})
    (out,) = node.evaluate(*arrays)
    assert node.get_output_partial_shape(0).compatible(out.shape)
    return out


def test_bucketize_spec_example_and_left_bound():
    x, bounds = np.array([[3, 50], [10, -1]], np.int32), np.array([0, 5, 10], np.float32)
    out = run(Bucketize3, [x, bounds])
    assert out.tolist() == [[1, 3], [2, 0]] and out.dtype == np.int64
    left = run(Bucketize3, [x, bounds], {"with_right_bound": False, "output_type": "i32"})
    assert left.tolist() == [[1, 3], [3, 0]] and left.dtype == np.int32  # 10 opens [10, inf)
    assert run(Bucketize3, [x, np.zeros(0, np.float32)]).tolist() == [[0, 0], [0, 0]]


def test_grn_matches_formula():
    x = rng.standard_normal((2, 5, 3, 4)).astype(np.float32)
    out = run(GRN1, [x], {"bias": 0.5})
    want = np.empty_like(x)
    for n, h, w in np.ndindex(2, 3, 4):
        want[n, :, h, w] = x[n, :, h, w] / math.sqrt(
            sum(float(v) ** 2 for v in x[n, :, h, w]) + 0.5
        )
    np.testing.assert_allclose(out, want, rtol=1e-6)


def test_ctc_greedy_decoder_known_sequences():
    best = np.array([[1, 0], [1, 2], [3, 2], [0, 1], [2, 1]])  # [T, N]; class 3 is the blank
    data = np.eye(4, dtype=np.float32)[best]  # one-hot logits [T, N, C]
    mask = np.array([[1, 1], [1, 1], [1, 1], [1, 1], [1, 0]], np.float32)
    out = run(CTCGreedyDecoder1, [data, mask])
    assert out.shape == (2, 5, 1, 1)
    assert out[:, :, 0, 0].tolist() == [[1, 0, 2, -1, -1], [0, 2, 1, -1, -1]]
    plain = run(CTCGreedyDecoder1, [data, mask], {"ctc_merge_repeated": False})
    assert plain[:, :, 0, 0].tolist() == [[1, 1, 0, 2, -1], [0, 2, 2, 1, -1]]


GRID = np.arange(1, 13, dtype=np.int64).reshape(4, 3)


@pytest.mark.parametrize(
    "shift, axes, want",
    [
        ([1], [0], [[10, 11, 12], [1, 2, 3], [4, 5, 6], [7, 8, 9]]),
        ([-1, 2], [0, 1], [[5, 6, 4], [8, 9, 7], [11, 12, 10], [2, 3, 1]]),
        ([1, 2, 1], [0, 1, 0], [[8, 9, 7], [11, 12, 10], [2, 3, 1], [5, 6, 4]]),
        (1, [-1, 0], [[12, 10, 11], [3, 1, 2], [6, 4, 5], [9, 7, 8]]),  # scalar shift, 2 axes
    ],
)
def test_roll_spec_examples(shift, axes, want):
    out = run(Roll7, [GRID, np.array(shift, np.int64), np.array(axes, np.int32)], consts=(2,))
    assert out.tolist() == want


def fold_loops(x, size, kernel, strides, dilations, pb):
    n, ck, _ = x.shape
    c = ck // (kernel[0] * kernel[1])
    out = np.zeros((n, c, *size), x.dtype)
    blocks_w = (size[1] + 2 * pb[1] - dilations[1] * (kernel[1] - 1) - 1) // strides[1] + 1
    for b, ch, ki, kj, l_idx in np.ndindex(n, c, kernel[0], kernel[1], x.shape[2]):
        y = (l_idx // blocks_w) * strides[0] + ki * dilations[0] - pb[0]
        xx = (l_idx % blocks_w) * strides[1] + kj * dilations[1] - pb[1]
        if 0 <= y < size[0] and 0 <= xx < size[1]:
            out[b, ch, y, xx] += x[b, (ch * kernel[0] + ki) * kernel[1] + kj, l_idx]
    return out


@pytest.mark.parametrize(
    "size, kernel, strides, dilations, pads",
    [
        ((6, 7), (2, 3), (1, 1), (1, 1), (0, 0)),
        ((9, 8), (3, 2), (2, 3), (2, 1), (1, 2)),
    ],
)
def test_col2im_matches_loops_and_onnx(onnx_ref, size, kernel, strides, dilations, pads):
    blocks = [
        (size[i] + 2 * pads[i] - dilations[i] * (kernel[i] - 1) - 1) // strides[i] + 1
        for i in range(2)
    ]
    x = rng.standard_normal((2, 3 * kernel[0] * kernel[1], blocks[0] * blocks[1])).astype(
        np.float32
    )
    attrs = {"strides": strides, "dilations": dilations, "pads_begin": pads, "pads_end": pads}
    arrays = [x, np.array(size, np.int64), np.array(kernel, np.int64)]
    out = run(Col2Im15, arrays, attrs, consts=(1, 2))
    np.testing.assert_allclose(
        out, fold_loops(x, size, kernel, strides, dilations, pads), rtol=1e-5, atol=1e-6
    )
    (want,) = onnx_ref(
        "Col2Im",
        arrays,
        strides=list(strides),
        dilations=list(dilations),
        pads=list(pads) + list(pads),
    )
    np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        run(Col2Im15, [x[0], *arrays[1:]], attrs, consts=(1, 2)), out[0], rtol=1e-6
    )


def test_col2im_shape_from_spec_example():
    node = Col2Im15(
        [
            pyvino.Parameter("i32", [12, 12, 1296]),
            pyvino.Constant(np.array([32, 32])),
            pyvino.Constant(np.array([2, 2])),
        ],
        {"dilations": [2, 2], "pads_begin": [3, 3], "pads_end": [3, 3]},
    )
    assert node.get_output_partial_shape(0) == pyvino.PartialShape([12, 3, 32, 32])


def sigmoid(v):
    return 1 / (1 + np.exp(-v.astype(np.float64)))


def test_region_yolo_v3_and_v2():
    x = rng.standard_normal((1, 2 * 7, 3, 4)).astype(np.float32)  # 2 regions, 4 coords, 2 classes
    v3 = run(
        RegionYolo1,
        [x],
        {
            "axis": 1,
            "end_axis": 3,
            "coords": 4,
            "classes": 2,
            "num": 6,
            "do_softmax": False,
            "mask": [0, 1],
        },
    )
    want = x.astype(np.float64).copy()
    for r in range(2):
        for e in (0, 1, 4, 5, 6):  # x, y, objectness and both class scores
            want[0, r * 7 + e] = sigmoid(x[0, r * 7 + e])
    np.testing.assert_allclose(v3, want, rtol=1e-5)
    v2 = run(RegionYolo1, [x], {"axis": 1, "end_axis": 3, "coords": 4, "classes": 2, "num": 2})
    assert v2.shape == (1, 14 * 12)
    want = x.astype(np.float64).copy()
    for r in range(2):
        for e in (0, 1, 4):
            want[0, r * 7 + e] = sigmoid(x[0, r * 7 + e])
        e = np.exp(x[0, r * 7 + 5 : r * 7 + 7].astype(np.float64))
        want[0, r * 7 + 5 : r * 7 + 7] = e / e.sum(axis=0)
    np.testing.assert_allclose(v2, want.reshape(1, -1), rtol=1e-5)


def test_reorg_yolo_darknet_mapping():
    n, c, h, w, s = 2, 8, 4, 6, 2
    x = rng.standard_normal((n, c, h, w)).astype(np.float32)
    out = run(ReorgYolo2, [x], {"stride": [s]})
    assert out.shape == (n, c * s * s, h // s, w // s)
    flat_in, flat_out = x.reshape(-1), np.empty(x.size, np.float32)
    co = c // (s * s)
    for b, ch, y, xx in np.ndindex(n, c, h, w):  # Darknet's reorg loop, element by element
        off = ch // co
        src = ((b * co + ch % co) * h * s + y * s + off // s) * w * s + xx * s + off % s
        flat_out[((b * c + ch) * h + y) * w + xx] = flat_in[src]
    np.testing.assert_array_equal(out.reshape(-1), flat_out)
    with pytest.raises(pyvino.OpValidationError, match="divisible"):
        ReorgYolo2([pyvino.Parameter("f32", [1, 8, 5, 4])], {"stride": [2]})
