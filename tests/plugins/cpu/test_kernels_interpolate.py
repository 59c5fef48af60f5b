"""The numba Interpolate kernel against the reference evaluate: modes, coordinate transforms,
nearest rounding, scales vs sizes, axis subsets, Interpolate-1/4/11 and the fallbacks."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino import Model

from .conftest import rand

FAST = ("EXECUTED", "numba_interpolate_FP32")
TRANSFORMS = [
    "half_pixel",
    "pytorch_half_pixel",
    "asymmetric",
    "tf_half_pixel_for_nn",
    "align_corners",
]
NEAREST_MODES = ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil", "simple"]


def _v11(shape, target, axes, scales: bool, **attrs) -> Model:
    ops = pyvino.opset11
    x = ops.parameter(list(shape), "f32", name="x")
    dtype = np.float32 if scales else np.int64
    y = ops.interpolate(
        x,
        np.array(target, dtype),
        np.array(axes, np.int64),
        shape_calculation_mode="scales" if scales else "sizes",
        name="y",
        **attrs,
    )
    return Model([y], [x])


@pytest.mark.parametrize("transform", TRANSFORMS)
@pytest.mark.parametrize("nearest_mode", NEAREST_MODES)
@pytest.mark.parametrize("scale", [2.0, 0.5, 1.5])
def test_nearest_modes_and_transforms(check, transform, nearest_mode, scale):
    model = _v11(
        (1, 3, 8, 10),
        [scale, scale],
        [2, 3],
        True,
        mode="nearest",
        coordinate_transformation_mode=transform,
        nearest_mode=nearest_mode,
    )
    assert check(model, [rand(1, 3, 8, 10)])["y"] == FAST


@pytest.mark.parametrize("transform", TRANSFORMS)
@pytest.mark.parametrize("mode", ["linear_onnx", "cubic"])
@pytest.mark.parametrize("sizes", [(16, 20), (5, 7), (8, 31)])
def test_linear_and_cubic_by_sizes(check, transform, mode, sizes):
    model = _v11(
        (2, 3, 8, 10), sizes, [2, 3], False, mode=mode, coordinate_transformation_mode=transform
    )
    assert check(model, [rand(2, 3, 8, 10, seed=4)])["y"] == FAST


def test_cubic_coefficient(check):
    model = _v11((1, 2, 6, 6), [2.0, 2.0], [2, 3], True, mode="cubic", cube_coeff=-0.5)
    assert check(model, [rand(1, 2, 6, 6)])["y"] == FAST


@pytest.mark.parametrize("mode", ["nearest", "linear_onnx"])
def test_channels_last_axes(check, mode):
    """Axes 1 and 2 of NHWC: the kernel's middle and inner dimensions are not 1."""
    model = _v11((2, 5, 6, 3), [3.0, 2.0], [1, 2], True, mode=mode)
    assert check(model, [rand(2, 5, 6, 3, seed=5)])["y"] == FAST


@pytest.mark.parametrize("axes", [[0], [1], [2]])
def test_one_axis_of_a_3d_tensor(check, axes):
    model = _v11((4, 5, 6), [7], axes, False, mode="linear_onnx")
    assert check(model, [rand(4, 5, 6, seed=6)])["y"] == FAST


def test_interpolate_4_scales_input(check):
    ops = pyvino.opset4
    x = ops.parameter([1, 2, 5, 5], "f32", name="x")
    y = ops.interpolate(
        x,
        np.array([10, 10], np.int64),
        np.array([2.0, 2.0], np.float32),
        np.array([2, 3], np.int64),
        mode="linear_onnx",
        shape_calculation_mode="scales",
        name="y",
    )
    assert check(Model([y], [x]), [rand(1, 2, 5, 5)])["y"] == FAST


@pytest.mark.parametrize(
    ("mode", "align"), [("nearest", False), ("linear", True), ("linear", False)]
)
def test_interpolate_1(check, mode, align):
    ops = pyvino.opset1
    x = ops.parameter([1, 2, 6, 4], "f32", name="x")
    y = ops.interpolate(
        x, np.array([9, 11], np.int64), axes=[2, 3], mode=mode, align_corners=align, name="y"
    )
    assert check(Model([y], [x]), [rand(1, 2, 6, 4, seed=7)])["y"] == FAST


def test_three_resized_axes_fall_back_to_the_reference(check):
    model = _v11((2, 4, 4, 4), [2.0, 2.0, 2.0], [1, 2, 3], True, mode="linear_onnx")
    assert check(model, [rand(2, 4, 4, 4)])["y"] == ("EXECUTED", "ref_any_FP32")


def test_pads_fall_back_to_the_reference(check):
    model = _v11((1, 1, 4, 4), [2.0, 2.0], [2, 3], True, mode="nearest", pads_begin=[0, 0, 1, 1])
    assert check(model, [rand(1, 1, 4, 4)])["y"] == ("EXECUTED", "ref_any_FP32")


def test_upsampling_known_values(core):
    """Nearest x2 of a 2x2 image repeats every pixel; half-pixel linear blends 3:1."""
    image = np.array([[[[1.0, 2.0], [3.0, 4.0]]]], np.float32)
    nearest = _v11((1, 1, 2, 2), [2.0, 2.0], [2, 3], True, mode="nearest")
    got = core.compile_model(nearest, "CPU")([image])[0]
    np.testing.assert_array_equal(got[0, 0], np.repeat(np.repeat(image[0, 0], 2, 0), 2, 1))
    linear = _v11((1, 1, 2, 2), [2.0, 2.0], [2, 3], True, mode="linear_onnx")
    row = core.compile_model(linear, "CPU")([image])[0][0, 0, 0]
    np.testing.assert_allclose(row, [1.0, 1.25, 1.75, 2.0], rtol=1e-6)
