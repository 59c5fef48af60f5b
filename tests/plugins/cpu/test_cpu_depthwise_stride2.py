"""The stride-2 depthwise 3x3 kernel (de-interleaved phase planes, MobileNetV2's down-sampling
blocks) against a numpy oracle, its selection by ``GroupedConv``, and stride-2 depthwise
layers through the plugin (1 and 2 threads) against the reference, odd sizes included."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino_cpu.kernels._epilogue import SimpleEpilogue, epilogue_args
from pyvino_cpu.kernels._geometry import Window2D
from pyvino_cpu.kernels.depthwise import GroupedConv
from pyvino_cpu.kernels.depthwise_stride2 import (
    depthwise3x3_stride2,
    fits_stride2,
    stride2_workspace,
)

from .conftest import depthwise_block_types, depthwise_case, rand

ops = pyvino.opset8


def strided_oracle(x, w, bias, pads, out_hw, residual, lo, hi):  # noqa: ANN001, ANN201
    """Float64 loops over output pixels and taps; ``pads`` are the leading (top, left) pads."""
    channels, height, width = x.shape
    ho, wo = out_hw
    out = np.zeros((channels, ho, wo), np.float64)
    for oy in range(ho):
        for ox in range(wo):
            for i in range(3):
                iy = 2 * oy - pads[0] + i
                for j in range(3):
                    ix = 2 * ox - pads[1] + j
                    if 0 <= iy < height and 0 <= ix < width:
                        out[:, oy, ox] += w[:, 0, i, j] * x[:, iy, ix]
    out += bias[:, None, None]
    if residual is not None:
        out += residual
    return np.clip(out, lo, hi)


@pytest.mark.parametrize(
    ("channels", "hw", "pads"),
    [
        (5, (112, 112), (1, 1)),  # MobileNetV2 features.2: 96 channels 112 -> 56
        (6, (56, 56), (1, 1)),  # features.4
        (7, (28, 28), (1, 1)),  # features.7
        (3, (14, 14), (1, 1)),
        (4, (10, 6), (0, 0)),  # TF "SAME": pads 0 before, 1 after; not square
        (3, (8, 12), (0, 1)),  # mixed pads
        (3, (6, 8), (1, 0)),
        (2, (4, 4), (1, 1)),  # the smallest: two output rows
    ],
)
@pytest.mark.parametrize("with_residual", [False, True])
def test_kernel_matches_loop_oracle(channels, hw, pads, with_residual):
    height, width = hw
    ho, wo = height // 2, width // 2
    assert fits_stride2(height, width, ho, wo, *pads)
    c = depthwise_case(channels, hw, (ho, wo), with_residual, seed=21)
    args = c.args()
    split = channels // 2  # two uneven channel ranges, as two threads' tiles would be
    for k_lo, k_hi in ((0, split), (split, channels)):
        buffers = stride2_workspace(height, width)
        depthwise3x3_stride2(c.x, c.w, c.out, *pads, *args, k_lo, k_hi, *buffers)
    expected = strided_oracle(c.x, c.w, c.bias, pads, (ho, wo), c.residual, c.lo, c.hi)
    np.testing.assert_allclose(c.out, expected, rtol=1e-4, atol=1e-5)


def test_range_leaves_other_channels_untouched():
    x = rand(6, 8, 8, seed=25)
    w = rand(6, 1, 3, 3, seed=26)
    out = np.full((6, 4, 4), -7.0, np.float32)
    args = epilogue_args(SimpleEpilogue.none(6), None)
    depthwise3x3_stride2(x, w, out, 1, 1, *args, 2, 5, *stride2_workspace(8, 8))
    assert np.all(out[:2] == -7.0) and np.all(out[5:] == -7.0)
    assert not np.any(out[2:5] == -7.0)


def grouped(hw: int, pad: int, pad_end: int | None = None) -> GroupedConv:
    pad_end = pad if pad_end is None else pad_end
    ho = (hw + pad + pad_end - 3) // 2 + 1
    geom = Window2D(
        n=1, c=8, h=hw, w=hw, k=8, ho=ho, wo=ho, kh=3, kw=3, sh=2, sw=2,
        dh=1, dw=1, ph=pad, pw=pad, any_padding=pad + pad_end > 0,
    )  # fmt: skip
    return GroupedConv(geom, rand(8, 1, 1, 3, 3, seed=27), groups=8)


def test_kernel_choice():
    assert grouped(112, 1).stride2 and grouped(56, 1).stride2 and grouped(28, 1).stride2
    assert grouped(28, 0, pad_end=1).stride2  # TF "SAME"
    assert not grouped(14, 1).stride2  # 7x7 outputs: the channels-last kernel
    assert not grouped(57, 1).stride2  # odd: the general phase-plane kernel
    assert not grouped(28, 0).stride2  # no padding: 13x13, not half
    assert not grouped(28, 2).stride2


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize(
    ("channels", "hw", "pads_begin", "pads_end"),
    [
        (96, 112, 1, 1),  # MobileNetV2 features.2
        (144, 56, 1, 1),  # features.4
        (16, 28, 0, 1),  # TF "SAME"
        (8, 57, 1, 1),  # odd: the general kernel
        (8, 30, 0, 0),  # no padding: the general kernel
    ],
)
def test_stride2_layers_through_plugin(check, threads, channels, hw, pads_begin, pads_end):
    pads = (pads_begin, pads_end)
    types = depthwise_block_types(check, channels, hw, 2, pads, threads, seed=28)
    assert types["dw"] == ("EXECUTED", "numba_depthwise_FP32")
