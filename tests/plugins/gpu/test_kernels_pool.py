"""Max/avg pooling (windowed, global, 1-D, with indices) against a numpy oracle."""

from __future__ import annotations

import numpy as np
import pyvino

ops = pyvino.opset8


def windows(x: np.ndarray, k, s, pb, out, fill: float) -> np.ndarray:
    """All pooling windows: shape (N, C, OH, OW, KH*KW), padding = ``fill``."""
    n, c, h, w = x.shape
    pad_h = max(0, (out[0] - 1) * s[0] + k[0] - h - pb[0])
    pad_w = max(0, (out[1] - 1) * s[1] + k[1] - w - pb[1])
    xp = np.pad(x, [(0, 0), (0, 0), (pb[0], pad_h), (pb[1], pad_w)], constant_values=fill)
    taps = [xp[:, :, i:i + s[0] * out[0]:s[0], j:j + s[1] * out[1]:s[1]]
            for i in range(k[0]) for j in range(k[1])]
    return np.stack(taps, axis=-1)


def test_pooling_family(gpu, rand, precision) -> None:
    x = ops.parameter([2, 3, 11, 10], "f32", name="x")
    xv = rand(2, 3, 11, 10)
    ones = np.ones_like(xv)
    mp = ops.max_pool(x, strides=[2, 2], dilations=[1, 1], pads_begin=[1, 0], pads_end=[1, 1],
                      kernel=[3, 3], rounding_type="ceil", axis=0)
    outs = [
        mp.output(0),
        ops.avg_pool(x, strides=[2, 2], pads_begin=[1, 1], pads_end=[1, 1], kernel=[3, 3],
                     **{"exclude-pad": True}, rounding_type="floor"),
        ops.avg_pool(x, strides=[3, 2], pads_begin=[1, 1], pads_end=[1, 1], kernel=[3, 2],
                     **{"exclude-pad": False}, rounding_type="floor"),
        ops.avg_pool(x, strides=[1, 1], pads_begin=[0, 0], pads_end=[0, 0], kernel=[11, 10],
                     **{"exclude-pad": True}, rounding_type="floor"),  # global: a reduction
        ops.max_pool(x, strides=[1, 1], dilations=[1, 1], pads_begin=[0, 0], pads_end=[0, 0],
                     kernel=[11, 10]).output(0),
    ]
    expected = [
        windows(xv, (3, 3), (2, 2), (1, 0), (6, 5), -np.inf).max(-1),
        windows(xv, (3, 3), (2, 2), (1, 1), (6, 5), 0).sum(-1)
        / windows(ones, (3, 3), (2, 2), (1, 1), (6, 5), 0).sum(-1),
        windows(xv, (3, 2), (3, 2), (1, 1), (4, 6), 0).sum(-1) / 6,
        xv.mean(axis=(2, 3), keepdims=True),
        xv.max(axis=(2, 3), keepdims=True),
    ]
    compiled = gpu.check(pyvino.Model(outs, [x], "pools"), [xv], expected, precision)
    kinds = [launch.exec_type for launch in compiled.backend.plan.launches]
    assert any(k.startswith("reduce_mean_wg") for k in kinds)


def test_max_pool_indices_and_1d(gpu, rand) -> None:
    x = ops.parameter([1, 2, 5, 6], "f32", name="x")
    y = ops.parameter([2, 3, 9], "f32", name="y")
    xv, yv = rand(1, 2, 5, 6), rand(2, 3, 9)
    mp = ops.max_pool(x, strides=[2, 2], dilations=[1, 1], pads_begin=[0, 0], pads_end=[0, 0],
                      kernel=[2, 2], axis=2)
    p1 = ops.max_pool(y, strides=[2], dilations=[2], pads_begin=[1], pads_end=[1], kernel=[3])
    win = windows(xv, (2, 2), (2, 2), (0, 0), (2, 3), -np.inf)
    arg = win.argmax(-1)
    rows = np.arange(2).reshape(1, 1, 2, 1) * 2 + arg // 2
    cols = np.arange(3).reshape(1, 1, 1, 3) * 2 + arg % 2
    yp = np.pad(yv, [(0, 0), (0, 0), (1, 1)], constant_values=-np.inf)
    ref1 = np.stack([yp[:, :, 2 * o:2 * o + 5:2].max(-1) for o in range(4)], axis=-1)
    compiled = gpu.check(pyvino.Model([mp.output(0), mp.output(1), p1.output(0)], [x, y], "mp"),
                         [xv, yv], [win.max(-1), rows * 6 + cols, ref1])
    assert compiled.outputs[1].element_type.name == "i64"
