"""Winograd F(4x4, 3x3) (4x4 output tiles) against a float64 numpy convolution: ResNet's
large-image shapes, odd and partial-tile sizes, no padding, fused bias/residual/Relu, batch 2,
and one and two threads."""

from __future__ import annotations

import numpy as np
import pytest
from pyvino_cpu.kernels._epilogue import SimpleEpilogue
from pyvino_cpu.kernels._geometry import Window2D
from pyvino_cpu.kernels.winograd import Winograd, output_tile

from .conftest import run_conv_kernel
from .test_cpu_two_thread_paths import numpy_convolution


def geometry(n: int, c: int, k: int, h: int, w: int, pad: int) -> Window2D:
    return Window2D(
        n, c, h, w, k, h + 2 * pad - 2, w + 2 * pad - 2, 3, 3, 1, 1, 1, 1, pad, pad, pad > 0
    )


def sample(g: Window2D, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((g.n, g.c, g.h, g.w)).astype(np.float32)
    w = (rng.standard_normal((g.k, g.c, 3, 3)) / np.sqrt(9 * g.c)).astype(np.float32)
    return x, w


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize(
    ("c", "k", "h", "w", "pad"),
    [
        (64, 64, 56, 56, 1),  # ResNet layer1: 14x14 tiles, split by tile rows on two threads
        (128, 128, 28, 28, 1),  # layer2: 7x7 tiles, split by channels on two threads
        (32, 40, 29, 31, 1),  # partial last tiles in both directions
        (16, 24, 13, 26, 0),  # no padding: 11x24 output
        (8, 8, 5, 5, 1),  # a single tile, most of it past the image
    ],
)
def test_f43_matches_numpy_convolution(c, k, h, w, pad, threads):
    g = geometry(1, c, k, h, w, pad)
    x, weights = sample(g, c + h + pad)
    out = run_conv_kernel(Winograd(g, weights, tile=4), x, threads)
    expected = numpy_convolution(x[0], weights, g)
    np.testing.assert_allclose(out[0], expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("threads", [1, 2])
def test_f43_fused_bias_residual_relu6_batch_two(threads):
    g = geometry(2, 32, 48, 30, 30, 1)
    x, weights = sample(g, 7)
    rng = np.random.default_rng(8)
    bias = rng.standard_normal(g.k).astype(np.float32)
    residual = rng.standard_normal((g.n, g.k, g.ho, g.wo)).astype(np.float32)
    epilogue = SimpleEpilogue(bias, True, 0.0, 6.0)
    out = run_conv_kernel(Winograd(g, weights, tile=4), x, threads, epilogue, residual)
    for i in range(g.n):
        conv = numpy_convolution(x[i], weights, g) + bias[:, None, None] + residual[i]
        np.testing.assert_allclose(out[i], np.clip(conv, 0.0, 6.0), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(
    ("size", "channels", "tile"),
    [(56, 64, 4), (28, 128, 4), (24, 64, 4), (20, 64, 2), (14, 256, 2), (7, 512, 2), (64, 32, 2)],
)
def test_large_images_with_64_channels_get_4x4_tiles(size, channels, tile):
    assert output_tile(geometry(1, channels, channels, size, size, 1)) == tile
