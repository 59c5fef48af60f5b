"""Direct row-block convolution (few output channels on large images) against a float64 numpy
convolution: UNet's and YOLO's shapes, odd sizes, asymmetric padding, output channels that are
not a multiple of four, dilation, other window sizes, batch 2, fused epilogues, one and two
threads; and the plugin's choice of it through PERF_COUNT."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino import Model
from pyvino_cpu.kernels._epilogue import SimpleEpilogue
from pyvino_cpu.kernels._geometry import Window2D
from pyvino_cpu.kernels.direct_conv import DirectConv, prefer_direct

from .conftest import rand, run_conv_kernel

ops = pyvino.opset8


def geometry(  # noqa: PLR0913
    c: int,
    k: int,
    h: int,
    w: int,
    window: tuple[int, int] = (3, 3),
    pads: tuple[int, int, int, int] = (1, 1, 1, 1),  # top, left, bottom, right
    dilation: int = 1,
    n: int = 1,
) -> Window2D:
    kh, kw = window
    top, left, bottom, right = pads
    ho = h + top + bottom - (kh - 1) * dilation
    wo = w + left + right - (kw - 1) * dilation
    return Window2D(
        n, c, h, w, k, ho, wo, kh, kw, 1, 1, dilation, dilation, top, left, any(pads)
    )  # fmt: skip


def numpy_convolution(x: np.ndarray, w: np.ndarray, g: Window2D) -> np.ndarray:
    """One image, tap by tap in float64 over an explicitly zero-padded input."""
    rows, cols = g.ho + (g.kh - 1) * g.dh, g.wo + (g.kw - 1) * g.dw
    padded = np.zeros((g.c, rows, cols))
    iy0, ix0 = max(0, -g.ph), max(0, -g.pw)
    h, wd = min(g.h - iy0, rows - g.ph - iy0), min(g.w - ix0, cols - g.pw - ix0)
    padded[:, g.ph + iy0 : g.ph + iy0 + h, g.pw + ix0 : g.pw + ix0 + wd] = x[
        :, iy0 : iy0 + h, ix0 : ix0 + wd
    ]
    out = np.zeros((g.k, g.ho, g.wo))
    for i in range(g.kh):
        for j in range(g.kw):
            view = padded[:, i * g.dh : i * g.dh + g.ho, j * g.dw : j * g.dw + g.wo]
            out += np.einsum("kc,chw->khw", w[:, :, i, j].astype(np.float64), view)
    return out


def sample(g: Window2D, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((g.n, g.c, g.h, g.w)).astype(np.float32)
    scale = 1.0 / np.sqrt(g.c * g.kh * g.kw)
    w = (rng.standard_normal((g.k, g.c, g.kh, g.kw)) * scale).astype(np.float32)
    return x, w


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize(
    "g",
    [
        geometry(48, 16, 128, 128),  # UNet up0/Conv_0
        geometry(3, 16, 320, 320),  # YOLO backbone/Conv_0
        geometry(16, 32, 64, 64),  # UNet down1/Conv_0
        geometry(5, 10, 17, 23),  # odd sizes, 10 output channels (a partial pass of four)
        geometry(2, 3, 9, 40, pads=(0, 2, 1, 0)),  # asymmetric padding
        geometry(4, 7, 1, 31, pads=(1, 1, 1, 1)),  # a one-row image
        geometry(6, 5, 12, 11, pads=(0, 0, 0, 0)),  # no padding
    ],
    ids=["unet_48_16", "yolo_3_16", "unet_16_32", "odd", "asym", "one_row", "valid"],
)
def test_direct_3x3_matches_numpy(g, threads):
    x, w = sample(g, g.c + g.k + g.h)
    out = run_conv_kernel(DirectConv(g, w), x, threads)
    np.testing.assert_allclose(out[0], numpy_convolution(x[0], w, g), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    "g",
    [
        geometry(4, 6, 20, 21, window=(5, 5), pads=(2, 2, 2, 2)),  # a three and two single taps
        geometry(3, 4, 15, 18, window=(1, 3), pads=(0, 1, 0, 1)),
        geometry(5, 8, 14, 13, window=(3, 2), pads=(1, 0, 1, 1)),  # only single taps
        geometry(4, 4, 16, 17, dilation=2, pads=(2, 2, 2, 2)),
    ],
    ids=["5x5", "1x3", "3x2", "dilated"],
)
def test_direct_other_windows_match_numpy(g):
    x, w = sample(g, 3)
    out = run_conv_kernel(DirectConv(g, w), x, 1)
    np.testing.assert_allclose(out[0], numpy_convolution(x[0], w, g), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize(("lo", "hi", "residual"), [(0.0, np.inf, False), (0.0, 6.0, True)])
def test_direct_fused_epilogue_batch_two(threads, lo, hi, residual):
    g = geometry(16, 14, 40, 37, n=2)
    x, w = sample(g, 11)
    rng = np.random.default_rng(12)
    bias = rng.standard_normal(g.k).astype(np.float32)
    res = rng.standard_normal((g.n, g.k, g.ho, g.wo)).astype(np.float32) if residual else None
    out = run_conv_kernel(DirectConv(g, w), x, threads, SimpleEpilogue(bias, residual, lo, hi), res)
    for i in range(g.n):
        expected = numpy_convolution(x[i], w, g) + bias[:, None, None]
        if res is not None:
            expected += res[i]
        np.testing.assert_allclose(out[i], np.clip(expected, lo, hi), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    ("g", "chosen"),
    [
        (geometry(48, 16, 128, 128), True),
        (geometry(16, 32, 160, 160), True),
        (geometry(16, 64, 64, 64), False),  # 64 output channels: the GEMM is efficient
        (geometry(16, 16, 8, 8), False),  # too small to matter
        (geometry(8, 8, 64, 64, dilation=2, pads=(2, 2, 2, 2)), False),
        (geometry(8, 8, 64, 64, window=(5, 5), pads=(2, 2, 2, 2)), False),  # not measured
    ],
)
def test_prefer_direct(g, chosen):
    assert prefer_direct(g) is chosen


SAME = {"strides": [1, 1], "pads_begin": [1, 1], "pads_end": [1, 1], "dilations": [1, 1]}


def unet_block(c: int, k: int, size: int) -> Model:
    """Conv + bias + Relu, then Conv + bias + residual Add + Clamp, as the plugin fuses them.

    (The residual is a second input: a residual read from the Relu feeding the same
    convolution is fused wrongly upstream of the anchor by ``_fusion``, whatever the kernel.)
    """
    x = ops.parameter([1, c, size, size], "f32", name="x")
    skip = ops.parameter([1, k, size, size], "f32", name="skip")
    conv = ops.convolution(x, rand(k, c, 3, 3, seed=1, scale=0.2), **SAME)
    y = ops.relu(ops.add(conv, rand(1, k, 1, 1, seed=2)), name="relu")
    conv2 = ops.convolution(y, rand(k, k, 3, 3, seed=3, scale=0.2), **SAME)
    z = ops.add(ops.add(conv2, rand(1, k, 1, 1, seed=4)), skip)
    return Model([ops.clamp(z, min=-1.0, max=2.0, name="clamp")], [x, skip])


@pytest.mark.parametrize("threads", [1, 2])
def test_plugin_runs_fused_unet_block_directly(check, threads):
    inputs = [rand(1, 12, 48, 48, seed=5), rand(1, 16, 48, 48, seed=6)]
    types = check(unet_block(12, 16, 48), inputs, {"INFERENCE_NUM_THREADS": threads})
    assert types["relu"][1] == types["clamp"][1] == "direct_conv_FP32"  # fused in both convs
    executed = [t for t in types.values() if t[0] == "EXECUTED"]
    assert executed.count(("EXECUTED", "direct_conv_FP32")) == 2
