"""Work-group reductions: Reduce*, Softmax, LogSoftmax, MVN against numpy."""

from __future__ import annotations

import numpy as np
import pyvino

ops = pyvino.opset8


def softmax(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def mvn(x: np.ndarray, axes: tuple[int, ...], eps: float, inside: bool) -> np.ndarray:
    c = x - x.mean(axis=axes, keepdims=True)
    var = (c * c).mean(axis=axes, keepdims=True)
    return c / (np.sqrt(var + eps) if inside else np.sqrt(var) + eps)


def test_softmax_and_mvn(gpu, rand, precision) -> None:
    x = ops.parameter([2, 5, 37, 9], "f32", name="x")
    xv = rand(2, 5, 37, 9)
    outs = [
        ops.softmax(x, axis=2),  # 37 strided elements: work-group path
        ops.softmax(x, axis=1),  # 5 elements: one work-item per row
        ops.log_softmax(x, axis=3),
        ops.mvn(x, np.array([2, 3]), eps=1e-5, normalize_variance=True, eps_mode="INSIDE_SQRT"),
        ops.mvn(x, np.array([1]), eps=1e-3, normalize_variance=True, eps_mode="OUTSIDE_SQRT"),
        ops.mvn(x, np.array([0, 2]), eps=1e-5, normalize_variance=False, eps_mode="INSIDE_SQRT"),
    ]
    x64 = xv.astype(np.float64)
    expected = [softmax(x64, 2), softmax(x64, 1), np.log(softmax(x64, 3)),
                mvn(x64, (2, 3), 1e-5, True), mvn(x64, (1,), 1e-3, False),
                x64 - x64.mean(axis=(0, 2), keepdims=True)]
    gpu.check(pyvino.Model(outs, [x], "norms"), [xv], expected, precision)


def test_reductions(gpu, rand) -> None:
    x = ops.parameter([3, 40, 6, 5], "f32", name="x")
    xv = rand(3, 40, 6, 5)
    cases = [
        (ops.reduce_mean, (1,), True, lambda v, a, k: v.mean(a, keepdims=k)),
        (ops.reduce_sum, (0, 2), False, lambda v, a, k: v.sum(a, keepdims=k)),
        (ops.reduce_max, (3,), False, lambda v, a, k: v.max(a, keepdims=k)),
        (ops.reduce_min, (1, 2, 3), True, lambda v, a, k: v.min(a, keepdims=k)),
        (ops.reduce_prod, (2,), True, lambda v, a, k: v.prod(a, keepdims=k)),
        (ops.reduce_l1, (-1, -3), False, lambda v, a, k: np.abs(v).sum(a, keepdims=k)),
        (ops.reduce_l2, (0, 1, 2, 3), False, lambda v, a, k: np.sqrt((v * v).sum(a, keepdims=k))),
    ]
    outs = [build(x, np.array(axes), keep_dims=keep) for build, axes, keep, _ in cases]
    expected = [ref(xv.astype(np.float64), axes, keep) for _, axes, keep, ref in cases]
    gpu.check(pyvino.Model(outs, [x], "reductions"), [xv], expected)
