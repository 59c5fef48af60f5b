"""Convolution and pooling kernels against the reference: GEMM 1x1, im2col, Winograd,
depthwise and grouped (numba), max/avg pooling; the chosen kernel is checked via PERF_COUNT."""

from __future__ import annotations

import pytest
import pyvino
from pyvino import Model

from .conftest import rand

ops = pyvino.opset8


def conv_model(
    c: int,
    k: int,
    hw: int,
    kernel: int,
    stride: int = 1,
    pad: int = 0,
    dilation: int = 1,
    auto_pad: str = "explicit",
    n: int = 1,
) -> Model:
    x = ops.parameter([n, c, hw, hw + 1], "f32", name="x")
    w = rand(k, c, kernel, kernel, seed=1, scale=0.2)
    y = ops.convolution(
        x,
        w,
        strides=[stride, stride],
        pads_begin=[pad, pad],
        pads_end=[pad, pad],
        dilations=[dilation, dilation],
        auto_pad=auto_pad,
        name="conv",
    )
    return Model([y], [x])


@pytest.mark.parametrize(
    ("args", "kind"),
    [
        ((16, 24, 9, 1), "gemm_1x1_FP32"),
        ((16, 24, 9, 1, 2), "im2col_gemm_FP32"),  # strided 1x1
        ((3, 8, 17, 7, 2, 3), "im2col_gemm_FP32"),  # ResNet stem
        ((8, 8, 11, 3, 1, 1, 2), "im2col_gemm_FP32"),  # dilated
        ((4, 6, 10, 3, 2, 0, 1, "same_upper"), "im2col_gemm_FP32"),
        ((4, 6, 10, 3, 1, 0, 1, "same_lower"), "im2col_gemm_FP32"),
        ((8, 4, 6, 5, 1, 4), "im2col_gemm_FP32"),  # padding larger than half the kernel
        ((32, 32, 9, 3, 1, 1), "winograd_FP32"),  # odd output size: partial tiles
        ((32, 40, 12, 3, 1, 0), "winograd_FP32"),
    ],
)
def test_convolution(check, args, kind):
    types = check(conv_model(*args), [rand(1, args[0], args[2], args[2] + 1, seed=2)])
    assert types["conv"] == ("EXECUTED", kind)


def test_convolution_batch_and_1d(check):
    model = conv_model(8, 6, 7, 3, 1, 1, n=3)
    check(model, [rand(3, 8, 7, 8, seed=3)])
    x = ops.parameter([2, 4, 20], "f32", name="x")
    y = ops.convolution(
        x,
        rand(5, 4, 3, seed=4),
        strides=[2],
        pads_begin=[1],
        pads_end=[1],
        dilations=[1],
        name="conv1d",
    )
    types = check(Model([y], [x]), [rand(2, 4, 20, seed=5)])
    assert types["conv1d"] == ("EXECUTED", "im2col_gemm_FP32")


@pytest.mark.parametrize(
    ("c", "groups", "k_per_group", "stride", "kind"),
    [
        (12, 12, 1, 1, "numba_depthwise_FP32"),
        (12, 12, 1, 2, "numba_depthwise_FP32"),
        (12, 12, 2, 1, "numba_depthwise_FP32"),  # channel multiplier
        (12, 3, 4, 1, "numba_grouped_FP32"),
        (12, 3, 2, 2, "numba_grouped_FP32"),
    ],
)
def test_group_convolution(check, c, groups, k_per_group, stride, kind):
    x = ops.parameter([2, c, 9, 10], "f32", name="x")
    w = rand(groups, k_per_group, c // groups, 3, 3, seed=6)
    y = ops.group_convolution(
        x,
        w,
        strides=[stride, stride],
        pads_begin=[1, 1],
        pads_end=[1, 1],
        dilations=[1, 1],
        name="gconv",
    )
    types = check(Model([y], [x]), [rand(2, c, 9, 10, seed=7)])
    assert types["gconv"] == ("EXECUTED", kind)


@pytest.mark.parametrize(
    ("hw", "stride", "pads_begin", "pads_end"),
    [
        ((7, 7), 1, 1, 1),  # MobileNet's last stage: shorter rows than one vector
        ((8, 13), 2, 1, 1),  # even height, odd width
        ((9, 6), 2, 0, 1),  # asymmetric padding (TensorFlow "same" on even sizes)
        ((6, 9), 1, 0, 0),  # no padding
        ((5, 7), 2, 2, 2),  # padding wider than the window's reach
        ((1, 1), 1, 1, 1),
    ],
)
def test_depthwise3x3_geometry_with_relu6_and_residual(check, hw, stride, pads_begin, pads_end):
    x = ops.parameter([1, 6, *hw], "f32", name="x")
    y = ops.group_convolution(
        x,
        rand(6, 1, 1, 3, 3, seed=10),
        strides=[stride, stride],
        pads_begin=[pads_begin] * 2,
        pads_end=[pads_end] * 2,
        dilations=[1, 1],
        name="dw",
    )
    y = ops.add(y, rand(1, 6, 1, 1, seed=11))  # bias
    shape = list(y.output(0).shape)
    r = ops.parameter(shape, "f32", name="r")
    y = ops.clamp(ops.add(y, r), min=0.0, max=6.0)  # residual, then Relu6
    types = check(Model([y], [x, r]), [rand(1, 6, *hw, seed=12), rand(*shape, seed=13)])
    assert types["dw"] == ("EXECUTED", "numba_depthwise_FP32")


@pytest.mark.parametrize("rounding", ["floor", "ceil"])
@pytest.mark.parametrize("exclude_pad", [True, False])
def test_avg_pool(check, rounding, exclude_pad):
    x = ops.parameter([1, 5, 9, 8], "f32", name="x")
    attrs = {"exclude-pad": exclude_pad, "rounding_type": rounding}
    y = ops.avg_pool(
        x, strides=[2, 2], pads_begin=[1, 0], pads_end=[1, 1], kernel=[3, 3], name="pool", **attrs
    )
    types = check(Model([y], [x]), [rand(1, 5, 9, 8, seed=8)])
    assert types["pool"] == ("EXECUTED", "numba_avg_pool_FP32")


def test_max_pool_with_dilation_and_unused_indices(check):
    x = ops.parameter([2, 3, 11, 10], "f32", name="x")
    y = ops.max_pool(
        x,
        strides=[2, 1],
        dilations=[2, 1],
        pads_begin=[1, 1],
        pads_end=[1, 1],
        kernel=[3, 3],
        rounding_type="ceil",
        name="pool",
    )
    types = check(Model([y.output(0)], [x]), [rand(2, 3, 11, 10, seed=9)])
    assert types["pool"] == ("EXECUTED", "numba_max_pool_FP32")


def test_max_pool_indices_use_the_reference(check):
    x = ops.parameter([1, 2, 6, 6], "f32", name="x")
    y = ops.max_pool(
        x,
        strides=[2, 2],
        dilations=[1, 1],
        pads_begin=[0, 0],
        pads_end=[0, 0],
        kernel=[2, 2],
        name="pool",
    )
    types = check(Model([y.output(0), y.output(1)], [x]), [rand(1, 2, 6, 6, seed=10)])
    assert types["pool"] == ("EXECUTED", "ref_any_FP32")
