"""The stride-1 "same" depthwise 3x3 kernel, both of its schemes (a zero-margined scratch copy
with column masks up to ``MAX_SCRATCH_PIXELS``, in place above), against a float64 loop over
pixels and taps: MobileNetV2's layer shapes, odd and boundary sizes, fused bias + ReLU6 and
residual, and channel sub-ranges as the thread split hands them out."""

from __future__ import annotations

import numpy as np
import pytest
from pyvino_cpu.kernels._epilogue import SimpleEpilogue, epilogue_args
from pyvino_cpu.kernels.depthwise_same import (
    MAX_SCRATCH_PIXELS,
    depthwise3x3_same,
    same_workspace,
)

from .conftest import depthwise_case, rand


def loop_oracle(x, w, bias, residual, lo, hi):  # noqa: ANN001, ANN201
    """out[:, oy, ox] = clamp(sum of the taps inside the image + bias [+ residual]), float64."""
    channels, height, width = x.shape
    out = np.zeros((channels, height, width), np.float64)
    for oy in range(height):
        for ox in range(width):
            for i in range(3):
                for j in range(3):
                    iy, ix = oy - 1 + i, ox - 1 + j
                    if 0 <= iy < height and 0 <= ix < width:
                        out[:, oy, ox] += w[:, 0, i, j].astype(np.float64) * x[:, iy, ix]
    out += bias[:, None, None]
    if residual is not None:
        out += residual
    return np.clip(out, lo, hi)


def run_in_ranges(x, w, epilogue, residual, ranges):  # noqa: ANN001, ANN201
    out = np.full(x.shape, np.nan, np.float32)
    args = epilogue_args(epilogue, residual)
    for k_lo, k_hi in ranges:
        depthwise3x3_same(x, w, out, *args, k_lo, k_hi, *same_workspace(*x.shape[1:]))
    return out


@pytest.mark.parametrize(
    ("channels", "hw"),
    [
        (3, (112, 112)),  # MobileNetV2 features.1 (in place)
        (4, (56, 56)),  # features.3 (in place)
        (5, (28, 28)),  # features.5-6 (scratch)
        (7, (14, 14)),  # features.8-13 (scratch)
        (3, (32, 64)),  # exactly MAX_SCRATCH_PIXELS: the last scratch size
        (3, (3, 683)),  # one pixel more: in place, three rows
        (4, (13, 9)),  # odd, not square
        (3, (3, 3)),  # the smallest
        (2, (3, 5)),
        (2, (7, 3)),
    ],
)
@pytest.mark.parametrize("with_residual", [False, True])
def test_matches_loop_oracle(channels, hw, with_residual):
    c = depthwise_case(channels, hw, hw, with_residual, seed=41)
    split = channels // 2  # uneven halves, as two threads' tiles would be
    out = run_in_ranges(c.x, c.w, c.epilogue, c.residual, [(0, split), (split, channels)])
    expected = loop_oracle(c.x, c.w, c.bias, c.residual, c.lo, c.hi)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)


def test_size_boundary_is_where_expected():
    assert 28 * 28 <= MAX_SCRATCH_PIXELS < 56 * 56


@pytest.mark.parametrize("hw", [(14, 14), (56, 56)])  # one per scheme
def test_channel_range_writes_only_its_channels(hw):
    x = rand(8, *hw, seed=45)
    w = rand(8, 1, 3, 3, seed=46)
    bias = rand(8, seed=47)
    epilogue = SimpleEpilogue(bias, False, 0.0, 6.0)
    out = run_in_ranges(x, w, epilogue, None, [(2, 3), (5, 7)])
    assert np.isnan(out[[0, 1, 3, 4, 7]]).all()
    expected = loop_oracle(x, w, bias, None, 0.0, 6.0)
    np.testing.assert_allclose(out[[2, 5, 6]], expected[[2, 5, 6]], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("hw", [(14, 14), (112, 112)])
def test_relu6_clamps_both_ends(hw):
    # large inputs: most outputs land outside [0, 6] before the clamp
    x = rand(4, *hw, seed=48, scale=10.0)
    w = rand(4, 1, 3, 3, seed=49)
    bias = rand(4, seed=50)
    out = run_in_ranges(x, w, SimpleEpilogue(bias, False, 0.0, 6.0), None, [(0, 4)])
    assert (out == 0.0).mean() > 0.2 and (out == 6.0).mean() > 0.2
    np.testing.assert_allclose(out, loop_oracle(x, w, bias, None, 0.0, 6.0), atol=1e-4)


@pytest.mark.parametrize("hw", [(14, 14), (56, 56)], ids=["scratch", "in-place"])
def test_an_infinite_edge_pixel_reaches_only_its_own_windows(hw):
    """An inf in column 0 / W-1 is read across the row end by the previous / next row's edge
    pixel with a tap that must drop it (not multiply it by 0: that gives NaN)."""
    x = rand(2, *hw, seed=45)
    h, w_ = hw
    x[0, 5, 0] = np.inf
    x[1, 7, w_ - 1] = -np.inf
    w = np.abs(rand(2, 1, 3, 3, seed=46)) + 0.1  # positive taps: the sign of inf carries
    bias = rand(2, seed=47)
    epilogue = SimpleEpilogue(bias, False, -np.inf, np.inf)
    out = run_in_ranges(x, w, epilogue, None, [(0, 2)])
    with np.errstate(invalid="ignore"):
        expected = loop_oracle(x, w, bias, None, -np.inf, np.inf)
    assert not np.isnan(out).any()
    np.testing.assert_array_equal(np.isinf(out), np.isinf(expected))
    finite = np.isfinite(expected)
    np.testing.assert_allclose(out[finite], expected[finite], rtol=1e-4, atol=1e-5)
