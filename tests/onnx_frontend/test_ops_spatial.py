"""Converters that map one ONNX node onto one OpenVINO op: GridSample, DeformConv, RoiAlign,
EyeLike and BitShift. Each checks the op built and the values against onnx.reference."""

from __future__ import annotations

import numpy as np
import pytest
from frontend_helpers import assert_matches_reference, make_model, tensor
from onnx import TensorProto, helper
from pyvino.frontend.onnx import convert_onnx

RNG = np.random.default_rng(22)


def one_node(op, inputs, opset, initializers=(), **attrs):
    names = [n for n, _, _ in inputs] + [n for n, _ in initializers]
    node = helper.make_node(op, names, ["y"], **attrs)
    return make_model(
        [node],
        [tensor(n, s, t) for n, s, t in inputs],
        [tensor("y", None)],
        opset=opset,
        initializers=initializers,
    )


def types(proto, registry) -> list[str]:
    return [op.type_name for op in convert_onnx(proto, registry=registry).get_ordered_ops()]


F = TensorProto.FLOAT


@pytest.mark.parametrize("mode", ["linear", "nearest", "cubic"])
@pytest.mark.parametrize("align", [0, 1])
def test_gridsample_is_gridsample9(registry, mode, align):
    proto = one_node(
        "GridSample",
        [("x", [1, 2, 4, 5], F), ("g", [1, 3, 3, 2], F)],
        20,
        mode=mode,
        align_corners=align,
    )
    assert "GridSample" in types(proto, registry)
    x = RNG.standard_normal((1, 2, 4, 5)).astype(np.float32)
    grid = RNG.uniform(-1.0, 1.0, (1, 3, 3, 2)).astype(np.float32)
    assert_matches_reference(proto, [x, grid], registry)


def test_deformconv_with_mask_and_bias(registry):
    w = RNG.standard_normal((4, 2, 3, 3)).astype(np.float32)
    b = RNG.standard_normal(4).astype(np.float32)
    node = helper.make_node(
        "DeformConv", ["x", "w", "off", "b", "mask"], ["y"], pads=[1, 1, 1, 1], group=1
    )
    proto = make_model(
        [node],
        [tensor("x", [1, 2, 5, 5]), tensor("off", [1, 18, 5, 5]), tensor("mask", [1, 9, 5, 5])],
        [tensor("y", None)],
        opset=19,
        initializers=[("w", w), ("b", b)],
    )
    assert "DeformableConvolution" in types(proto, registry)
    x = RNG.standard_normal((1, 2, 5, 5)).astype(np.float32)
    off = RNG.uniform(-1.5, 1.5, (1, 18, 5, 5)).astype(np.float32)
    mask = RNG.uniform(0, 1, (1, 9, 5, 5)).astype(np.float32)
    assert_matches_reference(proto, [x, off, mask], registry)


@pytest.mark.parametrize("transform", ["half_pixel", "output_half_pixel"])
def test_roialign_coordinate_modes(registry, transform):
    proto = one_node(
        "RoiAlign",
        [("x", [1, 2, 8, 8], F), ("rois", [3, 4], F), ("idx", [3], TensorProto.INT64)],
        16,
        coordinate_transformation_mode=transform,
        output_height=3,
        output_width=2,
        sampling_ratio=2,
        spatial_scale=0.5,
    )
    x = RNG.standard_normal((1, 2, 8, 8)).astype(np.float32)
    rois = np.array([[0, 0, 9, 9], [2, 4, 12, 10], [1.5, 0.5, 3, 14]], np.float32)
    assert_matches_reference(proto, [x, rois, np.zeros(3, np.int64)], registry)


@pytest.mark.parametrize("k, dtype", [(0, None), (2, TensorProto.INT32), (-1, TensorProto.DOUBLE)])
def test_eyelike_is_eye9(registry, k, dtype):
    attrs = {"k": k} | ({"dtype": dtype} if dtype is not None else {})
    proto = one_node("EyeLike", [("x", [3, 5], F)], 9, **attrs)
    assert "Eye" in types(proto, registry)
    assert_matches_reference(proto, [np.zeros((3, 5), np.float32)], registry)


@pytest.mark.parametrize("direction", ["LEFT", "RIGHT"])
def test_bitshift_is_the_opset15_shift(registry, direction):
    u8 = TensorProto.UINT8
    proto = one_node("BitShift", [("x", [4], u8), ("s", [4], u8)], 11, direction=direction)
    expected = "BitwiseLeftShift" if direction == "LEFT" else "BitwiseRightShift"
    assert expected in types(proto, registry)
    x, s = np.array([1, 16, 255, 7], np.uint8), np.array([1, 2, 3, 0], np.uint8)
    assert_matches_reference(proto, [x, s], registry)
