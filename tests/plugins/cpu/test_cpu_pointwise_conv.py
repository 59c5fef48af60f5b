"""MobileNetV2's 1x1 convolutions through ConvGemm's pointwise path, with the fused epilogue
(bias + ReLU6, or bias + residual Add) on a one- and a two-thread pool, against a float64
numpy matmul. The shapes cover each split the kernel chooses: pixel tiles (112x112, 56x56),
output-channel tiles (small images), and odd sizes that leave ragged tiles."""

from __future__ import annotations

import numpy as np
import pytest
from pyvino_cpu._parallel import TaskPool
from pyvino_cpu.kernels._epilogue import SimpleEpilogue
from pyvino_cpu.kernels._geometry import Window2D
from pyvino_cpu.kernels.conv import ConvGemm

POOLS = {threads: TaskPool(threads) for threads in (1, 2)}


def pointwise_geometry(n: int, c: int, k: int, h: int, w: int) -> Window2D:
    return Window2D(n, c, h, w, k, h, w, 1, 1, 1, 1, 1, 1, 0, 0, False)


def numpy_pointwise(
    x: np.ndarray,
    w: np.ndarray,
    bias: np.ndarray,
    residual: np.ndarray | None,
    lo: float,
    hi: float,
) -> np.ndarray:
    """clamp(W @ X + bias [+ residual], lo, hi) per image, in float64."""
    n, c, h, wd = x.shape
    y = np.einsum("kc,ncp->nkp", w.astype(np.float64), x.reshape(n, c, h * wd).astype(np.float64))
    y = y.reshape(n, -1, h, wd) + bias.astype(np.float64)[None, :, None, None]
    if residual is not None:
        y = y + residual
    return np.clip(y, lo, hi)


def run_pointwise(
    shape: tuple[int, int, int, int, int], with_residual: bool, threads: int
) -> tuple[ConvGemm, np.ndarray, np.ndarray]:
    """(kernel, its output, the float64 oracle) for one fused 1x1 convolution."""
    n, c, k, h, w = shape
    rng = np.random.default_rng(c * 1000 + k)
    x = rng.standard_normal((n, c, h, w)).astype(np.float32)
    weights = (rng.standard_normal((k, c, 1, 1)) / np.sqrt(c)).astype(np.float32)
    bias = rng.standard_normal(k).astype(np.float32)
    residual = rng.standard_normal((n, k, h, w)).astype(np.float32) if with_residual else None
    lo, hi = (-np.inf, np.inf) if with_residual else (0.0, 6.0)
    kernel = ConvGemm(pointwise_geometry(n, c, k, h, w), weights)
    kernel.epilogue = SimpleEpilogue(bias, with_residual, lo, hi)
    out = np.full((n, k, h, w), np.nan, np.float32)
    inputs = [x] + ([residual] if with_residual else [])
    kernel.bind(inputs, [out], [], POOLS[threads])()
    return kernel, out, numpy_pointwise(x, weights[:, :, 0, 0], bias, residual, lo, hi)


SHAPES = [
    (1, 16, 96, 112, 112),  # features.2/Conv_0: expand at 112x112
    (1, 32, 16, 112, 112),  # features.1/Conv_1: project 32 -> 16
    (1, 24, 144, 56, 56),  # features.3/Conv_0
    (1, 144, 24, 56, 56),  # features.3/Conv_2 (project, residual Add)
    (1, 32, 192, 28, 28),
    (1, 320, 1280, 7, 7),  # last conv: output-channel tiles
    (1, 7, 13, 17, 19),  # odd sizes: ragged tiles
    (2, 5, 11, 23, 9),  # a batch: tiles across images
]


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_pointwise_bias_relu6(shape, threads):
    kernel, out, expected = run_pointwise(shape, with_residual=False, threads=threads)
    assert kernel.exec_type == "gemm_1x1"
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)
    assert out.min() >= 0.0 and out.max() <= 6.0


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_pointwise_bias_residual(shape, threads):
    _, out, expected = run_pointwise(shape, with_residual=True, threads=threads)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)
