"""The two im2col copies of ConvGemm (numba rows for wide outputs, one strided numpy copy for
narrow ones) against a numpy window oracle: any pixel range, padded or not, asymmetric pads,
dilation, several images; and ConvGemm on both paths against a float64 convolution."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view
from pyvino_cpu._parallel import TaskPool
from pyvino_cpu.kernels._geometry import Window2D
from pyvino_cpu.kernels._im2col import STRIDED_COPY_MAX_WIDTH, Im2col
from pyvino_cpu.kernels.conv import ConvGemm


def geometry(
    n: int, c: int, k: int, hw: tuple[int, int], window: int, stride: int, pads: tuple, dilation=1
) -> Window2D:
    """``pads`` = (top, left, bottom, right)."""
    (h, w), (pt, pl, pb, pr) = hw, pads
    span = (window - 1) * dilation + 1
    ho, wo = (h + pt + pb - span) // stride + 1, (w + pl + pr - span) // stride + 1
    return Window2D(
        n, c, h, w, k, ho, wo, window, window, stride, stride, dilation, dilation, pt, pl,
        any(pads),
    )  # fmt: skip


def oracle_columns(x: np.ndarray, g: Window2D, pads: tuple) -> np.ndarray:
    """[C*kh*kw, Ho*Wo] windows of one [C, H, W] image, zero outside it."""
    pt, pl, pb, pr = pads
    padded = np.pad(x, ((0, 0), (pt, pb + g.sh), (pl, pr + g.sw)))
    span_h, span_w = (g.kh - 1) * g.dh + 1, (g.kw - 1) * g.dw + 1
    view = sliding_window_view(padded, (span_h, span_w), axis=(1, 2))[:, :, :, :: g.dh, :: g.dw]
    view = view[:, :: g.sh, :: g.sw][:, : g.ho, : g.wo]  # [C, Ho, Wo, kh, kw]
    return view.transpose(0, 3, 4, 1, 2).reshape(g.c * g.kh * g.kw, g.ho * g.wo)


CASES = [  # (n, c, (h, w), window, stride, pads, dilation)
    (1, 64, (56, 56), 3, 2, (1, 1, 1, 1), 1),  # ResNet layer2.0 (28x28 output)
    (1, 256, (14, 14), 3, 2, (1, 1, 1, 1), 1),  # ResNet layer4.0 (7x7 output)
    (2, 8, (15, 13), 3, 2, (1, 1, 1, 1), 1),  # odd sizes, two images
    (1, 4, (11, 9), 1, 2, (0, 0, 0, 0), 1),  # strided 1x1: the image itself, no copy
    (2, 5, (10, 12), 3, 2, (0, 0, 1, 1), 1),  # same_upper: pads at the end only
    (1, 3, (9, 10), 3, 1, (2, 1, 0, 3), 2),  # dilated, uneven pads
    (1, 2, (7, 7), 5, 1, (4, 4, 4, 4), 1),  # pads wider than half the window
    (1, 3, (33, 140), 7, 2, (3, 3, 3, 3), 1),  # a stem: wide output, the numba copy
]


@pytest.mark.parametrize(("n", "c", "hw", "window", "stride", "pads", "dilation"), CASES)
def test_pixel_ranges_match_the_windows(n, c, hw, window, stride, pads, dilation):
    g = geometry(n, c, 1, hw, window, stride, pads, dilation)
    assert (g.wo < STRIDED_COPY_MAX_WIDTH) == (hw[1] < 100)  # both copies are covered
    rng = np.random.default_rng(c * 7 + window)
    x = rng.standard_normal((n, c, *hw)).astype(np.float32)
    pixels = g.ho * g.wo
    col = np.empty((c * window * window, pixels), np.float32)
    windows = Im2col(g, x, col)
    for image in range(n):
        expected = oracle_columns(x[image], g, pads)
        for p0, p1 in [(0, pixels), (1, pixels // 2 + 3), (g.wo, 2 * g.wo), (pixels - 2, pixels)]:
            col.fill(np.nan)
            windows.prepare(image)
            windows.copy(image, p0, p1)
            np.testing.assert_array_equal(col[:, p0:p1], expected[:, p0:p1])
            assert np.isnan(col[:, :p0]).all() and np.isnan(col[:, p1:]).all()


@pytest.mark.parametrize(("n", "c", "hw", "window", "stride", "pads", "dilation"), CASES[:3])
def test_whole_image_step_on_two_threads(n, c, hw, window, stride, pads, dilation):
    g = geometry(n, c, 1, hw, window, stride, pads, dilation)
    x = np.random.default_rng(3).standard_normal((n, c, *hw)).astype(np.float32)
    col = np.full((c * window * window, g.ho * g.wo), np.nan, np.float32)
    windows = Im2col(g, x, col)
    for image in range(n):
        windows.whole_image(TaskPool(2), image, 64, float("inf"))()
        np.testing.assert_array_equal(col, oracle_columns(x[image], g, pads))


def numpy_convolution(x: np.ndarray, w: np.ndarray, g: Window2D, pads: tuple) -> np.ndarray:
    cols = oracle_columns(x.astype(np.float64), g, pads)
    return (w.reshape(g.k, -1).astype(np.float64) @ cols).reshape(g.k, g.ho, g.wo)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize(("n", "c", "hw", "window", "stride", "pads", "dilation"), CASES)
def test_convolution_on_both_copies(threads, n, c, hw, window, stride, pads, dilation):
    k = 24
    g = geometry(n, c, k, hw, window, stride, pads, dilation)
    rng = np.random.default_rng(11)
    x = rng.standard_normal((n, c, *hw)).astype(np.float32)
    w = (rng.standard_normal((k, c, window, window)) / np.sqrt(c * window**2)).astype(np.float32)
    kernel = ConvGemm(g, w)
    out = np.full((n, k, g.ho, g.wo), np.nan, np.float32)
    scratch = [np.empty(shape, dtype) for shape, dtype in kernel.scratch()]
    run = kernel.bind([x], [out], scratch, TaskPool(threads))
    for _ in range(2):  # a second run reuses the padded buffer: its border must stay zero
        run()
        for image in range(n):
            expected = numpy_convolution(x[image], w, g, pads)
            np.testing.assert_allclose(out[image], expected, rtol=1e-4, atol=1e-4)
        x[:] = rng.standard_normal(x.shape)
