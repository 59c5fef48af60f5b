"""ResNet-18's layer shapes on a two-thread pool, at the real work thresholds: the split each
kernel chooses (pixel tiles with their own im2col, output-channel tiles after a split im2col,
Winograd by channels, the stem MaxPool by planes) matches a numpy convolution / pooling."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view
from pyvino_cpu._parallel import TaskPool
from pyvino_cpu.kernels._geometry import Window2D
from pyvino_cpu.kernels.conv import ConvGemm, im2col
from pyvino_cpu.kernels.pool import Pool
from pyvino_cpu.kernels.winograd import Winograd


class RecordingPool(TaskPool):
    """A two-thread pool that records how many tasks each parallel run had."""

    def __init__(self) -> None:
        super().__init__(2)
        self.batches: list[int] = []

    def run(self, tasks) -> None:  # noqa: ANN001
        self.batches.append(len(tasks))
        super().run(tasks)


def geometry(c: int, k: int, size: int, window: int, stride: int, pad: int) -> Window2D:
    out = (size + 2 * pad - window) // stride + 1
    return Window2D(
        1, c, size, size, k, out, out, window, window, stride, stride, 1, 1, pad, pad, pad > 0
    )


def windows(x: np.ndarray, g: Window2D, fill: float) -> np.ndarray:
    """[C, Ho, Wo, kh, kw] input windows of a padded [C, H, W] image."""
    padded = np.pad(x, ((0, 0), (g.ph, g.ph), (g.pw, g.pw)), constant_values=fill)
    view = sliding_window_view(padded, (g.kh, g.kw), axis=(1, 2))
    return view[:, :: g.sh, :: g.sw][:, : g.ho, : g.wo]


def numpy_convolution(x: np.ndarray, w: np.ndarray, g: Window2D) -> np.ndarray:
    win = windows(x.astype(np.float64), g, 0.0)
    return np.einsum("chwij,kcij->khw", win, w.astype(np.float64))


def bound(kernel, x: np.ndarray, out: np.ndarray, pool: TaskPool):  # noqa: ANN001, ANN201
    scratch = [np.empty(shape, dtype) for shape, dtype in kernel.scratch()]
    return kernel.bind([x], [out], scratch, pool)


@pytest.mark.parametrize(
    ("c", "k", "size", "window", "stride", "pad"),
    [
        (3, 64, 224, 7, 2, 3),  # stem: wide pixel tiles
        (64, 128, 56, 3, 2, 1),  # pixel tiles of 392, each with its im2col
        (128, 256, 28, 3, 2, 1),  # pixel tiles of 98
        (256, 512, 14, 3, 2, 1),  # 49 pixels: split im2col, then output channels
        (64, 128, 56, 1, 2, 0),  # strided 1x1
    ],
)
def test_strided_convolution_on_two_threads(c, k, size, window, stride, pad):
    rng = np.random.default_rng(c + k)
    g = geometry(c, k, size, window, stride, pad)
    x = rng.standard_normal((1, c, size, size)).astype(np.float32)
    w = (rng.standard_normal((k, c, window, window)) / np.sqrt(c * window * window)).astype(
        np.float32
    )
    out = np.full((1, k, g.ho, g.wo), np.nan, np.float32)
    pool = RecordingPool()
    bound(ConvGemm(g, w), x, out, pool)()
    assert pool.batches and min(pool.batches) >= 2  # the work was shared
    np.testing.assert_allclose(out[0], numpy_convolution(x[0], w, g), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(("size", "c"), [(56, 64), (28, 128), (14, 256), (7, 512)])
def test_winograd_on_two_threads(size, c):
    k = c
    rng = np.random.default_rng(size)
    g = geometry(c, k, size, 3, 1, 1)
    x = rng.standard_normal((1, c, size, size)).astype(np.float32)
    w = (rng.standard_normal((k, c, 3, 3)) / np.sqrt(9 * c)).astype(np.float32)
    out = np.full((1, k, size, size), np.nan, np.float32)
    pool = RecordingPool()
    bound(Winograd(g, w), x, out, pool)()
    assert pool.batches and min(pool.batches) >= 2
    np.testing.assert_allclose(out[0], numpy_convolution(x[0], w, g), rtol=1e-4, atol=1e-4)


def test_stem_max_pool_is_shared_by_both_threads():
    rng = np.random.default_rng(5)
    g = geometry(64, 64, 112, 3, 2, 1)
    x = rng.standard_normal((1, 64, 112, 112)).astype(np.float32)
    out = np.full((1, 64, 56, 56), np.nan, np.float32)
    pool = RecordingPool()
    bound(Pool(g, is_max=True, exclude_pad=True), x, out, pool)()
    assert pool.batches == [8]  # four plane ranges per thread
    expected = windows(x[0], g, -np.inf).max(axis=(3, 4))
    np.testing.assert_array_equal(out[0], expected)


@pytest.mark.parametrize(("stride", "pad", "window"), [(1, 1, 3), (2, 3, 7), (2, 1, 3), (3, 2, 5)])
@pytest.mark.parametrize(("p0", "p1"), [(0, 121), (5, 60), (17, 18), (60, 121)])
def test_im2col_pixel_ranges(stride, pad, window, p0, p1):
    g = geometry(
        3, 1, 31 if stride == 1 else 11 * stride + window - 2 * pad - stride, window, stride, pad
    )
    assert g.ho == 11 or stride == 1
    rng = np.random.default_rng(stride * 10 + pad)
    x = rng.standard_normal((3, g.h, g.w)).astype(np.float32)
    pixels = g.ho * g.wo
    p1 = min(p1, pixels)
    col = np.full((3 * window * window, pixels), np.nan, np.float32)
    im2col(x, col, g.kh, g.kw, g.sh, g.sw, 1, 1, g.ph, g.pw, g.wo, p0, p1)
    expected = windows(x, g, 0.0).transpose(0, 3, 4, 1, 2).reshape(col.shape[0], pixels)
    np.testing.assert_array_equal(col[:, p0:p1], expected[:, p0:p1])
    assert np.isnan(col[:, :p0]).all() and np.isnan(col[:, p1:]).all()  # nothing else written
