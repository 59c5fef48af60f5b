"""The depthwise 3x3 kernels for small outputs (channels last, MobileNetV2's 7x7 stage) and
for stride 1 "same" padding (read in place) against a numpy oracle, and through the plugin
(1 and 2 threads) against the reference."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino_cpu.kernels._epilogue import SimpleEpilogue, epilogue_args
from pyvino_cpu.kernels._geometry import Window2D
from pyvino_cpu.kernels.depthwise import GroupedConv
from pyvino_cpu.kernels.depthwise_same import depthwise3x3_same, same_workspace
from pyvino_cpu.kernels.depthwise_small import (
    CHANNEL_BLOCK,
    depthwise3x3_small,
    pack_taps,
    small_workspace,
)

from .conftest import depthwise_block_types, depthwise_case, rand

ops = pyvino.opset8


def depthwise_oracle(x, w, bias, stride, pad, out_hw, residual, lo, hi):  # noqa: ANN001, ANN201
    """Float64 sum of the nine shifted, strided views of a zero-padded copy, then the epilogue."""
    channels, height, width = x.shape
    ho, wo = out_hw
    padded = np.zeros((channels, height + 2 * pad + 3, width + 2 * pad + 3), np.float64)
    padded[:, pad : pad + height, pad : pad + width] = x
    out = np.zeros((channels, ho, wo), np.float64)
    for i in range(3):
        for j in range(3):
            window = padded[:, i : i + stride * ho : stride, j : j + stride * wo : stride]
            out += w[:, 0, i, j, None, None] * window
    out += bias[:, None, None]
    if residual is not None:
        out += residual
    return np.clip(out, lo, hi)


@pytest.mark.parametrize(
    ("channels", "hw", "stride", "pad"),
    [
        (960, (7, 7), 1, 1),  # MobileNetV2 features.15-17
        (576, (14, 14), 2, 1),  # MobileNetV2 features.14: 14x14 -> 7x7
        (70, (9, 9), 2, 1),  # channels not a multiple of the block, odd size
        (5, (7, 5), 1, 0),  # fewer channels than a vector, no padding
        (3, (4, 4), 2, 2),  # padding wider than the window's reach
    ],
)
@pytest.mark.parametrize("with_residual", [False, True])
def test_kernel_matches_loop_oracle(channels, hw, stride, pad, with_residual):
    height, width = hw
    ho, wo = (height + 2 * pad - 3) // stride + 1, (width + 2 * pad - 3) // stride + 1
    c = depthwise_case(channels, hw, (ho, wo), with_residual, seed=1)
    taps, args = pack_taps(c.w), c.args()
    # two uneven channel ranges, as two threads' tiles would be
    split = channels // 3
    for k_lo, k_hi in ((0, split), (split, channels)):
        buffers = small_workspace(height * width, ho * wo)
        depthwise3x3_small(c.x, taps, c.out, stride, pad, pad, *args, k_lo, k_hi, *buffers)
    expected = depthwise_oracle(c.x, c.w, c.bias, stride, pad, (ho, wo), c.residual, c.lo, c.hi)
    np.testing.assert_allclose(c.out, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    ("channels", "hw"),
    [
        (4, (112, 112)),  # MobileNetV2 features.1 (32 channels there)
        (9, (56, 56)),  # features.3
        (7, (28, 28)),  # features.5-6
        (19, (14, 14)),  # features.8-13
        (5, (9, 13)),  # odd sizes, not square
        (3, (3, 3)),  # the smallest image with an interior
        (2, (3, 7)),
        (2, (6, 3)),
    ],
)
@pytest.mark.parametrize("with_residual", [False, True])
def test_same_padding_kernel_matches_oracle(channels, hw, with_residual):
    c = depthwise_case(channels, hw, hw, with_residual, seed=11)
    args = c.args()
    split = channels // 2
    for k_lo, k_hi in ((0, split), (split, channels)):
        depthwise3x3_same(c.x, c.w, c.out, *args, k_lo, k_hi, *same_workspace(*hw))
    expected = depthwise_oracle(c.x, c.w, c.bias, 1, 1, hw, c.residual, c.lo, c.hi)
    np.testing.assert_allclose(c.out, expected, rtol=1e-4, atol=1e-5)


def test_range_leaves_other_channels_untouched():
    x = rand(CHANNEL_BLOCK + 10, 7, 7, seed=5)
    w = rand(CHANNEL_BLOCK + 10, 1, 3, 3, seed=6)
    out = np.full((CHANNEL_BLOCK + 10, 7, 7), -7.0, np.float32)
    args = epilogue_args(SimpleEpilogue.none(CHANNEL_BLOCK + 10), None)
    buffers = small_workspace(49, 49)
    depthwise3x3_small(x, pack_taps(w), out, 1, 1, 1, *args, 3, CHANNEL_BLOCK + 5, *buffers)
    assert np.all(out[:3] == -7.0) and np.all(out[CHANNEL_BLOCK + 5 :] == -7.0)
    assert not np.any(out[3 : CHANNEL_BLOCK + 5] == -7.0)


def grouped(hw: int, stride: int, pad: int = 1) -> GroupedConv:
    ho = (hw + 2 * pad - 3) // stride + 1
    geom = Window2D(
        n=1, c=8, h=hw, w=hw, k=8, ho=ho, wo=ho, kh=3, kw=3, sh=stride, sw=stride,
        dh=1, dw=1, ph=pad, pw=pad, any_padding=pad > 0,
    )  # fmt: skip
    return GroupedConv(geom, rand(8, 1, 1, 3, 3, seed=7), groups=8)


def test_kernel_choice():
    assert grouped(7, 1).small and grouped(14, 2).small and grouped(16, 2).small
    assert not grouped(14, 1).small and not grouped(28, 2).small
    assert grouped(14, 1).same and grouped(112, 1).same
    assert not grouped(7, 1).same  # small wins
    assert not grouped(28, 2).same and not grouped(28, 1, pad=0).same


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize(("channels", "hw"), [(960, 7), (96, 28)])  # small; "same"
def test_mobilenet_stages_through_plugin(check, threads, channels, hw):
    types = depthwise_block_types(check, channels, hw, 1, (1, 1), threads, seed=8)
    assert types["dw"] == ("EXECUTED", "numba_depthwise_FP32")
